//! The TypeScript declarations of the wire types are generated from the Rust types; this fails
//! when the committed file no longer matches them. `FRONTDESK_WRITE_TYPES=1` rewrites it.

#![allow(clippy::unwrap_used)]
#[test]
fn generated_typescript_matches_the_rust_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../ui/src/generated/api-types.ts");
    let want = frontdesk_api::typescript();
    if std::env::var_os("FRONTDESK_WRITE_TYPES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is out of date with the Rust types: run FRONTDESK_WRITE_TYPES=1 cargo test -p frontdesk-api --test typescript",
        path.display()
    );
}
