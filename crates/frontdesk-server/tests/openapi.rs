//! The OpenAPI document is generated from the code; `docs/openapi.json` is a copy checked in for
//! readers and tools, and this fails when the two differ. `UPDATE_OPENAPI=1` rewrites the copy.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::generated::check_generated;
use frontdesk_testkit::portal::Server;

#[test]
fn the_checked_in_document_matches_the_code() {
    check_generated(
        "docs/openapi.json",
        frontdesk_server::openapi::document_json(),
        "UPDATE_OPENAPI",
        "cargo test -p frontdesk-server --test openapi",
    );
}

#[test]
fn the_server_serves_the_document_and_its_reference_page() {
    let s = Server::start();
    let doc = s.request("GET", "/openapi.json", None, None);
    assert_eq!(doc.status, 200);
    assert_eq!(doc.text, frontdesk_server::openapi::document_json());
    assert_eq!(doc.body["openapi"], "3.1.0");
    let paths = doc.body["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/invites/{id}/check-in"));
    assert_eq!(
        doc.body["paths"]["/api/v1/me"]["get"]["security"][0]["bearer"],
        serde_json::json!([])
    );
    assert!(doc.body["components"]["securitySchemes"]["bearer"].is_object());

    let page = s.request("GET", "/docs", None, None);
    assert_eq!(page.status, 200);
    assert!(page.text.starts_with("<!doctype html>"));
    // Self-contained: the page loads nothing from anywhere.
    assert!(!page.text.contains("<script") && !page.text.contains("src=\""));
    for path in paths.keys() {
        let shown = path.replace('&', "&amp;").replace('<', "&lt;");
        assert!(page.text.contains(&shown), "{path} is not on the page");
    }
}
