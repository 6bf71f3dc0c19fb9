//! Passwords (argon2id, salted) and bearer tokens (32 random bytes, only their SHA-256 kept).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::Duration;
use frontdesk_core::Actor;
use frontdesk_store::{actions, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState};

/// How long a sign-in lasts; a desk signs in once a month rather than every shift.
pub const SESSION_DAYS: i64 = 30;

pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Backend(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A hash to verify against when the email is unknown, so a wrong email takes as long as a
/// wrong password and sign-in does not reveal which emails exist.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password for timing").unwrap_or_default())
}

/// Check the credentials and open a session. `None` when they do not match.
pub fn login(
    store: &frontdesk_store::SqliteStore,
    email: &str,
    password: &str,
    now: frontdesk_core::Timestamp,
) -> Result<Option<(String, Actor)>, StoreError> {
    let user = store.read(|tx| tx.user_by_email(email.trim()))?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.as_str())
        .unwrap_or(decoy_hash());
    let ok = verify_password(password, hash);
    let Some(user) = user.filter(|_| ok) else {
        return Ok(None);
    };
    let token = new_token();
    let actor = store.write(|tx| {
        tx.insert_session(
            &token_hash(&token),
            &user.id,
            now,
            now + Duration::days(SESSION_DAYS),
        )?;
        actions::actor_for(tx, &user)
    })?;
    Ok(Some((token, actor)))
}

/// The signed-in caller, from `Authorization: Bearer TOKEN`.
pub struct Authed(pub Actor);

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        let hash = token_hash(token);
        let now = state.clock.now();
        let actor = state
            .blocking(move |s| {
                s.read(|tx| match tx.user_by_session(&hash, now)? {
                    Some(u) => actions::actor_for(tx, &u).map(Some),
                    None => Ok(None),
                })
            })
            .await?;
        actor.map(Authed).ok_or_else(ApiError::unauthorized)
    }
}
