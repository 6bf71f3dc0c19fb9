//! Passwords (argon2id, salted) and bearer tokens (32 random bytes, only their SHA-256 kept).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use frontdesk_core::session::{SessionPolicy, SessionState};
use frontdesk_core::{Actor, Timestamp};
use frontdesk_store::{actions, Store, StoreError};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState};

pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Backend(format!("password hashing failed: {e}").into()))
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

/// What a sign-in attempt came to.
pub enum LoginOutcome {
    SignedIn {
        token: String,
        actor: Actor,
    },
    /// Unknown email or wrong password (the caller cannot tell which).
    Wrong,
    /// The right password for a disabled account.
    Disabled,
}

/// Check the credentials and open a session (sweeping out ended ones on the way).
pub fn login(
    store: &dyn Store,
    email: &str,
    password: &str,
    now: Timestamp,
    policy: SessionPolicy,
) -> Result<LoginOutcome, StoreError> {
    let user = store.read(|tx| tx.user_by_email(email.trim()))?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.as_str())
        .unwrap_or(decoy_hash());
    let ok = verify_password(password, hash);
    let Some(user) = user.filter(|_| ok) else {
        return Ok(LoginOutcome::Wrong);
    };
    if user.disabled_at.is_some() {
        return Ok(LoginOutcome::Disabled);
    }
    let token = new_token();
    let actor = store.write(|tx| {
        tx.purge_sessions(now, policy.idle_cutoff(now))?;
        tx.insert_session(&token_hash(&token), &user.id, now, policy.expires_at(now))?;
        actions::actor_for(tx, &user)
    })?;
    Ok(LoginOutcome::SignedIn { token, actor })
}

/// Delete ended sessions now and then, so the table holds only live ones.
pub async fn purge_sessions_every(state: AppState, period: std::time::Duration) {
    let mut tick = tokio::time::interval(period);
    loop {
        tick.tick().await;
        let now = state.clock.now();
        let cutoff = state.sessions.idle_cutoff(now);
        match state
            .blocking(move |s| s.write(|tx| tx.purge_sessions(now, cutoff)))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "ended sessions purged"),
            Err(e) => tracing::warn!(error = e.message, "purging ended sessions failed"),
        }
    }
}

/// The caller's session: who they are, which session (for sign-out, password change and the
/// event streams that must end with it), and when it ends if not used again.
pub struct SignedIn {
    pub actor: Actor,
    pub token_hash: Vec<u8>,
    pub ends_at: Timestamp,
}

/// The signed-in caller, from `Authorization: Bearer TOKEN`.
pub struct Authed(pub Actor);

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The session behind `hash`, if it is live now; records its use (at most once a minute).
pub fn live_session(
    store: &dyn Store,
    hash: &[u8],
    now: Timestamp,
    policy: SessionPolicy,
) -> Result<Option<(Actor, Timestamp)>, StoreError> {
    let Some(found) = store.read(|tx| {
        let Some(s) = tx.session(hash)? else {
            return Ok(None);
        };
        let actor = actions::actor_for(tx, &s.user)?;
        Ok(Some((s, actor)))
    })?
    else {
        return Ok(None);
    };
    let (s, actor) = found;
    match policy.state(
        now,
        s.last_seen_at,
        s.expires_at,
        s.user.disabled_at.is_some(),
    ) {
        SessionState::Ended => Ok(None),
        SessionState::Live { touch } => {
            let last_seen = if touch {
                store.write(|tx| tx.touch_session(hash, now))?;
                now
            } else {
                s.last_seen_at
            };
            Ok(Some((actor, policy.ends_at(last_seen, s.expires_at))))
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let hash = token_hash(bearer(parts).ok_or_else(ApiError::unauthorized)?);
        let now = state.clock.now();
        let policy = state.sessions;
        let key = hash.clone();
        let found = state
            .blocking(move |s| live_session(s, &key, now, policy))
            .await?;
        let (actor, ends_at) = found.ok_or_else(ApiError::unauthorized)?;
        Ok(SignedIn {
            actor,
            token_hash: hash,
            ends_at,
        })
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        SignedIn::from_request_parts(parts, state)
            .await
            .map(|s| Authed(s.actor))
    }
}
