//! Figures of the real desktop app (release build, WebKitGTK under Xvfb):
//! - cold start to the first screen, on a new install (the built-in portal seeds its demo) and on
//!   a later start; measured from spawning the process to the window reporting its first screen;
//! - idle memory: resident set of the app and its WebKit processes, 10 s after the first screen;
//! - through the app's own commands, as its window calls them (timed in the page): search per
//!   keystroke over 100,000 cached invites, and scan-to-arrived (scanned code to arrival
//!   recorded, without printing);
//! - another desk's arrival showing in this app's cache, through the portal's event stream.
//!
//! Run: `cargo bench -p frontdesk-desk-app --bench app` (needs `scripts/install-deps test`).
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;
#[path = "../tests/desktop/mod.rs"]
mod desktop;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{World, PASSWORD};
use desktop::{Desktop, Killed, Xvfb, APP};
use serde_json::{json, Value};

/// Timings (ms) a page script handed back.
fn timings(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("no timings from the page: {v}"))
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect()
}

fn pct(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    println!("Frontdesk desktop app benchmark ({APP})");
    if std::env::var_os("FRONTDESK_BENCH_SKIP_START").is_none() {
        start_up();
    }
    through_the_app();
}

/// Start the app on `dir`; returns it and the time to its first screen.
fn launch(x: &Xvfb, dir: &std::path::Path) -> (Killed, Duration) {
    let t = Instant::now();
    let mut app = Killed::spawn(
        Command::new(APP)
            .env("DISPLAY", &x.display)
            .env("NO_AT_BRIDGE", "1")
            .env("FRONTDESK_DESK_DIR", dir)
            .env("FRONTDESK_DESK_TIMING", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let out = BufReader::new(app.0.stdout.take().unwrap());
    for line in out.lines() {
        if line.unwrap().starts_with("first-screen") {
            return (app, t.elapsed());
        }
    }
    panic!("the app ended before its first screen");
}

/// A process and all its descendants (the app starts WebKit's processes).
fn family(root: u32) -> Vec<u32> {
    let mut all = vec![root];
    let mut i = 0;
    while i < all.len() {
        for e in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(p) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            if field(p, "status", "PPid:") == Some(all[i] as f64) && !all.contains(&p) {
                all.push(p);
            }
        }
        i += 1;
    }
    all
}

/// The number after `key` in /proc/PID/FILE.
fn field(pid: u32, file: &str, key: &str) -> Option<f64> {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .ok()?
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// MiB of a kB field, 0 when the process is gone.
fn mib(pid: u32, file: &str, key: &str) -> f64 {
    field(pid, file, key).unwrap_or(0.0) / 1024.0
}

/// Memory (MiB) of a process and all its descendants: resident (shared library pages counted in
/// every process that maps them), proportional (shared pages split between those processes) and
/// unique (pages no other process has). Each process's own resident set is printed.
fn memory(root: u32) -> (f64, f64, f64, usize) {
    let all = family(root);
    for p in &all {
        let name = std::fs::read_to_string(format!("/proc/{p}/comm")).unwrap_or_default();
        println!(
            "  {} (pid {p}): {:.0} MiB resident",
            name.trim(),
            mib(*p, "status", "VmRSS:")
        );
    }
    let rss = all.iter().map(|p| mib(*p, "status", "VmRSS:")).sum();
    let pss = all.iter().map(|p| mib(*p, "smaps_rollup", "Pss:")).sum();
    let uss = all
        .iter()
        .map(|p| {
            mib(*p, "smaps_rollup", "Private_Clean:") + mib(*p, "smaps_rollup", "Private_Dirty:")
        })
        .sum();
    (rss, pss, uss, all.len())
}

fn start_up() {
    let x = Xvfb::start();
    let mut fresh = vec![];
    let mut later = vec![];
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        fresh.push(launch(&x, dir.path()).1.as_secs_f64() * 1e3);
        later.push(launch(&x, dir.path()).1.as_secs_f64() * 1e3);
    }
    println!(
        "cold start to first screen, new install (demo seeded): median {:.0} ms, max {:.0} ms",
        pct(fresh.clone(), 0.5),
        pct(fresh, 1.0)
    );
    println!(
        "cold start to first screen, later start: median {:.0} ms, max {:.0} ms",
        pct(later.clone(), 0.5),
        pct(later, 1.0)
    );
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = launch(&x, dir.path());
    idle_memory(&app, "on the built-in portal, at the sign-in screen");
    drop(app);

    // A desk of a shared portal, signed in before: the app starts on the console with today's
    // list, without a portal of its own.
    let w = World::new();
    w.synced_pairs(50, "Morning Visitor");
    let dir = tempfile::tempdir().unwrap();
    {
        let c = frontdesk_desk::Console::open(dir.path()).unwrap();
        c.connect(&format!("http://{}", w.s.addr), "lobby@hq.test", PASSWORD)
            .unwrap();
        c.sync_now().unwrap();
    }
    let mut signed_in = vec![];
    for _ in 0..5 {
        signed_in.push(launch(&x, dir.path()).1.as_secs_f64() * 1e3);
    }
    println!(
        "cold start to first screen, signed in to a shared portal (console with today's list): median {:.0} ms, max {:.0} ms",
        pct(signed_in.clone(), 0.5),
        pct(signed_in, 1.0)
    );
    let (app, _) = launch(&x, dir.path());
    idle_memory(&app, "signed in to a shared portal, console open");
}

fn idle_memory(app: &Killed, what: &str) {
    std::thread::sleep(Duration::from_secs(10));
    let (rss, pss, uss, n) = memory(app.0.id());
    println!(
        "idle memory 10 s after the first screen, {what}: {rss:.0} MiB resident over {n} processes (app + WebKit), {pss:.0} MiB proportional, {uss:.0} MiB unique"
    );
}

fn through_the_app() {
    let w = World::new();
    let pairs = w.synced_pairs(100, "Scan Visitor");
    let desktop = Desktop::start();
    let app = desktop.open();
    app.type_into("#server-url", &w.s.base.replace("/api/v1", ""));
    app.type_into("#server-email", "lobby@hq.test");
    app.type_into("#server-password", PASSWORD);
    app.click("#connect button[type=submit]");
    app.find("#invites");
    app.wait_until("the cache filled", 30, |a| {
        a.invoke("search", json!({"q": "scan visitor 099"}))["ok"]
            .as_array()
            .is_some_and(|r| r.len() == 1)
    });
    app.quit();

    // 100,000 more invites in the app's cache, as if pulled from a big building's feed.
    let cache = std::fs::read_dir(desktop.data.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("cache-")
                && p.extension().is_some_and(|e| e == "db")
        })
        .unwrap();
    {
        let desk = frontdesk_sync::Desk::open(&cache, "http://127.0.0.1:9", "none").unwrap();
        let cursor = w.s.last_seq();
        for chunk in (0..100_000usize).collect::<Vec<_>>().chunks(5_000) {
            let changes: Vec<Value> = chunk
                .iter()
                .map(|i| common::bulk_invite_change(*i))
                .collect();
            desk.apply_changes(&changes, cursor).unwrap();
        }
    }
    let app = desktop.open();
    app.find("#invites");

    // Search as you type, one command per keystroke, timed in the page. Right after start the
    // index's pages are still on disk: the first pass is reported on its own.
    let search_pass = "const [typed, rounds, done] = arguments; const inv = window.__TAURI_INTERNALS__.invoke; const t = [];
         for (let r = 0; r < rounds; r++) for (let k = 1; k <= typed.length; k++) {
           const s = performance.now(); await inv('search', {q: typed.slice(0, k)}); t.push(performance.now() - s); }
         done(t);";
    let cold = timings(&app.js_async(search_pass, json!(["grace hopper 4", 1])));
    println!(
        "first search pass right after start (first sync, index pages still on disk): max {:.0} ms over {} keystrokes",
        pct(cold, 1.0),
        "grace hopper 4".len()
    );
    // Then as at the desk during the day: the app settled after its start.
    std::thread::sleep(Duration::from_secs(5));
    let per_key = app.js_async(search_pass, json!(["grace hopper 4", 20]));
    let per_key = timings(&per_key);
    println!(
        "search per keystroke over 100,000 cached invites, through the app, settled: p50 {:.2} ms, p99 {:.2} ms ({} keystrokes)",
        pct(per_key.clone(), 0.5),
        pct(per_key.clone(), 0.99),
        per_key.len()
    );
    if std::env::var_os("FRONTDESK_BENCH_DETAIL").is_some() {
        let mut v = per_key.clone();
        v.sort_by(|a, b| b.partial_cmp(a).unwrap());
        println!("  slowest keystrokes (ms): {:?}", &v[..10]);
    }

    // The same number of calls to a command that does nothing but answer: what the IPC itself
    // costs, including the page's and WebKit's pauses.
    let ipc = timings(&app.js_async(
        "const [n, done] = arguments; const inv = window.__TAURI_INTERNALS__.invoke; const t = [];
         for (let i = 0; i < n; i++) { const s = performance.now(); await inv('devices', {}); t.push(performance.now() - s); }
         done(t);",
        json!([per_key.len()]),
    ));
    println!(
        "a command that only answers, through the app: p50 {:.2} ms, p99 {:.2} ms",
        pct(ipc.clone(), 0.5),
        pct(ipc, 0.99)
    );

    // Scan-to-arrived: the scanned code names the invite; the arrival is recorded (and queued).
    let codes: Vec<&str> = pairs.iter().map(|(b, _)| b.as_str()).collect();
    let scan = app.js_async(
        "const [codes, done] = arguments; const inv = window.__TAURI_INTERNALS__.invoke; const t = [];
         for (const c of codes) { const s = performance.now(); const r = await inv('scan', {code: c});
           await inv('arrive', {id: r.id}); t.push(performance.now() - s); }
         done(t);",
        json!([codes]),
    );
    let scan = timings(&scan);
    println!(
        "scan-to-arrived through the app (no printing): p50 {:.2} ms, p99 {:.2} ms ({} scans)",
        pct(scan.clone(), 0.5),
        pct(scan, 0.99),
        codes.len()
    );

    // Another desk's change showing here: the tenant's reception checks visitors out; this
    // app's cache has it when its event stream delivers it.
    app.wait_until("the arrivals synced", 30, |a| {
        a.invoke("desk_state", json!({}))["ok"]["pending"] == 0
    });
    let mut seen = vec![];
    for (b, t) in pairs.iter().take(20) {
        let start = Instant::now();
        w.s.post(&w.acme_desk, &format!("/invites/{t}/check-out"), json!({}))
            .ok();
        let r = app.js_async(
            "const [id, done] = arguments; const inv = window.__TAURI_INTERNALS__.invoke;
             for (;;) { const r = await inv('invite', {id}); if (r.status === 'checked_out') return done(true);
               await new Promise(res => setTimeout(res, 2)); }",
            json!([b]),
        );
        assert_eq!(r, json!(true));
        seen.push(start.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "another desk's check-out showing in the app: p50 {:.0} ms, max {:.0} ms (includes a WebDriver round trip)",
        pct(seen.clone(), 0.5),
        pct(seen, 1.0)
    );
    app.quit();
}
