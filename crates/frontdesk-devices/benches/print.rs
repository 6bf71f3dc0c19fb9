//! Time from a print request to the job being accepted by the printer (and to it completing),
//! against ippeveprinter on loopback. Run: `cargo bench -p frontdesk-devices --bench print`.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::printer as common;

use std::time::Duration;

use frontdesk_badge::{BadgeData, Renderer};
use frontdesk_devices::printer::{BadgePrinter, IppPrinter, PdfDocument, PrintQueue};

fn main() {
    let sim = common::Simulator::start("BenchPrinter");
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
    let printers: Vec<Box<dyn BadgePrinter>> = vec![Box::new(
        IppPrinter::new(&sim.uri, Duration::from_secs(5)).unwrap(),
    )];
    let q = PrintQueue::new(printers);
    let doc = PdfDocument::new(pdf.clone());
    let (mut accepted, mut completed) = (vec![], vec![]);
    for i in 0..40 {
        let p = q
            .print(
                &format!("bench-{i}"),
                &doc,
                "badge",
                Duration::from_secs(30),
            )
            .unwrap();
        accepted.push(p.accepted_after);
        completed.push(p.completed_after);
    }
    accepted.sort();
    completed.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "Frontdesk print benchmark (ippeveprinter on loopback, {} KB badge PDF, 40 jobs)",
        pdf.len() / 1024
    );
    println!(
        "print request to job accepted: median {:.1} ms, p95 {:.1} ms (status check + Print-Job)",
        ms(accepted[20]),
        ms(accepted[38])
    );
    println!(
        "print request to job completed: median {:.1} ms, p95 {:.1} ms (the simulator's hook prints at once)",
        ms(completed[20]),
        ms(completed[38])
    );
}
