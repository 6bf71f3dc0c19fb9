//! Visitor badges. A [`Template`] (TOML under `assets/badges/`) places the visit's fields, the
//! photo and a QR code on a page; [`Renderer::render`] turns a [`BadgeData`] into a PDF.
//!
//! Text shrinks to fit its box, then wraps (up to the box's line count), and is cut with an
//! ellipsis only as a last resort, so nothing ever runs off a badge. Names are set in DejaVu Sans
//! when it has every glyph, otherwise in Droid Sans Fallback (CJK); both fonts are compiled in and
//! embedded (subset) in each PDF. The photo is turned upright by its EXIF orientation, cropped to
//! the box's proportions (never stretched) and scaled to 300 dpi. A photo is decoded only within
//! [`MAX_PHOTO_PIXELS`], [`MAX_PHOTO_SIDE`] and [`MAX_PHOTO_DECODE_BYTES`], checked from its
//! header first; one that is not a usable picture is a [`BadgeError::Photo`], and the caller
//! decides whether to render the badge without it.

mod layout;
pub mod template;

use std::collections::BTreeMap;

use printpdf::{
    Color as PdfColor, FontId, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, PdfWarnMsg, Point, Pt, RawImage, Rect, Rgb, TextItem, XObjectTransform,
};
use thiserror::Error;

pub use layout::{Fitted, MAX_PHOTO_DECODE_BYTES, MAX_PHOTO_PIXELS, MAX_PHOTO_SIDE};
pub use template::{Color, Field, Template};

#[derive(Debug, Error)]
pub enum BadgeError {
    #[error("badge template: {0}")]
    Template(String),
    #[error("there is no badge template named {0:?}; known: {1}")]
    UnknownTemplate(String, String),
    #[error("the visitor's photo cannot be used: {0}")]
    Photo(String),
    #[error("the QR code cannot be made: {0}")]
    Qr(String),
    #[error("the fonts cannot be loaded: {0}")]
    Font(String),
}

/// What a badge shows, already worded for print.
#[derive(Debug, Clone, Default)]
pub struct BadgeData {
    pub name: String,
    pub company: Option<String>,
    pub host: String,
    pub tenant: String,
    pub building: String,
    pub visitor_type: String,
    /// e.g. "26 Nov 2026 09:00 – 18:00".
    pub validity: String,
    /// JPEG or PNG bytes.
    pub photo: Option<Vec<u8>>,
    /// What the QR code carries: the token the desk scans to find the visit.
    pub qr: String,
}

impl BadgeData {
    fn value(&self, f: Field) -> Option<&str> {
        let s = match f {
            Field::Name => self.name.as_str(),
            Field::Company => self.company.as_deref().unwrap_or(""),
            Field::Host => self.host.as_str(),
            Field::Tenant => self.tenant.as_str(),
            Field::Building => self.building.as_str(),
            Field::VisitorType => self.visitor_type.as_str(),
            Field::Validity => self.validity.as_str(),
        };
        (!s.trim().is_empty()).then_some(s.trim())
    }
}

const DEJAVU: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const DEJAVU_BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
const FALLBACK: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallbackFull.ttf");
const BUILT_IN: [&str; 2] = [
    include_str!("../../../assets/badges/label-62x100.toml"),
    include_str!("../../../assets/badges/cr80.toml"),
];

/// The three faces a badge may use; parsed once and reused for every badge.
pub struct Fonts {
    pub(crate) regular: ParsedFont,
    pub(crate) bold: ParsedFont,
    pub(crate) fallback: ParsedFont,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Face {
    Regular,
    Bold,
    Fallback,
}

impl Fonts {
    pub fn built_in() -> Result<Self, BadgeError> {
        let parse = |bytes: &[u8], name: &str| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
                .ok_or_else(|| BadgeError::Font(format!("{name} is not a usable TrueType font")))
        };
        Ok(Self {
            regular: parse(DEJAVU, "DejaVuSans.ttf")?,
            bold: parse(DEJAVU_BOLD, "DejaVuSans-Bold.ttf")?,
            fallback: parse(FALLBACK, "DroidSansFallbackFull.ttf")?,
        })
    }

    pub(crate) fn face(&self, f: Face) -> &ParsedFont {
        match f {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::Fallback => &self.fallback,
        }
    }

    /// DejaVu when it has every glyph of `text`, else the CJK fallback.
    pub(crate) fn choose(&self, text: &str, bold: bool) -> Face {
        let primary = if bold { Face::Bold } else { Face::Regular };
        let covered = text.chars().all(|c| {
            c.is_whitespace()
                || self
                    .face(primary)
                    .lookup_glyph_index(c as u32)
                    .is_some_and(|g| g != 0)
        });
        if covered {
            primary
        } else {
            Face::Fallback
        }
    }
}

/// Templates and fonts, loaded once.
pub struct Renderer {
    fonts: Fonts,
    templates: BTreeMap<String, Template>,
}

/// Print resolution for the photo.
const PHOTO_DPI: f32 = 300.0;

impl Renderer {
    /// The templates shipped with the product, plus any `*.toml` in `extra_dir`.
    pub fn new(extra_dir: Option<&std::path::Path>) -> Result<Self, BadgeError> {
        let mut templates = BTreeMap::new();
        for text in BUILT_IN {
            let t = Template::parse(text)?;
            templates.insert(t.name.clone(), t);
        }
        if let Some(dir) = extra_dir.filter(|d| d.is_dir()) {
            templates.extend(Template::load_dir(dir)?);
        }
        Ok(Self {
            fonts: Fonts::built_in()?,
            templates,
        })
    }

    pub fn templates(&self) -> impl Iterator<Item = &Template> {
        self.templates.values()
    }

    pub fn template(&self, name: &str) -> Result<&Template, BadgeError> {
        self.templates.get(name).ok_or_else(|| {
            BadgeError::UnknownTemplate(
                name.into(),
                self.templates
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
    }

    /// The template for a visitor type when the request names none.
    pub fn default_template_for(&self, visitor_type: &str) -> &str {
        self.templates
            .values()
            .find(|t| {
                t.default_for
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case(visitor_type))
            })
            .or_else(|| self.templates.values().find(|t| t.default))
            .map(|t| t.name.as_str())
            .unwrap_or("label-62x100")
    }

    /// Render one badge to PDF bytes.
    pub fn render(&self, template: &str, data: &BadgeData) -> Result<Vec<u8>, BadgeError> {
        let t = self.template(template)?;
        let page_h = t.height_mm;
        let mut doc = PdfDocument::new(&format!("Visitor badge: {}", data.name));
        let mut ops = Vec::new();
        // Only the faces this badge uses are embedded.
        let mut font_ids: BTreeMap<Face, FontId> = BTreeMap::new();
        let mut font_id = |doc: &mut PdfDocument, face: Face| {
            font_ids
                .entry(face)
                .or_insert_with(|| doc.add_font(self.fonts.face(face)))
                .clone()
        };

        // The band and the visitor type on it, centred.
        let band = &t.band;
        ops.extend(rect(
            0.0,
            page_h - band.height_mm,
            t.width_mm,
            band.height_mm,
            t.band_color(&data.visitor_type),
        ));
        if let Some(text) = data.value(band.text) {
            let face = self.fonts.choose(text, true);
            let fitted = layout::fit(
                &self.fonts,
                face,
                text,
                t.width_mm - 4.0,
                band.height_mm,
                band.text_size_pt,
                6.0,
                1,
            );
            let w = layout::width_mm(self.fonts.face(face), &fitted.lines[0], fitted.size_pt);
            let baseline = (band.height_mm + pt_to_mm(fitted.size_pt) * 0.7) / 2.0;
            let id = font_id(&mut doc, face);
            ops.extend(text_op(
                &id,
                &fitted.lines[0],
                (t.width_mm - w) / 2.0,
                page_h - baseline,
                fitted.size_pt,
                band.text_color,
            ));
        }

        if let (Some(b), Some(bytes)) = (t.photo, data.photo.as_deref()) {
            // A decoder that panics on a hostile file (a bug in it, but one a visitor could
            // trigger) fails this photo like any other unreadable one, not the caller's thread.
            let img = std::panic::catch_unwind(|| {
                layout::photo(bytes, b.width_mm, b.height_mm, PHOTO_DPI)
            })
            .unwrap_or_else(|_| Err(BadgeError::Photo("its decoder failed on it".into())))?;
            let (w, h) = (img.width() as usize, img.height() as usize);
            let raw =
                RawImage::from_dynamic_image(img).map_err(|e| BadgeError::Photo(e.to_string()))?;
            let id = doc.add_image(&raw);
            let native = |px: usize| px as f32 * 72.0 / PHOTO_DPI;
            ops.push(Op::UseXobject {
                id,
                transform: XObjectTransform {
                    translate_x: Some(Mm(b.x_mm).into()),
                    translate_y: Some(Mm(page_h - b.y_mm - b.height_mm).into()),
                    scale_x: Some(Pt::from(Mm(b.width_mm)).0 / native(w)),
                    scale_y: Some(Pt::from(Mm(b.height_mm)).0 / native(h)),
                    dpi: Some(PHOTO_DPI),
                    ..Default::default()
                },
            });
        }

        ops.extend(qr_ops(
            &data.qr,
            t.qr.x_mm,
            page_h - t.qr.y_mm - t.qr.size_mm,
            t.qr.size_mm,
        )?);

        for b in &t.fields {
            let Some(value) = data.value(b.field) else {
                continue;
            };
            let text = match &b.label {
                Some(l) => format!("{l}: {value}"),
                None => value.to_string(),
            };
            let face = self.fonts.choose(&text, b.bold);
            let fitted = layout::fit(
                &self.fonts,
                face,
                &text,
                b.width_mm,
                b.height_mm,
                b.size_pt,
                b.min_size_pt,
                b.max_lines,
            );
            let id = font_id(&mut doc, face);
            let line_h = pt_to_mm(fitted.size_pt) * layout::LINE_SPACING;
            for (i, line) in fitted.lines.iter().enumerate() {
                let baseline = b.y_mm + pt_to_mm(fitted.size_pt) * 0.8 + i as f32 * line_h;
                ops.extend(text_op(
                    &id,
                    line,
                    b.x_mm,
                    page_h - baseline,
                    fitted.size_pt,
                    b.color,
                ));
            }
        }

        let page = PdfPage::new(Mm(t.width_mm), Mm(page_h), ops);
        let opts = PdfSaveOptions {
            subset_fonts: true,
            ..PdfSaveOptions::default()
        };
        let mut warnings: Vec<PdfWarnMsg> = Vec::new();
        Ok(doc.with_pages(vec![page]).save(&opts, &mut warnings))
    }
}

pub(crate) fn pt_to_mm(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

fn pdf_color(c: Color) -> PdfColor {
    PdfColor::Rgb(Rgb::new(
        c.0 as f32 / 255.0,
        c.1 as f32 / 255.0,
        c.2 as f32 / 255.0,
        None,
    ))
}

/// A filled rectangle; (x, y) is its lower-left corner in PDF coordinates.
fn rect(x: f32, y: f32, w: f32, h: f32, c: Color) -> Vec<Op> {
    vec![
        Op::SaveGraphicsState,
        Op::SetFillColor { col: pdf_color(c) },
        // Without a paint mode the rectangle is only a path and nothing shows.
        Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Fill),
                ..Rect::from_xywh(Mm(x).into(), Mm(y).into(), Mm(w).into(), Mm(h).into())
            },
        },
        Op::RestoreGraphicsState,
    ]
}

fn text_op(font: &FontId, text: &str, x: f32, baseline: f32, size_pt: f32, c: Color) -> Vec<Op> {
    vec![
        Op::StartTextSection,
        Op::SetFillColor { col: pdf_color(c) },
        Op::SetFont {
            font: PdfFontHandle::External(font.clone()),
            size: Pt(size_pt),
        },
        Op::SetTextCursor {
            pos: Point::new(Mm(x), Mm(baseline)),
        },
        Op::ShowText {
            items: vec![TextItem::Text(text.to_string())],
        },
        Op::EndTextSection,
    ]
}

/// The QR code as vector squares (crisp on any printer), with a two-module quiet zone on a white
/// ground; runs of dark modules on a row are one rectangle each.
fn qr_ops(payload: &str, x: f32, y: f32, size: f32) -> Result<Vec<Op>, BadgeError> {
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| BadgeError::Qr(e.to_string()))?;
    let n = code.width();
    let colors = code.to_colors();
    let quiet = 2;
    let module = size / (n + 2 * quiet) as f32;
    let mut ops = rect(x, y, size, size, Color(255, 255, 255));
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                let rx = x + (quiet + start) as f32 * module;
                // Rows run down from the top of the box.
                let ry = y + size - (quiet + row + 1) as f32 * module;
                ops.extend(rect(
                    rx,
                    ry,
                    (col - start) as f32 * module,
                    module,
                    Color(0, 0, 0),
                ));
            } else {
                col += 1;
            }
        }
    }
    Ok(ops)
}
