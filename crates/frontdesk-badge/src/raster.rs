//! The raster back end: a [`Page`] drawn into pixels at a printer's resolution, for the label
//! printers that take only raster (AirPrint's URF, PWG raster, ZPL graphics, PNG).
//!
//! Label printers print black dots or none. In [`Tone::Bilevel`] everything but the photo is
//! drawn without anti-aliasing and each colour becomes black or white by its lightness (a dark
//! band with white text stays a black band with white text), so the QR code and the name have
//! hard edges and are never dithered; each QR module covers a whole number of dots. Only the photo
//! is dithered (Floyd–Steinberg), as a photo must be. [`Tone::Grey`] keeps anti-aliased greys,
//! for printers and previews that take them.

use image::imageops::FilterType;
use image::GrayImage;
use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, Transform};

use crate::fonts::Fonts;
use crate::page::{Item, Page, TextLine};
use crate::{pt_to_mm, BadgeError, Color};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Black and white only (a thermal label printer's `black_1`).
    Bilevel,
    /// 8-bit grey.
    Grey,
}

/// Colours lighter than this print as white on a bilevel printer.
const WHITE_FROM: f32 = 0.6;

fn lightness(c: Color) -> f32 {
    (0.2126 * c.0 as f32 + 0.7152 * c.1 as f32 + 0.0722 * c.2 as f32) / 255.0
}

pub(crate) fn render(
    fonts: &Fonts,
    page: &Page,
    dpi: u32,
    tone: Tone,
) -> Result<GrayImage, BadgeError> {
    let dots = |mm: f32| (mm / 25.4 * dpi as f32).round();
    let (w, h) = (dots(page.width_mm) as u32, dots(page.height_mm) as u32);
    let mut pixmap = Pixmap::new(w.max(1), h.max(1))
        .ok_or_else(|| BadgeError::Template(format!("a {w} × {h} dot page cannot be drawn")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let bilevel = tone == Tone::Bilevel;
    let paint = |c: Color| {
        let mut p = Paint::default();
        let c = if bilevel {
            if lightness(c) < WHITE_FROM {
                Color(0, 0, 0)
            } else {
                Color(255, 255, 255)
            }
        } else {
            c
        };
        p.set_color_rgba8(c.0, c.1, c.2, 255);
        p.anti_alias = !bilevel;
        p
    };
    let mut photos = Vec::new();
    for item in &page.items {
        match item {
            Item::Rect {
                x,
                y,
                w: rw,
                h: rh,
                color,
            } => {
                // Edges on whole dots: a band's edge is a line on the label, not a grey blur.
                if let Some(r) =
                    tiny_skia::Rect::from_ltrb(dots(*x), dots(*y), dots(x + rw), dots(y + rh))
                {
                    pixmap.fill_rect(r, &paint(*color), Transform::identity(), None);
                }
            }
            Item::Photo {
                x,
                y,
                w: pw,
                h: ph,
                image,
            } => photos.push((dots(*x), dots(*y), dots(*pw), dots(*ph), image)),
            Item::Qr {
                x,
                y,
                size,
                modules,
                quiet,
                dark,
            } => {
                // The largest whole number of dots a module can have, centred in the box.
                let box_dots = dots(*size);
                let span = (modules + 2 * quiet) as f32;
                let module = (box_dots / span).floor().max(1.0);
                let left = dots(*x) + ((box_dots - module * span) / 2.0).floor();
                let top = dots(*y) + ((box_dots - module * span) / 2.0).floor();
                if let Some(r) = tiny_skia::Rect::from_xywh(dots(*x), dots(*y), box_dots, box_dots)
                {
                    pixmap.fill_rect(r, &paint(Color(255, 255, 255)), Transform::identity(), None);
                }
                let black = paint(Color(0, 0, 0));
                for row in 0..*modules {
                    for col in 0..*modules {
                        if !dark[row * modules + col] {
                            continue;
                        }
                        if let Some(r) = tiny_skia::Rect::from_xywh(
                            left + (quiet + col) as f32 * module,
                            top + (quiet + row) as f32 * module,
                            module,
                            module,
                        ) {
                            pixmap.fill_rect(r, &black, Transform::identity(), None);
                        }
                    }
                }
            }
            Item::Text(t) => draw_text(&mut pixmap, fonts, t, dpi as f32, &paint(t.color)),
        }
    }
    let mut out = GrayImage::from_fn(w, h, |x, y| {
        let p = pixmap.pixel(x, y).map(|p| p.demultiply());
        let v = p.map_or(255.0, |p| {
            0.2126 * p.red() as f32 + 0.7152 * p.green() as f32 + 0.0722 * p.blue() as f32
        });
        image::Luma([v.round() as u8])
    });
    for (x, y, pw, ph, image) in photos {
        let grey = image
            .resize_exact(pw as u32, ph as u32, FilterType::Triangle)
            .to_luma8();
        let grey = if bilevel { dither(grey) } else { grey };
        image::imageops::replace(&mut out, &grey, x as i64, y as i64);
    }
    Ok(out)
}

/// A line's glyph outlines, filled in one pass.
fn draw_text(pixmap: &mut Pixmap, fonts: &Fonts, t: &TextLine, dpi: f32, paint: &Paint) {
    let size_px = pt_to_mm(t.size_pt) / 25.4 * dpi;
    let mut pen = t.x / 25.4 * dpi;
    let base = t.baseline / 25.4 * dpi;
    let mut path = PathBuilder::new();
    for run in &t.line.runs {
        let face = fonts.face(run.face);
        let scale = size_px / face.units_per_em();
        for g in &run.glyphs {
            let mut outline = Outline {
                path: &mut path,
                x: pen + g.dx * size_px,
                y: base - g.dy * size_px,
                scale,
            };
            face.shaping.outline_glyph(GlyphId(g.id), &mut outline);
            pen += g.advance * size_px;
        }
    }
    if let Some(p) = path.finish() {
        pixmap.fill_path(&p, paint, FillRule::Winding, Transform::identity(), None);
    }
}

/// Floyd–Steinberg error diffusion to black and white: the photo's only way to show greys on a
/// printer that has none.
fn dither(mut img: GrayImage) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut err: Vec<f32> = img.pixels().map(|p| p.0[0] as f32).collect();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            let old = err[i];
            let new = if old < 128.0 { 0.0 } else { 255.0 };
            let e = old - new;
            err[i] = new;
            let mut spread = |dx: isize, dy: usize, f: f32| {
                let nx = x as isize + dx;
                if nx >= 0 && (nx as usize) < w && y + dy < h {
                    err[(y + dy) * w + nx as usize] += e * f;
                }
            };
            spread(1, 0, 7.0 / 16.0);
            spread(-1, 1, 3.0 / 16.0);
            spread(0, 1, 5.0 / 16.0);
            spread(1, 1, 1.0 / 16.0);
        }
    }
    for (p, v) in img.pixels_mut().zip(err) {
        p.0[0] = v as u8;
    }
    img
}

/// A glyph's outline, from font units (y up) to dots (y down) at the pen.
struct Outline<'a> {
    path: &'a mut PathBuilder,
    x: f32,
    y: f32,
    scale: f32,
}

impl Outline<'_> {
    fn at(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y - y * self.scale)
    }
}

impl OutlineBuilder for Outline<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.path.move_to(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.at(x, y);
        self.path.line_to(x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x, y) = self.at(x, y);
        self.path.quad_to(x1, y1, x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (x1, y1) = self.at(x1, y1);
        let (x2, y2) = self.at(x2, y2);
        let (x, y) = self.at(x, y);
        self.path.cubic_to(x1, y1, x2, y2, x, y);
    }

    fn close(&mut self) {
        self.path.close();
    }
}
