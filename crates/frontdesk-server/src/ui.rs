//! The built web front end (`ui/dist`), read once at start-up and served from memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct UiAssets {
    files: HashMap<String, Vec<u8>>,
}

impl UiAssets {
    /// `FRONTDESK_UI_DIR`, else the `ui/dist` of the source tree this binary was built from.
    pub fn default_dir() -> PathBuf {
        std::env::var_os("FRONTDESK_UI_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist"))
    }

    /// Load every file at the top of `dir` (the visitor's page) and of `dir/desk` (the
    /// receptionist's console, as `desk/NAME`); an absent folder gives an empty set (the page
    /// then answers with how to build it).
    pub fn load(dir: &Path) -> Self {
        let mut files = HashMap::new();
        for (sub, prefix) in [(dir.to_path_buf(), ""), (dir.join("desk"), "desk/")] {
            let Ok(entries) = std::fs::read_dir(&sub) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if !path.is_file() {
                    continue;
                }
                if let (Some(name), Ok(bytes)) = (
                    path.file_name().and_then(|n| n.to_str()).map(String::from),
                    std::fs::read(&path),
                ) {
                    files.insert(format!("{prefix}{name}"), bytes);
                }
            }
        }
        Self { files }
    }

    pub fn file(&self, name: &str) -> Option<Vec<u8>> {
        self.files.get(name).cloned()
    }
}
