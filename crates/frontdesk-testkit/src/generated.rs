//! Files generated from the code and checked in (the TypeScript types, the OpenAPI document):
//! one check that the committed copy still matches what the code generates.

use std::path::{Path, PathBuf};

/// Fails when the checked-in `file` (a path from the workspace's root) differs from `generated`,
/// saying how to regenerate it: set `update_var` and run `test`. With `update_var` set, the file
/// is written first, so the same test regenerates it.
pub fn check_generated(file: &str, generated: &str, update_var: &str, test: &str) {
    let path = workspace_root().join(file);
    if std::env::var_os(update_var).is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, generated).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == generated,
        "{} is out of date with the code: run {update_var}=1 {test}",
        path.display()
    );
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
