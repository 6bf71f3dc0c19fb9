//! The document formats a badge can be sent in, the choice among them for a printer, and the
//! encoders for the raster ones. PWG raster and Apple raster (URF) are small run-length formats,
//! written here rather than through Ghostscript or CUPS filters, so that a desk needs nothing
//! installed to print on a label printer that takes only raster.

use std::fmt;

use super::document::{dots, PrintDocument, RasterPage};
use super::media::mm;

/// What a printer will be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendAs {
    Pdf,
    /// The PDF, labelled `application/octet-stream`: the printer sniffs the format itself.
    /// Used only when the printer names nothing else a badge can be sent as.
    AutoDetect,
    /// `image/pwg-raster`; `black_1` (one bit, 1 = black) when the printer offers it, otherwise
    /// `sgray_8`.
    PwgRaster {
        dpi: u32,
        one_bit: bool,
    },
    /// `image/urf` (Apple raster, AirPrint), 8-bit grey.
    Urf {
        dpi: u32,
    },
    Png {
        dpi: u32,
    },
    /// ZPL for Zebra printers: the badge as a `^GFA` graphic.
    Zpl {
        dpi: u32,
    },
}

impl SendAs {
    pub fn mime(&self) -> &'static str {
        match self {
            SendAs::Pdf => "application/pdf",
            SendAs::AutoDetect => "application/octet-stream",
            SendAs::PwgRaster { .. } => "image/pwg-raster",
            SendAs::Urf { .. } => "image/urf",
            SendAs::Png { .. } => "image/png",
            SendAs::Zpl { .. } => "application/vnd.zebra-zpl",
        }
    }

    pub fn dpi(&self) -> Option<u32> {
        match *self {
            SendAs::Pdf | SendAs::AutoDetect => None,
            SendAs::PwgRaster { dpi, .. }
            | SendAs::Urf { dpi }
            | SendAs::Png { dpi }
            | SendAs::Zpl { dpi } => Some(dpi),
        }
    }
}

/// As the Devices screen shows it: "PWG raster, 300 dpi, black and white".
impl fmt::Display for SendAs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SendAs::Pdf => write!(f, "PDF"),
            SendAs::AutoDetect => write!(f, "PDF (the printer detects the format)"),
            SendAs::PwgRaster { dpi, one_bit } => write!(
                f,
                "PWG raster, {dpi} dpi, {}",
                if one_bit {
                    "black and white"
                } else {
                    "greyscale"
                }
            ),
            SendAs::Urf { dpi } => write!(f, "Apple raster (URF), {dpi} dpi, greyscale"),
            SendAs::Png { dpi } => write!(f, "PNG, {dpi} dpi"),
            SendAs::Zpl { dpi } => write!(f, "ZPL, {dpi} dpi, black and white"),
        }
    }
}

/// What an IPP printer says it takes, as read from its attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// `document-format-supported`.
    pub formats: Vec<String>,
    /// `printer-resolution-default`, then `printer-resolution-supported`, in dpi.
    pub resolution_default: Option<u32>,
    pub resolutions: Vec<u32>,
    /// `pwg-raster-document-resolution-supported`, in dpi.
    pub pwg_resolutions: Vec<u32>,
    /// `pwg-raster-document-type-supported` (`black_1`, `sgray_8`, …).
    pub pwg_types: Vec<String>,
    /// `urf-supported` (`W8`, `RS300`, …).
    pub urf: Vec<String>,
}

impl Capabilities {
    /// PDF when offered; else PWG raster or URF at the printer's resolution; else PNG; else the
    /// PDF for a printer that detects formats itself. None when it takes nothing a badge can be.
    pub fn choose(&self) -> Option<SendAs> {
        let takes = |mime: &str| self.formats.iter().any(|f| f.eq_ignore_ascii_case(mime));
        if takes("application/pdf") {
            return Some(SendAs::Pdf);
        }
        if takes("image/pwg-raster") {
            let has = |t: &str| self.pwg_types.iter().any(|x| x == t);
            let one_bit = has("black_1");
            if let (Some(dpi), true) = (self.pwg_dpi(), one_bit || has("sgray_8")) {
                return Some(SendAs::PwgRaster { dpi, one_bit });
            }
        }
        if takes("image/urf") {
            let grey = self.urf.is_empty() || self.urf.iter().any(|x| x == "W8");
            if let (Some(dpi), true) = (self.urf_dpi(), grey) {
                return Some(SendAs::Urf { dpi });
            }
        }
        if takes("image/png") {
            let dpi = self
                .resolution_default
                .or(self.resolutions.first().copied())
                .unwrap_or(300);
            return Some(SendAs::Png { dpi });
        }
        takes("application/octet-stream").then_some(SendAs::AutoDetect)
    }

    /// The printer's own resolution when PWG raster is offered at it, else the lowest PWG
    /// resolution (a label printer's native one, and the least data to send); a printer that
    /// lists no PWG resolution gets its own.
    fn pwg_dpi(&self) -> Option<u32> {
        let mut native = self
            .resolution_default
            .into_iter()
            .chain(self.resolutions.iter().copied());
        native
            .find(|r| self.pwg_resolutions.contains(r))
            .or_else(|| self.pwg_resolutions.iter().copied().min())
            .or(self.resolution_default)
    }

    /// URF's resolutions are in `urf-supported` as `RS300` or `RS300-600`; the first is the
    /// printer's base resolution.
    fn urf_dpi(&self) -> Option<u32> {
        self.urf
            .iter()
            .find_map(|k| k.strip_prefix("RS"))
            .and_then(|r| r.split('-').next()?.parse().ok())
            .or(self.resolution_default)
            .or(self.resolutions.first().copied())
    }
}

/// The bytes to send for `doc` as `how`. A raster is asked for at the printer's resolution and
/// must be exactly the page's size in whole dots: a page a dot off would be scaled by the
/// printer, and scaling blurs the QR code's modules.
pub fn encode(doc: &dyn PrintDocument, how: SendAs) -> Result<Vec<u8>, String> {
    let Some(dpi) = how.dpi() else {
        return doc.pdf();
    };
    let page = doc.raster(dpi)?;
    let (w, h) = doc.size_mm();
    let want = (dots(w, dpi), dots(h, dpi));
    if (page.width, page.height, page.dpi) != (want.0, want.1, dpi)
        || page.pixels.len() != page.width as usize * page.height as usize
    {
        return Err(format!(
            "the badge came out {} × {} dots at {} dpi, not the {} × {} dots of {} × {} mm at {dpi} dpi",
            page.width,
            page.height,
            page.dpi,
            want.0,
            want.1,
            mm(w),
            mm(h)
        ));
    }
    Ok(match how {
        SendAs::PwgRaster { one_bit, .. } => {
            pwg_raster(&page, one_bit, &format!("om_badge_{}x{}mm", mm(w), mm(h)))
        }
        SendAs::Urf { .. } => urf(&page),
        SendAs::Png { .. } => png(&page)?,
        SendAs::Zpl { .. } => zpl(&page),
        SendAs::Pdf | SendAs::AutoDetect => doc.pdf()?,
    })
}

/// The PackBits-like run-length coding PWG raster and URF share, for one line of `bpp`-byte
/// pixels: a byte n < 128 repeats the next pixel n+1 times; n > 128 is followed by 257−n
/// literal pixels; runs are at most 128 pixels.
fn encode_line(line: &[u8], bpp: usize, out: &mut Vec<u8>) {
    let px = |i: usize| &line[i * bpp..(i + 1) * bpp];
    let n = line.len() / bpp;
    let mut i = 0;
    while i < n {
        let mut run = 1;
        while i + run < n && run < 128 && px(i + run) == px(i) {
            run += 1;
        }
        if run > 1 {
            out.push((run - 1) as u8);
            out.extend_from_slice(px(i));
            i += run;
            continue;
        }
        // Literal pixels until two equal ones start a run.
        let start = i;
        let mut count = 0;
        while i < n && count < 128 && !(i + 1 < n && px(i) == px(i + 1)) {
            i += 1;
            count += 1;
        }
        // One pixel alone is a run of one: 257 − 1 does not fit the byte.
        out.push(if count == 1 { 0 } else { (257 - count) as u8 });
        out.extend_from_slice(&line[start * bpp..i * bpp]);
    }
}

/// Lines coded with a repeat count for identical lines (at most 256), as both formats do.
fn encode_lines(lines: &[&[u8]], bpp: usize, out: &mut Vec<u8>) {
    let mut y = 0;
    while y < lines.len() {
        let mut repeat = 1;
        while y + repeat < lines.len() && repeat < 256 && lines[y + repeat] == lines[y] {
            repeat += 1;
        }
        out.push((repeat - 1) as u8);
        encode_line(lines[y], bpp, out);
        y += repeat;
    }
}

/// The lines of a page as sent: one bit a dot (1 = black) or 8-bit grey (0 = black).
fn lines(page: &RasterPage, one_bit: bool) -> (usize, Vec<u8>) {
    if one_bit {
        page.to_1bit()
    } else {
        (page.width as usize, page.pixels.clone())
    }
}

/// `image/pwg-raster` (PWG 5102.4): "RaS2", then a 1,796-byte big-endian header and the
/// run-length coded lines. One page.
pub fn pwg_raster(page: &RasterPage, one_bit: bool, media_name: &str) -> Vec<u8> {
    let (stride, data) = lines(page, one_bit);
    let mut h = vec![0u8; 1796];
    let put = |h: &mut Vec<u8>, at: usize, v: u32| h[at..at + 4].copy_from_slice(&v.to_be_bytes());
    let text = |h: &mut Vec<u8>, at: usize, s: &str| {
        let b = s.as_bytes();
        let n = b.len().min(63);
        h[at..at + n].copy_from_slice(&b[..n]);
    };
    text(&mut h, 0, "PwgRaster");
    put(&mut h, 276, page.dpi);
    put(&mut h, 280, page.dpi);
    // PageSize, in points.
    let pt = |dots: u32| (f64::from(dots) * 72.0 / f64::from(page.dpi)).round() as u32;
    put(&mut h, 340, 1); // NumCopies
    put(&mut h, 352, pt(page.width));
    put(&mut h, 356, pt(page.height));
    put(&mut h, 372, page.width);
    put(&mut h, 376, page.height);
    put(&mut h, 384, if one_bit { 1 } else { 8 }); // bits per colour
    put(&mut h, 388, if one_bit { 1 } else { 8 }); // bits per pixel
    put(&mut h, 392, stride as u32);
    put(&mut h, 396, 0); // chunky
    put(&mut h, 400, if one_bit { 3 } else { 18 }); // black (K), or sGray
    put(&mut h, 420, 1); // colours
    put(&mut h, 452, 1); // total page count
    put(&mut h, 456, 1); // cross-feed transform
    put(&mut h, 460, 1); // feed transform
    text(&mut h, 1732, media_name);
    let mut out = b"RaS2".to_vec();
    out.extend_from_slice(&h);
    let rows: Vec<&[u8]> = data.chunks(stride).collect();
    encode_lines(&rows, 1, &mut out);
    out
}

/// `image/urf` (Apple raster): "UNIRAST\0", a page count, then per page a 32-byte header and
/// the run-length coded lines. 8-bit grey (W8, 0 = black), one page.
pub fn urf(page: &RasterPage) -> Vec<u8> {
    let mut out = b"UNIRAST\0".to_vec();
    out.extend_from_slice(&1u32.to_be_bytes());
    // bits per pixel, colour space (0 = sGray), duplex (1 = one-sided), quality (4 = normal).
    out.extend_from_slice(&[8, 0, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(&page.width.to_be_bytes());
    out.extend_from_slice(&page.height.to_be_bytes());
    out.extend_from_slice(&page.dpi.to_be_bytes());
    out.extend_from_slice(&[0; 8]);
    let rows: Vec<&[u8]> = page.pixels.chunks(page.width as usize).collect();
    encode_lines(&rows, 1, &mut out);
    out
}

/// `image/png`, 8-bit grey, with the resolution in its `pHYs` so the printer scales it to size.
pub fn png(page: &RasterPage) -> Result<Vec<u8>, String> {
    let mut out = vec![];
    let mut enc = png::Encoder::new(&mut out, page.width, page.height);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    let per_metre = (f64::from(page.dpi) / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(&page.pixels)
        .map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// ZPL II: the label's width (`^PW`) and length (`^LL`) in dots, the page as one `^GFA`
/// graphic (hex, one bit a dot, 1 = black) at the top left, and one copy.
pub fn zpl(page: &RasterPage) -> Vec<u8> {
    let (stride, bits) = page.to_1bit();
    let total = bits.len();
    let mut s = String::with_capacity(total * 2 + 128);
    s.push_str(&format!(
        "^XA\n^PW{}\n^LL{}\n^LH0,0\n^FO0,0^GFA,{total},{total},{stride},",
        page.width, page.height
    ));
    for b in &bits {
        s.push_str(&format!("{b:02X}"));
    }
    s.push_str("^FS\n^PQ1\n^XZ\n");
    s.into_bytes()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn caps(formats: &[&str]) -> Capabilities {
        Capabilities {
            formats: formats.iter().map(|s| s.to_string()).collect(),
            resolution_default: Some(600),
            resolutions: vec![600],
            pwg_resolutions: vec![300, 600],
            pwg_types: vec!["black_1".into(), "sgray_8".into()],
            urf: vec!["W8".into(), "RS300-600".into()],
        }
    }

    #[test]
    fn pdf_first_then_raster_then_png() {
        assert_eq!(
            caps(&["application/pdf", "image/urf"]).choose(),
            Some(SendAs::Pdf)
        );
        assert_eq!(
            caps(&["application/octet-stream", "image/pwg-raster", "image/urf"]).choose(),
            Some(SendAs::PwgRaster {
                dpi: 600,
                one_bit: true
            })
        );
        assert_eq!(
            caps(&["image/urf"]).choose(),
            Some(SendAs::Urf { dpi: 300 })
        );
        assert_eq!(
            caps(&["image/png"]).choose(),
            Some(SendAs::Png { dpi: 600 })
        );
        assert_eq!(
            caps(&["application/octet-stream"]).choose(),
            Some(SendAs::AutoDetect)
        );
        assert_eq!(caps(&["text/plain"]).choose(), None);
        let mut unlisted = caps(&["image/pwg-raster"]);
        unlisted.pwg_resolutions.clear();
        assert_eq!(
            unlisted.choose(),
            Some(SendAs::PwgRaster {
                dpi: 600,
                one_bit: true
            })
        );
        let mut grey = caps(&["image/pwg-raster"]);
        grey.pwg_types = vec!["sgray_8".into()];
        grey.resolution_default = Some(203);
        grey.resolutions = vec![203];
        assert_eq!(
            grey.choose(),
            Some(SendAs::PwgRaster {
                dpi: 300,
                one_bit: false
            })
        );
    }

    /// Decodes what `encode_line` wrote, to check the two agree on every kind of run.
    fn decode_line(mut data: &[u8], n: usize) -> (Vec<u8>, usize) {
        let mut out = vec![];
        let start = data.len();
        while out.len() < n {
            let c = data[0] as usize;
            data = &data[1..];
            if c < 128 {
                out.extend(std::iter::repeat_n(data[0], c + 1));
                data = &data[1..];
            } else {
                let k = 257 - c;
                out.extend_from_slice(&data[..k]);
                data = &data[k..];
            }
        }
        (out, start - data.len())
    }

    #[test]
    fn run_length_coding_round_trips() {
        let mut line: Vec<u8> = vec![255; 300];
        line.extend((0..200).map(|i| (i * 7 % 251) as u8));
        line.extend([0, 0, 1, 2, 2, 2, 3]);
        let mut out = vec![];
        encode_line(&line, 1, &mut out);
        let (back, used) = decode_line(&out, line.len());
        assert_eq!(back, line);
        assert_eq!(used, out.len());
    }

    #[test]
    fn headers_sit_where_readers_look() {
        let page = RasterPage::white(732, 1181, 300);
        let pwg = pwg_raster(&page, true, "om_badge_62x100mm");
        let at = |o: usize| u32::from_be_bytes(pwg[4 + o..8 + o].try_into().unwrap());
        assert_eq!(&pwg[..4], b"RaS2");
        assert_eq!(
            (at(372), at(376), at(388), at(392), at(400), at(276)),
            (732, 1181, 1, 92, 3, 300)
        );
        let u = urf(&page);
        assert_eq!(&u[..8], b"UNIRAST\0");
        let be = |o: usize| u32::from_be_bytes(u[o..o + 4].try_into().unwrap());
        assert_eq!(
            (be(8), be(12 + 12), be(12 + 16), be(12 + 20)),
            (1, 732, 1181, 300)
        );
        let z = String::from_utf8(zpl(&RasterPage::white(496, 799, 203))).unwrap();
        assert!(z.starts_with("^XA\n^PW496\n^LL799\n"), "{z:.40}");
        assert!(z.contains("^GFA,49538,49538,62,"));
        assert!(z.ends_with("^XZ\n"));
    }
}
