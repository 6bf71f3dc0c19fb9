//! Reading back what a label printer received: decoders for PWG raster, Apple raster (URF) and
//! DYMO LabelWriter raster, the PyPI tools for Brother raster (`brother_ql analyze`) and ZPL
//! graphics (`zplgrf`), and `zbarimg` to scan the QR code off the decoded page. Each panics with
//! what to install when a tool is missing: a test never passes without the check.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A decoded page: 8-bit grey, 0 = black.
#[derive(Debug, Clone)]
pub struct Page {
    pub width: u32,
    pub height: u32,
    /// The resolution the page says it is at (0 when the format does not say).
    pub dpi: u32,
    pub pixels: Vec<u8>,
}

impl Page {
    pub fn save_png(&self, path: &Path) {
        image::GrayImage::from_raw(self.width, self.height, self.pixels.clone())
            .unwrap()
            .save(path)
            .unwrap();
    }

    pub fn black_dots(&self) -> usize {
        self.pixels.iter().filter(|&&p| p < 128).count()
    }

    /// A white margin of `m` dots around the page: label printers' raster fills the head's whole
    /// width, and zbar wants a quiet zone it can see.
    pub fn framed(&self, m: u32) -> Page {
        let (w, h) = (self.width + 2 * m, self.height + 2 * m);
        let mut pixels = vec![255u8; (w * h) as usize];
        for y in 0..self.height {
            let from = (y * self.width) as usize;
            let to = ((y + m) * w + m) as usize;
            pixels[to..to + self.width as usize]
                .copy_from_slice(&self.pixels[from..from + self.width as usize]);
        }
        Page {
            width: w,
            height: h,
            dpi: self.dpi,
            pixels,
        }
    }
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap())
}

/// The run-length coding PWG raster and URF share: per line group a repeat byte, then runs
/// (n < 128: next pixel n+1 times; n > 128: 257−n literal pixels; 128: rest of the line white).
fn decode_lines(
    data: &[u8],
    bytes_per_line: usize,
    bpp: usize,
    height: usize,
    white: u8,
) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(bytes_per_line * height);
    let mut i = 0;
    while out.len() < bytes_per_line * height {
        let repeat = data[i] as usize + 1;
        i += 1;
        let mut line = Vec::with_capacity(bytes_per_line);
        while line.len() < bytes_per_line {
            let n = data[i] as usize;
            i += 1;
            if n == 128 {
                line.resize(bytes_per_line, white);
            } else if n < 128 {
                for _ in 0..=n {
                    line.extend_from_slice(&data[i..i + bpp]);
                }
                i += bpp;
            } else {
                let k = (257 - n) * bpp;
                line.extend_from_slice(&data[i..i + k]);
                i += k;
            }
        }
        assert_eq!(
            line.len(),
            bytes_per_line,
            "a run crosses the end of a line"
        );
        for _ in 0..repeat {
            out.extend_from_slice(&line);
        }
    }
    out.truncate(bytes_per_line * height);
    (out, i)
}

/// Every page of a PWG raster stream ("RaS2", 1,796-byte headers). Handles `black_1`,
/// `black_8` (1/255 = black) and `sgray_8` (0 = black).
pub fn decode_pwg(bytes: &[u8]) -> Vec<Page> {
    assert_eq!(&bytes[..4], b"RaS2", "not PWG raster");
    let mut pages = vec![];
    let mut at = 4;
    while at < bytes.len() {
        let h = &bytes[at..at + 1796];
        let (w, ht) = (be32(h, 372), be32(h, 376));
        let (bits, bpl, cs) = (be32(h, 388), be32(h, 392) as usize, be32(h, 400));
        let dpi = be32(h, 276);
        let black_is_one = cs == 3; // black (K): ink, 1 = black
        let white = if black_is_one { 0 } else { 255 };
        let bpp = (bits as usize).div_ceil(8);
        let (raw, used) = decode_lines(&bytes[at + 1796..], bpl, bpp, ht as usize, white);
        at += 1796 + used;
        let mut pixels = Vec::with_capacity((w * ht) as usize);
        for y in 0..ht as usize {
            let line = &raw[y * bpl..(y + 1) * bpl];
            for x in 0..w as usize {
                let ink = match bits {
                    1 => line[x / 8] & (0x80 >> (x % 8)) != 0,
                    8 if black_is_one => line[x] >= 128,
                    8 => line[x] < 128,
                    other => panic!("PWG raster with {other} bits per pixel is not decoded here"),
                };
                pixels.push(if ink { 0 } else { 255 });
            }
        }
        pages.push(Page {
            width: w,
            height: ht,
            dpi,
            pixels,
        });
    }
    pages
}

/// Every page of an Apple raster stream ("UNIRAST\0", a page count, 32-byte page headers).
/// Handles 8-bit grey (W8).
pub fn decode_urf(bytes: &[u8]) -> Vec<Page> {
    assert_eq!(&bytes[..8], b"UNIRAST\0", "not URF");
    let count = be32(bytes, 8) as usize;
    let mut at = 12;
    let mut pages = vec![];
    for _ in 0..count {
        let h = &bytes[at..at + 32];
        assert_eq!(h[0], 8, "only 8-bit grey URF is decoded here");
        let (w, ht, dpi) = (be32(h, 12), be32(h, 16), be32(h, 20));
        let (pixels, used) = decode_lines(&bytes[at + 32..], w as usize, 1, ht as usize, 255);
        at += 32 + used;
        pages.push(Page {
            width: w,
            height: ht,
            dpi,
            pixels,
        });
    }
    assert_eq!(at, bytes.len(), "bytes after the last URF page");
    pages
}

/// The pages a DYMO LabelWriter (300/400/450 series) is sent by CUPS's `raster2dymolw`: ESC
/// commands set the line width (`ESC D n`, bytes) and the dot tab (`ESC B n`); each dot line is
/// `SYN` (0x16) and the bytes, 1 = black, or `ETB` (0x17) and runs (bit 7: colour, low 7 bits:
/// count − 1); `ESC f 1 n` skips n blank lines; `ESC E`/`ESC G` feed to the next label.
/// 300 dpi.
pub fn decode_dymo(bytes: &[u8]) -> Vec<Page> {
    let mut pages = vec![];
    let mut lines: Vec<Vec<u8>> = vec![];
    let (mut width_bytes, mut tab) = (0usize, 0usize);
    let mut i = 0;
    let flush = |lines: &mut Vec<Vec<u8>>, pages: &mut Vec<Page>| {
        if lines.is_empty() {
            return;
        }
        let w = lines.iter().map(|l| l.len()).max().unwrap_or(0) * 8;
        let mut pixels = vec![255u8; w * lines.len()];
        for (y, l) in lines.iter().enumerate() {
            for x in 0..l.len() * 8 {
                if l[x / 8] & (0x80 >> (x % 8)) != 0 {
                    pixels[y * w + x] = 0;
                }
            }
        }
        pages.push(Page {
            width: w as u32,
            height: lines.len() as u32,
            dpi: 300,
            pixels,
        });
        lines.clear();
    };
    while i < bytes.len() {
        match bytes[i] {
            0x1b => {
                let cmd = bytes[i + 1];
                // The driver starts with a run of ESCs to resynchronise the printer.
                if cmd == 0x1b {
                    i += 1;
                    continue;
                }
                i += 2;
                match cmd {
                    b'D' => {
                        width_bytes = bytes[i] as usize;
                        i += 1;
                    }
                    b'B' => {
                        tab = bytes[i] as usize;
                        i += 1;
                    }
                    // Label length (2 bytes), or ESC L with a 16-bit length.
                    b'L' => i += 2,
                    // Speed, density, mode, reset, status: no arguments.
                    b'E' | b'G' => flush(&mut lines, &mut pages),
                    b'@' | b'*' | b'A' | b'h' | b'i' | b'c' | b'd' | b'e' | b'g' | b'y' | b'z' => {}
                    // Top-of-form offset (2 bytes).
                    b'Q' => i += 2,
                    // ESC f 1 n: feed n blank lines.
                    b'f' => {
                        let n = bytes[i + 1] as usize;
                        lines.extend(std::iter::repeat_n(vec![0u8; tab + width_bytes], n));
                        i += 2;
                    }
                    other => panic!(
                        "DYMO command ESC {:?} at {} is not known here",
                        other as char,
                        i - 2
                    ),
                }
            }
            0x16 => {
                let mut l = vec![0u8; tab];
                l.extend_from_slice(&bytes[i + 1..i + 1 + width_bytes]);
                lines.push(l);
                i += 1 + width_bytes;
            }
            0x17 => {
                // Compressed: runs until the line's width in dots is reached.
                let dots = width_bytes * 8;
                let mut bits = vec![false; dots];
                let mut x = 0;
                i += 1;
                while x < dots {
                    let b = bytes[i];
                    i += 1;
                    let n = (b & 0x7f) as usize + 1;
                    for _ in 0..n {
                        if x < dots {
                            bits[x] = b & 0x80 != 0;
                        }
                        x += 1;
                    }
                }
                let mut l = vec![0u8; tab];
                let mut packed = vec![0u8; width_bytes];
                for (x, &b) in bits.iter().enumerate() {
                    if b {
                        packed[x / 8] |= 0x80 >> (x % 8);
                    }
                }
                l.extend_from_slice(&packed);
                lines.push(l);
            }
            // Padding and job separators.
            0x00 => i += 1,
            other => panic!("byte 0x{other:02x} at {i} is not DYMO raster"),
        }
    }
    flush(&mut lines, &mut pages);
    pages
}

/// Where `scripts/install-deps test` puts the PyPI tools (each in its own venv).
pub fn tools_dir() -> PathBuf {
    if let Ok(d) = std::env::var("FRONTDESK_TOOLS_DIR") {
        return PathBuf::from(d);
    }
    let data = std::env::var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".local/share"));
    data.join("frontdesk/tools")
}

/// A program of the label tools' venv (`brother_ql`, `python`).
pub fn label_tool(name: &str) -> PathBuf {
    let p = tools_dir().join("labels/bin").join(name);
    assert!(
        p.exists(),
        "{} is missing: run scripts/install-deps test (it installs brother-ql-next and zplgrf)",
        p.display()
    );
    p
}

/// Brother QL raster (what `rastertoptch` or a QL printer's raw port gets) as pages, read by
/// the PyPI tool `brother_ql analyze`, which writes each page as `labelNNNN.png`.
pub fn decode_brother(bytes: &[u8], dir: &Path) -> Vec<Page> {
    let input = dir.join("brother.bin");
    std::fs::write(&input, bytes).unwrap();
    run_tool(
        Command::new(label_tool("brother_ql"))
            .arg("analyze")
            .arg(&input)
            .current_dir(dir),
    );
    pages_in(dir, "label", 300)
}

/// The `^GFA` graphics of a ZPL label as pages, read with the PyPI package `zplgrf` (its GRF
/// reader takes the same hex data a `^GF` field carries).
pub fn decode_zpl(zpl: &str, dir: &Path, dpi: u32) -> Vec<Page> {
    let script = r#"
import re, sys
from zplgrf import GRF
zpl = open(sys.argv[1]).read()
for i, m in enumerate(re.finditer(r'\^GFA,(\d+),(\d+),(\d+),([^\^]*)', zpl)):
    grf = GRF.from_zpl_line('~DGR:BADGE%d.GRF,%s,%s,%s' % (i, m.group(2), m.group(3), m.group(4)))
    grf.to_image().save('%s/zpl-%d.png' % (sys.argv[2], i))
"#;
    let input = dir.join("label.zpl");
    std::fs::write(&input, zpl).unwrap();
    run_tool(
        Command::new(label_tool("python"))
            .arg("-c")
            .arg(script)
            .arg(&input)
            .arg(dir),
    );
    pages_in(dir, "zpl-", dpi)
}

/// A PWG or Apple raster file as CUPS itself reads it: cups-filters' `rastertopdf` (libcups's
/// raster reader, the one CUPS and printer applications use), then `pdftoppm` at `dpi`. A second
/// reader besides [`decode_pwg`]/[`decode_urf`], so that the encoder is not only checked against
/// a decoder written alongside it.
pub fn read_with_cups(raster: &Path, dir: &Path, dpi: u32) -> Page {
    let filter = Path::new("/usr/lib/cups/filter/rastertopdf");
    assert!(
        filter.exists(),
        "{} is missing: apt-get install cups-filters",
        filter.display()
    );
    let out = Command::new(filter)
        .args(["1", "frontdesk", "badge", "1", ""])
        .arg(raster)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stdout.starts_with(b"%PDF"),
        "rastertopdf could not read {}: {}",
        raster.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir.join("cups.pdf");
    std::fs::write(&pdf, &out.stdout).unwrap();
    run_tool(
        Command::new("pdftoppm")
            .args(["-r", &dpi.to_string(), "-gray", "-png", "-singlefile"])
            .arg(&pdf)
            .arg(dir.join("cups")),
    );
    read_png(&dir.join("cups.png"), dpi)
}

/// Run a decoding tool; its failure fails the test, with what it said.
fn run_tool(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The PNG pages a tool wrote into `dir`, named `PREFIX…png`, in name order.
fn pages_in(dir: &Path, prefix: &str, dpi: u32) -> Vec<Page> {
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "png")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    pngs.sort();
    assert!(
        !pngs.is_empty(),
        "no page was decoded into {}",
        dir.display()
    );
    pngs.iter().map(|p| read_png(p, dpi)).collect()
}

pub fn read_png(path: &Path, dpi: u32) -> Page {
    let img = image::open(path).unwrap().to_luma8();
    Page {
        width: img.width(),
        height: img.height(),
        dpi,
        pixels: img.into_raw(),
    }
}

/// The QR codes `zbarimg` reads off a page (saved as `path`, a PNG).
pub fn scan_qr(page: &Page, path: &Path) -> Vec<String> {
    page.framed(40).save_png(path);
    let out = Command::new("zbarimg")
        .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
        .arg(path)
        .output()
        .expect("zbarimg is missing: apt-get install zbar-tools");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The PWG decoder agrees with Ghostscript's PWG raster output, the reference writer.
    #[test]
    fn pwg_decoder_reads_ghostscripts_raster() {
        let dir = tempfile::tempdir().unwrap();
        let ps = dir.path().join("box.ps");
        // A black 1 × 1 inch square, 1 inch from the bottom left, on a 2 × 2 inch page.
        std::fs::write(
            &ps,
            "<< /PageSize [144 144] >> setpagedevice 72 72 72 72 rectfill showpage\n",
        )
        .unwrap();
        let out = dir.path().join("box.pwg");
        let st = Command::new("gs")
            .args([
                "-q",
                "-dNOPAUSE",
                "-dBATCH",
                "-dSAFER",
                "-sDEVICE=pwgraster",
                "-r100",
            ])
            .args(["-dcupsColorSpace=3", "-dcupsBitsPerColor=1"])
            .arg(format!("-sOutputFile={}", out.display()))
            .arg(&ps)
            .status()
            .expect("gs is missing: apt-get install ghostscript");
        assert!(st.success());
        let pages = decode_pwg(&std::fs::read(&out).unwrap());
        assert_eq!(pages.len(), 1);
        let p = &pages[0];
        assert_eq!((p.width, p.height, p.dpi), (200, 200, 100));
        // The square is the top right quarter (rows count down from the top of the page);
        // Ghostscript fills every dot the square touches, so a side is 100 or 101 dots.
        let black: Vec<(usize, usize)> = (0..200 * 200)
            .filter(|&i| p.pixels[i] == 0)
            .map(|i| (i % 200, i / 200))
            .collect();
        let (xs, ys): (Vec<usize>, Vec<usize>) = black.iter().copied().unzip();
        let (x0, x1) = (*xs.iter().min().unwrap(), *xs.iter().max().unwrap());
        let (y0, y1) = (*ys.iter().min().unwrap(), *ys.iter().max().unwrap());
        assert!((99..=100).contains(&x0) && x1 == 199, "x {x0}..{x1}");
        assert!(y0 == 0 && (99..=100).contains(&y1), "y {y0}..{y1}");
        assert_eq!(black.len(), (x1 - x0 + 1) * (y1 - y0 + 1), "a solid square");
    }
}
