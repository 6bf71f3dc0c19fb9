//! Who signs in and as what: the actor behind a user, creating users in one's own scope, the
//! platform admin made at start-up.

use super::*;

/// The actor behind a user record; a location's desk carries the location's tenant (never the
/// building: the lobby's invites are not the tenant reception's).
pub fn actor_for(tx: &dyn Tx, u: &UserRecord) -> Result<Actor> {
    let mut actor = Actor {
        user_id: u.id.clone(),
        email: u.email.clone(),
        role: u.role,
        building_id: u.building_id.clone(),
        tenant_id: u.tenant_id.clone(),
        location_id: u.location_id.clone(),
    };
    if let Some(loc) = &u.location_id {
        if let Some(l) = tx.location(loc)? {
            actor.tenant_id = Some(l.tenant_id);
        }
    }
    Ok(actor)
}

/// Create a user inside the creator's own scope. `hash` turns the password into its stored hash.
pub fn create_user(
    tx: &mut dyn Tx,
    by: By<'_>,
    req: NewUser,
    hash: impl FnOnce(&str) -> Result<String>,
) -> Result<UserRecord> {
    let email = validate::email("email", Some(&req.email))?
        .ok_or_else(|| DomainError::invalid("missing_field", "email is required."))?;
    validate::password(&req.password)?;
    let (b, t, l) = (
        req.scope.building_id.as_ref(),
        req.scope.tenant_id.as_ref(),
        req.scope.location_id.as_ref(),
    );
    let shape_ok = match req.role {
        Role::PlatformAdmin => b.is_none() && t.is_none() && l.is_none(),
        Role::BuildingAdmin => b.is_some() && t.is_none() && l.is_none(),
        Role::TenantAdmin => t.is_some() && b.is_none() && l.is_none(),
        Role::FrontDesk => b.is_some() != l.is_some() && t.is_none(),
    };
    if !shape_ok {
        return Err(DomainError::invalid(
            "invalid_scope",
            "Scope the user to match the role: building_admin takes building_id; tenant_admin takes tenant_id; front_desk takes either building_id or location_id; platform_admin takes none.",
        )
        .into());
    }
    if let Some(b) = b {
        tx.building(b)?.ok_or(DomainError::NotFound("building"))?;
    }
    if let Some(t) = t {
        tx.tenant(t)?.ok_or(DomainError::NotFound("tenant"))?;
    }
    let location_tenant = match l {
        Some(l) => Some(
            tx.location(l)?
                .ok_or(DomainError::NotFound("location"))?
                .tenant_id,
        ),
        None => None,
    };
    if !by
        .actor
        .may_create_user(req.role, b, t, location_tenant.as_ref())
    {
        return Err(DomainError::Forbidden.into());
    }
    if tx.user_by_email(&email)?.is_some() {
        return Err(
            DomainError::conflict("email_taken", "A user with this email already exists.").into(),
        );
    }
    let user = UserRecord {
        id: new_id(),
        email,
        password_hash: hash(&req.password)?,
        role: req.role,
        building_id: req.scope.building_id,
        tenant_id: req.scope.tenant_id,
        location_id: req.scope.location_id,
        created_at: by.now,
        disabled_at: None,
    };
    tx.insert_user(&user)?;
    Ok(user)
}

/// Create the platform admin named at start-up if no user has that email yet. Returns whether
/// one was created.
pub fn ensure_platform_admin(
    tx: &mut dyn Tx,
    email: &str,
    password: &str,
    now: Timestamp,
    hash: impl FnOnce(&str) -> Result<String>,
) -> Result<bool> {
    let email = validate::email("admin email", Some(email))?
        .ok_or_else(|| DomainError::invalid("missing_field", "The admin email is empty."))?;
    validate::password(password)?;
    if tx.user_by_email(&email)?.is_some() {
        return Ok(false);
    }
    tx.insert_user(&UserRecord {
        id: new_id(),
        email,
        password_hash: hash(password)?,
        role: Role::PlatformAdmin,
        building_id: None,
        tenant_id: None,
        location_id: None,
        created_at: now,
        disabled_at: None,
    })?;
    Ok(true)
}
