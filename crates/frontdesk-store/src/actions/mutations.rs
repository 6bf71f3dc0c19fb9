//! Changes made on a desk, possibly offline: their verbs, their time, and their outcome.

use super::*;

/// How far a desk's clock may run ahead of the server's, and how old an offline change may be.
pub const CLOCK_SKEW_SECS: i64 = 120;
pub const OFFLINE_DAYS: i64 = 7;

/// The time an offline change is recorded at: when it happened on the desk, within bounds.
pub fn mutation_time(
    m: &ClientMutation,
    now: Timestamp,
) -> std::result::Result<Timestamp, DomainError> {
    let at = to_stored_precision(m.at);
    if at > now + chrono::Duration::seconds(CLOCK_SKEW_SECS) {
        return Err(DomainError::invalid(
            "invalid_time",
            "This change is dated in the future: check the desk's clock.",
        ));
    }
    if at < now - chrono::Duration::days(OFFLINE_DAYS) {
        return Err(DomainError::invalid(
            "invalid_time",
            format!("This change is older than {OFFLINE_DAYS} days and can no longer be applied."),
        ));
    }
    Ok(at)
}

/// The outcome a refused mutation is recorded with.
pub fn outcome_of(m: &ClientMutation, e: &DomainError) -> MutationOutcome {
    MutationOutcome {
        id: m.id.clone(),
        invite_id: m.invite_id.clone(),
        outcome: match e.kind() {
            frontdesk_core::error::ErrorKind::Conflict => MutationResult::Conflict,
            _ => MutationResult::Refused,
        },
        code: Some(e.code().into()),
        message: Some(e.to_string()),
    }
}
