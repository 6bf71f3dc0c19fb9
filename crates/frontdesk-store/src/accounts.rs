//! Admins' hold over accounts: disable and enable a user, end their sessions; and a user changing
//! their own password. Who may act on whom is the same rule as who may create that user.

use frontdesk_core::access::require;
use frontdesk_core::{id, validate, DomainError, Id};

use crate::actions::By;
use crate::{Result, Tx, UserRecord};
pub use frontdesk_api::AccountState;

/// The user `id`, if the caller administers them. Users outside the caller's scope are not
/// found, so ids reveal nothing.
fn managed_user(tx: &dyn Tx, by: By<'_>, id: &Id<id::User>) -> Result<UserRecord> {
    let u = tx.user(id)?.ok_or(DomainError::NotFound("user"))?;
    let location_tenant = match &u.location_id {
        Some(l) => tx.location(l)?.map(|l| l.tenant_id),
        None => None,
    };
    let allowed = by.actor.may_create_user(
        u.role,
        u.building_id.as_ref(),
        u.tenant_id.as_ref(),
        location_tenant.as_ref(),
    );
    require(allowed, false, "user")?;
    Ok(u)
}

/// Disable a user: no sign-in, and every session ends now (their open streams close).
pub fn disable_user(tx: &mut dyn Tx, by: By<'_>, id: &Id<id::User>) -> Result<AccountState> {
    let u = managed_user(tx, by, id)?;
    if u.id == by.actor.user_id {
        return Err(DomainError::invalid(
            "cannot_disable_self",
            "You cannot disable your own account. Ask another admin of this scope.",
        )
        .into());
    }
    if u.disabled_at.is_none() {
        tx.set_user_disabled(&u.id, Some(by.now))?;
    }
    let ended = tx.delete_sessions_of(&u.id, None)?;
    Ok(AccountState {
        id: u.id,
        email: u.email,
        disabled: true,
        sessions_ended: ended,
    })
}

pub fn enable_user(tx: &mut dyn Tx, by: By<'_>, id: &Id<id::User>) -> Result<AccountState> {
    let u = managed_user(tx, by, id)?;
    tx.set_user_disabled(&u.id, None)?;
    Ok(AccountState {
        id: u.id,
        email: u.email,
        disabled: false,
        sessions_ended: 0,
    })
}

/// End every session of a user (a lost phone, a leaked token); they can sign in again.
pub fn end_sessions(tx: &mut dyn Tx, by: By<'_>, id: &Id<id::User>) -> Result<AccountState> {
    let u = managed_user(tx, by, id)?;
    let ended = tx.delete_sessions_of(&u.id, None)?;
    Ok(AccountState {
        id: u.id,
        disabled: u.disabled_at.is_some(),
        email: u.email,
        sessions_ended: ended,
    })
}

/// Set the caller's new password (the current one was checked by the caller of this action) and
/// end every other session of theirs, keeping `keep`, the one making the change.
pub fn change_password(
    tx: &mut dyn Tx,
    by: By<'_>,
    keep: &[u8],
    new_password: &str,
    hash: impl FnOnce(&str) -> Result<String>,
) -> Result<usize> {
    validate::password(new_password)?;
    let before = tx.delete_sessions_of(&by.actor.user_id, Some(keep))?;
    tx.set_password_hash(&by.actor.user_id, &hash(new_password)?, Some(keep))?;
    Ok(before)
}
