//! The ordered change feed (polling and server-sent events) and the notification outbox view.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use frontdesk_api::limits::{CHANGES_PAGE as PAGE, NOTIFICATIONS_PAGE};
use frontdesk_api::{Change, ChangesPage, Notification, Since};
use frontdesk_core::{DomainError, Role, Timestamp};
use frontdesk_store::actions;
use frontdesk_store::queries::{self, Visibility};
use futures_util::Stream;
use tokio::sync::watch;

use super::Params;
use crate::auth::{self, Authed, SignedIn};
use crate::streams::StreamSlot;
use crate::{ApiError, AppState};

async fn visibility(st: &AppState, a: frontdesk_core::Actor) -> Result<Visibility, ApiError> {
    st.read(a, |tx, by| queries::visibility(tx, by.actor)).await
}

/// The change feed after a cursor, oldest first: the changes of the portals the caller works at.
#[utoipa::path(get, path = "/api/v1/changes", tag = "feed", security(("bearer" = [])), 
    params(Since), responses((status = 200, body = ChangesPage)))]
pub async fn changes(
    State(st): State<AppState>,
    Authed(a): Authed,
    Params(p): Params<Since>,
) -> Result<Json<ChangesPage>, ApiError> {
    let vis = visibility(&st, a).await?;
    let since = p.since.unwrap_or(0).max(0);
    let limit = p.limit.unwrap_or(PAGE).clamp(1, PAGE);
    let changes: Vec<Change> = st
        .blocking(move |s| s.changes_since(&vis, since, limit))
        .await?;
    let last_seq = changes.last().map(|c| c.seq).unwrap_or(since);
    Ok(Json(ChangesPage { changes, last_seq }))
}

#[utoipa::path(get, path = "/api/v1/changes/stream", tag = "feed", security(("bearer" = [])), 
    params(Since, ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this sequence number")),
    responses((status = 200, description = "`change` events, each a Change as JSON with its sequence number as id", content_type = "text/event-stream", body = String),
        (status = 429, description = "Too many open streams", body = frontdesk_api::ErrorBody)))]
/// Server-sent events: every visible change after `since` (or the `Last-Event-ID` a reconnecting
/// client sends), then each new one as it is committed. The event id is the sequence number.
///
/// The stream lives no longer than its session: it ends within moments of a sign-out, a disable,
/// a password change or an admin ending the user's sessions, and when the session runs out.
pub async fn stream(
    State(st): State<AppState>,
    session: SignedIn,
    headers: HeaderMap,
    Params(p): Params<Since>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let slot = st.streams.open(
        &session.token_hash,
        st.limits.streams_per_session,
        st.limits.streams_total,
    )?;
    let vis = visibility(&st, session.actor.clone()).await?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let cursor = resume.or(p.since).unwrap_or(0).max(0);
    let follow = Follow {
        wake: st.subscribe(),
        closing: st.closing(),
        ended: st.sessions_ended(),
        ends_at: session.ends_at,
        token_hash: session.token_hash,
        st,
        vis,
        cursor,
        buf: Vec::new(),
        _slot: slot,
    };
    let events = futures_util::stream::unfold(follow, |mut f| async move {
        let ev = f.next().await?;
        Some((Ok(ev), f))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// One client's place in the change feed.
struct Follow {
    st: AppState,
    vis: Visibility,
    cursor: i64,
    buf: Vec<Change>,
    wake: watch::Receiver<u64>,
    closing: watch::Receiver<bool>,
    ended: watch::Receiver<u64>,
    token_hash: Vec<u8>,
    ends_at: Timestamp,
    _slot: StreamSlot,
}

/// Even with no sign of an ended session, look again this often (a session ended by another
/// process on the same database sends no signal here).
const RECHECK: Duration = Duration::from_secs(30);

impl Follow {
    /// The next event, or `None` when the stream is over.
    async fn next(&mut self) -> Option<Event> {
        loop {
            if !self.buf.is_empty() {
                let c = self.buf.remove(0);
                self.cursor = c.seq;
                return Some(
                    Event::default()
                        .id(c.seq.to_string())
                        .event("change")
                        .json_data(&c)
                        .unwrap_or_else(|_| Event::default().comment("unserialisable change")),
                );
            }
            // Mark the current version seen before reading, so a commit that lands between the
            // read and the wait still wakes us.
            self.wake.borrow_and_update();
            let (v, cursor) = (self.vis.clone(), self.cursor);
            match self
                .st
                .blocking(move |s| s.changes_since(&v, cursor, PAGE))
                .await
            {
                Ok(next) if !next.is_empty() => self.buf = next,
                Ok(_) => {
                    let until_end = (self.ends_at - self.st.clock.now())
                        .to_std()
                        .unwrap_or_default()
                        .min(RECHECK);
                    let look_again = tokio::select! {
                        r = self.wake.changed() => if r.is_err() { return None } else { false },
                        // The server is shutting down: end the stream so it can.
                        _ = self.closing.wait_for(|c| *c) => return None,
                        _ = self.ended.changed() => true,
                        _ = tokio::time::sleep(until_end) => true,
                    };
                    if look_again && !self.session_live().await {
                        return None;
                    }
                }
                Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
            }
        }
    }

    async fn session_live(&mut self) -> bool {
        let (hash, now, policy) = (
            self.token_hash.clone(),
            self.st.clock.now(),
            self.st.sessions,
        );
        match self
            .st
            .blocking(move |s| auth::live_session(s, &hash, now, policy))
            .await
        {
            Ok(Some((_, ends_at))) => {
                self.ends_at = ends_at;
                true
            }
            Ok(None) => false,
            // The database hiccuped: keep the stream, look again later.
            Err(_) => true,
        }
    }
}

/// What the invitation outbox holds, for admins: the platform sees all, a building admin the
/// building's, a tenant admin its locations'.
/// The invitation outbox (admins).
#[utoipa::path(get, path = "/api/v1/notifications", tag = "feed", security(("bearer" = [])), 
    responses((status = 200, body = Vec<Notification>)))]
pub async fn notifications(
    State(st): State<AppState>,
    Authed(a): Authed,
) -> Result<Json<Vec<Notification>>, ApiError> {
    if a.role == Role::FrontDesk {
        return Err(DomainError::Forbidden.into());
    }
    let vis = visibility(&st, a.clone()).await?;
    let list = st
        .blocking(move |s| s.notifications(&vis, NOTIFICATIONS_PAGE))
        .await?;
    Ok(Json(
        st.read(a, move |tx, by| actions::shown_messages(tx, by, list))
            .await?,
    ))
}
