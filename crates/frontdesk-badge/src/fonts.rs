//! The faces a badge is set in, and which one draws each character.
//!
//! Names come in every script, often several in one name ("Zoë Ødegård-李"), so no single face
//! will do: each character is drawn by the first face of a fallback chain that has it — Noto Sans
//! (Latin, Greek, Cyrillic), Noto Sans Arabic, Hebrew and Devanagari, then Droid Sans Fallback
//! (Chinese, Japanese, Korean). All are compiled in, so a badge looks the same on every desk.

use std::sync::OnceLock;

use printpdf::ParsedFont;
use rustybuzz::Face as ShapingFace;

use crate::BadgeError;

/// One face: its bytes, parsed for shaping and drawing at start, and for PDF embedding the
/// first time a badge uses it (the CJK face is 4 MB, and most badges never need it).
pub(crate) struct FontFace {
    pub(crate) name: &'static str,
    data: &'static [u8],
    pub(crate) shaping: ShapingFace<'static>,
    pdf: OnceLock<Option<ParsedFont>>,
}

impl FontFace {
    fn load(name: &'static str, data: &'static [u8]) -> Result<Self, BadgeError> {
        let shaping = ShapingFace::from_slice(data, 0)
            .ok_or_else(|| BadgeError::Font(format!("{name} is not a usable TrueType font")))?;
        Ok(Self {
            name,
            data,
            shaping,
            pdf: OnceLock::new(),
        })
    }

    pub(crate) fn units_per_em(&self) -> f32 {
        self.shaping.units_per_em() as f32
    }

    pub(crate) fn has(&self, c: char) -> bool {
        self.shaping.glyph_index(c).is_some_and(|g| g.0 != 0)
    }

    /// Advance width of glyph `gid` in the font's own metrics, as a PDF viewer will move by it.
    pub(crate) fn advance(&self, gid: u16) -> f32 {
        self.shaping
            .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
            .unwrap_or(0) as f32
    }

    pub(crate) fn pdf(&self) -> Result<&ParsedFont, BadgeError> {
        self.pdf
            .get_or_init(|| ParsedFont::from_bytes(self.data, 0, &mut Vec::new()))
            .as_ref()
            .ok_or_else(|| BadgeError::Font(format!("{} cannot be embedded in a PDF", self.name)))
    }
}

/// Index of a face in [`Fonts::faces`].
pub(crate) type FaceId = usize;

/// Every face, parsed once and reused for every badge.
pub struct Fonts {
    pub(crate) faces: Vec<FontFace>,
    regular: Vec<FaceId>,
    bold: Vec<FaceId>,
}

macro_rules! font {
    ($file:literal) => {
        (
            $file,
            include_bytes!(concat!("../../../assets/fonts/", $file)) as &'static [u8],
        )
    };
}

impl Fonts {
    pub fn built_in() -> Result<Self, BadgeError> {
        // Regular and bold of each script, in fallback order; the CJK face has no bold.
        let files = [
            font!("NotoSans-Regular.ttf"),
            font!("NotoSans-Bold.ttf"),
            font!("NotoSansArabic-Regular.ttf"),
            font!("NotoSansArabic-Bold.ttf"),
            font!("NotoSansHebrew-Regular.ttf"),
            font!("NotoSansHebrew-Bold.ttf"),
            font!("NotoSansDevanagari-Regular.ttf"),
            font!("NotoSansDevanagari-Bold.ttf"),
            font!("DroidSansFallbackFull.ttf"),
        ];
        let faces = files
            .into_iter()
            .map(|(name, data)| FontFace::load(name, data))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            faces,
            regular: vec![0, 2, 4, 6, 8],
            bold: vec![1, 3, 5, 7, 8],
        })
    }

    pub(crate) fn face(&self, id: FaceId) -> &FontFace {
        &self.faces[id]
    }

    /// The fallback chain for a weight, first choice first.
    pub(crate) fn chain(&self, bold: bool) -> &[FaceId] {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}
