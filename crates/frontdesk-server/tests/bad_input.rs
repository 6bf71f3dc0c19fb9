//! Bad input gets a clear error and changes nothing.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use common::{validity, World};
use serde_json::{json, Value};

fn invites_in_db(w: &World) -> i64 {
    w.s.state.store.invite_count().unwrap()
}

/// Assert a refusal and that nothing at all was written.
#[track_caller]
fn refused_unchanged(w: &World, r: common::Resp, status: u16, code: &str, before: (i64, i64)) {
    r.refused(status, code);
    assert_eq!(
        (w.s.last_seq(), invites_in_db(w)),
        before,
        "a refused request wrote something"
    );
}

#[test]
fn malformed_wrongly_typed_and_oversized_bodies() {
    let w = World::new();
    let path = format!("/buildings/{}/invites", w.building);
    let before = (w.s.last_seq(), invites_in_db(&w));
    let raw = |body: &str| {
        w.s.raw(
            "POST",
            &path,
            &w.building_admin,
            "application/json",
            body.as_bytes().to_vec(),
        )
    };
    refused_unchanged(&w, raw("{\"location_id\": "), 400, "malformed_json", before);
    refused_unchanged(&w, raw("not json at all"), 400, "malformed_json", before);
    let mut wrong = w.invite_body(&w.acme_loc, "Ada");
    wrong["visitor"] = json!("Ada");
    refused_unchanged(
        &w,
        w.s.post(&w.building_admin, &path, wrong),
        422,
        "invalid_body",
        before,
    );
    let mut wrong = w.invite_body(&w.acme_loc, "Ada");
    wrong["valid_from"] = json!(12345);
    refused_unchanged(
        &w,
        w.s.post(&w.building_admin, &path, wrong),
        422,
        "invalid_body",
        before,
    );
    // Without a host: neither a name nor a directory entry.
    let mut hostless = w.invite_body(&w.acme_loc, "Ada");
    hostless.as_object_mut().unwrap().remove("host_name");
    refused_unchanged(
        &w,
        w.s.post(&w.building_admin, &path, hostless),
        422,
        "missing_field",
        before,
    );
    let mut missing = w.invite_body(&w.acme_loc, "Ada");
    missing.as_object_mut().unwrap().remove("visitor");
    refused_unchanged(
        &w,
        w.s.post(&w.building_admin, &path, missing),
        422,
        "invalid_body",
        before,
    );
    let r = w.s.raw(
        "POST",
        &path,
        &w.building_admin,
        "text/plain",
        b"{}".to_vec(),
    );
    refused_unchanged(&w, r, 415, "unsupported_media_type", before);

    let mut huge = w.invite_body(&w.acme_loc, "Ada");
    huge["host_name"] = json!("x".repeat(100 * 1024));
    refused_unchanged(
        &w,
        w.s.post(&w.building_admin, &path, huge),
        413,
        "payload_too_large",
        before,
    );
}

#[test]
fn invalid_values_are_named() {
    let w = World::new();
    let path = format!("/buildings/{}/invites", w.building);
    let before = (w.s.last_seq(), invites_in_db(&w));
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = w.invite_body(&w.acme_loc, "Ada Lovelace");
        f(&mut b);
        w.s.post(&w.building_admin, &path, b)
    };
    let (from, to) = validity(5, 1);
    refused_unchanged(
        &w,
        with(&|b| {
            b["valid_from"] = json!(from);
            b["valid_to"] = json!(to);
        }),
        422,
        "invalid_validity",
        before,
    );
    let (from, to) = validity(-10, -2);
    refused_unchanged(
        &w,
        with(&|b| {
            b["valid_from"] = json!(from);
            b["valid_to"] = json!(to);
        }),
        422,
        "valid_to_in_past",
        before,
    );
    refused_unchanged(
        &w,
        with(&|b| b["visitor"]["name"] = json!("   ")),
        422,
        "missing_field",
        before,
    );
    refused_unchanged(
        &w,
        with(&|b| b["visitor"]["email"] = json!("ada-at-example")),
        422,
        "invalid_email",
        before,
    );
    refused_unchanged(
        &w,
        with(&|b| b["visitor"]["mobile"] = json!("call me")),
        422,
        "invalid_mobile",
        before,
    );
    refused_unchanged(
        &w,
        with(&|b| b["visitor"]["name"] = json!("Ada\u{0007}")),
        422,
        "invalid_characters",
        before,
    );
    refused_unchanged(
        &w,
        with(&|b| b["host_name"] = json!("h".repeat(201))),
        422,
        "too_long",
        before,
    );
    refused_unchanged(
        &w,
        with(&|b| b["location_id"] = json!("no-such-location")),
        422,
        "unknown_location",
        before,
    );
    refused_unchanged(
        &w,
        with(&|b| b["visitor_type_id"] = json!(w.acme_type)),
        422,
        "unknown_visitor_type",
        before,
    );
    refused_unchanged(
        &w,
        with(&|b| {
            b.as_object_mut().unwrap().remove("location_id");
        }),
        422,
        "missing_field",
        before,
    );

    // A location of another building.
    let other_tenant = common::id(
        &w.s.post(&w.admin, "/tenants", json!({"name": "Elsewhere"}))
            .ok(),
    );
    let far = common::id(
        &w.s.post(
            &w.admin,
            &format!("/tenants/{other_tenant}/locations"),
            json!({"name": "Far", "building_id": w.other_building}),
        )
        .ok(),
    );
    let before = (w.s.last_seq(), invites_in_db(&w));
    refused_unchanged(
        &w,
        with(&|b| b["location_id"] = json!(far)),
        422,
        "location_not_in_building",
        before,
    );

    // Unknown ids are 404, with the API's error shape.
    w.s.get(&w.admin, "/invites/nope").refused(404, "not_found");
    refused_unchanged(
        &w,
        w.s.post(
            &w.admin,
            "/buildings/nope/invites",
            w.invite_body(&w.acme_loc, "A"),
        ),
        404,
        "not_found",
        before,
    );
    refused_unchanged(
        &w,
        w.s.post(&w.admin, "/invites/nope/arrive", json!({})),
        404,
        "not_found",
        before,
    );
    refused_unchanged(
        &w,
        w.s.put(
            &w.admin,
            "/invites/nope/card",
            json!({"number": "1", "format": "H"}),
        ),
        404,
        "not_found",
        before,
    );
    w.s.get(&w.admin, "/no/such/endpoint")
        .refused(404, "not_found");
    w.s.request("DELETE", "/buildings", Some(&w.admin), None)
        .refused(405, "method_not_allowed");

    // Card fields.
    let (b, _) = w.synced_pair("Card Holder");
    let before = (w.s.last_seq(), invites_in_db(&w));
    refused_unchanged(
        &w,
        w.s.put(
            &w.admin,
            &format!("/invites/{b}/card"),
            json!({"number": "", "format": "H10301"}),
        ),
        422,
        "missing_field",
        before,
    );
    refused_unchanged(
        &w,
        w.s.put(
            &w.admin,
            &format!("/invites/{b}/card"),
            json!({"number": "1;DROP", "format": "H10301"}),
        ),
        422,
        "invalid_card",
        before,
    );
    refused_unchanged(
        &w,
        w.s.patch(
            &w.admin,
            &format!("/invites/{b}/visitor"),
            json!({"scope": "profile"}),
        ),
        422,
        "nothing_to_update",
        before,
    );
    refused_unchanged(
        &w,
        w.s.patch(
            &w.admin,
            &format!("/invites/{b}/visitor"),
            json!({"scope": "everything", "name": "x"}),
        ),
        422,
        "invalid_body",
        before,
    );

    // Filters.
    let logs = format!("/buildings/{}/visitor-logs", w.building);
    w.s.get(&w.admin, &format!("{logs}?origin=landlord"))
        .refused(422, "invalid_filter");
    w.s.get(&w.admin, &format!("{logs}?status=gone"))
        .refused(422, "invalid_filter");
    w.s.get(&w.admin, &format!("{logs}?from=yesterday"))
        .refused(422, "invalid_filter");
    w.s.get(&w.admin, &format!("{logs}?from=2026-02-01&to=2026-01-01"))
        .refused(422, "invalid_filter");
    w.s.get(&w.admin, &format!("{logs}?limit=many"))
        .refused(400, "invalid_query");
}

#[test]
fn csv_export_neutralises_formula_fields() {
    let w = World::new();
    let mut body = w.invite_body(&w.acme_loc, "x");
    body["visitor"] = json!({"name": "=HYPERLINK(\"http://evil\",\"x\")", "email": null,
                             "mobile": "+44 7700 900123", "company": "@SUM(A1:A9)"});
    body["host_name"] = json!("-2+3");
    w.s.post(
        &w.building_admin,
        &format!("/buildings/{}/invites", w.building),
        body,
    )
    .ok();
    let r = w.s.get(
        &w.building_admin,
        &format!("/buildings/{}/visitor-logs.csv", w.building),
    );
    assert_eq!(r.status, 200);
    let mut rdr = csv::Reader::from_reader(r.text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let field = |name: &str| rows[0][headers.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(field("visitor_name"), "'=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(field("visitor_company"), "'@SUM(A1:A9)");
    assert_eq!(field("visitor_mobile"), "'+447700900123");
    assert_eq!(field("host_name"), "'-2+3");
    assert_eq!(field("invite_origin"), "Building Created");
    for row in &rows {
        for f in row.iter() {
            assert!(
                !f.starts_with(['=', '+', '-', '@']),
                "unneutralised field {f:?}"
            );
        }
    }
}

/// A body the endpoint does not read (a GET carrying one) must not cut off the answer: left in
/// the socket, it would make the kernel reset the connection while the client still reads.
#[test]
fn an_unread_body_does_not_cut_off_the_answer() {
    let w = World::new();
    let body = "[".repeat(29_000).into_bytes();
    for _ in 0..100 {
        let r = w.s.raw(
            "GET",
            "/openapi.json",
            &w.admin,
            "application/json",
            body.clone(),
        );
        assert_eq!(r.status, 200);
        assert!(r.body.is_object(), "cut off after {} bytes", r.text.len());
    }
}
