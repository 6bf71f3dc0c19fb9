//! Text shaping: a line of text in any mix of scripts becomes positioned glyphs, in the order
//! they are drawn from left to right.
//!
//! The line is cut into directional runs by the Unicode bidirectional algorithm (Arabic and Hebrew
//! read right to left, a Latin surname beside them left to right), each run into font runs by
//! the fallback chain, and each font run is shaped by rustybuzz (a port of HarfBuzz), which joins
//! Arabic letters, reorders and stacks Devanagari and applies kerning. Positions are kept in ems
//! so a line is shaped once and measured at any size.

use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::BidiInfo;

use crate::fonts::{FaceId, Fonts};

/// What is drawn for a character no face has: a visible mark, never an empty box.
pub const REPLACEMENT: char = '\u{FFFD}';

/// One glyph, positioned in ems of the font size.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    pub id: u16,
    pub advance: f32,
    pub dx: f32,
    pub dy: f32,
    /// The characters this glyph stands for (on the first glyph of a cluster), for the PDF's
    /// text layer.
    pub text: Option<String>,
}

/// Glyphs of one face, left to right.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub face: FaceId,
    /// The run's characters in reading order.
    pub text: String,
    pub rtl: bool,
    pub glyphs: Vec<Glyph>,
}

/// A shaped line: its text as shown (logical order) and its runs in drawing order.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapedLine {
    pub text: String,
    pub(crate) runs: Vec<Run>,
    /// Width in ems: multiply by the size in points for the width in points.
    pub(crate) width_em: f32,
    /// Characters no face has, replaced by [`REPLACEMENT`].
    pub missing: Vec<char>,
}

impl ShapedLine {
    pub fn width_pt(&self, size_pt: f32) -> f32 {
        self.width_em * size_pt
    }
}

/// Shape one line (line breaks are spaces here: a badge line is one line).
pub fn shape(fonts: &Fonts, text: &str, bold: bool) -> ShapedLine {
    let chain = fonts.chain(bold);
    let mut missing = Vec::new();
    let shown: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            c if c.is_control() => REPLACEMENT,
            c if c.is_whitespace()
                || is_invisible(c)
                || chain.iter().any(|&f| fonts.face(f).has(c)) =>
            {
                c
            }
            c => {
                missing.push(c);
                REPLACEMENT
            }
        })
        .collect();
    if !missing.is_empty() {
        tracing::warn!(
            ?missing,
            text = %shown,
            "no badge font has these characters; they are printed as \u{FFFD}"
        );
    }
    let mut runs = Vec::new();
    if !shown.is_empty() {
        let bidi = BidiInfo::new(&shown, None);
        for para in &bidi.paragraphs {
            let (levels, visual) = bidi.visual_runs(para, para.range.clone());
            for range in visual {
                let rtl = levels[range.start].is_rtl();
                let mut font_runs = split_by_face(fonts, chain, &shown[range.clone()]);
                // A right-to-left run's pieces are drawn last piece first.
                if rtl {
                    font_runs.reverse();
                }
                for (face, piece) in font_runs {
                    runs.push(shape_run(fonts, face, piece, rtl));
                }
            }
        }
    }
    let width_em = runs
        .iter()
        .flat_map(|r| r.glyphs.iter())
        .map(|g| g.advance)
        .sum();
    ShapedLine {
        text: shown,
        runs,
        width_em,
        missing,
    }
}

/// Joiners, variation selectors and other format characters: drawn by the face of the character
/// they belong to, never a reason to switch faces.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}')
}

/// Consecutive characters drawn by the same face. A character stays in the current face while
/// that face has it (spaces, punctuation, digits and combining marks keep their neighbours'
/// face); otherwise it goes to the first face of the chain that has it.
fn split_by_face<'t>(fonts: &Fonts, chain: &[FaceId], text: &'t str) -> Vec<(FaceId, &'t str)> {
    let first_with = |c: char| {
        chain
            .iter()
            .copied()
            .find(|&f| fonts.face(f).has(c))
            .unwrap_or(chain[0])
    };
    let mut out: Vec<(FaceId, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<FaceId> = None;
    for (i, c) in text.char_indices() {
        let keeps = |f: FaceId| c.is_whitespace() || is_invisible(c) || fonts.face(f).has(c);
        match current {
            Some(f) if keeps(f) => {}
            Some(f) => {
                out.push((f, &text[start..i]));
                start = i;
                current = Some(first_with(c));
            }
            None if c.is_whitespace() || is_invisible(c) => {}
            None => current = Some(first_with(c)),
        }
    }
    out.push((current.unwrap_or(chain[0]), &text[start..]));
    out
}

fn shape_run(fonts: &Fonts, face: FaceId, text: &str, rtl: bool) -> Run {
    let font = fonts.face(face);
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(&font.shaping, &[], buffer);
    let em = font.units_per_em();
    let infos = shaped.glyph_infos();
    // Cluster boundaries in the text, to hand each cluster's characters to its first glyph.
    let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let mut seen = std::collections::HashSet::new();
    let glyphs = infos
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(info, pos)| {
            let start = info.cluster as usize;
            let end = starts
                .iter()
                .copied()
                .find(|&s| s > start)
                .unwrap_or(text.len());
            Glyph {
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                advance: pos.x_advance as f32 / em,
                dx: pos.x_offset as f32 / em,
                dy: pos.y_offset as f32 / em,
                text: seen.insert(start).then(|| text[start..end].to_string()),
            }
        })
        .collect();
    Run {
        face,
        text: text.to_string(),
        rtl,
        glyphs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faces_of(fonts: &Fonts, line: &ShapedLine) -> Vec<&'static str> {
        line.runs.iter().map(|r| fonts.face(r.face).name).collect()
    }

    #[test]
    fn a_name_in_two_scripts_takes_each_from_its_face() {
        let fonts = Fonts::built_in().expect("fonts");
        let line = shape(&fonts, "Zoë Ødegård-李", false);
        assert_eq!(
            faces_of(&fonts, &line),
            ["NotoSans-Regular.ttf", "DroidSansFallbackFull.ttf"]
        );
        assert!(line.missing.is_empty());
        assert!(line.runs.iter().all(|r| r.glyphs.iter().all(|g| g.id != 0)));
        // Every character reaches the text layer exactly once, in order.
        let text: String = line
            .runs
            .iter()
            .flat_map(|r| r.glyphs.iter().filter_map(|g| g.text.clone()))
            .collect();
        assert_eq!(text, "Zoë Ødegård-李");
    }

    #[test]
    fn right_to_left_names_are_drawn_right_to_left_and_joined() {
        let fonts = Fonts::built_in().expect("fonts");
        let line = shape(&fonts, "محمد الأحمد", false);
        assert_eq!(faces_of(&fonts, &line), ["NotoSansArabic-Regular.ttf"]);
        // Drawn left to right, the first glyph is the end of the last word: "د".
        let first = line.runs[0].glyphs.first().and_then(|g| g.text.clone());
        assert_eq!(first.as_deref(), Some("د"));
        // Joined letters take their contextual forms: the word's initial "م" is not the
        // isolated glyph.
        let isolated = shape(&fonts, "م", false).runs[0].glyphs[0].id;
        let last = line.runs[0].glyphs.last().map(|g| g.id);
        assert_ne!(last, Some(isolated));

        let mixed = shape(&fonts, "יעל כהן (Cohen)", false);
        assert!(mixed.missing.is_empty());
        assert!(mixed.runs.len() >= 2, "{:?}", faces_of(&fonts, &mixed));
    }

    #[test]
    fn devanagari_is_shaped_into_conjuncts() {
        let fonts = Fonts::built_in().expect("fonts");
        let line = shape(&fonts, "अनन्या शर्मा", false);
        assert_eq!(faces_of(&fonts, &line), ["NotoSansDevanagari-Regular.ttf"]);
        let glyphs: usize = line.runs.iter().map(|r| r.glyphs.len()).sum();
        // "न्य" and "र्म" are conjuncts: fewer glyphs than characters.
        assert!(glyphs < "अनन्या शर्मा".chars().count(), "{glyphs}");
    }

    #[test]
    fn a_character_no_face_has_is_replaced_visibly() {
        let fonts = Fonts::built_in().expect("fonts");
        let line = shape(&fonts, "Ada \u{13000} King", false);
        assert_eq!(line.missing, ['\u{13000}']);
        assert_eq!(line.text, "Ada \u{FFFD} King");
        assert!(line.runs.iter().all(|r| r.glyphs.iter().all(|g| g.id != 0)));
    }
}
