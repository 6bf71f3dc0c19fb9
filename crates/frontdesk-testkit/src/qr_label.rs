//! A test label: a QR code on a page of a given size, as PDF (vector squares) and as an 8-bit
//! grey raster with the modules on whole dots, from one geometry. What a badge is to a printer,
//! without the badge crate's fonts; the tests and benches wrap it in a `PrintDocument`.

/// A whole number of dots for `mm` at `dpi`, rounded: as frontdesk-devices counts them.
pub fn dots(mm: f32, dpi: u32) -> u32 {
    (f64::from(mm) / 25.4 * f64::from(dpi)).round() as u32
}

pub struct QrLabel {
    pub width_mm: f32,
    pub height_mm: f32,
    pub payload: String,
}

/// The quiet zone around the code, in modules, as the QR standard asks.
const QUIET: usize = 4;

impl QrLabel {
    pub fn new(width_mm: f32, height_mm: f32, payload: &str) -> Self {
        Self {
            width_mm,
            height_mm,
            payload: payload.into(),
        }
    }

    /// The QR code's box: 60% of the narrow side, centred across, a quarter down.
    fn qr_box_mm(&self) -> (f32, f32, f32) {
        let size = self.width_mm.min(self.height_mm) * 0.6;
        ((self.width_mm - size) / 2.0, self.height_mm * 0.25, size)
    }

    fn modules(&self) -> (usize, Vec<bool>) {
        let code = qrcode::QrCode::new(self.payload.as_bytes()).unwrap();
        let n = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        (n, dark)
    }

    /// A one-page PDF of the label's size.
    pub fn pdf(&self) -> Vec<u8> {
        let pt = |mm: f32| mm * 72.0 / 25.4;
        let (x, y, size) = self.qr_box_mm();
        let (n, dark) = self.modules();
        let m = size / (n + 2 * QUIET) as f32;
        let mut ops = String::from("0 g\n");
        for r in 0..n {
            for c in 0..n {
                if dark[r * n + c] {
                    // PDF's y runs up from the bottom.
                    let top = y + (QUIET + r) as f32 * m;
                    ops += &format!(
                        "{:.3} {:.3} {:.3} {:.3} re f\n",
                        pt(x + (QUIET + c) as f32 * m),
                        pt(self.height_mm - top - m),
                        pt(m),
                        pt(m)
                    );
                }
            }
        }
        minimal_pdf(pt(self.width_mm), pt(self.height_mm), &ops)
    }

    /// The label at `dpi`: (width, height, grey pixels, 0 = black).
    pub fn raster(&self, dpi: u32) -> (u32, u32, Vec<u8>) {
        let (width, height) = (dots(self.width_mm, dpi), dots(self.height_mm, dpi));
        let w = width as usize;
        let mut pixels = vec![255u8; w * height as usize];
        let (x, y, size) = self.qr_box_mm();
        let (n, dark) = self.modules();
        // Whole dots a module, so that no module is a dot wider than its neighbour.
        let m = dots(size, dpi) as usize / (n + 2 * QUIET);
        let (x0, y0) = (dots(x, dpi) as usize, dots(y, dpi) as usize);
        for r in 0..n {
            for c in 0..n {
                if dark[r * n + c] {
                    for dy in 0..m {
                        let row = y0 + (QUIET + r) * m + dy;
                        let col = x0 + (QUIET + c) * m;
                        pixels[row * w + col..row * w + col + m].fill(0);
                    }
                }
            }
        }
        (width, height, pixels)
    }
}

/// A one-page PDF drawing `ops`, with a correct cross-reference table.
fn minimal_pdf(w: f32, h: f32, ops: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.3} {h:.3}] /Contents 4 0 R /Resources << >> >>"
        ),
        format!("<< /Length {} >>\nstream\n{ops}endstream", ops.len()),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = vec![];
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

impl frontdesk_devices::printer::PrintDocument for QrLabel {
    fn size_mm(&self) -> (f32, f32) {
        (self.width_mm, self.height_mm)
    }

    fn pdf(&self) -> Result<Vec<u8>, String> {
        Ok(QrLabel::pdf(self))
    }

    fn raster(&self, dpi: u32) -> Result<frontdesk_devices::printer::RasterPage, String> {
        let (width, height, pixels) = QrLabel::raster(self, dpi);
        Ok(frontdesk_devices::printer::RasterPage {
            width,
            height,
            dpi,
            pixels,
        })
    }
}
