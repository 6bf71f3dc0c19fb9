//! The one error of every call, and how an HTTP failure becomes one.

use frontdesk_api::ErrorBody;
use reqwest::blocking::Response;
use reqwest::StatusCode;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ClientError {
    /// Nothing came back: no connection, or no answer in time. The desk keeps working on its
    /// cache and says it is offline; the reason is a few words for the status bar.
    #[error("the portal service cannot be reached: {0}")]
    Offline(String),
    /// The portal answered no. `code` is for programs to decide on (`card_sync_blocked`,
    /// `unauthorized`, …), `message` for the person: both from the portal's error body, or,
    /// when a proxy answered without one, `refused` (`unauthorized` for a 401) and the status.
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: String,
        message: String,
    },
    /// A success whose body is not what the contract says: another service at that address, or
    /// a portal of another version.
    #[error("the portal's answer could not be read: {0}")]
    Unexpected(String),
    /// The portal's address is not an http(s) URL with a host.
    #[error("{0} is not a portal address")]
    Address(String),
    /// HTTP could not be set up on this machine (its TLS roots, say).
    #[error("cannot set up HTTP: {0}")]
    Setup(String),
}

pub type Result<T, E = ClientError> = std::result::Result<T, E>;

/// A request that got no answer (or whose answer broke off).
pub(crate) fn unreachable(e: reqwest::Error) -> ClientError {
    ClientError::Offline(if e.is_timeout() {
        "no answer in time".into()
    } else if e.is_connect() {
        "connection refused".into()
    } else {
        e.to_string()
    })
}

/// A non-success answer, with the portal's reason when its body is the API's error shape.
pub(crate) fn refusal(r: Response) -> ClientError {
    let status = r.status();
    match r.json::<ErrorBody>() {
        Ok(body) => ClientError::Refused {
            status,
            code: body.error.code,
            message: body.error.message,
        },
        Err(_) => ClientError::Refused {
            status,
            code: if status == StatusCode::UNAUTHORIZED {
                "unauthorized"
            } else {
                "refused"
            }
            .into(),
            message: format!("The portal answered {status}."),
        },
    }
}
