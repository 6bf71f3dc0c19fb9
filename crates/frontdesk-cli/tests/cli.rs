//! The installer's command line, against a real printer simulator.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::printer as common;

use std::process::{Command, Output};

fn frontdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn an_installer_renders_a_sample_lists_printers_and_prints_with_a_fallback() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("sample.pdf");
    let o = frontdesk(&[
        "badge",
        "sample",
        "--template",
        "cr80",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let o = frontdesk(&["badge", "templates"]);
    assert!(text(&o).contains("label-62x100") && text(&o).contains("cr80"));

    // A card printer with CR80 cards loaded, for the CR80 sample.
    let sim = common::Simulator::start_with(
        "InstallerPrinter",
        &common::Config::pdf().loaded(common::Label::DieCut("om_cr80_85.6x54mm", 85.6, 54.0)),
    );
    let dead = format!("ipp://localhost:{}/ipp/print", common::free_port());
    let o = frontdesk(&[
        "printers",
        "list",
        "--printer",
        &sim.uri,
        "--printer",
        &dead,
    ]);
    let out = text(&o);
    assert!(out.contains("ready for badges"), "{out}");
    assert!(out.contains("application/pdf"), "{out}");
    // What the Devices screen shows too: the model, what a badge is sent as, what is loaded.
    assert!(out.contains("model: Badge Sim PDF"), "{out}");
    assert!(out.contains("badges are sent as: PDF"), "{out}");
    assert!(out.contains("labels loaded: 85.6 × 54 mm"), "{out}");
    assert!(
        out.contains("not usable") && out.contains("switched on"),
        "{out}"
    );

    let o = frontdesk(&[
        "print",
        pdf.to_str().unwrap(),
        "--printer",
        &dead,
        "--fallback",
        &sim.uri,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("the fallback printer"), "{}", text(&o));
    assert_eq!(sim.received().len(), 1);
}

#[test]
fn mistakes_get_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let not_pdf = dir.path().join("notes.txt");
    std::fs::write(&not_pdf, "hello").unwrap();
    let o = frontdesk(&[
        "print",
        not_pdf.to_str().unwrap(),
        "--printer",
        "ipp://localhost:9/ipp/print",
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("is not a PDF"), "{}", text(&o));
    let o = frontdesk(&[
        "badge",
        "sample",
        "--template",
        "poster",
        "-o",
        "/tmp/x.pdf",
    ]);
    assert!(
        !o.status.success() && text(&o).contains("no badge template named"),
        "{}",
        text(&o)
    );
    let port = common::free_port();
    let o = frontdesk(&[
        "badge",
        "render",
        "some-invite",
        "--server",
        &format!("http://127.0.0.1:{port}"),
        "--token",
        "t",
        "-o",
        "/tmp/x.pdf",
    ]);
    assert!(
        !o.status.success() && text(&o).contains("cannot reach the portal service"),
        "{}",
        text(&o)
    );
}

/// A word like `ClientErrorAttributesOrValuesNotSupported` or `ConnectionRefused`: a protocol or
/// library enum name leaking into what an installer reads.
fn enum_names(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            w.as_bytes()
                .windows(2)
                .any(|p| p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase())
        })
        .collect()
}

#[test]
fn failures_are_one_plain_line_even_with_backtraces_on() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("badge.pdf");
    let o = frontdesk(&["badge", "sample", "-o", pdf.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let pdf = pdf.to_str().unwrap();

    // A label printer that takes raster only: a PDF file cannot be turned into its raster.
    let raster = common::Simulator::start_with("RasterOnly", &common::Config::raster());
    let dead_printer = format!("ipp://localhost:{}/ipp/print", common::free_port());
    let dead_portal = format!("http://127.0.0.1:{}", common::free_port());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["print", pdf, "--printer", &raster.uri],
            "The badge could not be prepared for this printer",
        ),
        (
            vec!["print", pdf, "--printer", &dead_printer],
            "The badge printer is offline or cannot be reached",
        ),
        (
            vec![
                "badge",
                "render",
                "inv-1",
                "--server",
                &dead_portal,
                "--token",
                "t",
                "-o",
                "/tmp/never.pdf",
            ],
            "cannot reach the portal service",
        ),
        // pcscd down: "not running"; pcscd up: "no card encoder called …". Either way, one line.
        (
            vec![
                "encode",
                "--reader",
                "No Such Encoder",
                "--facility",
                "1",
                "--number",
                "2",
                "--wait",
                "1",
            ],
            "",
        ),
    ];
    for (args, expected) in cases {
        let o = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
            .args(&args)
            .env("RUST_BACKTRACE", "1")
            .env("RUST_LIB_BACKTRACE", "1")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", text(&o));
        assert_eq!(err.lines().count(), 1, "{args:?}: not one line:\n{err}");
        assert!(err.starts_with("frontdesk: "), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.to_lowercase().contains("backtrace"), "{args:?}: {err}");
        assert!(enum_names(&err).is_empty(), "{args:?}: {err}");
    }
    assert!(raster.received().is_empty());
}

#[test]
fn an_installer_prints_a_sample_on_a_raster_only_label_printer_and_previews_it() {
    use frontdesk_testkit::labels::{decode_pwg, scan_qr};
    let dir = tempfile::tempdir().unwrap();
    // The raster the label printer would get, as a picture to look at.
    let png = dir.path().join("sample.png");
    let o = frontdesk(&["badge", "sample", "-o", png.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let preview = image::open(&png).unwrap().to_luma8();
    assert_eq!(preview.dimensions(), (732, 1181));

    // The sample printed on an AirPrint-style printer that takes only raster: it goes as PWG
    // raster at the printer's 300 dpi, and its QR code scans off what the printer received.
    let raster = common::Simulator::start_with("InstallerQL", &common::Config::raster());
    let o = frontdesk(&["badge", "sample", "--printer", &raster.uri]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Sample badge printed"), "{}", text(&o));
    let received = raster.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let pages = decode_pwg(&std::fs::read(&received[0]).unwrap());
    assert_eq!((pages[0].width, pages[0].height), (732, 1181));
    assert_eq!(
        scan_qr(&pages[0], &dir.path().join("received.png")),
        ["frontdesk-sample"]
    );
}
