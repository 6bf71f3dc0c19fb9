//! One error type for every refused decision, each with a stable snake_case code that the API,
//! the desk and the visitor page all show, and a sentence a person can act on.

use thiserror::Error;

/// How a refusal maps onto HTTP; kept here so every front end classifies errors the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller may not do this (403).
    Forbidden,
    /// The thing does not exist, or the caller may not know it does (404).
    NotFound,
    /// The request is well formed but its values are not acceptable (422).
    Invalid,
    /// The request conflicts with the current state (409).
    Conflict,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("You do not have permission to do this.")]
    Forbidden,
    #[error("No {0} with that id exists, or you cannot see it.")]
    NotFound(&'static str),
    /// A field value that cannot be accepted; `code` names the rule, `message` the fix.
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// A state conflict; `code` names it (for example `not_primary` or `already_arrived`).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
}

impl DomainError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Invalid { code, .. } | Self::Conflict { code, .. } => code,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Forbidden => ErrorKind::Forbidden,
            Self::NotFound(_) => ErrorKind::NotFound,
            Self::Invalid { .. } => ErrorKind::Invalid,
            Self::Conflict { .. } => ErrorKind::Conflict,
        }
    }
}
