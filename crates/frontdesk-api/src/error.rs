//! The one error shape every endpoint answers with: `{"error":{"code":"…","message":"…"}}`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs to decide on (`not_found`, `card_sync_blocked`, …).
    pub code: String,
    /// A sentence for the person using the program.
    pub message: String,
    /// Only with `card_sync_blocked`: the prompt's two answers (`save` assigns the card on this
    /// side only, by sending the request again with `local_only: true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub choices: Option<Vec<String>>,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error: ErrorDetail {
                code: code.into(),
                message: message.into(),
                choices: None,
            },
        }
    }
}
