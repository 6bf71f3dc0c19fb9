use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use frontdesk_core::Actor;
use frontdesk_store::actions::{self, NewUser};
use serde::Deserialize;
use serde_json::{json, Value};

use super::Body;
use crate::auth::{self, Authed};
use crate::{ApiError, AppState};

#[derive(Deserialize)]
pub struct Login {
    email: String,
    password: String,
}

fn user_json(a: &Actor) -> Value {
    json!({
        "id": a.user_id, "email": a.email, "role": a.role,
        "building_id": a.building_id, "tenant_id": a.tenant_id, "location_id": a.location_id,
    })
}

pub async fn login(
    State(st): State<AppState>,
    Body(req): Body<Login>,
) -> Result<Json<Value>, ApiError> {
    let now = st.clock.now();
    let found = st
        .blocking(move |s| auth::login(s, &req.email, &req.password, now))
        .await?;
    let (token, actor) = found.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "The email or password is not correct.",
        )
    })?;
    Ok(Json(json!({ "token": token, "user": user_json(&actor) })))
}

pub async fn logout(
    State(st): State<AppState>,
    Authed(_): Authed,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim()
        .to_string();
    st.blocking(move |s| s.write(|tx| tx.delete_session(&auth::token_hash(&token))))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(Authed(a): Authed) -> Json<Value> {
    Json(user_json(&a))
}

pub async fn create_user(
    State(st): State<AppState>,
    Authed(a): Authed,
    Body(req): Body<NewUser>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let u = st
        .write(a, move |tx, by| {
            actions::create_user(tx, by, req, auth::hash_password)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": u.id, "email": u.email, "role": u.role,
            "building_id": u.building_id, "tenant_id": u.tenant_id, "location_id": u.location_id,
        })),
    ))
}
