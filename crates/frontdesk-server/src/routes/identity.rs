use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use frontdesk_api::{
    AccountState, ErrorBody, Login, NewUser, PasswordChange, PasswordChanged, SignedIn as Token,
    User, UserScope,
};
use frontdesk_core::{id, Actor, Id};
use frontdesk_store::accounts;
use frontdesk_store::actions;

use super::{Body, Path};
use crate::auth::{self, Authed, LoginOutcome, SignedIn};
use crate::net::ClientAddr;
use crate::{ApiError, AppState};

fn user(a: &Actor) -> User {
    User {
        id: a.user_id.clone(),
        email: a.email.clone(),
        role: a.role,
        scope: UserScope {
            building_id: a.building_id.clone(),
            tenant_id: a.tenant_id.clone(),
            location_id: a.location_id.clone(),
        },
    }
}

/// Sign in with email and password; the token goes in `Authorization: Bearer`.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "identity", request_body = Login,
    responses(
        (status = 200, body = Token),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 403, description = "The account is disabled", body = ErrorBody),
        (status = 429, description = "Too many failed sign-ins; see Retry-After", body = ErrorBody),
    ))]
pub async fn login(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    Body(req): Body<Login>,
) -> Result<Json<Token>, ApiError> {
    let email = req.email.trim().to_lowercase();
    // Checked before the password is hashed, and again once it is this attempt's turn: in a
    // burst, the attempts queued behind a failure are refused without hashing.
    let refuse = |wait| {
        tracing::warn!(%addr, email = %email, wait_s = wait_secs(wait), "sign-in throttled");
        st.metrics.sign_in_throttled();
        ApiError::throttled(wait)
    };
    st.throttle
        .check(&email, addr, Instant::now())
        .map_err(refuse)?;
    let _turn = st.hashing_turn().await?;
    st.throttle
        .check(&email, addr, Instant::now())
        .map_err(refuse)?;
    let (now, policy) = (st.clock.now(), st.sessions);
    let who = email.clone();
    let outcome = st
        .blocking(move |s| auth::login(s, &who, &req.password, now, policy))
        .await?;
    match outcome {
        LoginOutcome::SignedIn { token, actor } => {
            st.throttle.succeeded(&email, addr);
            tracing::info!(%addr, user = %actor.user_id, "signed in");
            Ok(Json(Token {
                token,
                user: user(&actor),
            }))
        }
        LoginOutcome::Wrong => {
            st.throttle.failed(&email, addr, Instant::now());
            st.metrics.sign_in_failed();
            tracing::warn!(%addr, email = %email, "sign-in failed: wrong email or password");
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "The email or password is not correct.",
            ))
        }
        LoginOutcome::Disabled => {
            tracing::warn!(%addr, email = %email, "sign-in refused: account disabled");
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "account_disabled",
                "This account has been disabled. Ask your administrator to enable it again.",
            ))
        }
    }
}

fn wait_secs(wait: std::time::Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// End this session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "identity", security(("bearer" = [])),
    responses((status = 204, description = "Signed out")))]
pub async fn logout(State(st): State<AppState>, session: SignedIn) -> Result<StatusCode, ApiError> {
    let hash = session.token_hash;
    st.blocking(move |s| s.write(|tx| tx.delete_session(&hash)))
        .await?;
    st.notify_sessions_ended();
    Ok(StatusCode::NO_CONTENT)
}

/// A user changes their own password; every other session of theirs ends.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "identity", security(("bearer" = [])),
    request_body = PasswordChange, responses((status = 200, body = PasswordChanged)))]
pub async fn change_password(
    State(st): State<AppState>,
    ClientAddr(addr): ClientAddr,
    session: SignedIn,
    Body(req): Body<PasswordChange>,
) -> Result<Json<PasswordChanged>, ApiError> {
    let email = session.actor.email.to_lowercase();
    st.throttle
        .check(&email, addr, Instant::now())
        .map_err(ApiError::throttled)?;
    let _turn = st.hashing_turn().await?;
    let user_id = session.actor.user_id.clone();
    let current = req.current_password;
    let ok = st
        .blocking(move |s| {
            let user = s.read(|tx| tx.user(&user_id))?;
            Ok(user.is_some_and(|u| auth::verify_password(&current, &u.password_hash)))
        })
        .await?;
    if !ok {
        st.throttle.failed(&email, addr, Instant::now());
        tracing::warn!(%addr, email = %email, "password change refused: wrong current password");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "invalid_credentials",
            "The current password is not correct; the password was not changed.",
        ));
    }
    let keep = session.token_hash;
    let ended = st
        .write(session.actor, move |tx, by| {
            accounts::change_password(tx, by, &keep, &req.new_password, auth::hash_password)
        })
        .await?;
    st.notify_sessions_ended();
    Ok(Json(PasswordChanged {
        other_sessions_ended: ended,
    }))
}

/// Disable a user: no sign-in, and their sessions end.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "identity", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), responses((status = 200, body = AccountState)))]
pub async fn disable_user(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::User>>,
) -> Result<Json<AccountState>, ApiError> {
    let out = st
        .write(a, move |tx, by| accounts::disable_user(tx, by, &id))
        .await?;
    st.notify_sessions_ended();
    Ok(Json(out))
}

/// Enable a disabled user again.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "identity", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), responses((status = 200, body = AccountState)))]
pub async fn enable_user(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::User>>,
) -> Result<Json<AccountState>, ApiError> {
    Ok(Json(
        st.write(a, move |tx, by| accounts::enable_user(tx, by, &id))
            .await?,
    ))
}

/// End every session of a user.
#[utoipa::path(delete, path = "/api/v1/users/{id}/sessions", tag = "identity", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), responses((status = 200, body = AccountState)))]
pub async fn end_sessions(
    State(st): State<AppState>,
    Authed(a): Authed,
    Path(id): Path<Id<id::User>>,
) -> Result<Json<AccountState>, ApiError> {
    let out = st
        .write(a, move |tx, by| accounts::end_sessions(tx, by, &id))
        .await?;
    st.notify_sessions_ended();
    Ok(Json(out))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = User)))]
pub async fn me(Authed(a): Authed) -> Json<User> {
    Json(user(&a))
}

/// Create a user within the caller's own scope.
#[utoipa::path(post, path = "/api/v1/users", tag = "identity", security(("bearer" = [])),
    request_body = NewUser, responses((status = 201, body = User)))]
pub async fn create_user(
    State(st): State<AppState>,
    Authed(a): Authed,
    Body(req): Body<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let u = st
        .write(a, move |tx, by| {
            actions::create_user(tx, by, req, auth::hash_password)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(User {
            id: u.id,
            email: u.email,
            role: u.role,
            scope: UserScope {
                building_id: u.building_id,
                tenant_id: u.tenant_id,
                location_id: u.location_id,
            },
        }),
    ))
}
