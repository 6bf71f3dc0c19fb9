//! The shared test harness: every real component Frontdesk's tests and benches start themselves.
//!
//! - [`portal`]: the portal service in-process on `127.0.0.1:0` with its own SQLite file, a
//!   blocking HTTP client, the test building (`World`), an SMTP server (aiosmtpd) and a TCP link
//!   a test can cut and restore;
//! - [`printer`]: CUPS's IPP Everywhere printer simulator (`ippeveprinter`) playing a label
//!   printer, a private `cupsd` with queues on Debian's label printer drivers, and a raw TCP port
//!   that catches what a driver or a ZPL printer is sent;
//! - [`labels`]: decoders for what label printers receive (PWG raster, URF, DYMO, Brother raster
//!   and ZPL through their PyPI tools) and `zbarimg` to read the QR code back;
//! - [`qr_label`]: a label with a QR code, as PDF and as raster on whole dots, to print;
//! - [`pcsc_sim`]: `pcscd` with the vpcd virtual reader and a virtual MIFARE Classic card;
//! - [`generated`]: the check that a generated file checked in still matches the code.
//!
//! A harness fails loudly: it panics with what is missing rather than letting a test pass
//! without the component.
// A failed set-up is a failed test: unwrapping here is the point, not an oversight.
#![allow(clippy::unwrap_used)]

pub mod generated;
pub mod labels;
pub mod pcsc_sim;
pub mod portal;
pub mod printer;
pub mod qr_label;

/// A TCP port free on loopback right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
