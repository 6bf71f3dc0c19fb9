//! The labels a printer has loaded, and whether a badge fits them.

use std::fmt;

/// How close a label must be to the badge's size, in mm: label makers round (DK-11202 is
/// "62 × 100" and measures 62 × 100.3), and templates are drawn in whole mm.
pub const TOLERANCE_MM: f32 = 1.0;

/// A label stock as the printer reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    /// The printer's name for it (`om_dk-11202_62x100mm`), when it gave one.
    pub name: Option<String>,
    pub width_mm: f32,
    /// None for a continuous roll (DK-22205): the printer cuts each label at the badge's length.
    pub length_mm: Option<f32>,
}

impl Media {
    /// Whether a `width` × `height` mm badge prints on this stock as it is.
    pub fn fits(&self, width: f32, height: f32) -> bool {
        let near = |a: f32, b: f32| (a - b).abs() <= TOLERANCE_MM;
        near(self.width_mm, width) && self.length_mm.is_none_or(|l| near(l, height))
    }

    /// A PWG self-describing media name: `class_name_WxHunit` (`om_dk-11202_62x100mm`,
    /// `na_index-4x6_4x6in`). A `roll_` name, or a length of 0, is a continuous roll.
    pub fn from_keyword(keyword: &str) -> Option<Self> {
        let size = keyword.rsplit('_').next()?;
        let (dims, unit) = if let Some(d) = size.strip_suffix("mm") {
            (d, 1.0)
        } else if let Some(d) = size.strip_suffix("in") {
            (d, 25.4)
        } else {
            return None;
        };
        let (w, h) = dims.split_once('x')?;
        let (w, h): (f32, f32) = (w.parse().ok()?, h.parse().ok()?);
        let continuous = keyword.starts_with("roll_") || h == 0.0;
        Some(Self {
            name: Some(keyword.to_string()),
            width_mm: w * unit,
            length_mm: (!continuous).then_some(h * unit),
        })
    }
}

/// "29 × 90 mm labels", "a 62 mm continuous roll": how the desk says what is loaded.
impl fmt::Display for Media {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.length_mm {
            Some(l) => write!(f, "{} × {} mm labels", mm(self.width_mm), mm(l)),
            None => write!(f, "a {} mm continuous roll", mm(self.width_mm)),
        }
    }
}

/// A length for people: whole mm unless it has a useful fraction (a 2.25 in roll is 57.2 mm).
pub fn mm(v: f32) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{}", v.round())
    } else {
        format!("{v:.1}")
    }
}

/// The stock of `loaded` that a `width` × `height` mm badge prints on. `Ok(None)` when the
/// printer says nothing of what is loaded (most office printers and CUPS queues): the check is
/// then left to the printer. `Err` is the sentence the desk shows, before anything is sent.
pub fn check(loaded: &[Media], width: f32, height: f32) -> Result<Option<&Media>, String> {
    if loaded.is_empty() {
        return Ok(None);
    }
    // An exact label first, a continuous roll of the right width next.
    let exact = loaded
        .iter()
        .find(|m| m.length_mm.is_some() && m.fits(width, height));
    if let Some(m) = exact.or_else(|| loaded.iter().find(|m| m.fits(width, height))) {
        return Ok(Some(m));
    }
    let has = loaded
        .iter()
        .map(|m| m.to_string())
        .collect::<Vec<_>>()
        .join(" and ");
    Err(format!(
        "The printer has {has} loaded; this badge needs {} × {} mm. Load the right labels, \
         or choose a badge template of that size.",
        mm(width),
        mm(height)
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_say_their_size() {
        let m = Media::from_keyword("om_dk-11202_62x100mm").unwrap();
        assert_eq!((m.width_mm, m.length_mm), (62.0, Some(100.0)));
        let roll = Media::from_keyword("roll_dk-22205_62x30480mm").unwrap();
        assert_eq!((roll.width_mm, roll.length_mm), (62.0, None));
        let inch = Media::from_keyword("na_index-4x6_4x6in").unwrap();
        assert!((inch.width_mm - 101.6).abs() < 0.01);
        assert_eq!(Media::from_keyword("auto"), None);
    }

    #[test]
    fn a_badge_fits_its_label_or_a_roll_of_its_width() {
        let die_cut = Media::from_keyword("om_dk-11202_62x100mm").unwrap();
        let small = Media::from_keyword("om_dk-11201_29x90mm").unwrap();
        let roll = Media::from_keyword("roll_dk-22205_62x30480mm").unwrap();
        assert_eq!(
            check(std::slice::from_ref(&die_cut), 62.0, 100.0),
            Ok(Some(&die_cut))
        );
        assert_eq!(
            check(std::slice::from_ref(&die_cut), 62.5, 99.2),
            Ok(Some(&die_cut))
        );
        assert_eq!(
            check(std::slice::from_ref(&roll), 62.0, 100.0),
            Ok(Some(&roll))
        );
        assert_eq!(
            check(std::slice::from_ref(&roll), 62.0, 29.0),
            Ok(Some(&roll))
        );
        assert_eq!(check(&[], 62.0, 100.0), Ok(None));
        assert_eq!(
            check(std::slice::from_ref(&small), 62.0, 100.0).unwrap_err(),
            "The printer has 29 × 90 mm labels loaded; this badge needs 62 × 100 mm. Load the \
             right labels, or choose a badge template of that size."
        );
        assert!(check(&[roll, small], 54.0, 86.0)
            .unwrap_err()
            .starts_with("The printer has a 62 mm continuous roll and 29 × 90 mm labels loaded;"));
    }
}
