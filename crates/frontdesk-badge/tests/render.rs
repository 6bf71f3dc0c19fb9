//! Badges rendered to PDF and checked with the tools a person would trust: `pdftotext` reads the
//! names back (accents and CJK intact), `pdftoppm` rasterises the page and `zbarimg` decodes the
//! QR code back to the token. A PNG of each render is kept in target/test-output/badges/.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;

use frontdesk_badge::{BadgeData, Renderer};

fn out_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-output/badges");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn tool(name: &str) {
    let ok = Command::new(name).arg("-v").output().is_ok();
    assert!(
        ok,
        "{name} is missing: apt-get install poppler-utils zbar-tools"
    );
}

/// A portrait photo, as a phone takes one.
fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(480, 640, |x, y| {
        let dx = x as i32 - 240;
        let dy = y as i32 - 260;
        if dx * dx + dy * dy < 130 * 130 {
            image::Rgb([224, 180, 150])
        } else {
            image::Rgb([70, 110, 160])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

fn data(name: &str) -> BadgeData {
    BadgeData {
        name: name.into(),
        company: Some("Analytical Engines Ltd".into()),
        host: "Grace Hopper".into(),
        tenant: "Acme Robotics, floor 12".into(),
        building: "Harbour Tower".into(),
        visitor_type: "Contractor".into(),
        validity: "26 Nov 2026 09:00 – 18:00".into(),
        photo: Some(photo()),
        qr: "01a2f3c4-5b6b-7331-af23-d646ed1604f4".into(),
    }
}

fn text_of(pdf: &[u8], name: &str) -> String {
    let path = out_dir().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Rasterise at 300 dpi, keep the PNG, and decode the QR code from it.
fn png_and_qr(pdf_name: &str) -> String {
    let dir = out_dir();
    let status = Command::new("pdftoppm")
        .args(["-r", "300", "-png", "-singlefile"])
        .arg(dir.join(format!("{pdf_name}.pdf")))
        .arg(dir.join(pdf_name))
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(dir.join(format!("{pdf_name}.png")))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn every_template_renders_a_readable_badge_with_a_scannable_code() {
    tool("pdftotext");
    tool("zbarimg");
    let r = Renderer::new(None).unwrap();
    let names: Vec<String> = r.templates().map(|t| t.name.clone()).collect();
    assert_eq!(names, ["cr80", "label-62x100"]);
    for t in &names {
        let pdf = r.render(t, &data("Zoë Ødegård")).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let text = text_of(&pdf, t);
        for expected in [
            "Zoë Ødegård",
            "Analytical Engines Ltd",
            "Visiting: Grace Hopper",
            "CONTRACTOR",
            "Harbour Tower",
        ] {
            let expected = if expected == "CONTRACTOR" {
                "Contractor"
            } else {
                expected
            };
            assert!(
                text.contains(expected),
                "{t}: {expected:?} missing from {text:?}"
            );
        }
        assert_eq!(
            png_and_qr(t),
            "01a2f3c4-5b6b-7331-af23-d646ed1604f4",
            "{t}: QR"
        );
        assert!(
            pdf.len() < 400_000,
            "{t}: {} bytes; fonts must be subset",
            pdf.len()
        );
    }
}

#[test]
fn non_latin_and_long_names_fit_and_read_back() {
    tool("pdftotext");
    let r = Renderer::new(None).unwrap();
    for (i, name) in [
        "李小龍",
        "Ñandú",
        "Maximilian Alexander Wolfeschlegelsteinhausenbergerdorff",
    ]
    .iter()
    .enumerate()
    {
        for t in ["label-62x100", "cr80"] {
            let file = format!("{t}-name-{i}");
            let text = text_of(&r.render(t, &data(name)).unwrap(), &file);
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            // A long name may wrap onto two lines; its words all stay on the badge.
            for word in name.split_whitespace() {
                let found = flat.contains(word) || flat.replace(' ', "").contains(word);
                assert!(
                    found || word.len() > 30 && flat.contains(&word[..20]),
                    "{t}: {word:?} not in {flat:?}"
                );
            }
            png_and_qr(&file);
        }
    }
}

#[test]
fn a_missing_photo_or_company_leaves_a_clean_badge_and_bad_input_is_named() {
    let r = Renderer::new(None).unwrap();
    let mut d = data("Ada Lovelace");
    d.photo = None;
    d.company = None;
    let text = text_of(&r.render("label-62x100", &d).unwrap(), "label-no-photo");
    assert!(text.contains("Ada Lovelace") && !text.contains("Analytical"));
    d.photo = Some(b"not a picture".to_vec());
    let e = r.render("label-62x100", &d).unwrap_err().to_string();
    assert!(e.contains("photo"), "{e}");
    let e = r.render("a4-poster", &data("Ada")).unwrap_err().to_string();
    assert!(e.contains("cr80") && e.contains("label-62x100"), "{e}");
}

/// Names as people really have them: several scripts in one name, right-to-left scripts, scripts
/// whose letters join or stack.
const WORLD_NAMES: [(&str, &str); 6] = [
    ("mixed", "Zoë Ødegård-李"),
    ("greek", "Μαρία Κωνσταντίνου"),
    ("cyrillic", "Олена Шевченко"),
    ("arabic", "محمد الأحمد"),
    ("hebrew", "יעל כהן"),
    ("devanagari", "अनन्या शर्मा"),
];

#[test]
fn names_in_every_script_read_back_intact_from_the_pdf() {
    tool("pdftotext");
    let r = Renderer::new(None).unwrap();
    for (label, name) in WORLD_NAMES {
        for t in ["label-62x100", "cr80"] {
            let file = format!("{t}-script-{label}");
            let page = r.lay_out(t, &data(name)).unwrap();
            assert!(page.missing_characters().is_empty(), "{name}");
            // pdftotext marks a right-to-left line with bidi embedding controls: not text.
            let text: String = text_of(&r.pdf(&page).unwrap(), &file)
                .chars()
                .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
                .collect();
            assert!(
                text.lines().any(|l| l.trim() == name),
                "{t}: {name:?} is not a line of {text:?}"
            );
            // The badge as a person sees it, kept to look at.
            png_and_qr(&file);
        }
    }
}

/// Decode the QR code of a raster with zbarimg, keeping the PNG in the test output.
fn raster_qr(img: &image::GrayImage, file: &str) -> String {
    let path = out_dir().join(format!("{file}.png"));
    img.save(&path).unwrap();
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn the_raster_is_the_page_at_the_printers_resolution_in_black_and_white() {
    tool("zbarimg");
    let r = Renderer::new(None).unwrap();
    for (label, name) in WORLD_NAMES {
        for (dpi, size) in [(300, (732, 1181)), (203, (496, 799))] {
            let file = format!("label-62x100-raster-{dpi}-{label}");
            let img = r.render_raster("label-62x100", &data(name), dpi).unwrap();
            assert_eq!(img.dimensions(), size, "{file}");
            // Black and white only: a thermal label printer has no grey.
            assert!(img.pixels().all(|p| p.0[0] == 0 || p.0[0] == 255), "{file}");
            assert_eq!(
                raster_qr(&img, &file),
                "01a2f3c4-5b6b-7331-af23-d646ed1604f4",
                "{file}: QR"
            );
        }
    }
}

#[test]
fn qr_modules_land_on_whole_dots() {
    let r = Renderer::new(None).unwrap();
    let img = r.render_raster("label-62x100", &data("Ada"), 300).unwrap();
    // The QR box starts 33 mm from the left and 14 mm from the top; scan its rows for the
    // widths of black runs: every one is a multiple of the module's width.
    let (x0, y0, side) = (390u32, 165u32, 295u32);
    let mut runs = vec![];
    for y in y0..y0 + side {
        let mut run = 0;
        for x in x0..x0 + side {
            if img.get_pixel(x, y).0[0] == 0 {
                run += 1;
            } else if run > 0 {
                runs.push(run);
                run = 0;
            }
        }
    }
    let module = *runs.iter().min().unwrap();
    assert!(module >= 3, "module of {module} dots");
    assert!(runs.iter().all(|r| r % module == 0), "runs {runs:?}");
}

#[test]
fn a_character_no_font_has_is_replaced_visibly_on_the_badge() {
    let r = Renderer::new(None).unwrap();
    let page = r
        .lay_out("label-62x100", &data("Ada \u{13000} King"))
        .unwrap();
    assert_eq!(page.missing_characters(), ['\u{13000}']);
    let text = text_of(&r.pdf(&page).unwrap(), "label-62x100-missing-glyph");
    assert!(text.contains("Ada \u{FFFD} King"), "{text:?}");
}
