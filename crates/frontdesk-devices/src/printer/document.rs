//! What a printer is given: a document the queue can ask for in whichever form the printer
//! takes (PDF, or a raster page at the printer's resolution).

/// A page for a raster printer: 8-bit grey, row-major, 0 = black, 255 = white.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RasterPage {
    pub width: u32,
    pub height: u32,
    pub dpi: u32,
    pub pixels: Vec<u8>,
}

impl RasterPage {
    /// A white page of `width` × `height` dots.
    pub fn white(width: u32, height: u32, dpi: u32) -> Self {
        Self {
            width,
            height,
            dpi,
            pixels: vec![255; width as usize * height as usize],
        }
    }

    pub fn row(&self, y: u32) -> &[u8] {
        let w = self.width as usize;
        &self.pixels[y as usize * w..(y as usize + 1) * w]
    }

    /// One bit a dot, 1 = black, rows padded to whole bytes, most significant bit first: what
    /// PWG `black_1` and ZPL `^GF` carry. A plain threshold, never dithering: a label printer
    /// prints black or nothing, and dithering would blur the QR code's edges and the name.
    pub fn to_1bit(&self) -> (usize, Vec<u8>) {
        let stride = (self.width as usize).div_ceil(8);
        let mut out = vec![0u8; stride * self.height as usize];
        for y in 0..self.height {
            let line = &mut out[y as usize * stride..(y as usize + 1) * stride];
            for (x, &v) in self.row(y).iter().enumerate() {
                if v < 128 {
                    line[x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        (stride, out)
    }
}

/// A whole number of dots for a length in mm at `dpi`, rounded to the nearest dot.
pub fn dots(mm: f32, dpi: u32) -> u32 {
    (f64::from(mm) / 25.4 * f64::from(dpi)).round() as u32
}

/// A document the print queue can ask for in any format the printer takes. It knows nothing of
/// printers: the queue decides what to ask for.
pub trait PrintDocument: Sync {
    /// The page size in mm (width, height).
    fn size_mm(&self) -> (f32, f32);
    fn pdf(&self) -> Result<Vec<u8>, String>;
    /// Rendered at `dpi`, exactly size_mm at that resolution (rounded to whole dots).
    fn raster(&self, dpi: u32) -> Result<RasterPage, String>;
}

/// A document that exists only as a PDF (a file given to `frontdesk print`, a badge fetched as
/// PDF): it prints on printers that take PDF, and says so in words on the others.
pub struct PdfDocument {
    pub pdf: Vec<u8>,
    pub width_mm: f32,
    pub height_mm: f32,
}

impl PdfDocument {
    /// The page size is read from the PDF's first `/MediaBox` (in points); a PDF without one is
    /// taken as the 62 × 100 mm label, the badge every template draws by default.
    pub fn new(pdf: Vec<u8>) -> Self {
        let (width_mm, height_mm) = media_box_mm(&pdf).unwrap_or((62.0, 100.0));
        Self {
            pdf,
            width_mm,
            height_mm,
        }
    }
}

impl PrintDocument for PdfDocument {
    fn size_mm(&self) -> (f32, f32) {
        (self.width_mm, self.height_mm)
    }
    fn pdf(&self) -> Result<Vec<u8>, String> {
        Ok(self.pdf.clone())
    }
    fn raster(&self, _dpi: u32) -> Result<RasterPage, String> {
        Err("this badge is only available as a PDF, and the printer does not take PDF".into())
    }
}

/// The first `/MediaBox [x0 y0 x1 y1]` of a PDF, in mm. PDFs written by printpdf (the badges)
/// keep it uncompressed in the page object, which is all this needs to find.
fn media_box_mm(pdf: &[u8]) -> Option<(f32, f32)> {
    let at = pdf.windows(9).position(|w| w == b"/MediaBox")?;
    let rest = &pdf[at + 9..(at + 200).min(pdf.len())];
    let text = String::from_utf8_lossy(rest);
    let inner = text.split_once('[')?.1.split_once(']')?.0;
    let n: Vec<f32> = inner
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    let [x0, y0, x1, y1] = n[..] else {
        return None;
    };
    let mm = |pt: f32| pt * 25.4 / 72.0;
    Some((mm(x1 - x0), mm(y1 - y0)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_label_in_dots() {
        assert_eq!((dots(62.0, 300), dots(100.0, 300)), (732, 1181));
        assert_eq!((dots(62.0, 203), dots(100.0, 203)), (496, 799));
    }

    #[test]
    fn one_bit_is_a_threshold_msb_first() {
        let mut p = RasterPage::white(10, 1, 300);
        p.pixels[0] = 0;
        p.pixels[9] = 100;
        p.pixels[1] = 200;
        let (stride, bits) = p.to_1bit();
        assert_eq!(stride, 2);
        assert_eq!(bits, vec![0x80, 0x40]);
    }

    #[test]
    fn the_page_size_comes_from_the_media_box() {
        let d = PdfDocument::new(b"%PDF-1.7 ... /MediaBox [0 0 175.748 283.465] ...".to_vec());
        assert!((d.width_mm - 62.0).abs() < 0.01, "{}", d.width_mm);
        assert!((d.height_mm - 100.0).abs() < 0.01, "{}", d.height_mm);
    }
}
