//! Badges for the API: the renderer (templates and fonts, loaded once per process) and the
//! wording of a visit for print, in the building's own time zone.

use std::sync::OnceLock;

use chrono_tz::Tz;
use frontdesk_badge::{BadgeData, BadgeError, Renderer};
use frontdesk_store::actions::BadgeFacts;

use crate::ApiError;

/// The shipped templates, plus any `*.toml` in `FRONTDESK_BADGE_DIR`.
pub fn renderer() -> Result<&'static Renderer, ApiError> {
    static RENDERER: OnceLock<Result<Renderer, String>> = OnceLock::new();
    RENDERER
        .get_or_init(|| {
            let extra = std::env::var_os("FRONTDESK_BADGE_DIR").map(std::path::PathBuf::from);
            Renderer::new(extra.as_deref()).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| {
            tracing::error!(error = %e, "badge templates or fonts cannot be loaded");
            ApiError::internal()
        })
}

// Every photo the portal accepts must be one the badge renderer decodes: the two crates keep
// their own figures (the badge crate knows nothing of the domain), and this ties them.
const _: () = assert!(
    frontdesk_core::photo::MAX_PHOTO_PIXELS <= frontdesk_badge::MAX_PHOTO_PIXELS
        && frontdesk_core::photo::MAX_PHOTO_SIDE <= frontdesk_badge::MAX_PHOTO_SIDE
);

/// What a badge is rendered as: a PDF, or black-and-white pixels at a label printer's
/// resolution (a PNG), for printers that take no PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadgeFormat {
    Pdf,
    Png { dpi: u32 },
}

/// Render a visit's badge; a stored photo the renderer cannot use costs the badge its photo,
/// never the badge.
///
/// The fallback lives here rather than in the renderer: whether a badge without its photo is
/// good enough is the portal's call (a visitor at the desk needs a badge now; the photo can be
/// taken again), this is where the invite is known to name in the log, and the renderer stays
/// strict for its other callers (the CLI, where an installer wants to hear that a photo is
/// unusable). Such photos are ones stored before the upload check existed, or damaged since, so
/// laying the text and QR code out a second time on that path costs nothing that matters.
pub fn render(
    renderer: &Renderer,
    template: &str,
    mut data: BadgeData,
    invite_id: &str,
    format: BadgeFormat,
) -> Result<Vec<u8>, BadgeError> {
    let page = match renderer.lay_out(template, &data) {
        Err(BadgeError::Photo(reason)) if data.photo.is_some() => {
            tracing::warn!(
                invite = %invite_id,
                %reason,
                "the stored photo cannot be used; the badge is rendered without it"
            );
            data.photo = None;
            renderer.lay_out(template, &data)
        }
        other => other,
    }?;
    let missing = page.missing_characters();
    if !missing.is_empty() {
        tracing::warn!(invite = %invite_id, ?missing, "no badge font has these characters");
    }
    match format {
        BadgeFormat::Pdf => renderer.pdf(&page),
        BadgeFormat::Png { dpi } => {
            let img = renderer.raster(&page, dpi, frontdesk_badge::Tone::Bilevel)?;
            let mut png = std::io::Cursor::new(Vec::new());
            img.write_to(&mut png, image::ImageFormat::Png)
                .map_err(|e| BadgeError::Template(format!("the badge cannot be encoded: {e}")))?;
            Ok(png.into_inner())
        }
    }
}

/// "Thu 26 Nov 2026 09:00 – 18:00" for a one-day visit, both ends dated otherwise.
pub fn validity(facts: &BadgeFacts) -> String {
    let tz: Tz = facts.timezone.parse().unwrap_or(Tz::UTC);
    let (from, to) = (
        facts.invite.times.valid_from.with_timezone(&tz),
        facts.invite.times.valid_to.with_timezone(&tz),
    );
    if from.date_naive() == to.date_naive() {
        format!(
            "{} – {}",
            from.format("%a %d %b %Y %H:%M"),
            to.format("%H:%M")
        )
    } else {
        format!(
            "{} – {}",
            from.format("%d %b %H:%M"),
            to.format("%d %b %Y %H:%M")
        )
    }
}

pub fn data(facts: BadgeFacts) -> BadgeData {
    let validity = validity(&facts);
    let v = facts.invite.visitor;
    BadgeData {
        name: v.name,
        company: v.company,
        host: facts.invite.host_name,
        tenant: facts.location_name,
        building: facts.building_name,
        visitor_type: facts
            .visitor_type
            .map(|t| t.name)
            .unwrap_or_else(|| "Visitor".into()),
        validity,
        photo: facts.photo,
        qr: facts.lookup,
    }
}
