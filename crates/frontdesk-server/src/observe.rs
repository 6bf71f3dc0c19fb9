//! What an operator sees of the service: a request id and a span on every request, liveness
//! (`/healthz`) and readiness (`/readyz`), and Prometheus metrics (`/metrics`).
//!
//! The metrics are a handful of counters and histograms kept here rather than a metrics crate:
//! the exposition format is a few lines of text, and the service has few series (one per route).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::{ApiError, AppState};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Latency {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The methods counted by name; any other is "other" (a client can send any token as a method,
/// and each would otherwise be a series of its own).
const METHODS: [&str; 8] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other",
];

#[derive(Default)]
struct Answers {
    by_status: BTreeMap<u16, u64>,
    latency: Latency,
}

#[derive(Default)]
pub struct Metrics {
    /// route → method (index into [`METHODS`]) → answers. Keyed by route alone so that counting
    /// an answer allocates nothing once the route has been seen.
    answers: Mutex<BTreeMap<String, [Option<Box<Answers>>; METHODS.len()]>>,
    pushed: [AtomicU64; 3],
    sign_ins_throttled: AtomicU64,
    sign_ins_failed: AtomicU64,
}

/// What became of one change a desk pushed.
#[derive(Debug, Clone, Copy)]
pub enum PushOutcome {
    Applied = 0,
    Conflict = 1,
    Refused = 2,
}

fn method_index(method: &str) -> usize {
    METHODS
        .iter()
        .position(|m| *m == method)
        .unwrap_or(METHODS.len() - 1)
}

impl Metrics {
    fn record(&self, method: usize, route: &str, status: u16, secs: f64) {
        let mut answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        let per_method = match answers.get_mut(route) {
            Some(m) => m,
            None => answers.entry(route.to_string()).or_default(),
        };
        let a = per_method[method].get_or_insert_with(Box::default);
        *a.by_status.entry(status).or_default() += 1;
        let l = &mut a.latency;
        l.count += 1;
        l.sum += secs;
        for (b, bound) in l.buckets.iter_mut().zip(BUCKETS) {
            if secs <= bound {
                *b += 1;
            }
        }
    }

    pub fn pushed(&self, outcome: PushOutcome) {
        self.pushed[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn sign_in_failed(&self) {
        self.sign_ins_failed.fetch_add(1, Ordering::Relaxed);
    }

    pub fn sign_in_throttled(&self) {
        self.sign_ins_throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition (version 0.0.4).
    fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        let answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        let each = || {
            answers.iter().flat_map(|(route, per_method)| {
                per_method
                    .iter()
                    .zip(METHODS)
                    .filter_map(move |(a, method)| Some((method, escape(route), a.as_deref()?)))
            })
        };
        let _ = writeln!(
            out,
            "# HELP frontdesk_http_requests_total Answers by method, route and status.\n\
             # TYPE frontdesk_http_requests_total counter"
        );
        for (method, route, a) in each() {
            for (status, n) in &a.by_status {
                let _ = writeln!(
                    out,
                    "frontdesk_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP frontdesk_http_request_duration_seconds Time to answer, by method and route.\n\
             # TYPE frontdesk_http_request_duration_seconds histogram"
        );
        for (method, route, a) in each() {
            let l = &a.latency;
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, n) in BUCKETS.iter().zip(l.buckets) {
                let _ = writeln!(
                    out,
                    "frontdesk_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "frontdesk_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 frontdesk_http_request_duration_seconds_sum{{{labels}}} {}\n\
                 frontdesk_http_request_duration_seconds_count{{{labels}}} {}",
                l.count, l.sum, l.count
            );
        }
        drop(answers);
        let _ = writeln!(
            out,
            "# HELP frontdesk_desk_mutations_total Changes pushed by desks, by outcome.\n\
             # TYPE frontdesk_desk_mutations_total counter"
        );
        for (i, outcome) in ["applied", "conflict", "refused"].iter().enumerate() {
            let _ = writeln!(
                out,
                "frontdesk_desk_mutations_total{{outcome=\"{outcome}\"}} {}",
                self.pushed[i].load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP frontdesk_sign_ins_total Refused sign-ins: wrong credentials, or throttled before checking.\n\
             # TYPE frontdesk_sign_ins_total counter\n\
             frontdesk_sign_ins_total{{result=\"wrong\"}} {}\n\
             frontdesk_sign_ins_total{{result=\"throttled\"}} {}",
            self.sign_ins_failed.load(Ordering::Relaxed),
            self.sign_ins_throttled.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP frontdesk_event_streams_open Open change streams.\n\
             # TYPE frontdesk_event_streams_open gauge\n\
             frontdesk_event_streams_open {}\n\
             # HELP frontdesk_outbox_queued Messages waiting to be sent.\n\
             # TYPE frontdesk_outbox_queued gauge\n\
             frontdesk_outbox_queued {}\n\
             # HELP frontdesk_outbox_oldest_age_seconds Age of the oldest message waiting to be sent (0 when none).\n\
             # TYPE frontdesk_outbox_oldest_age_seconds gauge\n\
             frontdesk_outbox_oldest_age_seconds {}",
            gauges.streams, gauges.queued, gauges.oldest_age_secs
        );
        out
    }
}

struct Gauges {
    streams: usize,
    queued: u64,
    oldest_age_secs: f64,
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A request id the client may pass (`X-Request-Id`, for tying its own logs to ours), or a new one.
fn request_id(req: &Request) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(String::from)
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string())
}

/// Every request gets an id (echoed in `X-Request-Id`), a span carrying it, and its answer counted.
pub async fn trace_requests(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let id = request_id(&req);
    let method = method_index(req.method().as_str());
    // The route pattern, not the path: ids must not make a series each.
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let route = matched.as_ref().map_or("unmatched", |p| p.as_str());
    let span = tracing::info_span!("request", id = %id, method = METHODS[method], route = %route);
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let secs = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    st.metrics.record(method, route, status, secs);
    span.in_scope(|| {
        if status >= 500 {
            tracing::error!(status, ms = secs * 1000.0, "answered with a server error");
        } else {
            tracing::debug!(status, ms = secs * 1000.0, "answered");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers and its schema is this build's.
pub async fn readyz(State(st): State<AppState>) -> Response {
    match st.blocking(|s| s.schema_current()).await {
        Ok(true) => "ready".into_response(),
        Ok(false) => not_ready("The database's schema is not the one this build expects: run the matching version, or let it migrate."),
        Err(_) => not_ready("The database does not answer."),
    }
}

fn not_ready(why: &'static str) -> Response {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", why).into_response()
}

/// Prometheus metrics, for a scraper holding the operator's metrics token; 404 when none is set
/// (the counts say how busy each tenant's building is, so they are not public).
pub async fn metrics(State(st): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let Some(expected) = st.metrics_token.as_deref() else {
        return crate::routes::no_such_endpoint().into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| crate::auth::token_hash(t.trim()));
    if given.as_deref() != Some(expected) {
        return ApiError::unauthorized().into_response();
    }
    let backlog = st.blocking(|s| s.outbox_backlog()).await;
    let now = st.clock.now();
    let (queued, oldest_age_secs) = match backlog {
        Ok(b) => (
            b.queued,
            b.oldest
                .map(|t| (now - t).num_milliseconds().max(0) as f64 / 1000.0)
                .unwrap_or(0.0),
        ),
        Err(_) => (0, 0.0),
    };
    let body = st.metrics.render(&Gauges {
        streams: st.streams.count(),
        queued,
        oldest_age_secs,
    });
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
