//! Changes made on a desk, possibly offline: their verbs, their time, and their outcome.

use super::*;

/// A change made on a desk, possibly while offline, with the desk's own id and the time it
/// happened there.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientMutation {
    pub id: String,
    pub invite_id: String,
    pub action: MutationAction,
    pub at: Timestamp,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MutationAction {
    CheckIn,
    Arrive,
    CheckOut,
    Cancel,
}

impl MutationAction {
    pub fn transition(self) -> Transition {
        match self {
            Self::CheckIn => Transition::CheckIn,
            Self::Arrive => Transition::Arrive,
            Self::CheckOut => Transition::CheckOut,
            Self::Cancel => Transition::Cancel,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CheckIn => "check_in",
            Self::Arrive => "arrive",
            Self::CheckOut => "check_out",
            Self::Cancel => "cancel",
        }
    }
}

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
            frontdesk_core::error::ErrorKind::Conflict => "conflict",
            _ => "refused",
        }
        .into(),
        code: Some(e.code().into()),
        message: Some(e.to_string()),
    }
}
