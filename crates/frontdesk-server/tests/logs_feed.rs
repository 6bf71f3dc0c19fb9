//! Visitor logs with the Invite Origin filter, the summary widget, the CSV export, the Global
//! Overview report, and the change feed (polling and server-sent events).
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::io::{BufRead, BufReader};
use std::time::{Duration, Instant};

use common::{id, World};
use serde_json::{json, Value};

fn ids(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(id).collect()
}

/// Two building-created invites (one synced to Acme, one for Blue) and one tenant-created at
/// Acme (so the building holds its copy).
fn seed(w: &World) -> (String, String, String, String) {
    let (synced_b, synced_t) = w.synced_pair("Ada Lovelace");
    let blue_b = id(&w.building_invite(&w.blue_loc, "Scout Finch")["invite"]);
    let r = w.tenant_invite("Joan Clarke");
    let tenant_copy_in_building = r["sync"]["linked_invite_id"].as_str().unwrap().to_string();
    w.s.post(
        &w.building_desk,
        &format!("/invites/{synced_b}/arrive"),
        json!({}),
    )
    .ok();
    let _ = synced_t;
    (synced_b, blue_b, tenant_copy_in_building, id(&r["invite"]))
}

#[test]
fn the_invite_origin_filter_and_the_summary_widget() {
    let w = World::new();
    let (synced_b, blue_b, tenant_copy, tenant_own) = seed(&w);
    let logs = |q: &str| {
        let mut v = ids(&w
            .s
            .get(
                &w.building_desk,
                &format!("/buildings/{}/visitor-logs{q}", w.building),
            )
            .ok());
        v.sort();
        v
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let all = sorted(vec![synced_b.clone(), blue_b.clone(), tenant_copy.clone()]);
    assert_eq!(logs(""), all, "no filter by default");
    assert_eq!(logs("?origin=building,tenant"), all);
    assert_eq!(
        logs("?origin=building"),
        sorted(vec![synced_b.clone(), blue_b.clone()])
    );
    assert_eq!(logs("?origin=tenant"), vec![tenant_copy.clone()]);
    assert_eq!(
        logs("?origin=building&status=arrived"),
        vec![synced_b.clone()]
    );
    assert_eq!(logs("?q=scout"), vec![blue_b.clone()]);
    assert_eq!(
        logs("?q=%25"),
        Vec::<String>::new(),
        "LIKE wildcards are literal"
    );

    let items =
        w.s.get(
            &w.building_desk,
            &format!("/buildings/{}/visitor-logs?origin=tenant", w.building),
        )
        .ok();
    assert_eq!(items["items"][0]["origin_label"], "Tenant Created");

    // The tenant's own log: the building-created copy and its own invite.
    let loc = |q: &str| {
        sorted(ids(&w
            .s
            .get(
                &w.acme_desk,
                &format!("/locations/{}/visitor-logs{q}", w.acme_loc),
            )
            .ok()))
    };
    assert_eq!(loc("?origin=tenant"), vec![tenant_own.clone()]);
    assert_eq!(loc("?origin=building").len(), 1);
    assert_eq!(loc("").len(), 2);

    let summary = |q: &str| {
        w.s.get(
            &w.building_admin,
            &format!("/buildings/{}/visitor-summary{q}", w.building),
        )
        .ok()
    };
    assert_eq!(
        summary(""),
        json!({"expected": 2, "checked_in": 0, "on_site": 1, "checked_out": 0, "cancelled": 0, "expired": 0, "total": 3})
    );
    assert_eq!(summary("?origin=tenant")["total"], 1);
    assert_eq!(summary("?origin=building")["on_site"], 1);

    // Paging.
    let page =
        w.s.get(
            &w.building_desk,
            &format!("/buildings/{}/visitor-logs?limit=2", w.building),
        )
        .ok();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["next_offset"], 2);
    let rest =
        w.s.get(
            &w.building_desk,
            &format!("/buildings/{}/visitor-logs?limit=2&offset=2", w.building),
        )
        .ok();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["next_offset"].is_null());
}

#[test]
fn the_csv_export_has_exactly_the_rows_the_filtered_log_shows() {
    let w = World::new();
    seed(&w);
    for q in [
        "",
        "?origin=building",
        "?origin=tenant",
        "?status=arrived",
        "?q=finch",
    ] {
        let log =
            w.s.get(
                &w.building_admin,
                &format!("/buildings/{}/visitor-logs{q}", w.building),
            )
            .ok();
        let r = w.s.get(
            &w.building_admin,
            &format!("/buildings/{}/visitor-logs.csv{q}", w.building),
        );
        assert_eq!(r.status, 200);
        let mut rdr = csv::Reader::from_reader(r.text.as_bytes());
        let exported: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_string()).collect();
        assert_eq!(exported, ids(&log), "export of {q:?} differs from the log");
    }
}

#[test]
fn the_global_overview_counts_per_location_and_day() {
    let w = World::new();
    seed(&w);
    let report =
        w.s.get(
            &w.acme_admin,
            &format!("/tenants/{}/activity-report", w.acme),
        )
        .ok();
    let rows = report.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{report}");
    assert_eq!(rows[0]["location_id"], w.acme_loc.as_str());
    assert_eq!(
        rows[0]["created"], 2,
        "one synced from the building, one of its own"
    );
    assert_eq!(
        rows[0]["arrived"], 1,
        "the arrival at the lobby shows on the tenant side"
    );
    let tenant_only =
        w.s.get(
            &w.acme_admin,
            &format!("/tenants/{}/activity-report?origin=tenant", w.acme),
        )
        .ok();
    assert_eq!(tenant_only[0]["created"], 1);
    assert_eq!(tenant_only[0]["arrived"], 0);
    let b =
        w.s.get(
            &w.building_admin,
            &format!("/buildings/{}/activity-report?origin=building", w.building),
        )
        .ok();
    let created: i64 = b
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["created"].as_i64().unwrap())
        .sum();
    assert_eq!(created, 2);
}

#[test]
fn the_change_feed_pages_in_order_and_streams_within_a_second() {
    let w = World::new();
    let (b, t) = w.synced_pair("Ada Lovelace");
    let first = w.s.get(&w.acme_desk, "/changes?limit=1").ok();
    let seq = first["last_seq"].as_i64().unwrap();
    let rest = w.s.get(&w.acme_desk, &format!("/changes?since={seq}")).ok();
    let seqs: Vec<i64> = rest["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["seq"].as_i64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|p| p[0] < p[1]) && seqs.iter().all(|s| *s > seq));

    // Open the stream from the newest sequence, then check in from the building side.
    let since = w.s.get(&w.acme_desk, "/changes").ok()["last_seq"]
        .as_i64()
        .unwrap();
    let url = format!("{}/changes/stream?since={since}", w.s.base);
    let resp = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
        .get(url)
        .bearer_auth(&w.acme_desk)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let started = Instant::now();
    w.s.post(
        &w.building_desk,
        &format!("/invites/{b}/check-in"),
        json!({}),
    )
    .ok();
    let mut lines = BufReader::new(resp).lines();
    let data = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(d) = line.strip_prefix("data:") {
            break serde_json::from_str::<Value>(d.trim()).unwrap();
        }
    };
    let took = started.elapsed();
    assert_eq!(
        data["entity_id"],
        t.as_str(),
        "the tenant desk hears of its own copy"
    );
    assert_eq!(data["data"]["status"], "checked_in");
    assert!(took < Duration::from_secs(1), "took {took:?}");
}
