//! Badge printers over IPP (IPP Everywhere printers, AirPrint label printers, CUPS queues) and
//! Zebra printers over ZPL: status, format negotiation and the media check, Print-Job, follow
//! the job to the end, fall back to a second printer when the first is down, and never print
//! twice for one request.
//!
//! A document is a [`PrintDocument`]: the queue asks it for a PDF or for a raster page at the
//! printer's resolution, whichever the printer takes ([`Capabilities::choose`]).

mod document;
mod formats;
mod media;
mod zpl;

pub use document::{dots, PdfDocument, PrintDocument, RasterPage};
pub use formats::{encode, png, pwg_raster, urf, zpl, Capabilities, SendAs};
pub use media::{Media, TOLERANCE_MM};
pub use zpl::ZplPrinter;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ipp::operation::IppOperation;
use ipp::prelude::*;
use thiserror::Error;

use crate::journal::{JournalEntry, JournalError, MemoryJournal, PrintJournal, PrintState};

/// Why a printer cannot take a badge now, in the words the desk shows.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PrinterProblem {
    #[error("The badge printer is offline or cannot be reached. Check that it is switched on and connected.")]
    Offline,
    #[error("The badge printer is out of labels. Load a new roll and try again.")]
    OutOfMedia,
    #[error("The badge printer's cover is open. Close it and try again.")]
    CoverOpen,
    #[error("Labels are jammed in the badge printer. Clear the jam and try again.")]
    MediaJam,
    #[error("The badge printer is not accepting jobs. Check it for a message, or restart it.")]
    NotAccepting,
    #[error("The badge printer has stopped ({0}). Check it for a message, or restart it.")]
    Stopped(String),
    /// A CUPS queue paused by an administrator (`cupsdisable`), with the reason they gave.
    #[error("The badge printer's queue is paused at the print server{}. Resume it there, then try again.", in_brackets(.0))]
    Paused(Option<String>),
    #[error("This printer takes none of the formats a badge can be sent in (PDF, PWG raster, Apple raster, PNG). Add it through a CUPS queue with its driver, or choose another printer.")]
    NoFormat,
    /// The labels loaded are not the badge's size; the sentence says both.
    #[error("{0}")]
    WrongMedia(String),
}

fn in_brackets(s: &Option<String>) -> String {
    s.as_deref().map(|m| format!(" ({m})")).unwrap_or_default()
}

#[derive(Debug, Error)]
pub enum PrintError {
    #[error("{0} is not a printer address (expected ipp://host:port/path, or zpl://host:9100 for a Zebra printer).")]
    InvalidUri(String),
    #[error("There is no printer at {0}. Check the printer address in the desk settings.")]
    NotFound(String),
    #[error("{problem}")]
    Unavailable {
        uri: String,
        problem: PrinterProblem,
    },
    #[error("The printer did not answer in time ({0}). It may be busy or stuck: check it, then try again.")]
    Timeout(String),
    #[error(
        "The printer stopped the badge job ({reasons}). Check the printer, then press Print again."
    )]
    JobFailed {
        uri: String,
        job_id: i32,
        reasons: String,
    },
    /// The printer answered with an IPP error; the text says it in words (see [`refusal`]).
    #[error("{0}")]
    Refused(String),
    #[error("No badge printer is configured. Add one in the desk settings.")]
    NoPrinter,
    #[error("The badge could not be prepared for this printer: {0}.")]
    Document(String),
    #[error("{0}")]
    Journal(#[from] JournalError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Idle,
    Processing,
    Stopped,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrinterStatus {
    pub uri: String,
    pub name: Option<String>,
    /// `printer-make-and-model` ("Brother QL-820NWB").
    pub model: Option<String>,
    pub state: State,
    /// `printer-state-reasons` as the printer says them (`none`, `media-empty-report`, …).
    pub reasons: Vec<String>,
    /// `printer-state-message`, when the printer (or CUPS) gave one.
    pub message: Option<String>,
    pub accepting: bool,
    /// `media-supported`.
    pub media: Vec<String>,
    /// What is loaded (`media-col-ready`, else `media-ready`); empty when the printer does not
    /// say, and then the media check is left to the printer.
    pub loaded: Vec<Media>,
    pub formats: Vec<String>,
    pub capabilities: Capabilities,
    /// What a badge will be sent as; None when the printer takes nothing a badge can be.
    pub send_as: Option<SendAs>,
}

impl PrinterStatus {
    /// The first thing that stops a badge from printing, if any. Reasons ending in `-report`
    /// are advisory in IPP, but for labels "media-empty" means the roll is out, so it counts.
    pub fn problem(&self) -> Option<PrinterProblem> {
        let has = |word: &str| self.reasons.iter().any(|r| r.starts_with(word));
        if has("media-empty") || has("media-needed") {
            return Some(PrinterProblem::OutOfMedia);
        }
        if has("cover-open") || has("door-open") {
            return Some(PrinterProblem::CoverOpen);
        }
        if has("media-jam") {
            return Some(PrinterProblem::MediaJam);
        }
        if has("offline") || has("shutdown") {
            return Some(PrinterProblem::Offline);
        }
        if has("paused") {
            return Some(PrinterProblem::Paused(self.message.clone()));
        }
        if !self.accepting {
            return Some(PrinterProblem::NotAccepting);
        }
        if self.state == State::Stopped {
            let why = match &self.message {
                Some(m) => m.clone(),
                None => self.reasons.join(", "),
            };
            return Some(PrinterProblem::Stopped(why));
        }
        if self.send_as.is_none() {
            return Some(PrinterProblem::NoFormat);
        }
        None
    }

    /// The loaded stock a `width` × `height` mm badge prints on (None when the printer does not
    /// say what is loaded), or why it does not fit, before anything is sent.
    pub fn media_for(&self, width: f32, height: f32) -> Result<Option<&Media>, PrinterProblem> {
        media::check(&self.loaded, width, height).map_err(PrinterProblem::WrongMedia)
    }

    /// "62 × 100 mm labels", or "not reported": for the Devices screen.
    pub fn loaded_text(&self) -> String {
        if self.loaded.is_empty() {
            "not reported".into()
        } else {
            self.loaded
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobEnd {
    Completed,
    Aborted,
    Canceled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    pub id: i32,
    /// None while the job is pending or printing.
    pub end: Option<JobEnd>,
    pub reasons: Vec<String>,
}

/// A badge printer: IPP ([`IppPrinter`]) or ZPL over a socket ([`ZplPrinter`]); the trait lets a
/// desk mix printer families behind one queue.
pub trait BadgePrinter: Send + Sync {
    fn uri(&self) -> &str;
    fn status(&self) -> Result<PrinterStatus, PrintError>;
    /// Send `doc` as `status.send_as` (the status just read, so the printer is asked once);
    /// returns the printer's job id once the printer accepted the job.
    fn submit(
        &self,
        doc: &dyn PrintDocument,
        status: &PrinterStatus,
        job_name: &str,
    ) -> Result<i32, PrintError>;
    fn job(&self, id: i32) -> Result<JobStatus, PrintError>;
}

/// The printer at `uri`: `ipp://`/`ipps://` (IPP Everywhere, AirPrint, CUPS queues), or
/// `zpl://host:9100` / `socket://host:port?format=zpl` (a Zebra printer's raw port).
pub fn open(uri: &str, timeout: Duration) -> Result<Box<dyn BadgePrinter>, PrintError> {
    if zpl::is_zpl(uri) {
        Ok(Box::new(ZplPrinter::new(uri, timeout)?))
    } else {
        Ok(Box::new(IppPrinter::new(uri, timeout)?))
    }
}

pub struct IppPrinter {
    uri: Uri,
    text: String,
    timeout: Duration,
}

impl IppPrinter {
    pub fn new(uri: &str, timeout: Duration) -> Result<Self, PrintError> {
        let parsed: Uri = uri
            .parse()
            .map_err(|_| PrintError::InvalidUri(uri.to_string()))?;
        if !matches!(parsed.scheme_str(), Some("ipp" | "ipps" | "http" | "https")) {
            return Err(PrintError::InvalidUri(uri.to_string()));
        }
        Ok(Self {
            uri: parsed,
            text: uri.to_string(),
            timeout,
        })
    }

    fn send(&self, op: impl IppOperation) -> Result<IppRequestResponse, PrintError> {
        let client = IppClient::builder(self.uri.clone())
            .request_timeout(self.timeout)
            .build();
        let resp = client.send(op).map_err(|e| self.transport_error(e))?;
        let status = resp.header().status_code();
        if status == StatusCode::ClientErrorNotFound {
            return Err(PrintError::NotFound(self.text.clone()));
        }
        if !status.is_success() {
            return Err(PrintError::Refused(refusal(status)));
        }
        Ok(resp)
    }

    fn transport_error(&self, e: IppError) -> PrintError {
        let text = e.to_string().to_lowercase();
        if text.contains("timeout") || text.contains("timed out") {
            PrintError::Timeout(self.text.clone())
        } else {
            PrintError::Unavailable {
                uri: self.text.clone(),
                problem: PrinterProblem::Offline,
            }
        }
    }
}

/// An IPP error status in the receptionist's words. The status's own name
/// (`ClientErrorAttributesOrValuesNotSupported`) means nothing at a front desk, so it never shows;
/// the number does, last, for whoever supports the printer.
fn refusal(status: StatusCode) -> String {
    use StatusCode as S;
    let words = match status {
        // A label printer that takes only raster (AirPrint's URF, PWG raster) answers a PDF job
        // with "attributes or values not supported": document-format is the attribute it refuses.
        S::ClientErrorDocumentFormatNotSupported
        | S::ClientErrorAttributesOrValuesNotSupported
        | S::ClientErrorDocumentFormatError
        | S::ClientErrorCompressionNotSupported
        | S::ClientErrorCompressionError => {
            "The printer does not accept this kind of document, although it listed it as one it \
             takes. Add it through a CUPS queue with its driver, or choose another printer."
        }
        S::ClientErrorForbidden | S::ClientErrorNotAuthenticated | S::ClientErrorNotAuthorized => {
            "The printer refuses jobs from this computer. Allow printing from it on the printer \
             (or its CUPS queue), then try again."
        }
        S::ClientErrorGone => {
            "This printer queue no longer exists. Check the printer address in the desk settings."
        }
        S::ClientErrorUriSchemeNotSupported => {
            "The printer does not take this kind of address. Use its ipp:// address."
        }
        S::ClientErrorRequestEntityTooLong | S::ClientErrorRequestValueTooLong => {
            "The badge is too large for this printer. Choose another badge template or printer."
        }
        S::ServerErrorNotAcceptingJobs => {
            "The badge printer is not accepting jobs. Check it for a message, or restart it."
        }
        S::ClientErrorTimeout
        | S::ServerErrorBusy
        | S::ServerErrorServiceUnavailable
        | S::ServerErrorTemporaryError => "The printer is busy. Try again in a moment.",
        S::ServerErrorDeviceError => {
            "The badge printer reports a fault. Check it for a message, or restart it."
        }
        S::ServerErrorJobCanceled => {
            "The job was cancelled at the printer. Press Print again to print the badge."
        }
        S::ServerErrorOperationNotSupported
        | S::ServerErrorVersionNotSupported
        | S::ServerErrorMultipleDocumentJobsNotSupported => {
            "This printer does not speak the printing protocol badges need (IPP Everywhere). \
             Add it through a CUPS queue, or choose another printer."
        }
        _ => {
            "The printer refused the badge. Check it for a message, or restart it, then try again."
        }
    };
    format!("{words} (IPP status 0x{:04x})", status as u16)
}

fn attr<'a>(r: &'a IppRequestResponse, tag: DelimiterTag, name: &str) -> Option<&'a IppValue> {
    r.attributes()
        .groups_of(tag)
        .next()?
        .get(name)
        .map(|a| a.value())
}

fn strings(v: Option<&IppValue>) -> Vec<String> {
    v.map(|v| v.into_iter().map(|x| x.to_string()).collect())
        .unwrap_or_default()
}

/// Resolutions in dpi (a dots-per-cm one is converted; cross-feed and feed differ only on
/// printers badges do not use, and the cross-feed one is what the raster is drawn at).
fn resolutions(v: Option<&IppValue>) -> Vec<u32> {
    v.map(|v| {
        v.into_iter()
            .filter_map(|x| match *x {
                IppValue::Resolution {
                    cross_feed, units, ..
                } if cross_feed > 0 => Some(if units == 4 {
                    (f64::from(cross_feed) * 2.54).round() as u32
                } else {
                    cross_feed as u32
                }),
                _ => None,
            })
            .collect()
    })
    .unwrap_or_default()
}

fn member<'a>(v: &'a IppValue, name: &str) -> Option<&'a IppValue> {
    match v {
        IppValue::Collection(c) => c.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v),
        _ => None,
    }
}

/// `media-col-ready`: each collection's `media-size` in hundredths of mm; a `y-dimension` that
/// is a range (or 0) is a continuous roll.
fn media_cols(v: Option<&IppValue>) -> Vec<Media> {
    let Some(v) = v else { return vec![] };
    v.into_iter()
        .filter_map(|col| {
            let size = member(col, "media-size")?;
            let width = match member(size, "x-dimension")? {
                IppValue::Integer(x) => *x,
                IppValue::RangeOfInteger { max, .. } => *max,
                _ => return None,
            };
            let length = match member(size, "y-dimension")? {
                IppValue::Integer(y) if *y > 0 => Some(*y as f32 / 100.0),
                _ => None,
            };
            let name = member(col, "media-size-name")
                .or_else(|| member(col, "media-key"))
                .map(|n| n.to_string());
            Some(Media {
                name,
                width_mm: width as f32 / 100.0,
                length_mm: length,
            })
        })
        .collect()
}

/// Read a printer's status from its attributes (a Get-Printer-Attributes answer, or one
/// printer of a CUPS-Get-Printers answer).
fn read_status<'a>(uri: String, get: impl Fn(&str) -> Option<&'a IppValue>) -> PrinterStatus {
    let capabilities = Capabilities {
        formats: strings(get(IppAttribute::DOCUMENT_FORMAT_SUPPORTED)),
        resolution_default: resolutions(get("printer-resolution-default"))
            .first()
            .copied(),
        resolutions: resolutions(get("printer-resolution-supported")),
        pwg_resolutions: resolutions(get("pwg-raster-document-resolution-supported")),
        pwg_types: strings(get("pwg-raster-document-type-supported")),
        urf: strings(get("urf-supported")),
    };
    let mut loaded = media_cols(get("media-col-ready"));
    if loaded.is_empty() {
        loaded = strings(get("media-ready"))
            .iter()
            .filter_map(|k| Media::from_keyword(k))
            .collect();
    }
    PrinterStatus {
        uri,
        name: get(IppAttribute::PRINTER_NAME).map(|v| v.to_string()),
        model: get("printer-make-and-model")
            .map(|v| v.to_string())
            .filter(|m| !m.is_empty()),
        state: printer_state(get(IppAttribute::PRINTER_STATE)),
        reasons: strings(get(IppAttribute::PRINTER_STATE_REASONS)),
        message: get("printer-state-message")
            .map(|v| v.to_string().trim().to_string())
            .filter(|m| !m.is_empty()),
        accepting: get(IppAttribute::PRINTER_IS_ACCEPTING_JOBS)
            .and_then(|v| v.as_boolean())
            .copied()
            .unwrap_or(true),
        media: strings(get(IppAttribute::MEDIA_SUPPORTED)),
        loaded,
        formats: capabilities.formats.clone(),
        send_as: capabilities.choose(),
        capabilities,
    }
}

/// What Get-Printer-Attributes asks for: the state, and all the choice of format and the media
/// check need.
const STATUS_ATTRIBUTES: &[&str] = &[
    IppAttribute::PRINTER_NAME,
    "printer-make-and-model",
    IppAttribute::PRINTER_STATE,
    IppAttribute::PRINTER_STATE_REASONS,
    "printer-state-message",
    IppAttribute::PRINTER_IS_ACCEPTING_JOBS,
    IppAttribute::MEDIA_SUPPORTED,
    "media-ready",
    "media-col-ready",
    IppAttribute::DOCUMENT_FORMAT_SUPPORTED,
    "printer-resolution-default",
    "printer-resolution-supported",
    "pwg-raster-document-resolution-supported",
    "pwg-raster-document-type-supported",
    "urf-supported",
];

fn printer_state(v: Option<&IppValue>) -> State {
    match v
        .and_then(|v| v.as_enum())
        .and_then(|&i| PrinterState::from_i32(i))
    {
        Some(PrinterState::Idle) => State::Idle,
        Some(PrinterState::Processing) => State::Processing,
        _ => State::Stopped,
    }
}

impl BadgePrinter for IppPrinter {
    fn uri(&self) -> &str {
        &self.text
    }

    fn status(&self) -> Result<PrinterStatus, PrintError> {
        let op = IppOperationBuilder::get_printer_attributes(self.uri.clone())
            .attributes(STATUS_ATTRIBUTES.iter().copied())
            .build()
            .map_err(|e| {
                PrintError::Refused(format!("The printer request could not be made: {e}."))
            })?;
        let r = self.send(op)?;
        Ok(read_status(self.text.clone(), |name| {
            attr(&r, DelimiterTag::PrinterAttributes, name)
        }))
    }

    fn submit(
        &self,
        doc: &dyn PrintDocument,
        status: &PrinterStatus,
        job_name: &str,
    ) -> Result<i32, PrintError> {
        let how = status.send_as.ok_or_else(|| PrintError::Unavailable {
            uri: self.text.clone(),
            problem: PrinterProblem::NoFormat,
        })?;
        let bytes = encode(doc, how).map_err(PrintError::Document)?;
        tracing::debug!(printer = %self.text, format = %how, bytes = bytes.len(), "sending the badge");
        let mut job = IppOperationBuilder::print_job(
            self.uri.clone(),
            IppPayload::new(std::io::Cursor::new(bytes)),
        )
        .user_name("frontdesk")
        .job_title(job_name)
        .document_format(how.mime());
        // Name the loaded label the badge goes on, so a printer (or a CUPS driver) with several
        // sizes uses that one. A continuous roll is not named: its name carries the roll's
        // length, and the page itself gives the cut.
        let (w, h) = doc.size_mm();
        if let Ok(Some(Media {
            name: Some(name),
            length_mm: Some(_),
            ..
        })) = status.media_for(w, h)
        {
            if status.media.iter().any(|m| m == name) {
                let media = IppValue::new_keyword(name.as_str())
                    .and_then(|v| IppAttribute::with_name("media", v));
                if let Ok(a) = media {
                    job = job.attribute(a);
                }
            }
        }
        let op = job
            .build()
            .map_err(|e| PrintError::Refused(format!("The print job could not be made: {e}.")))?;
        let r = self.send(op)?;
        attr(&r, DelimiterTag::JobAttributes, IppAttribute::JOB_ID)
            .and_then(|v| v.as_integer())
            .copied()
            .ok_or_else(|| {
                PrintError::Refused(
                    "The printer took the badge but gave no job number, so it cannot be followed. Check whether it printed."
                        .into(),
                )
            })
    }

    fn job(&self, id: i32) -> Result<JobStatus, PrintError> {
        let op = IppOperationBuilder::get_job_attributes(self.uri.clone(), id)
            .build()
            .map_err(|e| {
                PrintError::Refused(format!("The job's state could not be asked: {e}."))
            })?;
        let r = self.send(op)?;
        let t = DelimiterTag::JobAttributes;
        let end = match attr(&r, t, IppAttribute::JOB_STATE)
            .and_then(|v| v.as_enum())
            .and_then(|&i| JobState::from_i32(i))
        {
            Some(JobState::Completed) => Some(JobEnd::Completed),
            Some(JobState::Aborted) => Some(JobEnd::Aborted),
            Some(JobState::Canceled) => Some(JobEnd::Canceled),
            _ => None,
        };
        Ok(JobStatus {
            id,
            end,
            reasons: strings(attr(&r, t, IppAttribute::JOB_STATE_REASONS)),
        })
    }
}

/// Ask a CUPS server (e.g. `ipp://localhost:631/`) for the printers it offers.
pub fn discover_cups(server: &str, timeout: Duration) -> Result<Vec<PrinterStatus>, PrintError> {
    let p = IppPrinter::new(server, timeout)?;
    let r = match p.send(IppOperationBuilder::cups().get_printers()) {
        Ok(r) => r,
        // CUPS answers "not found" when it has no printers at all.
        Err(PrintError::NotFound(_)) => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    Ok(r.attributes()
        .groups_of(DelimiterTag::PrinterAttributes)
        .map(|g| {
            let get = |n: &str| g.get(n).map(|a| a.value());
            let uri = strings(get(IppAttribute::PRINTER_URI_SUPPORTED))
                .into_iter()
                .next()
                .unwrap_or_default();
            read_status(uri, get)
        })
        .collect())
}

/// How a print request ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub printer: String,
    pub job_id: i32,
    /// The first printer was down and the fallback took the job.
    pub fell_back: bool,
    /// The request had printed before (a second press, or a job sent before the app restarted
    /// and found completed): nothing was sent this time.
    pub already: bool,
    pub accepted_after: Duration,
    pub completed_after: Duration,
}

/// The desk's printers in order of preference. Each request carries an id, and the journal
/// keeps what it became: a request that printed is answered from the journal and never printed
/// again, one whose job was sent but not seen to end (the app closed, the printer was slow) is
/// followed up rather than sent again, and one that failed can be retried with the same id.
pub struct PrintQueue {
    printers: Vec<Box<dyn BadgePrinter>>,
    journal: Arc<dyn PrintJournal>,
    poll: Duration,
}

impl PrintQueue {
    /// A queue whose journal lasts as long as it does.
    pub fn new(printers: Vec<Box<dyn BadgePrinter>>) -> Self {
        Self::with_journal(printers, Arc::new(MemoryJournal::default()))
    }

    pub fn with_journal(
        printers: Vec<Box<dyn BadgePrinter>>,
        journal: Arc<dyn PrintJournal>,
    ) -> Self {
        Self {
            printers,
            journal,
            poll: Duration::from_millis(100),
        }
    }

    #[tracing::instrument(skip(self, doc), err(Display))]
    pub fn print(
        &self,
        request_id: &str,
        doc: &dyn PrintDocument,
        job_name: &str,
        wait: Duration,
    ) -> Result<Printed, PrintError> {
        let started = Instant::now();
        let first = self.printers.first().map(|p| p.uri().to_string());
        let earlier = |e: &JournalEntry| Printed {
            printer: e.printer.clone(),
            job_id: e.job_id,
            fell_back: first.as_deref() != Some(e.printer.as_str()),
            already: true,
            accepted_after: Duration::ZERO,
            completed_after: started.elapsed(),
        };
        if let Some(e) = self.journal.entry(request_id)? {
            match e.state {
                PrintState::Completed => return Ok(earlier(&e)),
                // Sent and not seen to end: follow that job; sending again could print twice.
                PrintState::Sent => {
                    let state = self.follow_entry(&e, wait)?;
                    if state == PrintState::Completed {
                        return Ok(earlier(&e));
                    }
                }
                PrintState::Failed => {}
            }
        }
        let mut first_problem: Option<PrintError> = None;
        for (i, printer) in self.printers.iter().enumerate() {
            // A printer that is down, would refuse the job, or has other labels loaded hands
            // over to the next, before anything is sent to it.
            let (w, h) = doc.size_mm();
            let ready = printer.status().and_then(|s| {
                match s.problem().or_else(|| s.media_for(w, h).err()) {
                    None => Ok(s),
                    Some(problem) => Err(PrintError::Unavailable {
                        uri: s.uri,
                        problem,
                    }),
                }
            });
            let status = match ready {
                Ok(s) => s,
                Err(e) => {
                    first_problem.get_or_insert(e);
                    continue;
                }
            };
            // A printer that fails while taking the job, or ends it without printing (a jam,
            // a job aborted by the printer), hands over to the next as well: the visitor
            // needs a badge, and nothing came out of this one. The journal then names the
            // printer that printed it.
            let job_id = match printer.submit(doc, &status, job_name) {
                Ok(id) => id,
                Err(e) => {
                    first_problem.get_or_insert(e);
                    continue;
                }
            };
            let accepted_after = started.elapsed();
            let mut entry = JournalEntry {
                request_id: request_id.to_string(),
                printer: printer.uri().to_string(),
                job_id,
                state: PrintState::Sent,
            };
            self.journal.record(&entry)?;
            let end = self.follow(printer.as_ref(), job_id, wait)?;
            entry.state = match end.end {
                Some(JobEnd::Completed) => PrintState::Completed,
                _ => PrintState::Failed,
            };
            self.journal.record(&entry)?;
            if entry.state == PrintState::Completed {
                return Ok(Printed {
                    printer: entry.printer,
                    job_id,
                    fell_back: i > 0,
                    already: false,
                    accepted_after,
                    completed_after: started.elapsed(),
                });
            }
            first_problem.get_or_insert(PrintError::JobFailed {
                uri: entry.printer,
                job_id,
                reasons: end.reasons.join(", "),
            });
        }
        Err(first_problem.unwrap_or(PrintError::NoPrinter))
    }

    /// Ask once after each job the journal saw sent but not end (the app closed while it
    /// printed) and record how it ended; returns the ones that have ended now. A printer out of
    /// reach leaves its jobs for the next time.
    pub fn follow_up(&self) -> Result<Vec<JournalEntry>, PrintError> {
        let mut ended = vec![];
        for e in self.journal.unfinished()? {
            if let Ok(state) = self.follow_entry(&e, Duration::ZERO) {
                if state != PrintState::Sent {
                    ended.push(JournalEntry { state, ..e });
                }
            }
        }
        Ok(ended)
    }

    /// Follow a journal entry's job for up to `wait`, recording its end.
    fn follow_entry(&self, e: &JournalEntry, wait: Duration) -> Result<PrintState, PrintError> {
        let opened;
        let printer: &dyn BadgePrinter = match self.printers.iter().find(|p| p.uri() == e.printer) {
            Some(p) => p.as_ref(),
            None => {
                opened = open(&e.printer, Duration::from_secs(5))?;
                opened.as_ref()
            }
        };
        let end = match self.follow(printer, e.job_id, wait) {
            Ok(s) => s.end,
            Err(PrintError::Timeout(_)) if wait.is_zero() => return Ok(PrintState::Sent),
            Err(other) => return Err(other),
        };
        let state = match end {
            Some(JobEnd::Completed) => PrintState::Completed,
            _ => PrintState::Failed,
        };
        self.journal.record(&JournalEntry { state, ..e.clone() })?;
        Ok(state)
    }

    fn follow(
        &self,
        p: &dyn BadgePrinter,
        job: i32,
        wait: Duration,
    ) -> Result<JobStatus, PrintError> {
        let deadline = Instant::now() + wait;
        loop {
            let s = p.job(job)?;
            if s.end.is_some() {
                return Ok(s);
            }
            if Instant::now() >= deadline {
                return Err(PrintError::Timeout(p.uri().to_string()));
            }
            std::thread::sleep(self.poll);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every IPP error status reads as a sentence, never as the protocol's enum name.
    #[test]
    fn every_refusal_is_in_words() {
        for code in (0x0400u16..=0x0412).chain(0x0500..=0x0509).chain([0x0fff]) {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::UnknownStatusCode);
            let text = refusal(status);
            let name = format!("{status:?}");
            assert!(!text.contains(&name), "{text}");
            assert!(
                text.starts_with("The ") || text.starts_with("This "),
                "{text}"
            );
            assert!(!text.contains('\n'), "{text}");
        }
        assert!(
            refusal(StatusCode::ClientErrorAttributesOrValuesNotSupported)
                .starts_with("The printer does not accept this kind of document")
        );
    }
}
