//! Desk figures: search as you type over 100,000 cached invites, and the drain of 1,000 changes
//! queued while offline, pushed to the real portal service over loopback.
//! Run: `cargo bench -p frontdesk-sync --bench desk`.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::time::{Duration, Instant};

use frontdesk_sync::Desk;

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    println!("Frontdesk desk benchmark");
    search();
    drain();
}

fn search() {
    let dir = tempfile::tempdir().unwrap();
    let desk = Desk::open(dir.path().join("desk.db"), "http://127.0.0.1:9", "none").unwrap();
    let n = 100_000;
    let t = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(5_000) {
        let changes: Vec<_> = chunk
            .iter()
            .map(|i| common::bulk_invite_change(*i))
            .collect();
        desk.apply_changes(&changes, *chunk.last().unwrap() as i64)
            .unwrap();
    }
    println!("cached {n} invites in {:.1} s", t.elapsed().as_secs_f64());
    // A receptionist typing "grace hopper 4": one search per keystroke.
    let typed = "grace hopper 4";
    let mut per_key = vec![];
    for _ in 0..20 {
        for k in 1..=typed.len() {
            let t = Instant::now();
            std::hint::black_box(desk.search(&typed[..k], 20).unwrap());
            per_key.push(t.elapsed());
        }
    }
    per_key.sort();
    println!(
        "search as you type over {n} cached invites: p50 {}, p99 {}, max {} per keystroke",
        ms(per_key[per_key.len() / 2]),
        ms(per_key[per_key.len() * 99 / 100]),
        ms(*per_key.last().unwrap())
    );
    // Today's list (what the console shows with an empty search box), over the same cache.
    let (from, to) = (
        chrono::Utc::now() - chrono::Duration::hours(2),
        chrono::Utc::now() + chrono::Duration::hours(22),
    );
    let mut day = vec![];
    let mut rows = 0;
    for _ in 0..50 {
        let t = Instant::now();
        rows = std::hint::black_box(desk.day(from, to, None, 200).unwrap()).len();
        day.push(t.elapsed());
    }
    day.sort();
    println!(
        "today's list ({rows} visits) over {n} cached invites: p50 {}, max {}",
        ms(day[day.len() / 2]),
        ms(*day.last().unwrap())
    );
}

fn drain() {
    let w = common::World::new();
    let pairs = w.synced_pairs(500, "Visitor");
    let dir = tempfile::tempdir().unwrap();
    // Offline: the desk points at a closed port while it records.
    let path = dir.path().join("desk.db");
    {
        let online = Desk::open(&path, &format!("http://{}", w.s.addr), &w.building_desk).unwrap();
        online.sync().unwrap();
    }
    let offline = Desk::open(&path, "http://127.0.0.1:9", &w.building_desk).unwrap();
    let t = Instant::now();
    for (b, _) in &pairs {
        offline.arrive(b).unwrap();
    }
    for (b, _) in &pairs {
        offline.check_out(b).unwrap();
    }
    let record = t.elapsed();
    drop(offline);
    let desk = Desk::open(&path, &format!("http://{}", w.s.addr), &w.building_desk).unwrap();
    assert_eq!(desk.pending().unwrap(), 1000);
    let t = Instant::now();
    let report = desk.sync().unwrap();
    let took = t.elapsed();
    assert_eq!(report.applied, 1000);
    println!(
        "record 1000 changes offline: {} each; drain of 1000 queued changes on reconnect: {:.2} s (push + pull, both invites of each pair updated)",
        ms(record / 1000),
        took.as_secs_f64()
    );
}
