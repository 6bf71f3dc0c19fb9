//! The TypeScript declarations of the wire types are generated from the Rust types; this fails
//! when the committed file no longer matches them. `FRONTDESK_WRITE_TYPES=1` rewrites it.

use frontdesk_testkit::generated::check_generated;

#[test]
fn generated_typescript_matches_the_rust_types() {
    check_generated(
        "ui/src/generated/api-types.ts",
        &frontdesk_api::typescript(),
        "FRONTDESK_WRITE_TYPES",
        "cargo test -p frontdesk-api --test typescript",
    );
}
