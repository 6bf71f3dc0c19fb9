//! Slow and stalled clients are cut off within the configured limits: headers trickled a byte at
//! a time, a connection left idle, a body that never finishes, and a CSV export the client stops
//! reading (which must also let go of its SQLite read transaction).
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Server, World, PASSWORD};
use frontdesk_server::Limits;

fn limits() -> Limits {
    Limits {
        header_read: Duration::from_secs(2),
        request: Duration::from_secs(3),
        upload: Duration::from_secs(3),
        stalled_write: Duration::from_secs(2),
        ..Limits::default()
    }
}

/// Seconds until the server closes `sock`, reading (and keeping) whatever it sends meanwhile.
/// Keeps writing `trickle` one byte at a time, every 300 ms, while it waits.
fn closed_after(sock: &mut TcpStream, mut trickle: &[u8], give_up: Duration) -> (f64, Vec<u8>) {
    let start = Instant::now();
    sock.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        assert!(
            start.elapsed() < give_up,
            "the connection is still open after {give_up:?}"
        );
        match sock.read(&mut buf) {
            Ok(0) => return (start.elapsed().as_secs_f64(), got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                if let Some((b, rest)) = trickle.split_first() {
                    if sock.write_all(&[*b]).is_err() {
                        return (start.elapsed().as_secs_f64(), got);
                    }
                    trickle = rest;
                }
            }
            Err(_) => return (start.elapsed().as_secs_f64(), got),
        }
    }
}

#[test]
fn a_client_trickling_its_headers_is_cut_off() {
    let s = Server::start_limited(limits());
    let mut sock = TcpStream::connect(s.addr).unwrap();
    let headers = format!(
        "GET /api/v1/health HTTP/1.1\r\nHost: {}\r\nX-Padding: {}\r\n\r\n",
        s.addr,
        "a".repeat(200)
    );
    let (secs, _) = closed_after(&mut sock, headers.as_bytes(), Duration::from_secs(10));
    assert!(
        (1.5..4.0).contains(&secs),
        "closed after {secs:.1} s, limit 2 s"
    );
    // Everyone else is served meanwhile and after.
    s.request("GET", "/health", None, None);
}

#[test]
fn an_idle_connection_is_closed() {
    let s = Server::start_limited(limits());
    let mut sock = TcpStream::connect(s.addr).unwrap();
    write!(
        sock,
        "GET /api/v1/health HTTP/1.1\r\nHost: {}\r\n\r\n",
        s.addr
    )
    .unwrap();
    // The answer comes at once; then the kept-alive connection sits idle until it is closed.
    let (secs, got) = closed_after(&mut sock, b"", Duration::from_secs(10));
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));
    assert!((1.5..4.0).contains(&secs), "closed after {secs:.1} s");
}

#[test]
fn a_body_that_never_finishes_gets_408() {
    let s = Server::start_limited(limits());
    let mut sock = TcpStream::connect(s.addr).unwrap();
    write!(
        sock,
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{{\"email\"",
        s.addr
    )
    .unwrap();
    let (secs, got) = closed_after(&mut sock, &[b' '; 40], Duration::from_secs(10));
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"request_timeout\""), "{text}");
    assert!((2.5..5.0).contains(&secs), "answered after {secs:.1} s");
}

/// A connection whose receive buffer is small, so a client that stops reading stalls the server
/// soon (a phone on a dead link looks the same to the server).
fn small_window_connect(addr: std::net::SocketAddr) -> TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sock = rt.block_on(async {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.set_recv_buffer_size(8 * 1024).unwrap();
        sock.connect(addr).await.unwrap()
    });
    let std = sock.into_std().unwrap();
    std.set_nonblocking(false).unwrap();
    std
}

/// Whether a checkpoint can reset the WAL: not while a reader holds an old snapshot.
fn reader_holds_snapshot(db: &std::path::Path) -> bool {
    let c = rusqlite::Connection::open(db).unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    c.execute_batch("CREATE TABLE IF NOT EXISTS probe (x); INSERT INTO probe VALUES (1);")
        .unwrap();
    // Asked without waiting: TRUNCATE would otherwise wait for the reader to finish.
    c.busy_timeout(Duration::ZERO).unwrap();
    let busy: i64 = c
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        .unwrap();
    busy != 0
}

#[test]
fn a_csv_export_the_client_stops_reading_is_dropped_and_lets_go_of_the_database() {
    let w = World::on(Server::start_limited(limits()));
    // Enough rows that the export cannot fit in the socket buffers: written in-process, in one
    // transaction, as the action would.
    let body = w.invite_body(&w.acme_loc, "Ngozi Ọkọnkwọ-Müller");
    let req: frontdesk_store::actions::NewInvite = serde_json::from_value(body).unwrap();
    let admin =
        w.s.state
            .store
            .read(|tx| tx.user_by_email("ba@hq.test"))
            .unwrap()
            .unwrap();
    w.s.state
        .store
        .write(|tx| {
            let actor = frontdesk_store::actions::actor_for(tx, &admin)?;
            let by = frontdesk_store::actions::By {
                actor: &actor,
                now: w.s.clock().now(),
            };
            let portal = frontdesk_core::Portal::building(w.building.clone());
            for _ in 0..15_000 {
                frontdesk_store::actions::create_invite(tx, by, &portal, req.clone())?;
            }
            Ok(())
        })
        .unwrap();
    let token = w.s.login("ba@hq.test", PASSWORD);
    let db = w.s.dir.path().join("frontdesk.db");
    assert!(!reader_holds_snapshot(&db));

    let mut sock = small_window_connect(w.s.addr);
    write!(
        sock,
        "GET /api/v1/buildings/{}/visitor-logs.csv HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\r\n",
        w.building, w.s.addr
    )
    .unwrap();
    // Read the start of the answer, then stop reading.
    let mut head = [0u8; 4096];
    let n = sock.read(&mut head).unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 200"));
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        reader_holds_snapshot(&db),
        "the export is under way and holds its snapshot (else this test shows nothing)"
    );
    // Past the stalled-write limit the server gives up on the client and the export's reader.
    common::eventually(6, "the export lets go of its snapshot", || {
        !reader_holds_snapshot(&db)
    });
    // What the client gets when it reads again is cut short: no end of the chunked body.
    let (_, rest) = closed_after(&mut sock, b"", Duration::from_secs(10));
    assert!(
        !rest.ends_with(b"0\r\n\r\n"),
        "the export was not completed"
    );
    w.s.get(&token, "/me").ok();
}
