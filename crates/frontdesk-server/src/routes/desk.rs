//! The desk's push: changes made at a desk (possibly offline), each applied exactly once.

use axum::extract::State;
use axum::Json;
use frontdesk_api::limits::MAX_MUTATIONS_PER_PUSH;
use frontdesk_api::{Applied, MutationResult, Push, PushResults};
use frontdesk_store::desk;

use super::Body;
use crate::auth::Authed;
use crate::observe::PushOutcome;
use crate::{ApiError, AppState};

/// Apply a desk's queued changes, in order, each exactly once (a re-sent id gets its first
/// answer). A refusal is an outcome of its mutation (`conflict` or `refused`), not an error.
#[utoipa::path(post, path = "/api/v1/mutations", tag = "desk", security(("bearer" = [])), 
    request_body = Push, responses((status = 200, body = PushResults)))]
pub async fn push(
    State(st): State<AppState>,
    Authed(a): Authed,
    Body(p): Body<Push>,
) -> Result<Json<PushResults>, ApiError> {
    if p.mutations.len() > MAX_MUTATIONS_PER_PUSH {
        return Err(ApiError::invalid(
            "batch_too_large",
            format!("Send at most {MAX_MUTATIONS_PER_PUSH} mutations at a time."),
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
        st.metrics.pushed(match r.outcome.outcome {
            MutationResult::Applied => PushOutcome::Applied,
            MutationResult::Conflict => PushOutcome::Conflict,
            MutationResult::Refused => PushOutcome::Refused,
        });
    }
    Ok(Json(PushResults { results }))
}
