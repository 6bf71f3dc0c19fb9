//! Badge templates: small declarative TOML files under `assets/badges/`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::BadgeError;

#[derive(Debug, Clone, Deserialize)]
pub struct Template {
    pub name: String,
    pub description: String,
    /// The template used when a request names none: for these visitor types…
    #[serde(default)]
    pub default_for: Vec<String>,
    /// …and for every other type when this is set.
    #[serde(default)]
    pub default: bool,
    pub width_mm: f32,
    pub height_mm: f32,
    pub band: Band,
    pub photo: Option<Box2>,
    pub qr: QrBox,
    pub fields: Vec<TextBox>,
}

/// The coloured band at the top, carrying the visitor type in its colour.
#[derive(Debug, Clone, Deserialize)]
pub struct Band {
    pub height_mm: f32,
    pub text: Field,
    pub text_size_pt: f32,
    pub text_color: Color,
    pub default_color: Color,
    #[serde(default)]
    pub colors: BTreeMap<String, Color>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Box2 {
    pub x_mm: f32,
    pub y_mm: f32,
    pub width_mm: f32,
    pub height_mm: f32,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct QrBox {
    pub x_mm: f32,
    pub y_mm: f32,
    pub size_mm: f32,
}

/// Which piece of the visit a text box shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Company,
    Host,
    Tenant,
    Building,
    VisitorType,
    Validity,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TextBox {
    pub field: Field,
    /// Written before the value ("Visiting: Grace Hopper").
    pub label: Option<String>,
    pub x_mm: f32,
    /// Top of the box, from the top of the page.
    pub y_mm: f32,
    pub width_mm: f32,
    pub height_mm: f32,
    pub size_pt: f32,
    /// The text shrinks down to this size before it wraps.
    pub min_size_pt: f32,
    #[serde(default = "one")]
    pub max_lines: usize,
    #[serde(default)]
    pub bold: bool,
    #[serde(default = "black")]
    pub color: Color,
}

fn one() -> usize {
    1
}

fn black() -> Color {
    Color(0, 0, 0)
}

/// `#RRGGBB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let hex = s
            .strip_prefix('#')
            .filter(|h| h.len() == 6)
            .ok_or_else(|| serde::de::Error::custom(format!("colour {s:?} is not #RRGGBB")))?;
        let byte = |i: usize| {
            u8::from_str_radix(&hex[i..i + 2], 16)
                .map_err(|_| serde::de::Error::custom(format!("colour {s:?} is not #RRGGBB")))
        };
        Ok(Color(byte(0)?, byte(2)?, byte(4)?))
    }
}

impl Template {
    pub fn parse(toml_text: &str) -> Result<Self, BadgeError> {
        let t: Template =
            toml::from_str(toml_text).map_err(|e| BadgeError::Template(e.to_string()))?;
        t.check()?;
        Ok(t)
    }

    /// Every template under `dir` (`*.toml`), by name.
    pub fn load_dir(dir: &Path) -> Result<BTreeMap<String, Template>, BadgeError> {
        let mut out = BTreeMap::new();
        let entries = std::fs::read_dir(dir)
            .map_err(|e| BadgeError::Template(format!("cannot read {}: {e}", dir.display())))?;
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().and_then(|x| x.to_str()) != Some("toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| {
                BadgeError::Template(format!("cannot read {}: {e}", path.display()))
            })?;
            let t = Template::parse(&text)
                .map_err(|e| BadgeError::Template(format!("{}: {e}", path.display())))?;
            out.insert(t.name.clone(), t);
        }
        Ok(out)
    }

    /// Everything must sit on the page, and every text box must be able to hold a line.
    fn check(&self) -> Result<(), BadgeError> {
        let on_page = |x: f32, y: f32, w: f32, h: f32| {
            x >= 0.0 && y >= 0.0 && x + w <= self.width_mm + 0.01 && y + h <= self.height_mm + 0.01
        };
        let mut bad = vec![];
        if let Some(p) = self.photo {
            if !on_page(p.x_mm, p.y_mm, p.width_mm, p.height_mm) {
                bad.push("photo".to_string());
            }
        }
        if !on_page(self.qr.x_mm, self.qr.y_mm, self.qr.size_mm, self.qr.size_mm) {
            bad.push("qr".into());
        }
        for f in &self.fields {
            if !on_page(f.x_mm, f.y_mm, f.width_mm, f.height_mm) || f.min_size_pt > f.size_pt {
                bad.push(format!("{:?}", f.field));
            }
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(BadgeError::Template(format!(
                "template {} has boxes off the page or a minimum size above the size: {}",
                self.name,
                bad.join(", ")
            )))
        }
    }

    pub fn band_color(&self, visitor_type: &str) -> Color {
        self.band
            .colors
            .get(visitor_type)
            .copied()
            .unwrap_or(self.band.default_color)
    }
}
