//! The desk's data folder at rest: after a sign-in, a sync, new invites and a restart, the
//! folder is its user's alone (0700) and so is every file in it (0600), SQLite's `-wal` and
//! `-shm` files included; a folder an earlier version left world-readable is tightened on start.
#![cfg(unix)]
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use frontdesk_desk::Console;
use frontdesk_store::actions::{NewInvite, VisitorInput};

/// The usual umask, under which files SQLite or `std` create are readable by everyone: the
/// desk must not depend on the app's stricter one. (Each test runs in its own process.)
fn usual_umask() {
    // SAFETY: umask only sets this process's file-creation mask.
    unsafe {
        libc::umask(0o022);
    }
}

/// Every entry under `dir` (not following links) with its permission bits.
fn walk(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        out.push((e.path(), meta.permissions().mode() & 0o777));
        if meta.is_dir() {
            out.extend(walk(&e.path()));
        }
    }
    out
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn assert_private(dir: &Path) -> Vec<String> {
    assert_eq!(mode(dir), 0o700, "{}", dir.display());
    let mut names = vec![];
    for (path, m) in walk(dir) {
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(m, want, "{} is {m:o}", path.display());
        names.push(path.file_name().unwrap().to_string_lossy().to_string());
    }
    names.sort();
    names
}

fn invite(name: &str) -> NewInvite {
    let now = Utc::now();
    NewInvite {
        location_id: None,
        host_name: "Ada".into(),
        host_id: None,
        visitor: VisitorInput {
            name: name.into(),
            email: Some(format!("{}@visitor.test", name.to_lowercase())),
            mobile: None,
            company: None,
        },
        visitor_type_id: None,
        valid_from: now,
        valid_to: now + Duration::hours(4),
        notify: true,
    }
}

/// Sign in, sync, invite, close; open again and sync: what a day at the desk leaves behind.
fn a_day_at_the_desk(dir: &Path) -> Console {
    {
        let c = Console::open(dir).unwrap();
        c.sign_in_demo("reception@acme.demo").unwrap();
        c.sync_now().unwrap();
        c.create_invite(&invite("Grace")).unwrap();
        let id = c.search("grace").unwrap()[0].id.clone();
        c.arrive(&id).unwrap();
        // Before any restart could tighten what the first run created.
        assert_private(dir);
    }
    let c = Console::open(dir).unwrap();
    assert!(c.start_info().session.is_some());
    c.create_invite(&invite("Edsger")).unwrap();
    c.sync_now().unwrap();
    c
}

#[test]
fn the_data_folder_and_every_file_in_it_are_the_desk_users_alone() {
    usual_umask();
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("desk");
    let c = a_day_at_the_desk(&dir);
    // Walked while the desk is open, so SQLite's -wal and -shm files are there.
    let names = assert_private(&dir);
    for expected in [
        "desk.json",
        "credentials.enc",
        "demo-logins.enc",
        "portal.db",
        "portal.db-wal",
        "portal.db-shm",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
    }
    for suffix in [".db", ".db-wal", ".db-shm"] {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("cache-") && n.ends_with(suffix)),
            "cache-…{suffix}: {names:?}"
        );
    }
    c.sign_out().unwrap();
    drop(c);
    assert_private(&dir);
}

#[test]
fn a_folder_an_earlier_version_left_readable_is_tightened_on_start() {
    usual_umask();
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("desk");
    drop(a_day_at_the_desk(&dir));
    // As an earlier version left it: the default umask's modes, and a stray folder inside.
    std::fs::create_dir(dir.join("exports")).unwrap();
    std::fs::write(dir.join("exports").join("old.csv"), "a,b\n").unwrap();
    for (path, _) in walk(&dir) {
        let loose = if path.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(loose)).unwrap();
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    // A link is never followed: what it points at keeps its mode.
    let outside = parent.path().join("outside.txt");
    std::fs::write(&outside, "not the desk's").unwrap();
    std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("link")).unwrap();

    let c = Console::open(&dir).unwrap();
    std::fs::remove_file(dir.join("link")).unwrap();
    assert_private(&dir);
    assert_eq!(mode(&outside), 0o644);
    c.sync_now().unwrap();
    assert_private(&dir);
}
