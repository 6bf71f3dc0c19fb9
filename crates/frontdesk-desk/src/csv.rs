//! The visitor log saved as a CSV file where the receptionist can find it.

use std::path::Path;

use chrono::Local;
use frontdesk_core::Origin;

use crate::{today, vault, Console, DeskError, ExportedCsv, Result};

impl Console {
    /// Today's visitor log as CSV (with the Invite Origin filter), saved in `dir`.
    pub fn export_csv(&self, origin: Option<Origin>, dir: &Path) -> Result<ExportedCsv> {
        let l = self.live()?;
        let body = l.portal.visitor_log_csv(&l.place(), &today(origin))?;
        std::fs::create_dir_all(dir)
            .map_err(|e| DeskError::Local(format!("cannot create {}: {e}", dir.display())))?;
        let name = format!(
            "visitor-log-{}{}.csv",
            Local::now().format("%Y-%m-%d-%H%M%S"),
            match origin {
                Some(Origin::Building) => "-building-created",
                Some(Origin::Tenant) => "-tenant-created",
                None => "",
            }
        );
        let path = dir.join(name);
        vault::write_private(&path, &body)?;
        let rows = body
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            .saturating_sub(1) as u32;
        Ok(ExportedCsv {
            path: path.display().to_string(),
            rows,
        })
    }
}
