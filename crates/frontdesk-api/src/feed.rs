//! The ordered change feed (`GET /changes`, and `GET /changes/stream` as server-sent events).

use chrono::{DateTime, Utc};
use frontdesk_core::Portal;
use serde::{Deserialize, Serialize};

/// One entry of the change feed. For an `invite` the data is exactly what `GET /invites/{id}`
/// returns, so a desk applies it as if it had fetched the invite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Change {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub portal: Portal,
    /// `invite`, `visitor_type` or `location_settings`.
    pub entity: String,
    pub entity_id: String,
    #[ts(type = "unknown")]
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    /// The cursor for the next page: the last change's sequence number (or `since`).
    #[ts(type = "number")]
    pub last_seq: i64,
}

/// Where to read the feed from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Since {
    /// Changes after this sequence number (0: from the start).
    #[param(minimum = 0)]
    pub since: Option<i64>,
    /// At most this many (1 to 500, the default).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}
