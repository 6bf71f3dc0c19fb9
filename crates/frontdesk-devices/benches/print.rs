//! Time from a print request to the job being accepted by the printer (and to it completing), on
//! each path a badge can take: PDF to an IPP Everywhere printer, PWG raster and Apple raster to
//! an AirPrint label printer (ippeveprinter playing one), ZPL to a Zebra's raw port, and PDF to a
//! CUPS queue on Debian's Brother QL driver. Run: `cargo bench -p frontdesk-devices --bench print`.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::printer as common;

use std::time::Duration;

use frontdesk_badge::{BadgeData, Renderer};
use frontdesk_devices::printer::{
    self, BadgePrinter, IppPrinter, PdfDocument, PrintDocument, PrintQueue,
};
use frontdesk_testkit::qr_label::QrLabel;

/// Print `jobs` badges and say the median and p95 to accepted and to completed.
fn measure(path: &str, printer: Box<dyn BadgePrinter>, doc: &dyn PrintDocument, jobs: usize) {
    let q = PrintQueue::new(vec![printer]);
    let (mut accepted, mut completed) = (vec![], vec![]);
    for i in 0..jobs {
        let p = q
            .print(
                &format!("bench-{path}-{i}"),
                doc,
                "badge",
                Duration::from_secs(60),
            )
            .unwrap();
        accepted.push(p.accepted_after);
        completed.push(p.completed_after);
    }
    accepted.sort();
    completed.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p95 = |v: &[Duration]| v[(v.len() * 95).div_ceil(100) - 1];
    println!(
        "{path}: print request to job accepted median {:.1} ms, p95 {:.1} ms; to completed median {:.1} ms, p95 {:.1} ms ({jobs} jobs)",
        ms(accepted[jobs / 2]),
        ms(p95(&accepted)),
        ms(completed[jobs / 2]),
        ms(p95(&completed)),
    );
}

fn main() {
    let pdf = Renderer::new(None)
        .unwrap()
        .render(
            "label-62x100",
            &BadgeData {
                name: "Zoë Ødegård".into(),
                host: "Grace Hopper".into(),
                building: "Harbour Tower".into(),
                visitor_type: "Visitor".into(),
                qr: "lookup".into(),
                ..BadgeData::default()
            },
        )
        .unwrap();
    let timeout = Duration::from_secs(5);
    println!(
        "Frontdesk print benchmark (loopback; {} KB badge PDF; a 62 × 100 mm label at 300 dpi for raster)",
        pdf.len() / 1024
    );
    let badge = PdfDocument::new(pdf);
    let label = QrLabel::new(62.0, 100.0, "frontdesk:visit:bench");

    let sim = common::Simulator::start("BenchPdf");
    let ipp = |uri: &str| Box::new(IppPrinter::new(uri, timeout).unwrap());
    measure("PDF to ippeveprinter", ipp(&sim.uri), &badge, 40);
    let sim = common::Simulator::start_with("BenchPwg", &common::Config::raster());
    measure(
        "PWG raster (black_1) to ippeveprinter",
        ipp(&sim.uri),
        &label,
        40,
    );
    let sim = common::Simulator::start_with("BenchUrf", &common::Config::urf_only());
    measure(
        "Apple raster (URF) to ippeveprinter",
        ipp(&sim.uri),
        &label,
        40,
    );
    let port = common::RawPort::start();
    let zebra = printer::open(&format!("zpl://127.0.0.1:{}", port.port), timeout).unwrap();
    measure("ZPL at 203 dpi to a raw port", zebra, &label, 40);
    let cups = common::Cups::start();
    let ql = common::RawPort::start();
    cups.add_driver_queue(
        "BenchQL",
        "ptouch:0/ppd/ptouch-driver/Brother-QL-820NWB-ptouch-ql.ppd",
        &ql.socket_uri(),
        &["PageSize=62x100mm"],
    );
    let queue = format!("{}printers/BenchQL", cups.uri);
    measure(
        "PDF to a CUPS queue on the Brother QL driver (completed: the driver's raster sent)",
        ipp(&queue),
        &label,
        10,
    );
}
