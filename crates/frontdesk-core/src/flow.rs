//! The combined check-in flow a visitor completes once for both portals: the default fields
//! once, the building's questions first and then the tenant's, one photo when either side wants
//! it, and each side's NDA shown and accepted once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::photo::{self, PhotoFormat};
use crate::validate::{optional_text, required_text};
use crate::{DomainError, PortalKind, Question, QuestionKind, VisitorType};

/// Photos larger than this are refused (a phone's camera JPEG is well below it).
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_ANSWER_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowQuestion {
    /// The side whose visitor type asks it.
    pub portal: PortalKind,
    /// The question as that visitor type asks it, its key prefixed with the side
    /// (`building.q1`, `location.q2`) so that it is unique across both portals.
    #[serde(flatten)]
    pub question: Question,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowNda {
    /// `building` or `location`.
    pub key: String,
    pub portal: PortalKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flow {
    pub questions: Vec<FlowQuestion>,
    pub photo_required: bool,
    pub ndas: Vec<FlowNda>,
}

/// Merge what each side's visitor type asks. Either side may be absent (an invite that did not
/// sync, or a side without a visitor type).
pub fn merge(building: Option<&VisitorType>, location: Option<&VisitorType>) -> Flow {
    let sides = [
        (PortalKind::Building, building),
        (PortalKind::Location, location),
    ];
    let mut flow = Flow {
        questions: vec![],
        photo_required: false,
        ndas: vec![],
    };
    for (portal, vt) in sides {
        let Some(vt) = vt else { continue };
        flow.questions
            .extend(vt.questions.iter().map(|q| FlowQuestion {
                portal,
                question: Question {
                    key: format!("{}.{}", portal.as_str(), q.key),
                    ..q.clone()
                },
            }));
        flow.photo_required |= vt.requires_photo;
        if let (true, Some(text)) = (vt.requires_nda, &vt.nda_text) {
            flow.ndas.push(FlowNda {
                key: portal.as_str().into(),
                portal,
                text: text.clone(),
            });
        }
    }
    flow
}

/// What of `flow` a visit still owes: the required questions `answered` says have no answer,
/// the agreements `accepted` says were not accepted in their current text, and the photo when
/// the flow wants one and the visit has none. An empty flow owes nothing.
pub fn outstanding(
    flow: &Flow,
    answered: impl Fn(&FlowQuestion) -> bool,
    accepted: impl Fn(&FlowNda) -> bool,
    has_photo: bool,
) -> Flow {
    Flow {
        questions: flow
            .questions
            .iter()
            .filter(|q| q.question.required && !answered(q))
            .cloned()
            .collect(),
        photo_required: flow.photo_required && !has_photo,
        ndas: flow.ndas.iter().filter(|n| !accepted(n)).cloned().collect(),
    }
}

impl Flow {
    /// Nothing to ask.
    pub fn is_empty(&self) -> bool {
        self.questions.is_empty() && !self.photo_required && self.ndas.is_empty()
    }
}

/// An answer as the visitor's page sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Answer {
    Bool(bool),
    Text(String),
}

/// An accepted answer, kept with the side whose question it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GivenAnswer {
    pub key: String,
    pub portal: PortalKind,
    pub label: String,
    pub value: String,
}

/// Check the answers, NDA acceptance and signature against the flow.
pub fn check_submission(
    flow: &Flow,
    answers: &BTreeMap<String, Answer>,
    accepted_ndas: &[String],
    signature: Option<&str>,
    has_photo: bool,
) -> Result<(Vec<GivenAnswer>, Option<String>), DomainError> {
    if let Some(unknown) = answers
        .keys()
        .find(|k| !flow.questions.iter().any(|q| &q.question.key == *k))
    {
        return Err(DomainError::invalid(
            "unknown_question",
            format!("\"{unknown}\" is not a question of this visit."),
        ));
    }
    let mut given = Vec::new();
    for FlowQuestion {
        portal,
        question: q,
    } in &flow.questions
    {
        let value = match (answers.get(&q.key), q.kind) {
            (None, _) => None,
            (Some(Answer::Text(t)), _) if t.trim().is_empty() => None,
            (Some(Answer::Bool(b)), QuestionKind::YesNo) => Some(if *b { "yes" } else { "no" }.to_string()),
            (Some(Answer::Text(t)), QuestionKind::YesNo) => match t.trim().to_lowercase().as_str() {
                "yes" | "true" => Some("yes".into()),
                "no" | "false" => Some("no".into()),
                _ => return Err(DomainError::invalid("invalid_answer", format!("Answer \"{}\" with yes or no.", q.label))),
            },
            (Some(Answer::Text(t)), QuestionKind::Choice) => {
                let t = t.trim();
                if !q.options.iter().any(|o| o == t) {
                    return Err(DomainError::invalid(
                        "invalid_answer",
                        format!("\"{t}\" is not one of the choices for \"{}\".", q.label),
                    ));
                }
                Some(t.to_string())
            }
            (Some(Answer::Text(t)), QuestionKind::Text) => {
                optional_text("answer", Some(t), MAX_ANSWER_CHARS).map_err(|_| {
                    DomainError::invalid(
                        "invalid_answer",
                        format!("The answer to \"{}\" must be plain text of at most {MAX_ANSWER_CHARS} characters.", q.label),
                    )
                })?
            }
            (Some(Answer::Bool(_)), _) => {
                return Err(DomainError::invalid("invalid_answer", format!("Answer \"{}\" with text.", q.label)))
            }
        };
        match value {
            Some(value) => given.push(GivenAnswer {
                key: q.key.clone(),
                portal: *portal,
                label: q.label.clone(),
                value,
            }),
            None if q.required => {
                return Err(DomainError::invalid(
                    "missing_answer",
                    format!("Please answer \"{}\".", q.label),
                ))
            }
            None => {}
        }
    }
    if flow.photo_required && !has_photo {
        return Err(DomainError::invalid(
            "photo_required",
            "A photo is required for this visit: take one with the camera or choose a picture.",
        ));
    }
    if let Some(missing) = flow.ndas.iter().find(|n| !accepted_ndas.contains(&n.key)) {
        return Err(DomainError::invalid(
            "nda_not_accepted",
            format!(
                "Please read and accept the {} agreement.",
                if missing.portal == PortalKind::Building {
                    "building's"
                } else {
                    "host company's"
                }
            ),
        ));
    }
    let signature = if flow.ndas.is_empty() {
        None
    } else {
        Some(
            required_text("signature", signature.unwrap_or(""), 200).map_err(|_| {
                DomainError::invalid(
                    "missing_signature",
                    "Type your full name to sign the agreement.",
                )
            })?,
        )
    };
    Ok((given, signature))
}

/// Decode a `data:image/jpeg;base64,…` (or PNG) photo, checking that it is a whole picture of
/// the declared type, not larger than [`MAX_PHOTO_BYTES`], and within the pixel limits of
/// [`photo::check`] (read from its header: nothing is decoded, so a tiny file claiming a huge
/// picture costs nothing here and is never stored for the badge renderer to choke on).
pub fn decode_photo(data_url: &str) -> Result<(&'static str, Vec<u8>), DomainError> {
    use base64::Engine;
    let bad = || {
        DomainError::invalid(
            "invalid_photo",
            "The photo must be a JPEG or PNG picture. Take it again or choose another file.",
        )
    };
    let (meta, data) = data_url.split_once(',').ok_or_else(bad)?;
    let declared = match meta {
        "data:image/jpeg;base64" | "data:image/jpg;base64" => PhotoFormat::Jpeg,
        "data:image/png;base64" => PhotoFormat::Png,
        _ => return Err(bad()),
    };
    // base64 is 4/3 of the bytes: refuse before decoding anything far too large.
    if data.len() > MAX_PHOTO_BYTES / 3 * 4 + 8 {
        return Err(photo_too_large());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|_| bad())?;
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(photo_too_large());
    }
    // The bytes must be the type the page declared (a JPEG sent as image/png is refused), since
    // the type is stored with the photo and served back as its Content-Type.
    if PhotoFormat::sniff(&bytes) != Some(declared) {
        return Err(bad());
    }
    photo::check(declared, &bytes)?;
    Ok((declared.mime(), bytes))
}

fn photo_too_large() -> DomainError {
    DomainError::invalid(
        "photo_too_large",
        format!(
            "The photo is larger than {} MB. Take it again at a lower resolution.",
            MAX_PHOTO_BYTES / 1024 / 1024
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visitor_type::{build, QuestionDraft};
    use crate::Portal;

    fn vt(
        portal: Portal,
        photo: bool,
        nda: Option<&str>,
        labels: &[(&str, QuestionKind)],
    ) -> VisitorType {
        let drafts: Vec<QuestionDraft> = labels
            .iter()
            .map(|(l, k)| QuestionDraft {
                label: (*l).into(),
                kind: *k,
                required: true,
                options: (*k == QuestionKind::Choice).then(|| vec!["Orion".into(), "Vega".into()]),
            })
            .collect();
        build("v".into(), portal, "T", photo, nda.is_some(), nda, &drafts).expect("valid type")
    }

    #[test]
    fn building_questions_come_first_and_photo_and_ndas_merge() {
        let b = vt(
            Portal::building("b"),
            false,
            Some("Building rules"),
            &[("Tools?", QuestionKind::YesNo)],
        );
        let l = vt(
            Portal::location("l"),
            true,
            Some("Acme NDA"),
            &[
                ("Room?", QuestionKind::Choice),
                ("Purpose", QuestionKind::Text),
            ],
        );
        let f = merge(Some(&b), Some(&l));
        let keys: Vec<&str> = f
            .questions
            .iter()
            .map(|q| q.question.key.as_str())
            .collect();
        assert_eq!(keys, ["building.q1", "location.q1", "location.q2"]);
        assert!(f.photo_required);
        assert_eq!(f.ndas.len(), 2);
        assert_eq!(merge(None, Some(&l)).questions.len(), 2);
    }

    #[test]
    fn what_is_outstanding_is_what_is_required_and_missing() {
        let b = vt(
            Portal::building("b"),
            true,
            Some("Building rules"),
            &[("Tools?", QuestionKind::YesNo)],
        );
        let l = vt(
            Portal::location("l"),
            false,
            Some("Acme NDA"),
            &[("Purpose", QuestionKind::Text)],
        );
        let f = merge(Some(&b), Some(&l));
        let owed = outstanding(
            &f,
            |q| q.question.key == "building.q1",
            |n| n.portal == PortalKind::Building,
            false,
        );
        assert!(owed.photo_required);
        assert_eq!(owed.questions.len(), 1);
        assert_eq!(owed.questions[0].question.key, "location.q1");
        assert_eq!(owed.ndas.len(), 1);
        assert_eq!(owed.ndas[0].key, "location");
        assert!(outstanding(&f, |_| true, |_| true, true).is_empty());
    }

    #[test]
    fn answers_are_checked() {
        let l = vt(
            Portal::location("l"),
            false,
            None,
            &[
                ("Room?", QuestionKind::Choice),
                ("Tools?", QuestionKind::YesNo),
            ],
        );
        let f = merge(None, Some(&l));
        let mut a = BTreeMap::new();
        a.insert("location.q1".to_string(), Answer::Text("Lyra".into()));
        a.insert("location.q2".to_string(), Answer::Bool(true));
        assert_eq!(
            check_submission(&f, &a, &[], None, false)
                .expect_err("no such room")
                .code(),
            "invalid_answer"
        );
        a.insert("location.q1".to_string(), Answer::Text("Vega".into()));
        let (given, sig) = check_submission(&f, &a, &[], None, false).expect("valid");
        assert_eq!(given[1].value, "yes");
        assert!(sig.is_none());
        a.remove("location.q2");
        assert_eq!(
            check_submission(&f, &a, &[], None, false)
                .expect_err("missing")
                .code(),
            "missing_answer"
        );
        a.insert("building.q9".to_string(), Answer::Text("x".into()));
        assert_eq!(
            check_submission(&f, &a, &[], None, false)
                .expect_err("unknown")
                .code(),
            "unknown_question"
        );
    }

    #[test]
    fn photos_must_be_whole_images_of_the_declared_type_within_the_limits() {
        use crate::photo::tests::{jpeg_claiming, png_claiming};
        use base64::Engine;
        let url = |ty: &str, b: &[u8]| {
            format!(
                "data:image/{ty};base64,{}",
                base64::engine::general_purpose::STANDARD.encode(b)
            )
        };
        let code = |u: &str| decode_photo(u).map(|_| "ok").unwrap_or_else(|e| e.code());
        let (ct, bytes) = decode_photo(&url("jpeg", &jpeg_claiming(480, 640))).expect("jpeg");
        assert_eq!((ct, bytes), ("image/jpeg", jpeg_claiming(480, 640)));
        assert_eq!(
            decode_photo(&url("jpg", &jpeg_claiming(48, 64)))
                .expect("jpg")
                .0,
            "image/jpeg"
        );
        assert_eq!(
            decode_photo(&url("png", &png_claiming(640, 480)))
                .expect("png")
                .0,
            "image/png"
        );
        assert_eq!(code(&url("jpeg", b"hello world")), "invalid_photo");
        assert_eq!(code("data:text/plain;base64,aGk="), "invalid_photo");
        assert_eq!(code("no comma at all"), "invalid_photo");
        assert_eq!(code("data:image/png;base64,%%%"), "invalid_photo");
        // Each signature under the other's declared type.
        assert_eq!(code(&url("png", &jpeg_claiming(64, 64))), "invalid_photo");
        assert_eq!(code(&url("jpeg", &png_claiming(64, 64))), "invalid_photo");
        // The right signature and nothing after it; a file cut short.
        assert_eq!(
            code(&url("jpeg", &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2])),
            "invalid_photo"
        );
        let png = png_claiming(64, 64);
        assert_eq!(code(&url("png", &png[..png.len() - 5])), "invalid_photo");
        assert_eq!(code(&url("png", &png_claiming(0, 64))), "invalid_photo");
        // A few dozen bytes claiming 3.6 gigapixels.
        assert_eq!(
            code(&url("png", &png_claiming(60_000, 60_000))),
            "photo_too_many_pixels"
        );
        assert_eq!(
            code(&url("jpeg", &jpeg_claiming(60_000, 60_000))),
            "photo_too_many_pixels"
        );
        let big = format!(
            "data:image/jpeg;base64,{}",
            "A".repeat(MAX_PHOTO_BYTES / 3 * 4 + 100)
        );
        assert_eq!(code(&big), "photo_too_large");
    }
}
