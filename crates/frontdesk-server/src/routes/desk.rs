//! The desk's push: changes made at a desk (possibly offline), each applied exactly once.

use axum::extract::State;
use axum::Json;
use frontdesk_store::actions::ClientMutation;
use frontdesk_store::desk::{self, Applied};
use serde::Deserialize;
use serde_json::{json, Value};

use super::Body;
use crate::auth::Authed;
use crate::observe::PushOutcome;
use crate::{ApiError, AppState};

/// At most this many mutations in one push; a desk with more sends several.
pub const MAX_BATCH: usize = 500;

#[derive(Deserialize)]
pub struct Push {
    mutations: Vec<ClientMutation>,
}

pub async fn push(
    State(st): State<AppState>,
    Authed(a): Authed,
    Body(p): Body<Push>,
) -> Result<Json<Value>, ApiError> {
    if p.mutations.len() > MAX_BATCH {
        return Err(ApiError::invalid(
            "batch_too_large",
            format!("Send at most {MAX_BATCH} mutations at a time."),
        ));
    }
    let now = st.clock.now();
    // In order, each in its own transaction: one refusal does not hold back the rest.
    let results: Vec<Applied> = st
        .blocking(move |s| {
            p.mutations
                .iter()
                .map(|m| desk::apply(s, &a, now, m))
                .collect::<frontdesk_store::Result<_>>()
        })
        .await?;
    st.notify_changed();
    for r in &results {
        st.metrics.pushed(match r.outcome.outcome.as_str() {
            "applied" => PushOutcome::Applied,
            "conflict" => PushOutcome::Conflict,
            _ => PushOutcome::Refused,
        });
    }
    Ok(Json(json!({ "results": results })))
}
