//! What a visitor's photo must be, judged from the file's structure alone: no pixel is decoded.
//!
//! A picture's header says how many pixels it has, and a decoder allocates for that many before
//! it reads a single one, so a PNG of a few hundred bytes that claims 60000 × 60000 pixels asks
//! for gigabytes. The core has no image library (it must stay light enough for the desk's
//! cache and any future store), so this reads the two formats the portal accepts by hand: the
//! PNG `IHDR` chunk and the JPEG frame header (`SOFn`), walking each file's chunks or markers far
//! enough to see that it is whole. The badge renderer bounds its own decoder as well
//! (`frontdesk_badge`), for photos stored before this check existed.

use thiserror::Error;

use crate::DomainError;

/// The most pixels a photo may have: a 40-megapixel camera's full-size picture. A badge shows
/// the photo 25 mm wide, so anything a phone takes fits with room to spare.
pub const MAX_PHOTO_PIXELS: u64 = 40_000_000;

/// The longest side a photo may have, whatever its pixel count: no camera makes a picture wider
/// than this (a 200-megapixel sensor is 16320 px wide), and a 1 × 40,000,000 "photo" is an attack.
pub const MAX_PHOTO_SIDE: u32 = 20_000;

/// The two formats a visitor's photo may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
}

impl PhotoFormat {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// The format whose signature `bytes` start with, if either.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(JPEG_SOI) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(PNG_SIGNATURE) {
            Some(Self::Png)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

impl Dimensions {
    pub fn pixels(self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }
}

/// Why a file is not a usable picture of its format. The wording is for logs and tests; the
/// visitor sees [`check`]'s sentence.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HeaderError {
    #[error("the file does not start with the {0} signature")]
    WrongSignature(&'static str),
    #[error("the file ends before its {0}")]
    Truncated(&'static str),
    #[error("the file is damaged: {0}")]
    Malformed(&'static str),
    #[error("the picture is stored in a way this portal does not read: {0}")]
    Unsupported(&'static str),
    #[error("the picture has no pixels (width or height 0)")]
    Empty,
}

const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const JPEG_SOI: &[u8] = &[0xFF, 0xD8, 0xFF];

/// The picture's size from its header, after checking that the file is a whole PNG or JPEG.
pub fn dimensions(format: PhotoFormat, bytes: &[u8]) -> Result<Dimensions, HeaderError> {
    let d = match format {
        PhotoFormat::Png => png(bytes)?,
        PhotoFormat::Jpeg => jpeg(bytes)?,
    };
    if d.width == 0 || d.height == 0 {
        return Err(HeaderError::Empty);
    }
    Ok(d)
}

/// Accept `bytes` as a photo in `format`, or say what to do instead (a 422 with a stable code):
/// `invalid_photo` for anything that is not a whole picture of that format, and
/// `photo_too_many_pixels` above [`MAX_PHOTO_PIXELS`] or [`MAX_PHOTO_SIDE`].
pub fn check(format: PhotoFormat, bytes: &[u8]) -> Result<Dimensions, DomainError> {
    let d = dimensions(format, bytes).map_err(|e| match e {
        HeaderError::WrongSignature(_) => DomainError::invalid(
            "invalid_photo",
            "The photo must be a JPEG or PNG picture. Take it again or choose another file.",
        ),
        HeaderError::Unsupported(_) => DomainError::invalid(
            "invalid_photo",
            "This picture is saved in a way we cannot print. Take the photo with the camera or \
             choose another file.",
        ),
        HeaderError::Truncated(_) | HeaderError::Malformed(_) | HeaderError::Empty => {
            DomainError::invalid(
                "invalid_photo",
                "The photo file is incomplete or damaged. Take it again or choose another file.",
            )
        }
    })?;
    if d.pixels() > MAX_PHOTO_PIXELS || d.width > MAX_PHOTO_SIDE || d.height > MAX_PHOTO_SIDE {
        return Err(DomainError::invalid(
            "photo_too_many_pixels",
            format!(
                "The photo is {} × {} pixels; the most we accept is {} megapixels, at most {} \
                 pixels on a side. Take it again at a lower resolution or choose a smaller picture.",
                d.width,
                d.height,
                MAX_PHOTO_PIXELS / 1_000_000,
                MAX_PHOTO_SIDE
            ),
        ));
    }
    Ok(d)
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}

/// PNG: the signature, `IHDR` first (13 bytes, valid depth and colour type, CRC intact), then
/// every chunk whole, with their CRCs, up to `IEND`. Chunk lengths are checked against what is
/// left, so a length field cannot make this read (or allocate) anything.
fn png(bytes: &[u8]) -> Result<Dimensions, HeaderError> {
    let mut rest = bytes
        .strip_prefix(PNG_SIGNATURE)
        .ok_or(HeaderError::WrongSignature("PNG"))?;
    let mut header: Option<Dimensions> = None;
    let mut has_data = false;
    loop {
        if rest.len() < 12 {
            return Err(HeaderError::Truncated(if header.is_none() {
                "header (IHDR)"
            } else {
                "end (IEND)"
            }));
        }
        let len = be32(rest) as usize;
        // The spec caps a chunk at 2^31 - 1 bytes; `rest` is far smaller anyway.
        if len > rest.len() - 12 {
            return Err(HeaderError::Truncated("last chunk"));
        }
        let kind = &rest[4..8];
        let data = &rest[8..8 + len];
        let crc = be32(&rest[8 + len..12 + len]);
        if crc32(&rest[4..8 + len]) != crc {
            return Err(HeaderError::Malformed("a chunk's checksum does not match"));
        }
        match (kind, header) {
            (b"IHDR", None) => header = Some(ihdr(data)?),
            (_, None) => return Err(HeaderError::Malformed("the first chunk is not IHDR")),
            (b"IHDR", Some(_)) => return Err(HeaderError::Malformed("two IHDR chunks")),
            (b"IDAT", Some(_)) => has_data = true,
            (b"IEND", Some(d)) if has_data => return Ok(d),
            (b"IEND", Some(_)) => return Err(HeaderError::Malformed("no image data (IDAT)")),
            _ => {}
        }
        rest = &rest[12 + len..];
    }
}

fn ihdr(data: &[u8]) -> Result<Dimensions, HeaderError> {
    if data.len() != 13 {
        return Err(HeaderError::Malformed("IHDR is not 13 bytes"));
    }
    let (width, height) = (be32(&data[0..4]), be32(&data[4..8]));
    if width > i32::MAX as u32 || height > i32::MAX as u32 {
        return Err(HeaderError::Malformed("a side over 2^31 - 1 pixels"));
    }
    let (depth, colour) = (data[8], data[9]);
    let allowed: &[u8] = match colour {
        0 => &[1, 2, 4, 8, 16],
        2 | 4 | 6 => &[8, 16],
        3 => &[1, 2, 4, 8],
        _ => return Err(HeaderError::Malformed("unknown colour type")),
    };
    if !allowed.contains(&depth) {
        return Err(HeaderError::Malformed(
            "bit depth not allowed for its colour type",
        ));
    }
    if data[10] != 0 || data[11] != 0 || data[12] > 1 {
        return Err(HeaderError::Malformed(
            "unknown compression, filter or interlace method",
        ));
    }
    Ok(Dimensions { width, height })
}

/// CRC-32 as PNG computes it (ISO 3309, reflected, polynomial 0xEDB88320), table-less: a photo
/// is checked once, at upload. Public for tests that craft PNGs.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// JPEG: the markers from `SOI` walked segment by segment (each length checked against what is
/// left) to one frame header (`SOF0`–`SOF2`: baseline, extended or progressive Huffman, what
/// cameras and browsers write and the badge's decoder reads) and on to the first scan (`SOS`);
/// the entropy-coded data after it is not decoded, only searched for the end marker (`EOI`),
/// which cannot occur inside it (a 0xFF there is always followed by 0x00 or a restart marker).
/// Data after `EOI` is allowed: some phones append their own.
fn jpeg(bytes: &[u8]) -> Result<Dimensions, HeaderError> {
    if !bytes.starts_with(JPEG_SOI) {
        return Err(HeaderError::WrongSignature("JPEG"));
    }
    let mut pos = 2;
    let mut frame: Option<Dimensions> = None;
    loop {
        // A marker is 0xFF, any number of 0xFF fill bytes, then its code.
        if bytes.get(pos) != Some(&0xFF) {
            return match bytes.get(pos) {
                None => Err(HeaderError::Truncated("frame header (SOF)")),
                Some(_) => Err(HeaderError::Malformed("data where a marker should be")),
            };
        }
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&code) = bytes.get(pos) else {
            return Err(HeaderError::Truncated("frame header (SOF)"));
        };
        pos += 1;
        match code {
            // Markers without a segment: TEM and the restart markers.
            0x01 | 0xD0..=0xD7 => continue,
            0x00 => return Err(HeaderError::Malformed("a stuffed byte outside a scan")),
            0xD8 => return Err(HeaderError::Malformed("a second start-of-image marker")),
            0xD9 => return Err(HeaderError::Malformed("the picture ends before any scan")),
            _ => {}
        }
        let Some(len) = bytes.get(pos..pos + 2).map(be16) else {
            return Err(HeaderError::Truncated("frame header (SOF)"));
        };
        let len = usize::from(len);
        if len < 2 {
            return Err(HeaderError::Malformed(
                "a segment shorter than its length field",
            ));
        }
        let Some(segment) = bytes.get(pos + 2..pos + len) else {
            return Err(HeaderError::Truncated("frame header (SOF)"));
        };
        match code {
            0xC0..=0xC2 => {
                if frame.is_some() {
                    return Err(HeaderError::Malformed("two frame headers"));
                }
                frame = Some(sof(segment)?);
            }
            // The other SOFn: lossless, hierarchical or arithmetic-coded frames.
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(HeaderError::Unsupported(
                    "lossless, hierarchical or arithmetic-coded JPEG",
                ))
            }
            0xDA => {
                let Some(d) = frame else {
                    return Err(HeaderError::Malformed("a scan before the frame header"));
                };
                let scan = &bytes[pos + len..];
                return if scan.windows(2).any(|w| w == [0xFF, 0xD9]) {
                    Ok(d)
                } else {
                    Err(HeaderError::Truncated("end (EOI)"))
                };
            }
            _ => {}
        }
        pos += len;
    }
}

/// A frame header: precision, height, width, then three bytes per component.
fn sof(segment: &[u8]) -> Result<Dimensions, HeaderError> {
    if segment.len() < 6 {
        return Err(HeaderError::Malformed(
            "a frame header shorter than 6 bytes",
        ));
    }
    let components = usize::from(segment[5]);
    if !(1..=4).contains(&components) || segment.len() != 6 + 3 * components {
        return Err(HeaderError::Malformed(
            "a frame header with a wrong component count",
        ));
    }
    if segment[0] != 8 {
        return Err(HeaderError::Unsupported("samples of other than 8 bits"));
    }
    // A height of 0 defers it to a DNL marker after the first scan; cameras never write that,
    // and a size that is not known up front cannot be checked, so it counts as no pixels.
    Ok(Dimensions {
        height: u32::from(be16(&segment[1..3])),
        width: u32::from(be16(&segment[3..5])),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PNG chunk with its length and CRC.
    pub fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend(kind);
        c.extend(data);
        let crc = crc32(&c[4..]);
        c.extend(crc.to_be_bytes());
        c
    }

    /// A PNG whose header says `w` × `h` (8-bit RGB) with a token IDAT: structurally whole, not
    /// decodable, and a few dozen bytes whatever it claims.
    pub fn png_claiming(w: u32, h: u32) -> Vec<u8> {
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend(h.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        let mut f = PNG_SIGNATURE.to_vec();
        f.extend(chunk(b"IHDR", &ihdr));
        f.extend(chunk(
            b"IDAT",
            &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ));
        f.extend(chunk(b"IEND", &[]));
        f
    }

    /// A JPEG whose frame header says `w` × `h` (baseline, 3 components) after an APP0 and an
    /// APP1 segment, with a token scan and EOI.
    pub fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
        let mut f = vec![0xFF, 0xD8];
        f.extend([0xFF, 0xE0, 0, 16]);
        f.extend(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        // An Exif segment holding a thumbnail's own SOI/SOF/EOI: skipped by its length.
        f.extend([
            0xFF, 0xE1, 0, 12, b'E', b'x', b'i', b'f', 0, 0, 0xFF, 0xD8, 0xFF, 0xD9,
        ]);
        f.extend([0xFF, 0xC0, 0, 17, 8]);
        f.extend(h.to_be_bytes());
        f.extend(w.to_be_bytes());
        f.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        f.extend([0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]);
        // Entropy-coded data with a stuffed 0xFF00 and a restart marker, then EOI.
        f.extend([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9]);
        f
    }

    #[test]
    fn crc_matches_the_png_spec() {
        // The CRC of an empty IEND chunk, as every PNG ends.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn dimensions_come_from_the_header_whatever_the_file_size() {
        let d = |w, h| Dimensions {
            width: w,
            height: h,
        };
        assert_eq!(
            dimensions(PhotoFormat::Png, &png_claiming(640, 480)),
            Ok(d(640, 480))
        );
        assert_eq!(
            dimensions(PhotoFormat::Png, &png_claiming(60_000, 60_000)),
            Ok(d(60_000, 60_000))
        );
        assert_eq!(
            dimensions(PhotoFormat::Jpeg, &jpeg_claiming(480, 640)),
            Ok(d(480, 640))
        );
        assert_eq!(
            dimensions(PhotoFormat::Jpeg, &jpeg_claiming(60_000, 60_000)),
            Ok(d(60_000, 60_000))
        );
        assert!(png_claiming(60_000, 60_000).len() < 100);
    }

    #[test]
    fn too_many_pixels_or_too_long_a_side_is_refused_with_its_own_code() {
        let code =
            |r: Result<Dimensions, DomainError>| r.map(|_| "ok").unwrap_or_else(|e| e.code());
        assert_eq!(
            code(check(PhotoFormat::Png, &png_claiming(60_000, 60_000))),
            "photo_too_many_pixels"
        );
        assert_eq!(
            code(check(PhotoFormat::Jpeg, &jpeg_claiming(60_000, 60_000))),
            "photo_too_many_pixels"
        );
        // Just over 40 megapixels, and a thin strip under it with a side past the limit.
        assert_eq!(
            code(check(PhotoFormat::Png, &png_claiming(8000, 5001))),
            "photo_too_many_pixels"
        );
        assert_eq!(
            code(check(PhotoFormat::Png, &png_claiming(40_000, 10))),
            "photo_too_many_pixels"
        );
        assert_eq!(
            code(check(PhotoFormat::Png, &png_claiming(8000, 5000))),
            "ok"
        );
        assert_eq!(
            code(check(PhotoFormat::Jpeg, &jpeg_claiming(4000, 3000))),
            "ok"
        );
        let e = check(PhotoFormat::Png, &png_claiming(60_000, 60_000)).expect_err("huge");
        assert!(e.to_string().contains("60000 × 60000"), "{e}");
    }

    #[test]
    fn truncated_files_are_refused_at_every_cut() {
        for (format, whole) in [
            (PhotoFormat::Png, png_claiming(64, 64)),
            (PhotoFormat::Jpeg, jpeg_claiming(64, 64)),
        ] {
            assert!(dimensions(format, &whole).is_ok());
            for cut in 0..whole.len() {
                let r = dimensions(format, &whole[..cut]);
                assert!(
                    r.is_err(),
                    "{format:?} cut at {cut} of {} was accepted",
                    whole.len()
                );
                assert_eq!(
                    check(format, &whole[..cut]).expect_err("cut").code(),
                    "invalid_photo"
                );
            }
        }
    }

    #[test]
    fn zero_sizes_wrong_signatures_and_damage_are_refused() {
        assert_eq!(
            dimensions(PhotoFormat::Png, &png_claiming(0, 480)),
            Err(HeaderError::Empty)
        );
        assert_eq!(
            dimensions(PhotoFormat::Jpeg, &jpeg_claiming(640, 0)),
            Err(HeaderError::Empty)
        );
        // A JPEG declared as PNG and the other way round.
        assert_eq!(
            dimensions(PhotoFormat::Png, &jpeg_claiming(64, 64)),
            Err(HeaderError::WrongSignature("PNG"))
        );
        assert_eq!(
            dimensions(PhotoFormat::Jpeg, &png_claiming(64, 64)),
            Err(HeaderError::WrongSignature("JPEG"))
        );
        // A flipped bit in IHDR breaks its CRC.
        let mut bad = png_claiming(64, 64);
        bad[18] ^= 0x40;
        assert!(matches!(
            dimensions(PhotoFormat::Png, &bad),
            Err(HeaderError::Malformed(_))
        ));
        // IEND without IDAT; a chunk before IHDR; a bit depth RGB cannot have.
        let mut no_data = PNG_SIGNATURE.to_vec();
        no_data.extend(&png_claiming(64, 64)[8..33]);
        no_data.extend(chunk(b"IEND", &[]));
        assert!(dimensions(PhotoFormat::Png, &no_data).is_err());
        let mut text_first = PNG_SIGNATURE.to_vec();
        text_first.extend(chunk(b"tEXt", b"a\0b"));
        text_first.extend(&png_claiming(64, 64)[8..]);
        assert!(dimensions(PhotoFormat::Png, &text_first).is_err());
        let mut ihdr = 64u32.to_be_bytes().to_vec();
        ihdr.extend(64u32.to_be_bytes());
        ihdr.extend([4, 2, 0, 0, 0]);
        let mut odd = PNG_SIGNATURE.to_vec();
        odd.extend(chunk(b"IHDR", &ihdr));
        odd.extend(&png_claiming(64, 64)[33..]);
        assert!(dimensions(PhotoFormat::Png, &odd).is_err());
        // A chunk length that points past the end of the file.
        let mut long = png_claiming(64, 64);
        long[33..37].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(dimensions(PhotoFormat::Png, &long).is_err());
        // JPEG: arithmetic coding (SOF9) is not read; no frame before the scan; a segment length
        // past the end.
        let mut arith = jpeg_claiming(64, 64);
        let sof = arith
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("SOF0");
        arith[sof + 1] = 0xC9;
        assert_eq!(
            check(PhotoFormat::Jpeg, &arith).expect_err("SOF9").code(),
            "invalid_photo"
        );
        let mut no_frame = jpeg_claiming(64, 64);
        no_frame.drain(sof..sof + 19);
        assert!(dimensions(PhotoFormat::Jpeg, &no_frame).is_err());
        let mut long = jpeg_claiming(64, 64);
        long[4..6].copy_from_slice(&[0xFF, 0xFF]);
        assert!(dimensions(PhotoFormat::Jpeg, &long).is_err());
        assert_eq!(PhotoFormat::sniff(b"GIF89a"), None);
    }

    /// Whatever the bytes, the reader answers (never panics, never loops) and never accepts more
    /// than the limits; a cheap in-crate fuzz over mutations of valid headers.
    #[test]
    fn arbitrary_mutations_never_panic() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (format, base) in [
            (PhotoFormat::Png, png_claiming(300, 200)),
            (PhotoFormat::Jpeg, jpeg_claiming(300, 200)),
        ] {
            for _ in 0..5000 {
                let mut f = base.clone();
                for _ in 0..(next() % 4 + 1) {
                    let i = (next() as usize) % f.len();
                    f[i] = next() as u8;
                }
                let cut = (next() as usize) % (f.len() + 1);
                if let Ok(d) = check(format, &f[..cut.max(f.len() / 2)]) {
                    assert!(d.pixels() <= MAX_PHOTO_PIXELS && d.width > 0 && d.height > 0);
                }
            }
        }
    }
}
