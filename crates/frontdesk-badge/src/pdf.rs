//! The PDF back end: a [`Page`] as vector shapes, the photo, and shaped glyphs in embedded
//! (subset) fonts.
//!
//! Shaped text is written as glyph ids, not characters: the shaper has already chosen contextual
//! Arabic forms and Devanagari conjuncts that no character code names. So that the text can still
//! be searched and copied (and read back by `pdftotext`), each glyph carries its characters in
//! the font's ToUnicode map and left-to-right runs are marked with their text (see [`text`]).

use std::collections::BTreeMap;

use printpdf::{
    Codepoint, Color as PdfColor, DictItem, FontId, Mm, Op, PaintMode, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, PdfWarnMsg, Point, Pt, RawImage, Rect, Rgb, TextItem,
    XObjectTransform,
};

use crate::fonts::{FaceId, Fonts};
use crate::page::{Item, Page, TextLine, PHOTO_DPI};
use crate::{BadgeError, Color};

pub(crate) fn render(fonts: &Fonts, page: &Page) -> Result<Vec<u8>, BadgeError> {
    let h = page.height_mm;
    let mut doc = PdfDocument::new(&page.title);
    let mut ops = Vec::new();
    // Only the faces this badge uses are embedded.
    let mut font_ids: BTreeMap<FaceId, FontId> = BTreeMap::new();
    for item in &page.items {
        match item {
            Item::Rect {
                x,
                y,
                w,
                h: rh,
                color,
            } => {
                ops.extend(rect(*x, h - y - rh, *w, *rh, *color));
            }
            Item::Photo {
                x,
                y,
                w,
                h: ph,
                image,
            } => {
                let (px_w, px_h) = (image.width() as f32, image.height() as f32);
                let raw = RawImage::from_dynamic_image(image.clone())
                    .map_err(|e| BadgeError::Photo(e.to_string()))?;
                let id = doc.add_image(&raw);
                let native = |px: f32| px * 72.0 / PHOTO_DPI;
                ops.push(Op::UseXobject {
                    id,
                    transform: XObjectTransform {
                        translate_x: Some(Mm(*x).into()),
                        translate_y: Some(Mm(h - y - ph).into()),
                        scale_x: Some(Pt::from(Mm(*w)).0 / native(px_w)),
                        scale_y: Some(Pt::from(Mm(*ph)).0 / native(px_h)),
                        dpi: Some(PHOTO_DPI),
                        ..Default::default()
                    },
                });
            }
            Item::Qr {
                x,
                y,
                size,
                modules,
                quiet,
                dark,
            } => ops.extend(qr(*x, h - y - size, *size, *modules, *quiet, dark)),
            Item::Text(t) => {
                for run in &t.line.runs {
                    if let std::collections::btree_map::Entry::Vacant(e) = font_ids.entry(run.face)
                    {
                        e.insert(doc.add_font(fonts.face(run.face).pdf()?));
                    }
                }
                ops.extend(text(fonts, &font_ids, t, h));
            }
        }
    }
    let pdf_page = PdfPage::new(Mm(page.width_mm), Mm(h), ops);
    let opts = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    let mut warnings: Vec<PdfWarnMsg> = Vec::new();
    Ok(doc.with_pages(vec![pdf_page]).save(&opts, &mut warnings))
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

/// `text` as a PDF text string: UTF-16BE with its byte order mark, as `/ActualText` wants.
fn text_string(text: &str) -> DictItem {
    let mut data = vec![0xFE, 0xFF];
    data.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    DictItem::String {
        data,
        literal: false,
    }
}

/// One line: for each run its face, then its glyphs. The PDF moves the pen by each glyph's own
/// advance; where the shaper moved it otherwise (kerning, marks placed on their base) a `TJ`
/// adjustment says so, and a mark raised or lowered is drawn with a text rise.
///
/// A left-to-right run is marked with its text as `/ActualText`: Devanagari draws a vowel sign
/// before the consonant it follows in reading order, so glyph order is not reading order there.
/// A right-to-left run is not: extractors (poppler's `pdftotext` among them) turn its glyphs,
/// drawn left to right, back into reading order themselves, and would turn an `/ActualText`
/// around too; each glyph's text is its own cluster's characters.
fn text(fonts: &Fonts, font_ids: &BTreeMap<FaceId, FontId>, t: &TextLine, page_h: f32) -> Vec<Op> {
    let (line, size_pt) = (&t.line, t.size_pt);
    let mut ops = vec![
        Op::StartTextSection,
        Op::SetFillColor {
            col: pdf_color(t.color),
        },
        Op::SetTextCursor {
            pos: Point::new(Mm(t.x), Mm(page_h - t.baseline)),
        },
    ];
    let mut rise = 0.0;
    for run in &line.runs {
        let Some(id) = font_ids.get(&run.face) else {
            continue;
        };
        let face = fonts.face(run.face);
        let em = face.units_per_em();
        if !run.rtl {
            ops.push(Op::BeginMarkedContentWithProperties {
                tag: "Span".into(),
                properties: DictItem::Dict {
                    map: [("ActualText".to_string(), text_string(&run.text))].into(),
                },
            });
        }
        ops.push(Op::SetFont {
            font: PdfFontHandle::External(id.clone()),
            size: Pt(size_pt),
        });
        let mut items: Vec<TextItem> = Vec::new();
        for g in &run.glyphs {
            if g.dy != rise {
                if !items.is_empty() {
                    ops.push(Op::ShowText {
                        items: std::mem::take(&mut items),
                    });
                }
                rise = g.dy;
                ops.push(Op::SetLineOffset {
                    multiplier: rise * size_pt,
                });
            }
            // TJ numbers are thousandths of an em, and a positive one moves the pen back.
            if g.dx != 0.0 {
                items.push(TextItem::Offset(-g.dx * 1000.0));
            }
            let natural = face.advance(g.id) / em;
            // In a right-to-left run a ligature's characters (Arabic lam-alef) are listed as
            // drawn, right to left, for the extractor turns the whole run around.
            let cid = match &g.text {
                Some(t) if run.rtl => Some(t.chars().rev().collect()),
                t => t.clone(),
            };
            items.push(TextItem::GlyphIds(vec![Codepoint {
                gid: g.id,
                offset: -(g.advance - g.dx - natural) * 1000.0,
                cid,
            }]));
        }
        if !items.is_empty() {
            ops.push(Op::ShowText { items });
        }
        if !run.rtl {
            ops.push(Op::EndMarkedContentWithProperties);
        }
    }
    if rise != 0.0 {
        ops.push(Op::SetLineOffset { multiplier: 0.0 });
    }
    ops.push(Op::EndTextSection);
    ops
}

/// The QR code as vector squares (crisp on any printer) on a white ground; runs of dark modules
/// on a row are one rectangle each. (x, y) is the lower-left corner in PDF coordinates.
fn qr(x: f32, y: f32, size: f32, n: usize, quiet: usize, dark: &[bool]) -> Vec<Op> {
    let module = size / (n + 2 * quiet) as f32;
    let mut ops = rect(x, y, size, size, Color(255, 255, 255));
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if dark[row * n + col] {
                let start = col;
                while col < n && dark[row * n + col] {
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
    ops
}
