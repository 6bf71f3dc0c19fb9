//! Applying a desk's queued changes exactly once.

use frontdesk_core::{Actor, DomainError, Timestamp};

use crate::actions::{self, By, ClientMutation};
use crate::{MutationOutcome, Result, Store, StoreError};
pub use frontdesk_api::Applied;

/// Apply one mutation, or answer what it got before: the change and its outcome are written in
/// one transaction, so a retried push can never apply it twice. A refusal (a conflict with what
/// happened meanwhile, or a rule) is recorded as the mutation's outcome, for the desk to show.
pub fn apply(
    store: &dyn Store,
    actor: &Actor,
    now: Timestamp,
    m: &ClientMutation,
) -> Result<Applied> {
    let first = store.write(|tx| {
        if let Some(before) = tx.mutation(&m.id)? {
            return Ok(before);
        }
        let at = actions::mutation_time(m, now)?;
        let by = By { actor, now: at };
        actions::transition(tx, by, &m.invite_id, m.action, m.reason.clone())?;
        let outcome = MutationOutcome {
            id: m.id.clone(),
            invite_id: m.invite_id.clone(),
            outcome: frontdesk_api::MutationResult::Applied,
            code: None,
            message: None,
        };
        tx.record_mutation(&outcome, &actor.user_id, m.action.as_str(), at, now)?;
        Ok(outcome)
    });
    let outcome = match first {
        Ok(o) => o,
        Err(StoreError::Domain(e)) => record_refusal(store, actor, now, m, &e)?,
        Err(other) => return Err(other),
    };
    let invite = store
        .read(|tx| actions::invite(tx, By { actor, now }, &m.invite_id).map(Some))
        .or_else(|e| match e {
            StoreError::Domain(_) => Ok(None),
            other => Err(other),
        })?;
    Ok(Applied { outcome, invite })
}

fn record_refusal(
    store: &dyn Store,
    actor: &Actor,
    now: Timestamp,
    m: &ClientMutation,
    e: &DomainError,
) -> Result<MutationOutcome> {
    let outcome = actions::outcome_of(m, e);
    store.write(|tx| {
        // Another push of the same mutation may have got here first: its record stands.
        if let Some(before) = tx.mutation(&m.id)? {
            return Ok(before);
        }
        tx.record_mutation(&outcome, &actor.user_id, m.action.as_str(), m.at, now)?;
        Ok(outcome.clone())
    })
}
