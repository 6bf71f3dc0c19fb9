//! The built web front end (`ui/dist`), read once at start-up and served from memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::ApiError;

#[derive(Debug, Default)]
pub struct UiAssets {
    files: HashMap<String, Vec<u8>>,
}

impl UiAssets {
    /// `FRONTDESK_UI_DIR`, else the `ui/dist` of the source tree this binary was built from.
    pub fn default_dir() -> PathBuf {
        std::env::var_os("FRONTDESK_UI_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist"))
    }

    /// Load every file at the top of `dir` (the visitor's page) and of `dir/desk` (the
    /// receptionist's console, as `desk/NAME`); an absent folder gives an empty set (the page
    /// then answers with how to build it).
    pub fn load(dir: &Path) -> Self {
        let mut files = HashMap::new();
        for (sub, prefix) in [(dir.to_path_buf(), ""), (dir.join("desk"), "desk/")] {
            let Ok(entries) = std::fs::read_dir(&sub) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if !path.is_file() {
                    continue;
                }
                if let (Some(name), Ok(bytes)) = (
                    path.file_name().and_then(|n| n.to_str()).map(String::from),
                    std::fs::read(&path),
                ) {
                    files.insert(format!("{prefix}{name}"), bytes);
                }
            }
        }
        Self { files }
    }

    pub fn file(&self, name: &str) -> Option<Vec<u8>> {
        self.files.get(name).cloned()
    }
}

impl UiAssets {
    /// A page of the front end with its content security policy. Pages are never cached and
    /// send no Referer: the visitor's page reads a secret from its own address.
    pub fn page(&self, name: &str, csp: &'static str) -> Response {
        match self.file(name) {
            Some(html) => (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-store"),
                    (header::REFERRER_POLICY, "no-referrer"),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                    (header::CONTENT_SECURITY_POLICY, csp),
                ],
                html,
            )
                .into_response(),
            None => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ui_not_built",
                "The web front end has not been built. Run: scripts/build-ui (npm --prefix ui ci && npm --prefix ui run build)",
            )
            .into_response(),
        }
    }

    /// A script or stylesheet of the front end (`dir` is its folder inside `ui/dist`); anything
    /// else is not served.
    pub fn asset(&self, dir: &str, file: &str, cache: &'static str) -> Response {
        let content_type = match file.rsplit('.').next() {
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            _ => return no_such_file(),
        };
        match self.file(&format!("{dir}{file}")) {
            Some(body) => (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CACHE_CONTROL, cache),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                ],
                body,
            )
                .into_response(),
            None => no_such_file(),
        }
    }
}

/// A missing asset is refused in the API's error shape like every other refusal, so a client
/// (or a monitor) never has to tell an empty 404 from ours.
fn no_such_file() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "There is no such file of the web front end.",
    )
    .into_response()
}
