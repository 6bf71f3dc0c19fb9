//! Visitor badges. A [`Template`] (TOML under `assets/badges/`) places the visit's fields, the
//! photo and a QR code on a page. [`Renderer::lay_out`] makes a [`Page`] of it once; the page is
//! then drawn as a PDF ([`Renderer::render`]) or as pixels at a printer's resolution
//! ([`Renderer::render_raster`]): one layout, two back ends.
//!
//! Text shrinks to fit its box, then wraps (up to the box's line count), and is cut with an
//! ellipsis only as a last resort, so nothing ever runs off a badge. Each line is shaped (the
//! `shape` module): any mix of scripts in one name, each character drawn by the first face of a
//! fallback chain of bundled Noto fonts that has it, right-to-left scripts right to left. A
//! character no font has is printed as a visible replacement mark and logged. The photo is turned
//! upright by its EXIF orientation, cropped to the box's proportions (never stretched) and scaled
//! to 300 dpi. A photo is decoded only within [`MAX_PHOTO_PIXELS`], [`MAX_PHOTO_SIDE`] and
//! [`MAX_PHOTO_DECODE_BYTES`], checked from its header first; one that is not a usable picture is
//! a [`BadgeError::Photo`], and the caller decides whether to render the badge without it.

mod fonts;
mod layout;
mod page;
mod pdf;
mod raster;
mod shape;
pub mod template;

use std::collections::BTreeMap;

use thiserror::Error;

pub use fonts::Fonts;
pub use image::GrayImage;
pub use layout::{Fitted, MAX_PHOTO_DECODE_BYTES, MAX_PHOTO_PIXELS, MAX_PHOTO_SIDE};
pub use page::Page;
pub use raster::Tone;
pub use shape::{ShapedLine, REPLACEMENT};
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

const BUILT_IN: [&str; 2] = [
    include_str!("../../../assets/badges/label-62x100.toml"),
    include_str!("../../../assets/badges/cr80.toml"),
];

/// Templates and fonts, loaded once.
pub struct Renderer {
    fonts: Fonts,
    templates: BTreeMap<String, Template>,
}

/// The templates shipped with the product, plus any `*.toml` in `extra_dir`, by name: what a
/// desk needs to choose a template for the labels its printer has loaded, without the fonts.
pub fn templates(
    extra_dir: Option<&std::path::Path>,
) -> Result<BTreeMap<String, Template>, BadgeError> {
    let mut templates = BTreeMap::new();
    for text in BUILT_IN {
        let t = Template::parse(text)?;
        templates.insert(t.name.clone(), t);
    }
    if let Some(dir) = extra_dir.filter(|d| d.is_dir()) {
        templates.extend(Template::load_dir(dir)?);
    }
    Ok(templates)
}

impl Renderer {
    /// The templates shipped with the product, plus any `*.toml` in `extra_dir`.
    pub fn new(extra_dir: Option<&std::path::Path>) -> Result<Self, BadgeError> {
        Ok(Self {
            fonts: Fonts::built_in()?,
            templates: templates(extra_dir)?,
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

    /// Lay one badge out: what every back end draws.
    pub fn lay_out(&self, template: &str, data: &BadgeData) -> Result<Page, BadgeError> {
        page::lay_out(&self.fonts, self.template(template)?, data)
    }

    /// Render one badge to PDF bytes.
    pub fn render(&self, template: &str, data: &BadgeData) -> Result<Vec<u8>, BadgeError> {
        self.pdf(&self.lay_out(template, data)?)
    }

    /// A laid-out badge as PDF bytes.
    pub fn pdf(&self, page: &Page) -> Result<Vec<u8>, BadgeError> {
        pdf::render(&self.fonts, page)
    }

    /// A laid-out badge as pixels at `dpi`, exactly the page's size at that resolution (rounded
    /// to whole dots); 0 is black.
    pub fn raster(&self, page: &Page, dpi: u32, tone: Tone) -> Result<GrayImage, BadgeError> {
        raster::render(&self.fonts, page, dpi, tone)
    }

    /// Render one badge to black-and-white pixels at `dpi`, as a label printer takes it.
    pub fn render_raster(
        &self,
        template: &str,
        data: &BadgeData,
        dpi: u32,
    ) -> Result<GrayImage, BadgeError> {
        self.raster(&self.lay_out(template, data)?, dpi, Tone::Bilevel)
    }
}

pub(crate) fn pt_to_mm(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}
