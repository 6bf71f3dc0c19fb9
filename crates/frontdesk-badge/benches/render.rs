//! Badge render time: photo (decode, orient, crop, scale) + QR + shaped text, to PDF bytes, and
//! to the 1-bit raster a 300 dpi label printer takes.
//! Run: `cargo bench -p frontdesk-badge --bench render`.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use frontdesk_badge::{BadgeData, Renderer};

/// Median and p95 of `n` runs of `f`, after five to warm up.
fn time(n: usize, mut f: impl FnMut()) -> (f64, f64) {
    for _ in 0..5 {
        f();
    }
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    (ms(times[n / 2]), ms(times[n * 95 / 100]))
}

fn photo() -> Vec<u8> {
    // A phone-camera-sized portrait JPEG (what the visitor's page sends: 640 px at most).
    let img = image::RgbImage::from_fn(480, 640, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

fn main() {
    let r = Renderer::new(None).unwrap();
    let data = BadgeData {
        name: "Zoë Ødegård".into(),
        company: Some("Analytical Engines Ltd".into()),
        host: "Grace Hopper".into(),
        tenant: "Acme Robotics, floor 12".into(),
        building: "Harbour Tower".into(),
        visitor_type: "Contractor".into(),
        validity: "26 Nov 2026 09:00 – 18:00".into(),
        photo: Some(photo()),
        qr: "01a2f3c4-5b6b-7331-af23-d646ed1604f4".into(),
    };
    println!("Frontdesk badge benchmark");
    for template in ["label-62x100", "cr80"] {
        let (median, p95) = time(200, || {
            std::hint::black_box(r.render(template, &data).unwrap());
        });
        let size = r.render(template, &data).unwrap().len();
        let bare = BadgeData {
            photo: None,
            ..data.clone()
        };
        let (bare_median, _) = time(100, || {
            std::hint::black_box(r.render(template, &bare).unwrap());
        });
        println!("  without the photo: median {bare_median:.2} ms");
        println!(
            "render {template} to PDF (photo + QR + text): median {median:.2} ms, p95 {p95:.2} ms, {} KB",
            size / 1024
        );
    }
    for (what, name) in [
        ("Latin", "Zoë Ødegård"),
        ("four scripts", "Zoë Ødegård-李 محمد अनन्या"),
    ] {
        let d = BadgeData {
            name: name.into(),
            ..data.clone()
        };
        let (median, p95) = time(100, || {
            std::hint::black_box(r.render_raster("label-62x100", &d, 300).unwrap());
        });
        println!(
            "render label-62x100 to a 1-bit 300 dpi raster ({what} name, photo dithered): median {median:.2} ms, p95 {p95:.2} ms"
        );
    }
}
