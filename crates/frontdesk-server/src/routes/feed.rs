//! The ordered change feed (polling and server-sent events) and the notification outbox view.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use frontdesk_core::{DomainError, Role};
use frontdesk_store::queries::{self, Change, Visibility};
use frontdesk_store::Notification;
use futures_util::Stream;
use serde::Deserialize;
use serde_json::{json, Value};

use super::Params;
use crate::auth::Authed;
use crate::{ApiError, AppState};

const PAGE: usize = 500;

#[derive(Deserialize)]
pub struct Since {
    since: Option<i64>,
    limit: Option<usize>,
}

async fn visibility(st: &AppState, a: frontdesk_core::Actor) -> Result<Visibility, ApiError> {
    st.read(a, |tx, by| queries::visibility(tx, by.actor)).await
}

pub async fn changes(
    State(st): State<AppState>,
    Authed(a): Authed,
    Params(p): Params<Since>,
) -> Result<Json<Value>, ApiError> {
    let vis = visibility(&st, a).await?;
    let since = p.since.unwrap_or(0).max(0);
    let limit = p.limit.unwrap_or(PAGE).clamp(1, PAGE);
    let changes: Vec<Change> = st
        .blocking(move |s| s.changes_since(&vis, since, limit))
        .await?;
    let last = changes.last().map(|c| c.seq).unwrap_or(since);
    Ok(Json(json!({ "changes": changes, "last_seq": last })))
}

/// Server-sent events: every visible change after `since` (or the `Last-Event-ID` a reconnecting
/// client sends), then each new one as it is committed. The event id is the sequence number.
pub async fn stream(
    State(st): State<AppState>,
    Authed(a): Authed,
    headers: HeaderMap,
    Params(p): Params<Since>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let vis = visibility(&st, a).await?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let cursor = resume.or(p.since).unwrap_or(0).max(0);
    let wake = st.subscribe();
    let closing = st.closing();
    let state = (st, vis, cursor, wake, closing, Vec::<Change>::new());
    let events = futures_util::stream::unfold(
        state,
        |(st, vis, mut cursor, mut wake, mut closing, mut buf)| async move {
            loop {
                if !buf.is_empty() {
                    let c = buf.remove(0);
                    cursor = c.seq;
                    let ev = Event::default()
                        .id(c.seq.to_string())
                        .event("change")
                        .json_data(&c)
                        .unwrap_or_else(|_| Event::default().comment("unserialisable change"));
                    return Some((Ok(ev), (st, vis, cursor, wake, closing, buf)));
                }
                // Mark the current version seen before reading, so a commit that lands between the
                // read and the wait still wakes us.
                wake.borrow_and_update();
                let v = vis.clone();
                match st
                    .blocking(move |s| s.changes_since(&v, cursor, PAGE))
                    .await
                {
                    Ok(next) if !next.is_empty() => buf = next,
                    Ok(_) => {
                        tokio::select! {
                            r = wake.changed() => if r.is_err() { return None },
                            // The server is shutting down: end the stream so it can.
                            _ = closing.wait_for(|c| *c) => return None,
                        }
                    }
                    Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
                }
            }
        },
    );
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// What the invitation outbox holds, for admins: the platform sees all, a building admin the
/// building's, a tenant admin its locations'.
pub async fn notifications(
    State(st): State<AppState>,
    Authed(a): Authed,
) -> Result<Json<Vec<Notification>>, ApiError> {
    if a.role == Role::FrontDesk {
        return Err(DomainError::Forbidden.into());
    }
    let vis = visibility(&st, a).await?;
    Ok(Json(
        st.blocking(move |s| s.notifications(&vis, 500)).await?,
    ))
}
