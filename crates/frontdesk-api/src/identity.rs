//! Signing in and out, the signed-in user, and admins' hold over accounts.

use frontdesk_core::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// A user and the place they work at (`GET /me`, and the answer to creating a user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct User {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub building_id: Option<String>,
    pub tenant_id: Option<String>,
    pub location_id: Option<String>,
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
    pub building_id: Option<String>,
    pub tenant_id: Option<String>,
    pub location_id: Option<String>,
}

/// What an admin sees of an account after acting on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct AccountState {
    pub id: String,
    pub email: String,
    pub disabled: bool,
    /// Sessions ended by this action.
    #[ts(type = "number")]
    pub sessions_ended: usize,
}
