//! Badge render time: photo (decode, orient, crop, scale) + QR + text, to PDF bytes.
//! Run: `cargo bench -p frontdesk-badge --bench render`.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use frontdesk_badge::{BadgeData, Renderer};

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
        for _ in 0..5 {
            r.render(template, &data).unwrap();
        }
        let mut times: Vec<Duration> = (0..200)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(r.render(template, &data).unwrap());
                t.elapsed()
            })
            .collect();
        times.sort();
        let size = r.render(template, &data).unwrap().len();
        let bare = BadgeData {
            photo: None,
            ..data.clone()
        };
        let mut no_photo: Vec<Duration> = (0..100)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(r.render(template, &bare).unwrap());
                t.elapsed()
            })
            .collect();
        no_photo.sort();
        println!(
            "  without the photo: median {:.2} ms",
            no_photo[50].as_secs_f64() * 1e3
        );
        println!(
            "render {template} (photo + QR + text): median {:.2} ms, p95 {:.2} ms, {} KB",
            times[100].as_secs_f64() * 1e3,
            times[190].as_secs_f64() * 1e3,
            size / 1024
        );
    }
}
