//! Printing badges over IPP to a real IPP Everywhere printer simulator.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::printer as common;

use std::process::Command;
use std::time::Duration;

use common::Simulator;
use frontdesk_badge::{BadgeData, Renderer};
use frontdesk_devices::printer::{
    BadgePrinter, IppPrinter, PdfDocument, PrintError, PrintQueue, PrinterProblem, SendAs, State,
};

const WAIT: Duration = Duration::from_secs(20);

fn badge(name: &str) -> Vec<u8> {
    Renderer::new(None)
        .unwrap()
        .render(
            "label-62x100",
            &BadgeData {
                name: name.into(),
                host: "Grace Hopper".into(),
                building: "Harbour Tower".into(),
                visitor_type: "Visitor".into(),
                qr: "lookup-1".into(),
                ..BadgeData::default()
            },
        )
        .unwrap()
}

fn printer(uri: &str) -> Box<dyn BadgePrinter> {
    Box::new(IppPrinter::new(uri, Duration::from_secs(5)).unwrap())
}

#[test]
fn a_badge_prints_and_the_printer_receives_exactly_that_document() {
    let sim = Simulator::start("LobbyPrinter");
    let p = IppPrinter::new(&sim.uri, Duration::from_secs(5)).unwrap();
    let status = p.status().unwrap();
    assert_eq!(status.state, State::Idle);
    assert!(status.accepting && status.formats.iter().any(|f| f == "application/pdf"));
    assert_eq!(status.send_as, Some(SendAs::Pdf));
    assert_eq!(status.problem(), None);

    let pdf = badge("Zoë Ødegård");
    let q = PrintQueue::new(vec![printer(&sim.uri)]);
    let done = q
        .print("req-1", &PdfDocument::new(pdf.clone()), "badge-ada", WAIT)
        .unwrap();
    assert!(!done.fell_back);
    let received = sim.received();
    assert_eq!(received.len(), 1);
    assert!(received[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .ends_with("badge-ada.pdf"));
    assert_eq!(
        std::fs::read(&received[0]).unwrap(),
        pdf,
        "the printer got the badge, byte for byte"
    );
    let text = Command::new("pdftotext")
        .arg(&received[0])
        .arg("-")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("Zoë Ødegård"));

    // The same request again is not printed twice: it is answered from the journal.
    let again = q
        .print("req-1", &PdfDocument::new(pdf.clone()), "badge-ada", WAIT)
        .unwrap();
    assert!(again.already && !done.already);
    assert_eq!((&again.printer, again.job_id), (&done.printer, done.job_id));
    assert_eq!(sim.received().len(), 1);
}

#[test]
fn a_down_printer_hands_the_badge_to_the_fallback() {
    let sim = Simulator::start("FallbackPrinter");
    let dead = format!("ipp://localhost:{}/ipp/print", common::free_port());
    let q = PrintQueue::new(vec![printer(&dead), printer(&sim.uri)]);
    let done = q
        .print("req-2", &PdfDocument::new(badge("Ada")), "badge", WAIT)
        .unwrap();
    assert!(done.fell_back);
    assert_eq!(done.printer, sim.uri);
    assert_eq!(sim.received().len(), 1);
}

#[test]
fn problems_are_reported_in_words_and_nothing_counts_as_printed() {
    // Unreachable.
    let dead = format!("ipp://localhost:{}/ipp/print", common::free_port());
    let e = PrintQueue::new(vec![printer(&dead)])
        .print("r", &PdfDocument::new(badge("A")), "b", WAIT)
        .unwrap_err();
    assert!(
        matches!(
            e,
            PrintError::Unavailable {
                problem: PrinterProblem::Offline,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("switched on"), "{e}");

    // A wrong path on a real printer.
    let sim = Simulator::start("StatePrinter");
    let wrong = sim.uri.replace("/ipp/print", "/ipp/nowhere");
    let e = IppPrinter::new(&wrong, Duration::from_secs(5))
        .unwrap()
        .status()
        .unwrap_err();
    assert!(matches!(e, PrintError::NotFound(_)), "{e:?}");
    assert!(e.to_string().contains("printer address"), "{e}");
    assert!(matches!(
        IppPrinter::new("lpt1", Duration::from_secs(1)),
        Err(PrintError::InvalidUri(_))
    ));

    // A jam: the job aborts; nothing is remembered as printed, and the retry prints.
    let q = PrintQueue::new(vec![printer(&sim.uri)]);
    sim.set_mode("jam");
    let e = q
        .print("req-jam", &PdfDocument::new(badge("Ada")), "badge", WAIT)
        .unwrap_err();
    assert!(matches!(e, PrintError::JobFailed { .. }), "{e:?}");
    assert!(
        e.to_string().contains("Press Print again") || e.to_string().contains("press Print again"),
        "{e}"
    );
    // A jam with a fallback printer: the badge prints there, once.
    let fallback = Simulator::start("Fallback Badge Printer");
    let both = PrintQueue::new(vec![printer(&sim.uri), printer(&fallback.uri)]);
    let done = both
        .print(
            "req-fallback",
            &PdfDocument::new(badge("Ada")),
            "badge",
            WAIT,
        )
        .unwrap();
    assert!(done.fell_back && done.printer == fallback.uri, "{done:?}");
    assert_eq!(fallback.received().len(), 1);
    drop(fallback);
    sim.set_mode("ok");
    let done = q
        .print("req-jam", &PdfDocument::new(badge("Ada")), "badge", WAIT)
        .unwrap();
    assert!(done.job_id > 1);

    // Out of labels: the printer says so, and the next badge is refused before it is sent.
    sim.set_mode("media-empty");
    let _ = q.print(
        "req-last-label",
        &PdfDocument::new(badge("Ada")),
        "badge",
        WAIT,
    );
    let status = IppPrinter::new(&sim.uri, Duration::from_secs(5))
        .unwrap()
        .status()
        .unwrap();
    assert!(
        status.reasons.iter().any(|r| r.starts_with("media-empty")),
        "{:?}",
        status.reasons
    );
    let sent_before = sim.received().len();
    let e = q
        .print("req-empty", &PdfDocument::new(badge("Ada")), "badge", WAIT)
        .unwrap_err();
    assert!(
        matches!(
            e,
            PrintError::Unavailable {
                problem: PrinterProblem::OutOfMedia,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "The badge printer is out of labels. Load a new roll and try again."
    );
    assert_eq!(sim.received().len(), sent_before, "nothing was sent");
}

#[test]
fn a_printer_that_takes_nothing_a_badge_can_be_says_so_in_words() {
    let sim = common::Simulator::start_with(
        "TextOnly",
        &common::Config {
            formats: "text/plain",
            ..common::Config::pdf()
        },
    );
    let status = IppPrinter::new(&sim.uri, Duration::from_secs(5))
        .unwrap()
        .status()
        .unwrap();
    assert_eq!(status.send_as, None);
    assert_eq!(status.problem(), Some(PrinterProblem::NoFormat));
    let e = PrintQueue::new(vec![printer(&sim.uri)])
        .print("r", &PdfDocument::new(badge("Ada")), "badge", WAIT)
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("This printer takes none of the formats a badge can be sent in"),
        "{text}"
    );
    assert!(sim.received().is_empty());
}

#[test]
fn a_printer_that_never_answers_times_out_clearly() {
    // Accepts connections and says nothing, like a printer stuck mid-boot.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = vec![];
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let p = IppPrinter::new(
        &format!("ipp://127.0.0.1:{port}/ipp/print"),
        Duration::from_secs(2),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let e = p.status().unwrap_err();
    assert!(matches!(e, PrintError::Timeout(_)), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(e.to_string().contains("did not answer"), "{e}");
}

#[test]
fn the_printers_a_cups_server_offers_are_discovered() {
    let sim = Simulator::start("CupsBadge");
    let cups = common::Cups::start();
    cups.add_queue("LobbyBadge", &sim.uri);
    let found =
        frontdesk_devices::printer::discover_cups(&cups.uri, Duration::from_secs(5)).unwrap();
    let queue = found
        .iter()
        .find(|p| p.name.as_deref() == Some("LobbyBadge"))
        .expect("the queue is listed");
    assert!(queue.uri.ends_with("/printers/LobbyBadge"), "{}", queue.uri);
    assert_eq!(queue.state, State::Idle);
    assert!(queue.accepting);
    // The discovered address answers for itself.
    let status = IppPrinter::new(&queue.uri, Duration::from_secs(5))
        .unwrap()
        .status()
        .unwrap();
    assert_eq!(status.problem(), None);
    // And a CUPS server with nothing to offer says so without failing.
    let empty = common::Cups::start();
    let none = frontdesk_devices::printer::discover_cups(&empty.uri, Duration::from_secs(5));
    assert!(
        matches!(none, Ok(ref v) if v.is_empty()) || matches!(none, Err(PrintError::NotFound(_))),
        "{none:?}"
    );
}
