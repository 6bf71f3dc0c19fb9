//! Badge printers over IPP (IPP Everywhere printers, or CUPS queues): status, Print-Job, follow
//! the job to the end, fall back to a second printer when the first is down, and never print
//! twice for one request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ipp::operation::IppOperation;
use ipp::prelude::*;
use thiserror::Error;

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
    #[error("This printer cannot print PDF badges. Choose another printer.")]
    NoPdf,
}

#[derive(Debug, Error)]
pub enum PrintError {
    #[error("{0} is not a printer address (expected ipp://host:port/path).")]
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Idle,
    Processing,
    Stopped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterStatus {
    pub uri: String,
    pub name: Option<String>,
    pub state: State,
    /// `printer-state-reasons` as the printer says them (`none`, `media-empty-report`, …).
    pub reasons: Vec<String>,
    pub accepting: bool,
    pub media: Vec<String>,
    pub formats: Vec<String>,
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
        if !self.accepting {
            return Some(PrinterProblem::NotAccepting);
        }
        if self.state == State::Stopped {
            return Some(PrinterProblem::Stopped(self.reasons.join(", ")));
        }
        if !self.formats.is_empty()
            && !self
                .formats
                .iter()
                .any(|f| f == "application/pdf" || f == "application/octet-stream")
        {
            return Some(PrinterProblem::NoPdf);
        }
        None
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

/// A badge printer. The IPP one is the real implementation; the trait lets a desk mix printer
/// families behind one queue.
pub trait BadgePrinter: Send + Sync {
    fn uri(&self) -> &str;
    fn status(&self) -> Result<PrinterStatus, PrintError>;
    /// Send the PDF; returns the printer's job id once the printer accepted the job.
    fn submit(&self, pdf: Vec<u8>, job_name: &str) -> Result<i32, PrintError>;
    fn job(&self, id: i32) -> Result<JobStatus, PrintError>;
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
            "The printer does not accept this kind of document (badges are sent as PDF). \
             Choose a printer that prints PDF, or add it through a CUPS queue that converts for it."
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
            .attributes([
                IppAttribute::PRINTER_NAME,
                IppAttribute::PRINTER_STATE,
                IppAttribute::PRINTER_STATE_REASONS,
                IppAttribute::PRINTER_IS_ACCEPTING_JOBS,
                IppAttribute::MEDIA_SUPPORTED,
                IppAttribute::DOCUMENT_FORMAT_SUPPORTED,
            ])
            .build()
            .map_err(|e| {
                PrintError::Refused(format!("The printer request could not be made: {e}."))
            })?;
        let r = self.send(op)?;
        let t = DelimiterTag::PrinterAttributes;
        Ok(PrinterStatus {
            uri: self.text.clone(),
            name: attr(&r, t, IppAttribute::PRINTER_NAME).map(|v| v.to_string()),
            state: printer_state(attr(&r, t, IppAttribute::PRINTER_STATE)),
            reasons: strings(attr(&r, t, IppAttribute::PRINTER_STATE_REASONS)),
            accepting: attr(&r, t, IppAttribute::PRINTER_IS_ACCEPTING_JOBS)
                .and_then(|v| v.as_boolean())
                .copied()
                .unwrap_or(true),
            media: strings(attr(&r, t, IppAttribute::MEDIA_SUPPORTED)),
            formats: strings(attr(&r, t, IppAttribute::DOCUMENT_FORMAT_SUPPORTED)),
        })
    }

    fn submit(&self, pdf: Vec<u8>, job_name: &str) -> Result<i32, PrintError> {
        let op = IppOperationBuilder::print_job(
            self.uri.clone(),
            IppPayload::new(std::io::Cursor::new(pdf)),
        )
        .user_name("frontdesk")
        .job_title(job_name)
        .document_format("application/pdf")
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
            PrinterStatus {
                uri: strings(get(IppAttribute::PRINTER_URI_SUPPORTED))
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
                name: get(IppAttribute::PRINTER_NAME).map(|v| v.to_string()),
                state: printer_state(get(IppAttribute::PRINTER_STATE)),
                reasons: strings(get(IppAttribute::PRINTER_STATE_REASONS)),
                accepting: get(IppAttribute::PRINTER_IS_ACCEPTING_JOBS)
                    .and_then(|v| v.as_boolean())
                    .copied()
                    .unwrap_or(true),
                media: strings(get(IppAttribute::MEDIA_SUPPORTED)),
                formats: strings(get(IppAttribute::DOCUMENT_FORMAT_SUPPORTED)),
            }
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
    pub accepted_after: Duration,
    pub completed_after: Duration,
}

/// The desk's printers in order of preference. Each request carries an id: a request that
/// already printed is answered from memory and never printed again, while one that failed can be
/// retried with the same id.
pub struct PrintQueue {
    printers: Vec<Box<dyn BadgePrinter>>,
    done: Mutex<HashMap<String, Printed>>,
    poll: Duration,
}

impl PrintQueue {
    pub fn new(printers: Vec<Box<dyn BadgePrinter>>) -> Self {
        Self {
            printers,
            done: Mutex::new(HashMap::new()),
            poll: Duration::from_millis(100),
        }
    }

    #[tracing::instrument(skip(self, pdf), fields(bytes = pdf.len()), err(Display))]
    pub fn print(
        &self,
        request_id: &str,
        pdf: &[u8],
        job_name: &str,
        wait: Duration,
    ) -> Result<Printed, PrintError> {
        if let Some(p) = self
            .done
            .lock()
            .ok()
            .and_then(|d| d.get(request_id).cloned())
        {
            return Ok(p);
        }
        let started = Instant::now();
        let mut first_problem: Option<PrintError> = None;
        for (i, printer) in self.printers.iter().enumerate() {
            // A printer that is down (or would refuse the job) hands over to the next.
            let ready = printer.status().and_then(|s| match s.problem() {
                None => Ok(()),
                Some(problem) => Err(PrintError::Unavailable {
                    uri: s.uri,
                    problem,
                }),
            });
            if let Err(e) = ready {
                first_problem.get_or_insert(e);
                continue;
            }
            let job_id = printer.submit(pdf.to_vec(), job_name)?;
            let accepted_after = started.elapsed();
            let end = self.follow(printer.as_ref(), job_id, wait)?;
            let printed = Printed {
                printer: printer.uri().to_string(),
                job_id,
                fell_back: i > 0,
                accepted_after,
                completed_after: started.elapsed(),
            };
            return match end.end {
                Some(JobEnd::Completed) => {
                    if let Ok(mut d) = self.done.lock() {
                        d.insert(request_id.to_string(), printed.clone());
                    }
                    Ok(printed)
                }
                _ => Err(PrintError::JobFailed {
                    uri: printer.uri().to_string(),
                    job_id,
                    reasons: end.reasons.join(", "),
                }),
            };
        }
        Err(first_problem.unwrap_or(PrintError::NoPrinter))
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
