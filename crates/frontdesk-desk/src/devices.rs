//! The desk's badge printer and card encoder: their addresses, their state for the status bar,
//! printing a badge (with the fallback printer) and writing a card.

use std::sync::Arc;
use std::time::Duration;

use frontdesk_api::{BadgeParams, Printed};
use frontdesk_devices::encoder::{CardEncoder, Credential, PcscEncoder};
use frontdesk_devices::journal::PrintJournal;
use frontdesk_devices::printer::{self, PrintDocument, PrintQueue, PrinterStatus, RasterPage};

use crate::workers::Status;
use crate::{BadgePrinted, Console, DeskError, DeviceState, Devices, EncodedCard, Result};

impl Console {
    pub fn devices(&self) -> Devices {
        self.current_settings().devices
    }

    pub fn set_devices(&self, devices: Devices) -> Result<Devices> {
        let clean = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let devices = Devices {
            printer: clean(devices.printer),
            encoder: clean(devices.encoder),
        };
        if let Some(p) = &devices.printer {
            for uri in p.split(',') {
                let uri = uri.trim();
                // The same reading the queue will make of it: IPP, or a Zebra's raw port.
                if let Err(e) = printer::open(uri, Duration::from_secs(1)) {
                    return Err(DeskError::Refused {
                        code: "invalid".into(),
                        message: e.to_string(),
                    });
                }
            }
        }
        let mut s = self.current_settings();
        s.devices = devices.clone();
        self.save_settings(s)?;
        if let Ok(l) = self.live() {
            if let Ok(mut d) = l.status.devices.lock() {
                *d = devices.clone();
            }
            let status = l.status.clone();
            let _ = std::thread::Builder::new()
                .name("desk-devices".into())
                .spawn(move || check_devices(&status));
        }
        Ok(devices)
    }

    /// Write an H10301 credential on the card placed on this desk's encoder (waiting up to
    /// `wait` for it) and read it back. Assigning it to the visit is the next step, so the
    /// "Card sync blocked" prompt works as for a typed number.
    pub fn encode_card(&self, facility: u16, number: u32, wait: Duration) -> Result<EncodedCard> {
        let refused = |code: &str, e: &dyn std::fmt::Display| DeskError::Refused {
            code: code.into(),
            message: e.to_string(),
        };
        let credential =
            Credential::h10301(facility, number).map_err(|e| refused("invalid", &e))?;
        let encoder = PcscEncoder::default();
        let reader = match self.current_settings().devices.encoder {
            Some(r) => r,
            None => encoder
                .readers()
                .map_err(|e| refused("encoder", &e))?
                .into_iter()
                .next()
                .ok_or_else(|| refused("encoder", &"No card encoder is connected to this desk."))?,
        };
        encoder
            .wait_for_card(&reader, wait)
            .map_err(|e| refused("encoder", &e))?;
        let done = encoder
            .encode(&reader, credential)
            .map_err(|e| refused("encoder", &e))?;
        Ok(EncodedCard {
            number: done.credential.card_number(),
            format: Credential::FORMAT.into(),
            uid: done.uid,
        })
    }

    /// Print the visit's badge on this desk's printer (falling back to the next one) and record
    /// that it was printed. `request` names this press of Print: the same request never prints
    /// twice, even across a restart of the app (the print journal keeps what it became).
    ///
    /// The portal renders the badge: as a PDF, or as black-and-white pixels at the printer's
    /// resolution when the printer takes only raster. When the printer says which labels it has
    /// loaded, the template of that size is asked for, so a contractor's card-sized default does
    /// not stop a label printer.
    pub fn print_badge(&self, id: &str, request: &str) -> Result<String> {
        self.print_badge_timed(id, request).map(|b| b.message)
    }

    /// [`Self::print_badge`], with how long the printer took to accept the job (the kiosk's
    /// figure ends there: what follows is the printer's own time).
    pub fn print_badge_timed(&self, id: &str, request: &str) -> Result<BadgePrinted> {
        let started = std::time::Instant::now();
        let l = self.live()?;
        let uris = self
            .current_settings()
            .devices
            .printer
            .ok_or_else(|| DeskError::Refused {
                code: "no_printer".into(),
                message: "No badge printer is set up at this desk. Add its address under Devices."
                    .into(),
            })?;
        let printers = uris
            .split(',')
            .map(|uri| printer::open(uri.trim(), Duration::from_secs(5)))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| DeskError::Local(e.to_string()))?;
        let template = printers
            .first()
            .and_then(|p| p.status().ok())
            .and_then(|s| template_for(&s));
        let params = BadgeParams {
            template,
            dpi: None,
        };
        let pdf = l.portal.badge(id, &params, false)?;
        let badge = PortalBadge {
            portal: &l.portal,
            invite: id,
            pdf,
        };
        let printed = PrintQueue::with_journal(printers, self.print_journal())
            .print(
                request,
                &badge,
                &format!("badge-{id}"),
                Duration::from_secs(60),
            )
            .map_err(|e| DeskError::Refused {
                code: "print_failed".into(),
                message: e.to_string(),
            })?;
        let accepted_ms = (started.elapsed().saturating_sub(printed.completed_after)
            + printed.accepted_after)
            .as_secs_f64()
            * 1000.0;
        if printed.already {
            return Ok(BadgePrinted {
                message: format!(
                    "This badge was already printed (job {} on {}).",
                    printed.job_id, printed.printer
                ),
                accepted_ms,
            });
        }
        l.call(|p| {
            p.badge_printed(
                id,
                &Printed {
                    printer: printed.printer.clone(),
                    job_id: Some(printed.job_id.into()),
                },
            )
        })?;
        l.status.nudge();
        Ok(BadgePrinted {
            message: if printed.fell_back {
                format!("Printed on the fallback printer {}.", printed.printer)
            } else {
                "Badge printed.".into()
            },
            accepted_ms,
        })
    }
}

/// A queue on the desk's printers (those whose address can be read) and its journal.
pub(crate) fn queue(devices: &Devices, journal: Arc<dyn PrintJournal>) -> PrintQueue {
    let printers = devices
        .printer
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|u| !u.trim().is_empty())
        .filter_map(|uri| printer::open(uri.trim(), Duration::from_secs(3)).ok())
        .collect();
    PrintQueue::with_journal(printers, journal)
}

/// The template whose size is the labels the printer has loaded, if it says.
fn template_for(status: &PrinterStatus) -> Option<String> {
    if status.loaded.is_empty() {
        return None;
    }
    let extra = std::env::var_os("FRONTDESK_BADGE_DIR").map(std::path::PathBuf::from);
    frontdesk_badge::templates(extra.as_deref())
        .ok()?
        .into_values()
        .find(|t| matches!(status.media_for(t.width_mm, t.height_mm), Ok(Some(_))))
        .map(|t| t.name)
}

/// A visit's badge as the portal renders it, in whichever form the printer takes.
struct PortalBadge<'a> {
    portal: &'a frontdesk_client::Client,
    invite: &'a str,
    pdf: frontdesk_client::BadgeFile,
}

impl PrintDocument for PortalBadge<'_> {
    fn size_mm(&self) -> (f32, f32) {
        (self.pdf.width_mm, self.pdf.height_mm)
    }

    fn pdf(&self) -> std::result::Result<Vec<u8>, String> {
        Ok(self.pdf.bytes.clone())
    }

    fn raster(&self, dpi: u32) -> std::result::Result<RasterPage, String> {
        let params = BadgeParams {
            template: Some(self.pdf.template.clone()),
            dpi: Some(dpi),
        };
        let png = self
            .portal
            .badge(self.invite, &params, true)
            .map_err(|e| e.to_string())?;
        let img = image::load_from_memory_with_format(&png.bytes, image::ImageFormat::Png)
            .map_err(|e| format!("the portal's badge picture cannot be read: {e}"))?
            .to_luma8();
        Ok(RasterPage {
            width: img.width(),
            height: img.height(),
            dpi,
            pixels: img.into_raw(),
        })
    }
}

pub(crate) fn check_devices(status: &Status) {
    let devices = status.devices.lock().map(|d| d.clone()).unwrap_or_default();
    let printer = match devices.printer.as_deref().and_then(|p| p.split(',').next()) {
        None => device("No printer set up", false),
        Some(uri) => {
            match printer::open(uri.trim(), Duration::from_secs(3)).and_then(|p| p.status()) {
                Ok(s) => match s.problem() {
                    None => device(&ready_text(&s, uri), true),
                    Some(p) => device(&format!("Printer: {p}"), false),
                },
                Err(e) => device(&format!("Printer: {e}"), false),
            }
        }
    };
    let encoder = match PcscEncoder::default().readers() {
        Ok(readers) => match &devices.encoder {
            Some(want) if readers.iter().any(|r| r == want) => {
                device(&format!("Encoder ready ({want})"), true)
            }
            Some(want) => device(&format!("Encoder {want} is not connected"), false),
            None if readers.is_empty() => device("No card encoder", false),
            None => device(&format!("Encoder ready ({})", readers[0]), true),
        },
        Err(e) => device(&format!("Card encoder: {e}"), false),
    };
    if let Ok(mut p) = status.printer.lock() {
        *p = Some(printer);
    }
    if let Ok(mut e) = status.encoder.lock() {
        *e = Some(encoder);
    }
}

/// "Printer ready: Brother QL-820NWB, PWG raster 300 dpi black and white, 62 × 100 mm labels".
fn ready_text(s: &PrinterStatus, uri: &str) -> String {
    let model = s
        .model
        .clone()
        .or_else(|| s.name.clone())
        .unwrap_or_else(|| uri.to_string());
    let format = s.send_as.map(|f| format!(", gets {f}")).unwrap_or_default();
    format!("Printer ready: {model}{format}, labels {}", s.loaded_text())
}

pub(crate) fn device(label: &str, ready: bool) -> DeviceState {
    DeviceState {
        ready,
        label: label.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use frontdesk_devices::printer::{Capabilities, Media, SendAs, State};

    fn printer_with(loaded: Vec<Media>) -> PrinterStatus {
        PrinterStatus {
            uri: "ipp://lobby/ipp/print".into(),
            name: None,
            model: Some("Brother QL-820NWB".into()),
            state: State::Idle,
            reasons: vec![],
            message: None,
            accepting: true,
            media: vec![],
            loaded,
            formats: vec!["image/urf".into()],
            capabilities: Capabilities::default(),
            send_as: Some(SendAs::Pdf),
        }
    }

    fn media(width_mm: f32, length_mm: Option<f32>) -> Media {
        Media {
            name: None,
            width_mm,
            length_mm,
        }
    }

    /// A contractor's default is the card-sized template; on a label printer the label one is
    /// asked for instead, so the badge prints rather than being refused for its size.
    #[test]
    fn the_template_follows_the_labels_the_printer_has_loaded() {
        let labels = printer_with(vec![media(62.0, Some(100.0))]);
        assert_eq!(template_for(&labels).as_deref(), Some("label-62x100"));
        let roll = printer_with(vec![media(62.0, None)]);
        assert_eq!(template_for(&roll).as_deref(), Some("label-62x100"));
        let cards = printer_with(vec![media(85.6, Some(54.0))]);
        assert_eq!(template_for(&cards).as_deref(), Some("cr80"));
        // Labels no template fits, or a printer that does not say: the portal's default, and
        // the queue's media check says what is wrong before anything prints.
        assert_eq!(
            template_for(&printer_with(vec![media(29.0, Some(90.0))])),
            None
        );
        assert_eq!(template_for(&printer_with(vec![])), None);
    }
}
