//! Zebra label printers on their raw port (9100): the badge goes as ZPL, drawn as one graphic.
//! A raw port has no jobs to follow: a badge counts as printed once the printer took every byte.

use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use ipp::prelude::Uri;

use super::{
    encode, BadgePrinter, Capabilities, JobEnd, JobStatus, PrintDocument, PrintError,
    PrinterProblem, PrinterStatus, SendAs, State,
};

/// The printer's resolution when the address does not say: most desktop Zebras print at 203 dpi.
const DEFAULT_DPI: u32 = 203;

pub(super) fn is_zpl(uri: &str) -> bool {
    let lower = uri.to_ascii_lowercase();
    lower.starts_with("zpl://") || (lower.starts_with("socket://") && lower.contains("format=zpl"))
}

pub struct ZplPrinter {
    text: String,
    host: String,
    port: u16,
    dpi: u32,
    timeout: Duration,
    next_job: AtomicI32,
}

impl ZplPrinter {
    /// `zpl://host[:9100][?dpi=300]` or `socket://host:port?format=zpl[&dpi=300]`.
    pub fn new(uri: &str, timeout: Duration) -> Result<Self, PrintError> {
        let invalid = || PrintError::InvalidUri(uri.to_string());
        let parsed: Uri = uri.parse().map_err(|_| invalid())?;
        if !is_zpl(uri) {
            return Err(invalid());
        }
        let host = parsed.host().ok_or_else(invalid)?.to_string();
        let mut dpi = DEFAULT_DPI;
        for pair in parsed.query().unwrap_or("").split('&') {
            match pair.split_once('=') {
                Some(("dpi", v)) => {
                    dpi = v
                        .parse()
                        .ok()
                        .filter(|d| (100..=600).contains(d))
                        .ok_or_else(invalid)?;
                }
                Some(("format", v)) if v.eq_ignore_ascii_case("zpl") => {}
                _ if pair.is_empty() => {}
                _ => return Err(invalid()),
            }
        }
        Ok(Self {
            text: uri.to_string(),
            host,
            port: parsed.port_u16().unwrap_or(9100),
            dpi,
            timeout,
            next_job: AtomicI32::new(1),
        })
    }

    fn connect(&self) -> Result<TcpStream, PrintError> {
        let offline = || PrintError::Unavailable {
            uri: self.text.clone(),
            problem: PrinterProblem::Offline,
        };
        let addrs = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|_| offline())?;
        for addr in addrs {
            if let Ok(s) = TcpStream::connect_timeout(&addr, self.timeout) {
                return Ok(s);
            }
        }
        Err(offline())
    }
}

impl BadgePrinter for ZplPrinter {
    fn uri(&self) -> &str {
        &self.text
    }

    /// Reachable or not: a raw port answers nothing unasked, and a connection is what a badge
    /// needs.
    fn status(&self) -> Result<PrinterStatus, PrintError> {
        drop(self.connect()?);
        let send_as = SendAs::Zpl { dpi: self.dpi };
        Ok(PrinterStatus {
            uri: self.text.clone(),
            name: None,
            model: Some("Zebra label printer (ZPL)".into()),
            state: State::Idle,
            reasons: vec![],
            message: None,
            accepting: true,
            media: vec![],
            loaded: vec![],
            formats: vec![send_as.mime().into()],
            capabilities: Capabilities::default(),
            send_as: Some(send_as),
        })
    }

    fn submit(
        &self,
        doc: &dyn PrintDocument,
        _status: &PrinterStatus,
        _job_name: &str,
    ) -> Result<i32, PrintError> {
        let bytes = encode(doc, SendAs::Zpl { dpi: self.dpi }).map_err(PrintError::Document)?;
        let mut s = self.connect()?;
        let sent = s
            .set_write_timeout(Some(self.timeout))
            .and_then(|_| s.write_all(&bytes))
            .and_then(|_| s.flush())
            .and_then(|_| s.shutdown(std::net::Shutdown::Write));
        if let Err(e) = sent {
            return Err(
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) {
                    PrintError::Timeout(self.text.clone())
                } else {
                    PrintError::Unavailable {
                        uri: self.text.clone(),
                        problem: PrinterProblem::Offline,
                    }
                },
            );
        }
        Ok(self.next_job.fetch_add(1, Ordering::Relaxed))
    }

    fn job(&self, id: i32) -> Result<JobStatus, PrintError> {
        Ok(JobStatus {
            id,
            end: Some(JobEnd::Completed),
            reasons: vec![],
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        let t = Duration::from_secs(1);
        let z = ZplPrinter::new("zpl://10.1.2.3", t).unwrap();
        assert_eq!((z.host.as_str(), z.port, z.dpi), ("10.1.2.3", 9100, 203));
        let z = ZplPrinter::new("socket://zebra.lan:9101?format=zpl&dpi=300", t).unwrap();
        assert_eq!((z.host.as_str(), z.port, z.dpi), ("zebra.lan", 9101, 300));
        assert!(ZplPrinter::new("zpl://host?dpi=lots", t).is_err());
        assert!(ZplPrinter::new("socket://host:9100", t).is_err());
        assert!(is_zpl("ZPL://host") && !is_zpl("ipp://host/ipp/print"));
    }
}
