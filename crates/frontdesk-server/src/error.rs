//! The API's one error shape: `{"error":{"code":"…","message":"…"}}` with the matching status.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use frontdesk_api::ErrorBody;
use frontdesk_core::card::CARD_SYNC_BLOCKED_PROMPT;
use frontdesk_core::error::ErrorKind;
use frontdesk_core::DomainError;
use frontdesk_store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Sent as `Retry-After` (whole seconds, rounded up) with a 429 or 503.
    pub retry_after: Option<std::time::Duration>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    /// Too many attempts: wait `wait` before the next one.
    pub fn throttled(wait: std::time::Duration) -> Self {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("Too many failed sign-ins. Wait {secs} s and try again; check the email and password first."),
        )
        .retry_after(wait)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Sign in first: send Authorization: Bearer <token> from POST /api/v1/auth/login.",
        )
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on the server; nothing was changed. Try again, and tell your administrator if it persists.",
        )
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        let status = match e.kind() {
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::Conflict => StatusCode::CONFLICT,
        };
        Self::new(status, e.code(), e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => d.into(),
            StoreError::Backend(e) => {
                tracing::error!(error = %e, "storage failure");
                Self::internal()
            }
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        tracing::error!(error = %e, "request task failed");
        Self::internal()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonSyntaxError(e) => Self::bad_request(
                "malformed_json",
                format!("The request body is not valid JSON: {}", e.body_text()),
            ),
            JsonRejection::JsonDataError(e) => Self::invalid(
                "invalid_body",
                format!(
                    "The request body has a missing or wrongly typed field: {}",
                    e.body_text()
                ),
            ),
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the body as JSON with Content-Type: application/json.",
            ),
            JsonRejection::BytesRejection(_) => payload_too_large(),
            _ => Self::bad_request("malformed_json", "The request body could not be read."),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::bad_request(
            "invalid_query",
            format!("The query string is not valid: {}", r.body_text()),
        )
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        match r {
            PathRejection::FailedToDeserializePathParams(e) => Self::bad_request(
                "invalid_path",
                format!("The address is not valid: {}", e.body_text()),
            ),
            // The route and its handler disagree on their parameters: a bug of ours.
            other => {
                tracing::error!(error = %other, "path parameters cannot be extracted");
                Self::internal()
            }
        }
    }
}

pub fn payload_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "The request body is too large: at most {} KiB (8 MiB for a registration with its photo).",
            crate::MAX_BODY_BYTES / 1024
        ),
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = ErrorBody::new(self.code, self.message);
        if self.code == "card_sync_blocked" {
            // The desk shows the product's prompt with its two choices: Save assigns locally
            // (repeat with local_only: true), Cancel changes nothing.
            body.error.message = CARD_SYNC_BLOCKED_PROMPT.into();
            body.error.choices = Some(vec!["save".into(), "cancel".into()]);
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Some(wait) = self.retry_after {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs.max(1)),
            );
        }
        response
    }
}
