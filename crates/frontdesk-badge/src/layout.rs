//! Fitting text into boxes, and preparing the photo.

use image::{DynamicImage, ImageDecoder, ImageReader};
use printpdf::ParsedFont;

use crate::{pt_to_mm, BadgeError, Face, Fonts};

/// Baseline to baseline, as a multiple of the font size.
pub const LINE_SPACING: f32 = 1.15;

/// How a text was fitted: the size it got and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub size_pt: f32,
    pub lines: Vec<String>,
}

/// Advance width of `text` in mm at `size_pt` (no kerning: names are short and the boxes have
/// room to spare for it).
pub fn width_mm(font: &ParsedFont, text: &str, size_pt: f32) -> f32 {
    let upem = font.pdf_font_metrics.units_per_em as f32;
    let units: f32 = text
        .chars()
        .map(|c| {
            let g = font.lookup_glyph_index(c as u32).unwrap_or(0);
            font.get_horizontal_advance(g) as f32
        })
        .sum();
    pt_to_mm(units / upem * size_pt)
}

/// Shrink from `size` towards `min` until the text fits on one line; failing that, wrap into up
/// to `max_lines` lines that fit the box; failing that, cut the last line with an ellipsis.
#[allow(clippy::too_many_arguments)]
pub fn fit(
    fonts: &Fonts,
    face: Face,
    text: &str,
    width: f32,
    height: f32,
    size: f32,
    min: f32,
    max_lines: usize,
) -> Fitted {
    let font = fonts.face(face);
    let fits_height = |s: f32, lines: usize| {
        pt_to_mm(s) * (1.0 + (lines.saturating_sub(1)) as f32 * LINE_SPACING) <= height + 0.01
    };
    let mut s = size;
    while s >= min {
        if width_mm(font, text, s) <= width && fits_height(s, 1) {
            return Fitted {
                size_pt: s,
                lines: vec![text.to_string()],
            };
        }
        s -= 0.5;
    }
    if max_lines > 1 {
        let mut s = size;
        while s >= min {
            let lines = wrap(font, text, width, s);
            if lines.len() <= max_lines && fits_height(s, lines.len()) {
                return Fitted { size_pt: s, lines };
            }
            s -= 0.5;
        }
    }
    let mut lines = wrap(font, text, width, min);
    if lines.len() > max_lines.max(1) {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && width_mm(font, &format!("{last}…"), min) > width {
                last.pop();
            }
            last.push('…');
        }
    }
    if let Some(first) = lines.first_mut() {
        // A single word wider than the box at the smallest size: cut it too.
        while first.chars().count() > 1 && width_mm(font, first, min) > width {
            first.pop();
            if width_mm(font, &format!("{first}…"), min) <= width {
                first.push('…');
                break;
            }
        }
    }
    Fitted {
        size_pt: min,
        lines,
    }
}

/// Greedy word wrap; a word wider than the box (or text without spaces, as CJK names are) breaks
/// between characters.
fn wrap(font: &ParsedFont, text: &str, width: f32, size: f32) -> Vec<String> {
    let mut lines: Vec<String> = vec![];
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width_mm(font, &candidate, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let mut next = line.clone();
            next.push(c);
            if !line.is_empty() && width_mm(font, &next, size) > width {
                lines.push(std::mem::take(&mut line));
                line.push(c);
            } else {
                line = next;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Decode, turn upright by EXIF orientation, crop to the box's proportions (centre) and scale to
/// `dpi`.
pub fn photo(bytes: &[u8], w_mm: f32, h_mm: f32, dpi: f32) -> Result<DynamicImage, BadgeError> {
    let bad = |e: &dyn std::fmt::Display| BadgeError::Photo(e.to_string());
    let mut decoder = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| bad(&e))?
        .into_decoder()
        .map_err(|e| bad(&e))?;
    let orientation = decoder.orientation().map_err(|e| bad(&e))?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| bad(&e))?;
    img.apply_orientation(orientation);
    let px = |mm: f32| ((mm / 25.4 * dpi).round() as u32).max(1);
    let (tw, th) = (px(w_mm), px(h_mm));
    // Crop the centre to the box's proportions, then scale: a face is never stretched.
    let (w, h) = (img.width(), img.height());
    let (cw, ch) = if (w as f32 / h as f32) > (tw as f32 / th as f32) {
        (((h as f32) * tw as f32 / th as f32).round() as u32, h)
    } else {
        (w, ((w as f32) * th as f32 / tw as f32).round() as u32)
    };
    let cropped = img.crop_imm(
        (w - cw.min(w)) / 2,
        (h - ch.min(h)) / 2,
        cw.min(w),
        ch.min(h),
    );
    // Box-filter downscaling: sharp enough for a 25 mm photo, and several times faster than a
    // convolution filter (it is most of a badge's render time).
    Ok(DynamicImage::ImageRgb8(
        cropped.thumbnail_exact(tw, th).to_rgb8(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_shrink_then_wrap_and_never_overflow() {
        let fonts = Fonts::built_in().expect("fonts");
        let short = fit(&fonts, Face::Bold, "Ada King", 54.0, 16.0, 22.0, 11.0, 2);
        assert_eq!((short.size_pt, short.lines.len()), (22.0, 1));
        let longer = fit(
            &fonts,
            Face::Bold,
            "Ada Lovelace",
            54.0,
            16.0,
            22.0,
            11.0,
            2,
        );
        assert!(longer.size_pt < 22.0 && longer.size_pt >= 18.0 && longer.lines.len() == 1);
        let long = "Maximilian Alexander Wolfeschlegelsteinhausenbergerdorff";
        let f = fit(&fonts, Face::Bold, long, 54.0, 16.0, 22.0, 11.0, 2);
        assert!(f.lines.len() <= 2 && f.size_pt >= 11.0, "{f:?}");
        for l in &f.lines {
            assert!(
                width_mm(fonts.face(Face::Bold), l, f.size_pt) <= 54.0,
                "{l} overflows"
            );
        }
        let absurd = "x".repeat(400);
        let f = fit(&fonts, Face::Regular, &absurd, 54.0, 6.0, 10.0, 7.0, 1);
        assert_eq!(f.lines.len(), 1);
        assert!(width_mm(fonts.face(Face::Regular), &f.lines[0], f.size_pt) <= 54.0);
        assert!(f.lines[0].ends_with('…'));
    }

    #[test]
    fn cjk_names_use_the_fallback_font_and_wrap_between_characters() {
        let fonts = Fonts::built_in().expect("fonts");
        assert_eq!(fonts.choose("Zoë Ødegård", false), Face::Regular);
        assert_eq!(fonts.choose("Ñandú", true), Face::Bold);
        assert_eq!(fonts.choose("李小龍", true), Face::Fallback);
        let f = fit(
            &fonts,
            Face::Fallback,
            &"李小龍".repeat(8),
            54.0,
            16.0,
            22.0,
            11.0,
            2,
        );
        assert!(f.lines.len() <= 2);
    }

    /// A landscape JPEG, red on the left and blue on the right, whose EXIF says "rotate 90°
    /// clockwise to show": upright, the red half is on top.
    fn rotated_jpeg() -> Vec<u8> {
        let img = image::RgbImage::from_fn(200, 100, |x, _| {
            if x < 100 {
                image::Rgb([220, 20, 20])
            } else {
                image::Rgb([20, 20, 220])
            }
        });
        let mut jpeg = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut jpeg, image::ImageFormat::Jpeg)
            .expect("encode");
        let jpeg = jpeg.into_inner();
        // APP1 Exif: a little-endian TIFF header with one IFD entry, Orientation (0x0112) = 6.
        let mut tiff = b"II*\0\x08\0\0\0".to_vec();
        tiff.extend([1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend(len.to_be_bytes());
        out.extend(app1);
        out.extend(&jpeg[2..]);
        out
    }

    #[test]
    fn photos_are_turned_upright_and_cropped_not_stretched() {
        let img = photo(&rotated_jpeg(), 10.0, 20.0, 254.0).expect("photo");
        assert_eq!((img.width(), img.height()), (100, 200));
        let top = img.to_rgb8().get_pixel(50, 20).0;
        let bottom = img.to_rgb8().get_pixel(50, 180).0;
        assert!(top[0] > 150 && top[2] < 100, "top is red: {top:?}");
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "bottom is blue: {bottom:?}"
        );
        // A square box takes the centre square: half red, half blue, not squeezed.
        let sq = photo(&rotated_jpeg(), 10.0, 10.0, 254.0)
            .expect("photo")
            .to_rgb8();
        assert_eq!((sq.width(), sq.height()), (100, 100));
        assert!(sq.get_pixel(50, 10).0[0] > 150 && sq.get_pixel(50, 90).0[2] > 150);
    }
}
