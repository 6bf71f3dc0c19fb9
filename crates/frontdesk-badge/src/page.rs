//! A badge laid out once, as a list of things to draw, for every back end: the PDF
//! ([`crate::pdf`]) and the raster a label printer takes ([`crate::raster`]) draw the same
//! [`Page`], so the two can never disagree about where anything is.

use image::DynamicImage;

use crate::fonts::Fonts;
use crate::layout::{self, LINE_SPACING};
use crate::shape::ShapedLine;
use crate::{pt_to_mm, BadgeData, BadgeError, Color, Template};

/// Print resolution the photo is prepared at; a raster at another resolution resamples it.
pub(crate) const PHOTO_DPI: f32 = 300.0;

/// What to draw, in mm from the page's top-left corner.
pub(crate) enum Item {
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
    /// The photo, already cropped to the box's proportions.
    Photo {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: DynamicImage,
    },
    /// A QR code: `modules` × `modules` squares (row by row, `true` is dark) inside a quiet zone
    /// of `quiet` modules, filling a `size` square. Kept as modules, not rectangles, so that a
    /// raster can put each module on whole dots.
    Qr {
        x: f32,
        y: f32,
        size: f32,
        modules: usize,
        quiet: usize,
        dark: Vec<bool>,
    },
    Text(TextLine),
}

/// One line of text, starting at `x` with its baseline at `baseline`.
pub(crate) struct TextLine {
    pub x: f32,
    pub baseline: f32,
    pub size_pt: f32,
    pub color: Color,
    pub line: ShapedLine,
}

/// A laid-out badge.
pub struct Page {
    pub width_mm: f32,
    pub height_mm: f32,
    pub(crate) title: String,
    pub(crate) items: Vec<Item>,
}

impl Page {
    /// Every text line on the badge, as shown.
    pub fn lines(&self) -> impl Iterator<Item = &ShapedLine> {
        self.items.iter().filter_map(|i| match i {
            Item::Text(t) => Some(&t.line),
            _ => None,
        })
    }

    /// Characters of the visit no font has (printed as a replacement mark).
    pub fn missing_characters(&self) -> Vec<char> {
        self.lines()
            .flat_map(|l| l.missing.iter().copied())
            .collect()
    }
}

pub(crate) fn lay_out(fonts: &Fonts, t: &Template, data: &BadgeData) -> Result<Page, BadgeError> {
    let mut items = Vec::new();

    // The band and the visitor type on it, centred.
    let band = &t.band;
    items.push(Item::Rect {
        x: 0.0,
        y: 0.0,
        w: t.width_mm,
        h: band.height_mm,
        color: t.band_color(&data.visitor_type),
    });
    if let Some(text) = data.value(band.text) {
        let fitted = layout::fit(
            fonts,
            true,
            text,
            t.width_mm - 4.0,
            band.height_mm,
            band.text_size_pt,
            6.0,
            1,
        );
        if let Some(line) = fitted.lines.into_iter().next() {
            let w = pt_to_mm(line.width_pt(fitted.size_pt));
            items.push(Item::Text(TextLine {
                x: (t.width_mm - w) / 2.0,
                baseline: (band.height_mm + pt_to_mm(fitted.size_pt) * 0.7) / 2.0,
                size_pt: fitted.size_pt,
                color: band.text_color,
                line,
            }));
        }
    }

    if let (Some(b), Some(bytes)) = (t.photo, data.photo.as_deref()) {
        // A decoder that panics on a hostile file (a bug in it, but one a visitor could
        // trigger) fails this photo like any other unreadable one, not the caller's thread.
        let image =
            std::panic::catch_unwind(|| layout::photo(bytes, b.width_mm, b.height_mm, PHOTO_DPI))
                .unwrap_or_else(|_| Err(BadgeError::Photo("its decoder failed on it".into())))?;
        items.push(Item::Photo {
            x: b.x_mm,
            y: b.y_mm,
            w: b.width_mm,
            h: b.height_mm,
            image,
        });
    }

    let code = qrcode::QrCode::with_error_correction_level(data.qr.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| BadgeError::Qr(e.to_string()))?;
    items.push(Item::Qr {
        x: t.qr.x_mm,
        y: t.qr.y_mm,
        size: t.qr.size_mm,
        modules: code.width(),
        quiet: 2,
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
    });

    for b in &t.fields {
        let Some(value) = data.value(b.field) else {
            continue;
        };
        let text = match &b.label {
            Some(l) => format!("{l}: {value}"),
            None => value.to_string(),
        };
        let fitted = layout::fit(
            fonts,
            b.bold,
            &text,
            b.width_mm,
            b.height_mm,
            b.size_pt,
            b.min_size_pt,
            b.max_lines,
        );
        let line_h = pt_to_mm(fitted.size_pt) * LINE_SPACING;
        for (i, line) in fitted.lines.into_iter().enumerate() {
            // A right-to-left line starts at the box's right edge, as it is read.
            let x = if starts_right_to_left(&line.text) {
                b.x_mm + b.width_mm - pt_to_mm(line.width_pt(fitted.size_pt))
            } else {
                b.x_mm
            };
            items.push(Item::Text(TextLine {
                x,
                baseline: b.y_mm + pt_to_mm(fitted.size_pt) * 0.8 + i as f32 * line_h,
                size_pt: fitted.size_pt,
                color: b.color,
                line,
            }));
        }
    }

    Ok(Page {
        width_mm: t.width_mm,
        height_mm: t.height_mm,
        title: format!("Visitor badge: {}", data.name),
        items,
    })
}

/// Whether the text's first strong character is right-to-left (its paragraph direction).
fn starts_right_to_left(text: &str) -> bool {
    unicode_bidi::get_base_direction(text) == unicode_bidi::Direction::Rtl
}
