//! Badges on label printers as they really are: AirPrint printers that take only PWG raster or
//! Apple raster (ippeveprinter playing one), CUPS queues on Debian's Brother and DYMO drivers,
//! and Zebra printers on their raw port. Each test decodes what the printer received and reads
//! the QR code back with zbarimg.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use frontdesk_devices::printer::{
    self, BadgePrinter, IppPrinter, PdfDocument, PrintError, PrintQueue, PrinterProblem, SendAs,
    State,
};
use frontdesk_testkit::labels::{self, Page};
use frontdesk_testkit::printer::{Config, Cups, Label, RawPort, Simulator};
use frontdesk_testkit::qr_label::QrLabel;

const WAIT: Duration = Duration::from_secs(30);

fn badge() -> QrLabel {
    QrLabel::new(62.0, 100.0, "frontdesk:visit:lookup-62")
}

fn queue(uri: &str) -> PrintQueue {
    PrintQueue::new(vec![printer::open(uri, Duration::from_secs(10)).unwrap()])
}

/// Where a test keeps what it decoded (`target/tmp/labels/NAME/`), to look at.
fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("labels")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn assert_scans(page: &Page, want: &str, dir: &Path) {
    let found = labels::scan_qr(page, &dir.join("scan.png"));
    assert_eq!(
        found,
        vec![want.to_string()],
        "zbarimg read {found:?} off the page (kept at {})",
        dir.join("scan.png").display()
    );
}

#[test]
fn a_raster_only_label_printer_gets_pwg_raster_at_its_resolution() {
    let sim = Simulator::start_with("QL820Raster", &Config::raster());
    let status = status_of(&sim.uri);
    assert_eq!(status.model.as_deref(), Some("Brother QL-820NWB"));
    assert_eq!(
        status.send_as,
        Some(SendAs::PwgRaster {
            dpi: 300,
            one_bit: true
        })
    );
    assert_eq!(
        status.send_as.unwrap().to_string(),
        "PWG raster, 300 dpi, black and white"
    );
    assert_eq!(status.loaded_text(), "62 × 100 mm labels");
    assert_eq!(status.problem(), None);

    let doc = badge();
    let done = queue(&sim.uri)
        .print("r-pwg", &doc, "badge-pwg", WAIT)
        .unwrap();
    assert!(!done.fell_back);
    let received = sim.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert!(
        received[0].to_string_lossy().ends_with("badge-pwg.pwg"),
        "{received:?}"
    );
    let pages = labels::decode_pwg(&std::fs::read(&received[0]).unwrap());
    assert_eq!(pages.len(), 1);
    let p = &pages[0];
    assert_eq!(
        (p.width, p.height, p.dpi),
        (732, 1181, 300),
        "62 × 100 mm at 300 dpi"
    );
    // One bit: the page is black or white, nothing between.
    assert!(p.pixels.iter().all(|&v| v == 0 || v == 255));
    assert_eq!(p.pixels, doc.raster(300).2, "dot for dot what was drawn");
    let dir = out_dir("pwg");
    std::fs::copy(&received[0], dir.join("received.pwg")).unwrap();
    assert_scans(p, &doc.payload, &dir);
    // CUPS (libcups's raster reader) reads it the same.
    let by_cups = labels::read_with_cups(&received[0], &dir, 300);
    assert_eq!((by_cups.width, by_cups.height), (732, 1181));
    // Through a PDF and back the edges may move by a dot: the ink is the same within 2%.
    assert!(by_cups.black_dots().abs_diff(p.black_dots()) * 50 < p.black_dots());
    assert_scans(&by_cups, &doc.payload, &dir);
}

#[test]
fn an_airprint_printer_that_takes_only_urf_gets_apple_raster() {
    let sim = Simulator::start_with("QL820Urf", &Config::urf_only());
    let doc = badge();
    let q = queue(&sim.uri);
    q.print("r-urf", &doc, "badge-urf", WAIT).unwrap();
    let received = sim.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert!(
        received[0].to_string_lossy().ends_with(".urf"),
        "{received:?}"
    );
    let pages = labels::decode_urf(&std::fs::read(&received[0]).unwrap());
    assert_eq!(pages.len(), 1);
    let p = &pages[0];
    assert_eq!((p.width, p.height, p.dpi), (732, 1181, 300));
    let dir = out_dir("urf");
    std::fs::copy(&received[0], dir.join("received.urf")).unwrap();
    assert_scans(p, &doc.payload, &dir);
    // CUPS (libcups's raster reader) reads it the same.
    let by_cups = labels::read_with_cups(&received[0], &dir, 300);
    assert_eq!((by_cups.width, by_cups.height), (732, 1181));
    // Through a PDF and back the edges may move by a dot: the ink is the same within 2%.
    assert!(by_cups.black_dots().abs_diff(p.black_dots()) * 50 < p.black_dots());
    assert_scans(&by_cups, &doc.payload, &dir);
}

#[test]
fn a_printer_that_takes_only_png_gets_a_png_at_its_resolution() {
    // LPrint (Debian's IPP server for DYMO and Zebra label printers) takes PNG and PWG raster;
    // one that offers only PNG gets the badge as a PNG, with its resolution in the file.
    let sim = Simulator::start_with(
        "PngOnly",
        &Config {
            formats: "image/png",
            dpi: 203,
            ..Config::raster()
        },
    );
    assert_eq!(status_of(&sim.uri).send_as, Some(SendAs::Png { dpi: 203 }));
    let doc = badge();
    queue(&sim.uri)
        .print("r-png", &doc, "badge-png", WAIT)
        .unwrap();
    let received = sim.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert!(
        received[0].to_string_lossy().ends_with(".png"),
        "{received:?}"
    );
    let p = labels::read_png(&received[0], 203);
    assert_eq!((p.width, p.height), (496, 799), "62 × 100 mm at 203 dpi");
    let dir = out_dir("png");
    assert_scans(&p, &doc.payload, &dir);
}

#[test]
fn a_pdf_printer_gets_the_pdf_at_the_badges_size() {
    let sim = Simulator::start_with("PdfLabel", &Config::pdf());
    let doc = badge();
    queue(&sim.uri)
        .print("r-pdf", &doc, "badge-pdf", WAIT)
        .unwrap();
    let received = sim.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].to_string_lossy().ends_with("badge-pdf.pdf"));
    assert_eq!(std::fs::read(&received[0]).unwrap(), doc.pdf());
    // Rendered as a printer would, at 300 dpi.
    let dir = out_dir("pdf");
    let prefix = dir.join("page");
    let st = std::process::Command::new("pdftoppm")
        .args(["-r", "300", "-gray", "-png", "-singlefile"])
        .arg(&received[0])
        .arg(&prefix)
        .status()
        .expect("pdftoppm is missing: apt-get install poppler-utils");
    assert!(st.success());
    let p = labels::read_png(&dir.join("page.png"), 300);
    assert!(
        p.width.abs_diff(732) <= 1 && p.height.abs_diff(1181) <= 1,
        "{} × {}",
        p.width,
        p.height
    );
    assert_scans(&p, &doc.payload, &dir);
}

#[test]
fn a_media_mismatch_is_refused_before_anything_is_sent() {
    let sim = Simulator::start_with(
        "SmallLabels",
        &Config::raster().loaded(Label::DieCut("om_dk-11201_29x90mm", 29.0, 90.0)),
    );
    let e = queue(&sim.uri)
        .print("r-small", &badge(), "badge", WAIT)
        .unwrap_err();
    assert!(
        matches!(
            e,
            PrintError::Unavailable {
                problem: PrinterProblem::WrongMedia(_),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("The printer has 29 × 90 mm labels loaded; this badge needs 62 × 100 mm."),
        "{e}"
    );
    assert!(sim.received().is_empty(), "nothing was sent");
}

#[test]
fn a_continuous_roll_takes_any_badge_of_its_width() {
    let sim = Simulator::start_with(
        "ContinuousRoll",
        &Config::raster().loaded(Label::Roll("roll_dk-22205_62x30480mm", 62.0)),
    );
    let status = status_of(&sim.uri);
    assert_eq!(status.loaded_text(), "a 62 mm continuous roll");
    let q = queue(&sim.uri);
    q.print("r-roll-100", &badge(), "badge-long", WAIT).unwrap();
    let short = QrLabel::new(62.0, 50.0, "frontdesk:visit:short");
    q.print("r-roll-50", &short, "badge-short", WAIT).unwrap();
    let received = sim.received();
    assert_eq!(received.len(), 2);
    // Each label is cut at its own length: the page is the badge's.
    let heights: Vec<u32> = received
        .iter()
        .map(|f| labels::decode_pwg(&std::fs::read(f).unwrap())[0].height)
        .collect();
    assert_eq!(heights, vec![1181, 591]);
    let narrow = QrLabel::new(29.0, 90.0, "narrow");
    let e = q.print("r-roll-29", &narrow, "badge", WAIT).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "The printer has a 62 mm continuous roll loaded; this badge needs 29 × 90 mm."
        ),
        "{e}"
    );
    assert_eq!(sim.received().len(), 2);
}

#[test]
fn a_printer_that_says_nothing_of_its_labels_is_not_checked() {
    let sim = Simulator::start_with("NoMediaInfo", &Config::raster().loaded(Label::Unreported));
    let status = status_of(&sim.uri);
    assert!(status.loaded.is_empty());
    assert_eq!(status.loaded_text(), "not reported");
    queue(&sim.uri)
        .print("r-any", &QrLabel::new(54.0, 86.0, "cr80"), "badge", WAIT)
        .unwrap();
    assert_eq!(sim.received().len(), 1);
}

#[test]
fn a_pdf_only_document_on_a_raster_printer_says_why_in_words() {
    let sim = Simulator::start_with("RasterOnly", &Config::raster());
    let pdf = badge().pdf();
    let e = queue(&sim.uri)
        .print("r", &PdfDocument::new(pdf), "badge", WAIT)
        .unwrap_err();
    assert!(matches!(e, PrintError::Document(_)), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("The badge could not be prepared for this printer"),
        "{e}"
    );
    assert!(sim.received().is_empty());
}

#[test]
fn a_zebra_gets_the_badge_as_a_zpl_graphic() {
    let port = RawPort::start();
    let doc = badge();
    for (uri, dpi, size) in [
        (format!("zpl://127.0.0.1:{}", port.port), 203, (496, 799)),
        (
            format!("socket://127.0.0.1:{}?format=zpl&dpi=300", port.port),
            300,
            (732, 1181),
        ),
    ] {
        let p = printer::open(&uri, Duration::from_secs(5)).unwrap();
        let status = p.status().unwrap();
        assert_eq!(status.send_as, Some(SendAs::Zpl { dpi }));
        assert_eq!(status.state, State::Idle);
        let before = port.received().len();
        queue(&uri)
            .print(&format!("r-zpl-{dpi}"), &doc, "badge", WAIT)
            .unwrap();
        let sent = port.wait_for(before + 1, WAIT);
        let zpl = String::from_utf8(sent[before].clone()).unwrap();
        assert!(zpl.starts_with("^XA"), "{zpl:.60}");
        assert!(zpl.contains(&format!("^PW{}", size.0)) && zpl.contains(&format!("^LL{}", size.1)));
        assert!(zpl.trim_end().ends_with("^XZ"));
        let dir = out_dir(&format!("zpl-{dpi}"));
        let pages = labels::decode_zpl(&zpl, &dir, dpi);
        assert_eq!(pages.len(), 1);
        // The graphic's rows are whole bytes: at most 7 dots wider than the label.
        assert_eq!(pages[0].height, size.1);
        assert!(pages[0].width >= size.0 && pages[0].width < size.0 + 8);
        assert_scans(&pages[0], &doc.payload, &dir);
    }
    // A Zebra that is not there is offline, in words.
    drop(port);
    let dead = format!("zpl://127.0.0.1:{}", frontdesk_testkit::free_port());
    let e = queue(&dead)
        .print("r-dead", &doc, "badge", WAIT)
        .unwrap_err();
    assert!(e.to_string().contains("switched on"), "{e}");
}

const QL_820NWB: &str = "ptouch:0/ppd/ptouch-driver/Brother-QL-820NWB-ptouch-ql.ppd";
const LABELWRITER_450: &str = "dymo:0/cups/model/lw450.ppd";

/// A queue on a private CUPS with a Debian driver, whose printer is a port the test listens on.
struct DriverQueue {
    cups: Cups,
    port: RawPort,
    uri: String,
}

fn driver_queue(name: &str, model: &str, page_size: &str) -> DriverQueue {
    let cups = Cups::start();
    let port = RawPort::start();
    let option = format!("PageSize={page_size}");
    cups.add_driver_queue(name, model, &port.socket_uri(), &[&option]);
    let uri = format!("{}printers/{name}", cups.uri);
    DriverQueue { cups, port, uri }
}

impl DriverQueue {
    /// Print `doc` through the queue and return what its driver sent the printer.
    fn print(&self, doc: &QrLabel) -> Vec<u8> {
        queue(&self.uri)
            .print(&doc.payload, doc, "badge", WAIT)
            .unwrap_or_else(|e| panic!("{e}\n{}", self.cups.log()));
        self.port.wait_for(1, WAIT).remove(0)
    }
}

fn status_of(uri: &str) -> frontdesk_devices::printer::PrinterStatus {
    IppPrinter::new(uri, Duration::from_secs(5))
        .unwrap()
        .status()
        .unwrap()
}

#[test]
fn a_cups_queue_with_the_brother_ql_driver_prints_the_badge() {
    let q = driver_queue("QL820NWB", QL_820NWB, "62x100mm");
    let status = status_of(&q.uri);
    assert!(
        status.model.as_deref().unwrap_or("").contains("QL-820NWB"),
        "{:?}",
        status.model
    );
    assert_eq!(status.problem(), None, "{:?}", status.reasons);
    let doc = badge();
    let sent = q.print(&doc);
    let dir = out_dir("brother");
    let pages = labels::decode_brother(&sent, &dir);
    assert_eq!(pages.len(), 1, "one label");
    assert_scans(&pages[0], &doc.payload, &dir);
}

#[test]
fn a_cups_queue_with_the_dymo_driver_prints_the_badge() {
    // 30256 shipping labels, 2 5/16 × 4 in: the LabelWriter's badge-sized label.
    let q = driver_queue("LabelWriter450", LABELWRITER_450, "w167h288");
    let doc = QrLabel::new(58.9, 101.6, "frontdesk:visit:dymo");
    let pages = labels::decode_dymo(&q.print(&doc));
    assert_eq!(pages.len(), 1, "one label");
    let dir = out_dir("dymo");
    assert_scans(&pages[0], &doc.payload, &dir);
}

#[test]
fn a_stopped_or_refusing_cups_queue_says_so_in_words() {
    let DriverQueue { cups, port, uri } = driver_queue("Lobby", QL_820NWB, "62x100mm");
    let status = || status_of(&uri);

    cups.admin("cupsdisable", &["-r", "Labels being changed", "Lobby"]);
    let s = status();
    assert_eq!(s.state, State::Stopped);
    let problem = s.problem().unwrap();
    assert_eq!(
        problem.to_string(),
        "The badge printer's queue is paused at the print server (Labels being changed). Resume \
         it there, then try again."
    );
    let e = queue(&uri)
        .print("r-paused", &badge(), "badge", WAIT)
        .unwrap_err();
    assert_eq!(e.to_string(), problem.to_string());

    cups.admin("cupsenable", &["Lobby"]);
    cups.admin("cupsreject", &["Lobby"]);
    let s = status();
    assert_eq!(s.problem(), Some(PrinterProblem::NotAccepting));
    cups.admin("cupsaccept", &["Lobby"]);
    assert_eq!(status().problem(), None);
    assert!(port.received().is_empty(), "nothing was printed");
}
