//! The desk's logic against the real portal service over HTTP (no window): signing in and what
//! a wrong address, a wrong password or an account without a front desk get; the remembered
//! shared portal and the encrypted credentials across restarts, online and offline; online-only
//! actions saying so while the portal cannot be reached.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::path::Path;

use common::{Link, World, ADMIN_EMAIL, PASSWORD};
use frontdesk_core::InviteStatus;
use frontdesk_desk::vault::{Credentials, MachineId, Vault};
use frontdesk_desk::{Console, DeskError};

fn code(e: DeskError) -> String {
    e.failure().code
}

fn credentials(dir: &Path) -> Vault {
    Vault::new(
        dir,
        "credentials.enc",
        &MachineId::of_this_machine().unwrap(),
    )
}

/// Whether `needle` appears in any file of the folder outside the caches and the built-in
/// portal's database (which hold the building's own data, names and emails included).
fn in_plain_files(dir: &Path, needle: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            !(name.starts_with("cache-") || name.starts_with("portal.db"))
        })
        .filter(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect()
}

#[test]
fn signing_in_refuses_clearly_and_writes_nothing() {
    let w = World::new();
    let dir = tempfile::tempdir().unwrap();
    let c = Console::open(dir.path()).unwrap();
    assert!(
        c.start_info().built_in,
        "a new desk starts on its built-in portal"
    );

    let e = c
        .connect("portal.example", "lobby@hq.test", PASSWORD)
        .unwrap_err();
    assert_eq!(code(e), "invalid");
    let e = c
        .connect("http://127.0.0.1:9", "lobby@hq.test", PASSWORD)
        .unwrap_err();
    assert_eq!(code(e), "offline");
    let url = format!("http://{}", w.s.addr);
    let e = c
        .connect(&url, "lobby@hq.test", "not the password")
        .unwrap_err();
    assert_eq!(code(e), "invalid_credentials");
    let e = c.connect(&url, ADMIN_EMAIL, PASSWORD).unwrap_err();
    assert_eq!(
        code(e),
        "no_front_desk",
        "a platform admin has no front desk"
    );
    assert!(
        !dir.path().join("credentials.enc").exists(),
        "nothing is remembered after a refusal"
    );
    assert!(c.start_info().built_in, "still on the built-in portal");
    assert_eq!(code(c.today(None).unwrap_err()), "signed_out");
}

#[test]
fn a_shared_portal_and_the_session_are_remembered_across_restarts_and_offline() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let link = Link::to(w.s.addr);
    let dir = tempfile::tempdir().unwrap();
    {
        let c = Console::open(dir.path()).unwrap();
        let s = c.connect(&link.url, "lobby@hq.test", PASSWORD).unwrap();
        assert_eq!((s.portal_kind.as_str(), s.built_in), ("building", false));
        c.sync_now().unwrap();
        assert_eq!(c.search("ada").unwrap()[0].id, b);
        let settings = std::fs::read_to_string(dir.path().join("desk.json")).unwrap();
        assert!(
            settings.contains(&link.url) && !settings.contains("token"),
            "{settings}"
        );
    }
    // Restart with the portal down: still signed in, working from the cache.
    link.cut();
    let c = Console::open(dir.path()).unwrap();
    let info = c.start_info();
    assert!(!info.built_in && info.demo_accounts.is_empty());
    assert_eq!(info.session.unwrap().email, "lobby@hq.test");
    assert_eq!(c.arrive(&b).unwrap().status, InviteStatus::Arrived);
    assert_eq!(code(c.resend(&b).unwrap_err()), "offline");
    assert_eq!(code(c.summary(None).unwrap_err()), "offline");
    assert_eq!(c.state().unwrap().pending, 1);

    link.restore();
    c.sync_now().unwrap();
    assert_eq!(c.state().unwrap().pending, 0);
    assert_eq!(w.invite(&w.acme_admin, &t)["status"], "arrived");

    // Signing out forgets the credentials; the next start asks again.
    c.sign_out().unwrap();
    drop(c);
    assert!(!dir.path().join("credentials.enc").exists());
    let c = Console::open(dir.path()).unwrap();
    assert!(c.start_info().session.is_none());
}

#[test]
fn a_desk_whose_portal_is_down_and_that_has_no_session_yet_still_opens() {
    let w = World::new();
    let link = Link::to(w.s.addr);
    let dir = tempfile::tempdir().unwrap();
    {
        let c = Console::open(dir.path()).unwrap();
        c.connect(&link.url, "lobby@hq.test", PASSWORD).unwrap();
    }
    // As if the desk had never reached its portal since the credentials were saved.
    let vault = credentials(dir.path());
    let mut c = vault.load::<Credentials>().unwrap();
    c.session = None;
    vault.save(&c).unwrap();
    link.cut();
    let c = Console::open(dir.path()).unwrap();
    let info = c.start_info();
    assert!(info.session.is_none() && !info.built_in, "{info:?}");
    assert_eq!(
        code(c.sign_in("lobby@hq.test", PASSWORD).unwrap_err()),
        "offline"
    );
}

#[test]
fn on_the_built_in_portal_the_session_and_queued_changes_carry_over_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let ada = {
        let c = Console::open(dir.path()).unwrap();
        c.sign_in_demo("lobby@harbour.demo").unwrap();
        c.sync_now().unwrap();
        let ada = c.search("ada lovelace").unwrap()[0].id.clone();
        // Queued, and the desk closes before its sync loop runs.
        c.arrive(&ada).unwrap();
        ada
    };
    let c = Console::open(dir.path()).unwrap();
    let info = c.start_info();
    assert!(info.built_in);
    assert_eq!(info.session.unwrap().email, "lobby@harbour.demo");
    assert_eq!(c.invite(&ada).unwrap().status, InviteStatus::Arrived);
    c.sync_now().unwrap();
    assert_eq!(c.state().unwrap().pending, 0);
    assert_eq!(c.invite(&ada).unwrap().pending, 0);
}

#[test]
fn the_session_lives_in_the_vault_and_sign_out_leaves_nothing_of_it() {
    let w = World::new();
    let link = Link::to(w.s.addr);
    let dir = tempfile::tempdir().unwrap();
    {
        let c = Console::open(dir.path()).unwrap();
        c.connect(&link.url, "lobby@hq.test", PASSWORD).unwrap();
        c.sync_now().unwrap();
    }
    assert!(!dir.path().join("session.json").exists());
    assert_eq!(
        in_plain_files(dir.path(), "lobby@hq.test"),
        Vec::<String>::new(),
        "the email is readable outside the vault"
    );
    let kept = credentials(dir.path()).load::<Credentials>().unwrap();
    assert_eq!(kept.session.unwrap().email, "lobby@hq.test");

    // Offline, the session comes from the vault.
    link.cut();
    let c = Console::open(dir.path()).unwrap();
    assert_eq!(c.start_info().session.unwrap().email, "lobby@hq.test");

    c.sign_out().unwrap();
    assert!(!dir.path().join("credentials.enc").exists());
    assert!(!dir.path().join("session.json").exists());
    drop(c);
    let c = Console::open(dir.path()).unwrap();
    assert!(c.start_info().session.is_none(), "signed out for good");
}

#[test]
fn an_old_plain_session_file_moves_into_the_vault_and_is_deleted() {
    let w = World::new();
    let link = Link::to(w.s.addr);
    let dir = tempfile::tempdir().unwrap();
    let session = {
        let c = Console::open(dir.path()).unwrap();
        c.connect(&link.url, "lobby@hq.test", PASSWORD).unwrap()
    };
    // The folder as an earlier version left it: the session in plain text beside credentials
    // that do not carry it.
    let vault = credentials(dir.path());
    let mut old = vault.load::<Credentials>().unwrap();
    old.session = None;
    vault.save(&old).unwrap();
    std::fs::write(
        dir.path().join("session.json"),
        serde_json::to_vec(&session).unwrap(),
    )
    .unwrap();

    // Started with the portal down, the desk opens signed in: the session came across.
    link.cut();
    let c = Console::open(dir.path()).unwrap();
    assert_eq!(c.start_info().session, Some(session.clone()));
    assert!(!dir.path().join("session.json").exists());
    assert_eq!(vault.load::<Credentials>().unwrap().session, Some(session));

    // A plain session file that cannot be read (or belongs to nobody here) goes too.
    drop(c);
    std::fs::write(dir.path().join("session.json"), b"{not json").unwrap();
    let _c = Console::open(dir.path()).unwrap();
    assert!(!dir.path().join("session.json").exists());
}

#[test]
fn a_portal_on_another_machine_must_be_https() {
    let w = World::new();
    let dir = tempfile::tempdir().unwrap();
    let c = Console::open(dir.path()).unwrap();
    for server in [
        "http://192.0.2.10:8780",
        "http://portal.example.com",
        "http://10.1.2.3/api/v1",
        "HTTP://Portal.Example.com:80/",
    ] {
        let e = c.connect(server, "lobby@hq.test", PASSWORD).unwrap_err();
        let f = e.failure();
        assert_eq!(f.code, "insecure_portal", "{server}: {}", f.message);
        assert!(
            f.message.contains("is not encrypted") && f.message.contains("https://"),
            "{}",
            f.message
        );
    }
    assert!(!dir.path().join("credentials.enc").exists());
    assert!(c.start_info().built_in, "nothing was remembered");

    // https anywhere, and plain http on this computer, are accepted (these fail only because
    // nothing answers there).
    for server in [
        "https://127.0.0.1:9",
        "http://[::1]:9",
        "http://127.0.0.1:9",
        "http://localhost:9",
    ] {
        let e = c.connect(server, "lobby@hq.test", PASSWORD).unwrap_err();
        assert_eq!(code(e), "offline", "{server}");
    }
    let by_name = format!("http://localhost:{}", w.s.addr.port());
    let s = c.connect(&by_name, "lobby@hq.test", PASSWORD).unwrap();
    assert_eq!(s.server, by_name);
}

#[test]
fn a_plain_http_portal_an_earlier_version_saved_gets_no_token_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let server = "http://192.0.2.10:8780";
    std::fs::write(
        dir.path().join("desk.json"),
        format!(r#"{{"server":"{server}"}}"#),
    )
    .unwrap();
    let session = frontdesk_desk::Session {
        email: "lobby@hq.test".into(),
        role: frontdesk_core::Role::FrontDesk,
        portal_kind: frontdesk_core::PortalKind::Building,
        portal_id: "b1".into(),
        place_name: "HQ".into(),
        building_id: "b1".into(),
        timezone: None,
        server: server.into(),
        built_in: false,
        may_edit_settings: false,
    };
    credentials(dir.path())
        .save(&Credentials {
            server: server.into(),
            email: "lobby@hq.test".into(),
            token: "a-token".into(),
            session: Some(session),
        })
        .unwrap();
    // Without the check this desk would come back signed in (offline, from the vault) and
    // keep sending its token to 192.0.2.10 in clear.
    let c = Console::open(dir.path()).unwrap();
    assert!(c.start_info().session.is_none());
    let e = c.sign_in("lobby@hq.test", PASSWORD).unwrap_err();
    assert_eq!(code(e), "insecure_portal");
}
