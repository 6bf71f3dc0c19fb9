//! The desk's badge printer and card encoder: their addresses, their state for the status bar,
//! printing a badge (with the fallback printer) and writing a card.

use std::time::Duration;

use frontdesk_api::{BadgeParams, Printed};
use frontdesk_devices::encoder::{CardEncoder, Credential, PcscEncoder};
use frontdesk_devices::printer::{BadgePrinter, IppPrinter, PdfDocument, PrintQueue};

use crate::workers::Status;
use crate::{Console, DeskError, DeviceState, Devices, EncodedCard, Result};

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
                if !(uri.starts_with("ipp://")
                    || uri.starts_with("ipps://")
                    || uri.starts_with("http://"))
                {
                    return Err(DeskError::Refused {
                        code: "invalid".into(),
                        message: format!("{uri} is not a printer address: use ipp://host:631/ipp/print (the printer's IPP address)."),
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

    /// Render the badge on the portal, print it on this desk's printer (falling back to the
    /// next one), and record that it was printed.
    pub fn print_badge(&self, id: &str) -> Result<String> {
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
        let pdf = l.portal.badge(id, &BadgeParams::default(), false)?.bytes;
        let mut printers: Vec<Box<dyn BadgePrinter>> = vec![];
        for uri in uris.split(',') {
            printers.push(Box::new(
                IppPrinter::new(uri.trim(), Duration::from_secs(5))
                    .map_err(|e| DeskError::Local(e.to_string()))?,
            ));
        }
        let printed = PrintQueue::new(printers)
            .print(
                &uuid::Uuid::now_v7().to_string(),
                &PdfDocument::new(pdf),
                &format!("badge-{id}"),
                Duration::from_secs(60),
            )
            .map_err(|e| DeskError::Refused {
                code: "print_failed".into(),
                message: e.to_string(),
            })?;
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
        Ok(if printed.fell_back {
            format!("Printed on the fallback printer {}.", printed.printer)
        } else {
            "Badge printed.".into()
        })
    }
}

pub(crate) fn check_devices(status: &Status) {
    let devices = status.devices.lock().map(|d| d.clone()).unwrap_or_default();
    let printer = match devices.printer.as_deref().and_then(|p| p.split(',').next()) {
        None => device("No printer set up", false),
        Some(uri) => {
            match IppPrinter::new(uri.trim(), Duration::from_secs(3)).and_then(|p| p.status()) {
                Ok(s) => match s.problem() {
                    None => device(
                        &format!(
                            "Printer ready ({})",
                            s.name.unwrap_or_else(|| uri.to_string())
                        ),
                        true,
                    ),
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

pub(crate) fn device(label: &str, ready: bool) -> DeviceState {
    DeviceState {
        ready,
        label: label.into(),
    }
}
