//! Open event streams, counted per session and in all, so one leaked token or one client in a
//! reconnect loop cannot hold every connection the service has.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;

use crate::ApiError;

#[derive(Default)]
pub struct OpenStreams {
    by_session: Mutex<HashMap<Vec<u8>, usize>>,
}

/// One open stream; dropping it (the client went away, the session ended) frees its place.
pub struct StreamSlot {
    registry: Arc<OpenStreams>,
    session: Vec<u8>,
}

impl OpenStreams {
    pub fn open(
        self: &Arc<Self>,
        session: &[u8],
        per_session: usize,
        total: usize,
    ) -> Result<StreamSlot, ApiError> {
        let mut open = self.by_session.lock().unwrap_or_else(|e| e.into_inner());
        let all: usize = open.values().sum();
        let mine = open.get(session).copied().unwrap_or(0);
        if mine >= per_session {
            return Err(too_many(format!(
                "This sign-in already has {mine} open event streams, the most allowed. Close one (another window or tab of the console) and try again."
            )));
        }
        if all >= total {
            return Err(too_many(
                "The service has as many event streams open as it allows. Try again in a minute; until then the desk syncs by polling.".into(),
            ));
        }
        *open.entry(session.to_vec()).or_default() += 1;
        Ok(StreamSlot {
            registry: self.clone(),
            session: session.to_vec(),
        })
    }

    pub fn count(&self) -> usize {
        self.by_session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .sum()
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self
            .registry
            .by_session
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.session) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.session);
            }
        }
    }
}

fn too_many(message: String) -> ApiError {
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_streams", message)
        .retry_after(std::time::Duration::from_secs(30))
}
