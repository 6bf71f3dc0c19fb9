//! Signing in and out, the signed-in user, and admins' hold over accounts.

use frontdesk_core::Role;
use frontdesk_core::{id, Id};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// A user and the place they work at (`GET /me`, and the answer to creating a user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct User {
    #[schema(value_type = String)]
    pub id: Id<id::User>,
    pub email: String,
    pub role: Role,
    #[serde(flatten)]
    pub scope: UserScope,
}

/// Where a user works, by role: a building (its admin or lobby desk), a tenant (its admin), a
/// location (its desk), or nowhere in particular (the platform admin).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema,
)]
pub struct UserScope {
    #[schema(value_type = Option<String>)]
    pub building_id: Option<Id<id::Building>>,
    #[schema(value_type = Option<String>)]
    pub tenant_id: Option<Id<id::Tenant>>,
    #[schema(value_type = Option<String>)]
    pub location_id: Option<Id<id::Location>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct SignedIn {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub user: User,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct PasswordChanged {
    /// The user's other sessions, ended by the change.
    #[ts(type = "number")]
    pub other_sessions_ended: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    pub role: Role,
    #[serde(flatten)]
    pub scope: UserScope,
}

/// What an admin sees of an account after acting on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct AccountState {
    #[schema(value_type = String)]
    pub id: Id<id::User>,
    pub email: String,
    pub disabled: bool,
    /// Sessions ended by this action.
    #[ts(type = "number")]
    pub sessions_ended: usize,
}
