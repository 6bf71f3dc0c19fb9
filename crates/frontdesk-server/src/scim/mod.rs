//! SCIM 2.0 (RFC 7643/7644) at `/scim/v2`: identity providers (Okta, Entra ID) keep a tenant's
//! host directory in step with their users. A bearer token, made by the tenant's admins, names
//! the one tenant whose directory the requests see; a user of any other directory is not found.
//! Each request is one store transaction. Not part of the `/api/v1` OpenAPI document: SCIM's
//! own discovery endpoints describe it.

mod discovery;
mod filter;
mod patch;
mod user;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use frontdesk_core::error::ErrorKind;
use frontdesk_core::{Directory, Host, Id, Timestamp};
use frontdesk_store::{actions, ScimTokenRecord, StoreError, Tx};
use serde_json::{json, Value};

use crate::AppState;

/// Where the service is mounted.
pub const BASE: &str = "/scim/v2";

pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
pub const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const CONTENT_TYPE: &str = "application/scim+json";

/// A page holds at most this many users (Okta asks for 100, Entra ID for fewer).
pub const MAX_COUNT: usize = 1000;
const DEFAULT_COUNT: usize = 100;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ServiceProviderConfig", any(service_provider_config))
        .route("/ResourceTypes", any(resource_types))
        .route("/ResourceTypes/{id}", any(resource_type))
        .route("/Schemas", any(schemas))
        .route("/Schemas/{id}", any(schema))
        .route("/Users", get(list_users).post(create_user))
        .route(
            "/Users/{id}",
            get(get_user)
                .put(replace_user)
                .patch(patch_user)
                .delete(delete_user),
        )
        .route("/Groups", get(list_groups))
        .route("/.search", any(search))
        .route("/Users/.search", any(search))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// A SCIM error answer (RFC 7644 §3.12).
#[derive(Debug)]
pub struct ScimError {
    pub status: StatusCode,
    pub scim_type: Option<&'static str>,
    pub detail: String,
}

impl ScimError {
    pub fn new(
        status: StatusCode,
        scim_type: Option<&'static str>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    pub fn bad_request(scim_type: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, None, detail)
    }

    fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            None,
            "Send Authorization: Bearer <secret> with a SCIM token a tenant admin created \
             (POST /api/v1/tenants/{id}/scim-tokens); this one is unknown or revoked.",
        )
    }
}

impl From<StoreError> for ScimError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Domain(d) => {
                let (status, t) = match d.kind() {
                    ErrorKind::NotFound => (StatusCode::NOT_FOUND, None),
                    ErrorKind::Invalid => (StatusCode::BAD_REQUEST, Some("invalidValue")),
                    ErrorKind::Conflict => (StatusCode::CONFLICT, Some("uniqueness")),
                    ErrorKind::Forbidden => (StatusCode::FORBIDDEN, None),
                };
                Self::new(status, t, d.to_string())
            }
            StoreError::Backend(e) => {
                tracing::error!(error = %e, "storage failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    None,
                    "Something went wrong on the server; nothing was changed. Try again.",
                )
            }
        }
    }
}

impl From<crate::ApiError> for ScimError {
    fn from(e: crate::ApiError) -> Self {
        Self::new(e.status, None, e.message)
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "schemas": [ERROR],
            "status": self.status.as_str(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t);
        }
        let mut r = scim_json(self.status, &body);
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"scim\""),
            );
        }
        r
    }
}

fn scim_json(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
        body.to_string(),
    )
        .into_response()
}

fn ok(body: &Value) -> Result<Response, ScimError> {
    Ok(scim_json(StatusCode::OK, body))
}

async fn not_found() -> ScimError {
    ScimError::not_found("There is no such SCIM endpoint: this service has /Users, /Groups (always empty), /ServiceProviderConfig, /ResourceTypes and /Schemas.")
}

async fn method_not_allowed() -> ScimError {
    ScimError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        None,
        "This SCIM endpoint does not take that HTTP method.",
    )
}

/// A SCIM request: its bearer secret and the base URL its answers link to.
pub struct Caller {
    secret: Option<String>,
    base: String,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ScimError> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then(|| rest.trim().to_owned())
            });
        Ok(Self {
            secret,
            base: format!("{}{BASE}", st.public_base(&parts.headers)),
        })
    }
}

/// What a request does in its transaction. A `ScimError` it returns must come before it
/// writes anything (the store's own errors roll back).
type Work<T> = Box<dyn FnOnce(&mut dyn Tx, &Directory, Timestamp) -> Work2<T> + Send>;
type Work2<T> = frontdesk_store::Result<Result<T, ScimError>>;

impl Caller {
    /// Run `f` on the token's directory in one transaction (a write one when `write`); the
    /// token's last use is written at most once a minute.
    async fn run<T: Send + 'static>(
        &self,
        st: &AppState,
        write: bool,
        f: Work<T>,
    ) -> Result<T, ScimError> {
        let secret = self.secret.clone().ok_or_else(ScimError::unauthorized)?;
        let now = st.clock.now();
        let store = st.store.clone();
        let out = tokio::task::spawn_blocking(move || {
            let body = |tx: &mut dyn Tx| -> Work2<(T, ScimTokenRecord)> {
                let Some(token) = actions::scim_token(tx, &secret)? else {
                    return Ok(Err(ScimError::unauthorized()));
                };
                let dir = Directory::tenant(&token.tenant_id);
                let out = f(tx, &dir, now)?;
                if write && out.is_ok() {
                    actions::touch_scim_token(tx, &token, now)?;
                }
                Ok(out.map(|v| (v, token)))
            };
            if write {
                store.write(body)
            } else {
                store.read(body)
            }
        })
        .await
        .map_err(crate::ApiError::from)?;
        let (value, token) = out??;
        if write {
            st.notify_changed();
        } else if actions::scim_token_stale(&token, now) {
            let store = st.store.clone();
            tokio::task::spawn_blocking(move || {
                store.write(|tx| actions::touch_scim_token(tx, &token, now))
            })
            .await
            .map_err(crate::ApiError::from)??;
        }
        Ok(value)
    }
}

/// The query string's parameters; their names in any case.
struct Params(Vec<(String, String)>);

impl Params {
    fn from(
        q: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
    ) -> Result<Self, ScimError> {
        q.map(|Query(v)| Self(v)).map_err(|e| {
            ScimError::bad_request(
                "invalidSyntax",
                format!("The query string is not valid: {e}"),
            )
        })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn number(&self, name: &str) -> Result<Option<i64>, ScimError> {
        self.get(name)
            .map(|v| {
                v.trim().parse::<i64>().map_err(|_| {
                    ScimError::bad_request(
                        "invalidValue",
                        format!("{name} must be a whole number, not {v:?}."),
                    )
                })
            })
            .transpose()
    }

    fn projection(&self) -> user::Projection {
        user::Projection::parse(self.get("attributes"), self.get("excludedAttributes"))
    }
}

type QueryResult = Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

/// A request body as JSON, whatever its content type says (`application/scim+json`,
/// `application/json`, or none at all).
fn json_body(
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Value, ScimError> {
    let bytes = body.map_err(|_| {
        ScimError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("tooLarge"),
            format!(
                "The request body is too large: at most {} KiB.",
                crate::MAX_BODY_BYTES / 1024
            ),
        )
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ScimError::bad_request(
            "invalidSyntax",
            "The request has no body.",
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        ScimError::bad_request("invalidSyntax", format!("The body is not valid JSON: {e}"))
    })
}

fn only_get(method: &axum::http::Method) -> Result<(), ScimError> {
    if method == axum::http::Method::GET {
        Ok(())
    } else {
        Err(ScimError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            None,
            "This SCIM endpoint is read-only: use GET.",
        ))
    }
}

// Discovery: the same for every tenant, so no token needed.

async fn service_provider_config(
    c: Caller,
    method: axum::http::Method,
) -> Result<Response, ScimError> {
    only_get(&method)?;
    ok(&discovery::service_provider_config(&c.base))
}

async fn resource_types(c: Caller, method: axum::http::Method) -> Result<Response, ScimError> {
    only_get(&method)?;
    ok(&discovery::list(vec![discovery::user_resource_type(
        &c.base,
    )]))
}

async fn resource_type(
    c: Caller,
    method: axum::http::Method,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    only_get(&method)?;
    if id != "User" {
        return Err(ScimError::not_found(format!(
            "There is no resource type {id:?}; this service has User."
        )));
    }
    ok(&discovery::user_resource_type(&c.base))
}

async fn schemas(c: Caller, method: axum::http::Method) -> Result<Response, ScimError> {
    only_get(&method)?;
    ok(&discovery::list(vec![discovery::user_schema(&c.base)]))
}

async fn schema(
    c: Caller,
    method: axum::http::Method,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    only_get(&method)?;
    if id != USER {
        return Err(ScimError::not_found(format!(
            "There is no schema {id:?}; this service has {USER}."
        )));
    }
    ok(&discovery::user_schema(&c.base))
}

async fn search() -> ScimError {
    ScimError::new(
        StatusCode::NOT_IMPLEMENTED,
        None,
        "Searching with POST .search is not supported: use GET /Users with filter.",
    )
}

/// Entra ID's test connection also asks for groups: this service keeps none.
async fn list_groups(
    State(st): State<AppState>,
    c: Caller,
    q: QueryResult,
) -> Result<Response, ScimError> {
    let p = Params::from(q)?;
    c.run(&st, false, Box::new(|_, _, _| Ok(Ok(())))).await?;
    ok(&json!({
        "schemas": [LIST],
        "totalResults": 0,
        "startIndex": p.number("startIndex")?.unwrap_or(1).max(1),
        "itemsPerPage": 0,
        "Resources": [],
    }))
}

/// The host with this id in the token's directory; another directory's is not found.
fn load(
    tx: &dyn Tx,
    dir: &Directory,
    id: &str,
) -> frontdesk_store::Result<Result<Host, ScimError>> {
    Ok(tx
        .host(&Id::new(id.to_owned()))?
        .filter(|h| &h.directory == dir)
        .ok_or_else(|| ScimError::not_found(format!("There is no user {id} in this directory."))))
}

fn matches(f: &frontdesk_store::HostFilter, h: &Host) -> bool {
    f.user_name
        .as_ref()
        .is_none_or(|u| u.eq_ignore_ascii_case(&h.user_name))
        && f.email.as_ref().is_none_or(|e| e.to_lowercase() == h.email)
        && f.external_id
            .as_ref()
            .is_none_or(|x| Some(x) == h.external_id.as_ref())
}

async fn list_users(
    State(st): State<AppState>,
    c: Caller,
    q: QueryResult,
) -> Result<Response, ScimError> {
    let p = Params::from(q)?;
    let wanted = match p.get("filter").filter(|f| !f.trim().is_empty()) {
        Some(f) => filter::parse(f)?,
        None => filter::Wanted::default(),
    };
    let start = p.number("startIndex")?.unwrap_or(1).max(1) as usize;
    let count = (p.number("count")?.unwrap_or(DEFAULT_COUNT as i64).max(0) as usize).min(MAX_COUNT);
    let (page, total) = c
        .run(
            &st,
            false,
            Box::new(move |tx, dir, _| {
                if wanted.nothing {
                    return Ok(Ok((vec![], 0)));
                }
                if let Some(id) = &wanted.id {
                    let found: Vec<Host> = load(tx, dir, id)?
                        .ok()
                        .filter(|h| matches(&wanted.hosts, h))
                        .into_iter()
                        .collect();
                    let total = found.len() as u64;
                    let page = found.into_iter().skip(start - 1).take(count).collect();
                    return Ok(Ok((page, total)));
                }
                let total = tx.count_hosts(dir, &wanted.hosts)?;
                let page = if count == 0 || (start - 1) as u64 >= total {
                    vec![]
                } else {
                    tx.hosts(dir, &wanted.hosts, count, start - 1)?
                };
                Ok(Ok((page, total)))
            }),
        )
        .await?;
    let proj = p.projection();
    let resources: Vec<Value> = page
        .iter()
        .map(|h| proj.apply(user::to_resource(h, &c.base)))
        .collect();
    ok(&json!({
        "schemas": [LIST],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    }))
}

fn user_answer(status: StatusCode, h: &Host, c: &Caller, p: &Params) -> Response {
    let u = user::to_resource(h, &c.base);
    let location = u["meta"]["location"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut r = scim_json(status, &p.projection().apply(u));
    if status == StatusCode::CREATED {
        if let Ok(v) = HeaderValue::from_str(&location) {
            r.headers_mut().insert(header::LOCATION, v);
        }
    }
    r
}

async fn create_user(
    State(st): State<AppState>,
    c: Caller,
    q: QueryResult,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ScimError> {
    let p = Params::from(q)?;
    let draft = user::from_resource(&json_body(body)?)?.draft(None)?;
    let h = c
        .run(
            &st,
            true,
            Box::new(move |tx, dir, now| Ok(Ok(actions::create_host_in(tx, now, dir, &draft)?))),
        )
        .await?;
    Ok(user_answer(StatusCode::CREATED, &h, &c, &p))
}

async fn get_user(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    q: QueryResult,
) -> Result<Response, ScimError> {
    let p = Params::from(q)?;
    let h = c
        .run(&st, false, Box::new(move |tx, dir, _| load(tx, dir, &id)))
        .await?;
    Ok(user_answer(StatusCode::OK, &h, &c, &p))
}

async fn replace_user(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    q: QueryResult,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ScimError> {
    let p = Params::from(q)?;
    let fields = user::from_resource(&json_body(body)?)?;
    let h = c
        .run(
            &st,
            true,
            Box::new(move |tx, dir, now| {
                let current = match load(tx, dir, &id)? {
                    Ok(h) => h,
                    Err(e) => return Ok(Err(e)),
                };
                let draft = match fields.draft(Some(&current)) {
                    Ok(d) => d,
                    Err(e) => return Ok(Err(e)),
                };
                Ok(Ok(actions::replace_host_in(tx, now, &current, &draft)?))
            }),
        )
        .await?;
    Ok(user_answer(StatusCode::OK, &h, &c, &p))
}

async fn patch_user(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
    q: QueryResult,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ScimError> {
    let p = Params::from(q)?;
    let body = json_body(body)?;
    let h = c
        .run(
            &st,
            true,
            Box::new(move |tx, dir, now| {
                let current = match load(tx, dir, &id)? {
                    Ok(h) => h,
                    Err(e) => return Ok(Err(e)),
                };
                let draft =
                    match patch::apply(&current, &body).and_then(|f| f.draft(Some(&current))) {
                        Ok(d) => d,
                        Err(e) => return Ok(Err(e)),
                    };
                Ok(Ok(actions::replace_host_in(tx, now, &current, &draft)?))
            }),
        )
        .await?;
    Ok(user_answer(StatusCode::OK, &h, &c, &p))
}

async fn delete_user(
    State(st): State<AppState>,
    c: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ScimError> {
    c.run(
        &st,
        true,
        Box::new(move |tx, dir, _| {
            let h = match load(tx, dir, &id)? {
                Ok(h) => h,
                Err(e) => return Ok(Err(e)),
            };
            tx.delete_host(&h.id)?;
            Ok(Ok(()))
        }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
