//! The built-in portal keeps no registration link's secret: it cannot deliver invitations, so
//! its messages are held without their link. Read back from portal.db itself — its rows, and
//! every byte of the file and its WAL — after invites made with notify on, and after a start on
//! a database an earlier version left with links waiting in its outbox.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use frontdesk_desk::embedded::{DemoLogin, HELD};
use frontdesk_desk::vault::{MachineId, Vault};
use frontdesk_desk::Console;
use frontdesk_store::actions::{NewInvite, NotificationState, VisitorInput};
use frontdesk_store::queries::Visibility;
use frontdesk_store::{secret_hash, ReadModels, SqliteStore};

/// Every registration secret written in the files: a link's secret is 64 hex characters, and
/// a run of them is one when its SHA-256 is a registration the portal would accept.
fn secrets_in(db: &Path, store: &SqliteStore) -> Vec<String> {
    let files: Vec<PathBuf> = ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .collect();
    let mut found = vec![];
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        for run in bytes.split(|b| !b.is_ascii_hexdigit()) {
            for w in run.windows(64) {
                let candidate = String::from_utf8_lossy(w).to_string();
                let known = store
                    .read(|tx| tx.registration(&secret_hash(&candidate)))
                    .unwrap();
                if known.is_some() {
                    found.push(format!("{candidate} in {}", f.display()));
                }
            }
        }
    }
    found
}

fn invite(name: &str, email: Option<&str>, mobile: Option<&str>) -> NewInvite {
    let now = Utc::now();
    NewInvite {
        location_id: None,
        host_name: "Ada".into(),
        host_id: None,
        visitor: VisitorInput {
            name: name.into(),
            email: email.map(String::from),
            mobile: mobile.map(String::from),
            company: None,
        },
        visitor_type_id: None,
        valid_from: now,
        valid_to: now + Duration::hours(4),
        notify: true,
    }
}

#[test]
fn the_scan_finds_secrets_where_a_portal_keeps_them() {
    // The shared portal keeps each link until its message is sent: the check below would see it.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("frontdesk.db");
    let store = SqliteStore::open(&db).unwrap();
    frontdesk_server::demo::seed(&store, Utc::now()).unwrap();
    assert!(!secrets_in(&db, &store).is_empty());
}

#[test]
fn invitations_on_the_built_in_portal_leave_no_link_secret_in_portal_db() {
    let dir = tempfile::tempdir().unwrap();
    let c = Console::open(dir.path()).unwrap();
    c.sign_in_demo("reception@acme.demo").unwrap();
    let by_mail = c
        .create_invite(&invite("Grace Hopper", Some("grace@visitor.test"), None))
        .unwrap();
    c.create_invite(&invite("Alan Turing", None, Some("+447700900123")))
        .unwrap();
    let id = by_mail.invite.id.clone();
    c.resend(id.as_str()).unwrap();

    // Read while the portal runs: what is in its WAL counts as much as the file.
    let db = dir.path().join("portal.db");
    let store = SqliteStore::open(&db).unwrap();
    let all = store.notifications(&Visibility::All, 500).unwrap();
    let ours: Vec<_> = all
        .iter()
        .filter(|n| n.recipient == "grace@visitor.test" || n.recipient == "+447700900123")
        .collect();
    assert_eq!(ours.len(), 3, "{ours:?}");
    assert!(all.iter().all(|n| n.link_token.is_none()), "{all:?}");
    assert!(all
        .iter()
        .all(|n| n.state == NotificationState::Held || n.state == NotificationState::Superseded));
    let held: Vec<_> = ours
        .iter()
        .filter(|n| n.state == NotificationState::Held)
        .collect();
    assert_eq!(held.len(), 2, "the resend superseded the first email");
    assert!(held.iter().all(|n| n.last_error.as_deref() == Some(HELD)));
    assert_eq!(secrets_in(&db, &store), Vec::<String>::new());
}

#[test]
fn links_an_earlier_version_left_in_the_outbox_are_purged_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("portal.db");
    {
        // portal.db as an earlier desk left it: the demo's invitations queued with their links.
        let store = SqliteStore::open(&db).unwrap();
        let logins: Vec<DemoLogin> = frontdesk_server::demo::seed(&store, Utc::now())
            .unwrap()
            .into_iter()
            .map(DemoLogin::from)
            .collect();
        Vault::new(
            dir.path(),
            "demo-logins.enc",
            &MachineId::of_this_machine().unwrap(),
        )
        .save(&logins)
        .unwrap();
        assert!(!secrets_in(&db, &store).is_empty());
    }
    let c = Console::open(dir.path()).unwrap();
    c.sign_in_demo("lobby@harbour.demo").unwrap();
    let store = SqliteStore::open(&db).unwrap();
    let all = store.notifications(&Visibility::All, 500).unwrap();
    assert!(!all.is_empty());
    assert!(all
        .iter()
        .all(|n| n.link_token.is_none() && n.state != NotificationState::Queued));
    assert_eq!(secrets_in(&db, &store), Vec::<String>::new());
    drop(c);
    assert_eq!(secrets_in(&db, &store), Vec::<String>::new());
}

/// One request over a plain TCP connection, so the test decides the `Host` header (or its
/// absence) and the request line: (status, body).
fn raw(port: u16, request_line: &str, host: Option<&str>, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    write!(
        s,
        "{request_line} HTTP/1.1\r\n{host}Content-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn the_built_in_portal_answers_only_requests_addressed_to_its_own_loopback_address() {
    let dir = tempfile::tempdir().unwrap();
    let portal = frontdesk_desk::embedded::EmbeddedPortal::start(
        dir.path(),
        None,
        &MachineId::of_this_machine().unwrap(),
    )
    .unwrap();
    let port = portal.port;
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
    ] {
        let (status, body) = raw(port, "GET /api/v1/health", Some(&host), "");
        assert_eq!((status, body.as_str()), (200, "ok"), "{host}");
    }

    let other_port = port.wrapping_add(1);
    let login = r#"{"email":"lobby@harbour.demo","password":"x"}"#;
    let forged = [
        // A page of rebind.example re-pointed to 127.0.0.1 (the browser sends its own name).
        (
            "GET /api/v1/health",
            Some(format!("rebind.example:{port}")),
            "",
        ),
        (
            "POST /api/v1/auth/login",
            Some(format!("rebind.example:{port}")),
            login,
        ),
        ("GET /api/v1/health", Some("rebind.example".to_string()), ""),
        ("GET /desk/", Some(format!("rebind.example:{port}")), ""),
        (
            "GET /no/such/page",
            Some(format!("rebind.example:{port}")),
            "",
        ),
        (
            "GET /api/v1/health",
            Some(format!("127.0.0.1:{other_port}")),
            "",
        ),
        ("GET /api/v1/health", Some("127.0.0.1".to_string()), ""),
        (
            "GET /api/v1/health",
            Some(format!("127.0.0.1.rebind.example:{port}")),
            "",
        ),
        ("GET /api/v1/health", None, ""),
        // An absolute-form request line names the target too.
        (
            "GET http://rebind.example/api/v1/health",
            Some(format!("127.0.0.1:{port}")),
            "",
        ),
    ];
    for (line, host, body) in forged {
        let (status, answer) = raw(port, line, host.as_deref(), body);
        assert_eq!(status, 421, "{line} {host:?}: {answer}");
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(v["error"]["code"], "misdirected_request", "{answer}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("http://127.0.0.1:{port}")),
            "{message}"
        );
    }
}
