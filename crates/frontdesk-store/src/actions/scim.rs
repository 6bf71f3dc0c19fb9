//! SCIM tokens: a tenant's admins give their identity provider a bearer token scoped to the
//! tenant's directory. The secret is shown once and kept only as its hash; the SCIM service
//! finds the tenant by that hash. What the identity provider then does to the directory goes
//! through the hosts' `*_in` actions.

use frontdesk_api::{NewScimToken, ScimToken};

use super::places::location_scope;
use super::*;
use crate::ScimTokenRecord;

/// A token's `last_used_at` moves at most this often, so an import of thousands of users writes
/// it once a minute rather than once a request.
pub const SCIM_TOUCH_SECONDS: i64 = 60;

/// The tenant's admins (and platform admins) manage its tokens; the tenant's desks are told no,
/// everyone else that there is no such tenant.
fn require_tenant_admin(tx: &dyn Tx, by: By<'_>, tenant_id: &Id<id::Tenant>) -> Result<()> {
    tx.tenant(tenant_id)?
        .ok_or(DomainError::NotFound("tenant"))?;
    if by.actor.administers_tenant(tenant_id) {
        return Ok(());
    }
    let can_see = tx
        .locations_of_tenant(tenant_id)?
        .iter()
        .any(|l| by.actor.works_portal(&location_scope(l)));
    Ok(require(false, can_see, "tenant")?)
}

fn listed(t: ScimTokenRecord) -> ScimToken {
    ScimToken {
        id: t.id,
        label: t.label,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
    }
}

/// A new token for the tenant's directory, and its secret (the only time it is seen).
pub fn create_scim_token(
    tx: &mut dyn Tx,
    by: By<'_>,
    tenant_id: &Id<id::Tenant>,
    new: &NewScimToken,
) -> Result<(ScimToken, String)> {
    require_tenant_admin(tx, by, tenant_id)?;
    let label = validate::required_text("label", &new.label, 100)?;
    let secret = new_secret();
    let record = ScimTokenRecord {
        id: new_id::<ScimTokenRecord>().to_string(),
        tenant_id: tenant_id.clone(),
        label,
        created_at: by.now,
        last_used_at: None,
        revoked_at: None,
    };
    tx.insert_scim_token(&record, &secret_hash(&secret))?;
    Ok((listed(record), secret))
}

/// The tenant's tokens that still work, oldest first.
pub fn scim_tokens(tx: &dyn Tx, by: By<'_>, tenant_id: &Id<id::Tenant>) -> Result<Vec<ScimToken>> {
    require_tenant_admin(tx, by, tenant_id)?;
    Ok(tx.scim_tokens(tenant_id)?.into_iter().map(listed).collect())
}

/// Revoke one of the tenant's tokens: the identity provider holding it is refused from now on.
pub fn revoke_scim_token(
    tx: &mut dyn Tx,
    by: By<'_>,
    tenant_id: &Id<id::Tenant>,
    token_id: &str,
) -> Result<()> {
    require_tenant_admin(tx, by, tenant_id)?;
    let known = tx.scim_tokens(tenant_id)?.iter().any(|t| t.id == token_id);
    if !known || !tx.revoke_scim_token(token_id, by.now)? {
        return Err(DomainError::NotFound("scim_token").into());
    }
    Ok(())
}

/// The token a SCIM request's bearer secret names, unless unknown or revoked.
pub fn scim_token(tx: &dyn Tx, secret: &str) -> Result<Option<ScimTokenRecord>> {
    Ok(tx
        .scim_token_by_hash(&secret_hash(secret))?
        .filter(|t| t.revoked_at.is_none()))
}

/// Whether the token's `last_used_at` is old enough to be written again.
pub fn scim_token_stale(t: &ScimTokenRecord, now: Timestamp) -> bool {
    t.last_used_at
        .is_none_or(|at| now - at >= chrono::Duration::seconds(SCIM_TOUCH_SECONDS))
}

/// Note that the token was used, at most once a minute.
pub fn touch_scim_token(tx: &mut dyn Tx, t: &ScimTokenRecord, now: Timestamp) -> Result<()> {
    if scim_token_stale(t, now) {
        tx.touch_scim_token(&t.id, now)?;
    }
    Ok(())
}
