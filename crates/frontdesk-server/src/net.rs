//! The HTTP server loop, with the limits an internet-facing service needs: a client that trickles
//! its headers, sits idle on a connection, trickles a request body or stops reading a response
//! is cut off; each request carries the client's address.
//!
//! `axum::serve` has no such limits, so connections are served with hyper directly:
//! - headers must arrive within [`Limits::header_read`], which hyper also applies while a
//!   kept-alive connection waits for its next request (so it doubles as the idle timeout);
//! - a request must be read and answered within [`Limits::request`] ([`Limits::upload`] for a
//!   registration with its photo), see [`request_deadline`];
//! - a response the client stops reading (a CSV export, an event stream) fails its connection
//!   once a write has made no progress for [`Limits::stalled_write`], see [`StallGuard`]; the
//!   response body is dropped with it, which ends the CSV's reader thread and its SQLite read
//!   transaction.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;
use tower::ServiceExt;

use crate::{ApiError, AppState};

/// What one client may take of the service, and how many event streams may be open.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Time to send a request's headers; also how long a kept-alive connection may sit idle.
    pub header_read: Duration,
    /// Time to send a request body and get the answer (streamed answers excepted).
    pub request: Duration,
    /// The same for a registration, whose body carries a phone photo over a slow link.
    pub upload: Duration,
    /// How long a response may wait on a client that does not read it.
    pub stalled_write: Duration,
    /// Open event streams per session (a desk needs one; a few tabs are fine).
    pub streams_per_session: usize,
    /// Open event streams in all.
    pub streams_total: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            request: Duration::from_secs(30),
            // 8 MiB at 1 Mbit/s, a weak mobile link, is about 70 s.
            upload: Duration::from_secs(120),
            stalled_write: Duration::from_secs(30),
            streams_per_session: 4,
            streams_total: 1000,
        }
    }
}

/// Serve `app` on an already bound listener until `shutdown` resolves; then stop accepting, let
/// requests under way finish (10 s at most) and return.
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    state: AppState,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let limits = state.limits.clone();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let purge = tokio::spawn(crate::auth::purge_sessions_every(
        state.clone(),
        Duration::from_secs(600),
    ));
    tokio::pin!(shutdown);
    loop {
        let (tcp, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: wait rather than spin, keep serving.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let io = TokioIo::new(StallGuard::new(tcp, limits.stalled_write));
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(addr));
            app.clone().oneshot(req)
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read)
            .serve_connection(io, service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %addr, "connection ended");
            }
        });
    }
    drop(listener);
    purge.abort();
    state.closing.send_replace(true);
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after 10 s; closing them");
    }
    Ok(())
}

/// Answer 408 when a request is not read and answered in time. Dropping the handler is safe:
/// every action is one transaction that commits whole or not at all.
pub async fn request_deadline(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let upload =
        req.method() == Method::POST && req.uri().path().starts_with("/api/v1/registrations/");
    let limit = if upload {
        st.limits.upload
    } else {
        st.limits.request
    };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            format!(
                "The request took longer than {} s to arrive and be answered. Check the connection and send it again.",
                limit.as_secs()
            ),
        )
        .into_response(),
    }
}

/// The client's address (the TCP peer). Requests not served by [`serve_app`] (a router driven
/// in-process) count as one unknown client.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip())
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

/// A socket whose writes fail once they have made no progress for `limit`: the peer stopped
/// reading. Reads are untouched (hyper's header timeout covers a silent client).
pub struct StallGuard<S> {
    inner: S,
    limit: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<S> StallGuard<S> {
    pub fn new(inner: S, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            stalled: None,
        }
    }

    /// Track a write's progress: reset on progress, fail when pending past the limit.
    fn guard<T>(&mut self, cx: &mut Context<'_>, r: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if r.is_ready() {
            self.stalled = None;
            return r;
        }
        let limit = self.limit;
        let sleep = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading the response",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for StallGuard<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for StallGuard<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.guard(cx, r)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.guard(cx, r)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut self.inner).poll_flush(cx);
        self.guard(cx, r)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let r = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.guard(cx, r)
    }
}
