//! Visitor types: what a portal asks of a kind of visitor (questions, photo, NDA).

use serde::{Deserialize, Serialize};

use crate::validate::{optional_text, required_text};
use crate::{DomainError, Id, Portal};

pub const MAX_QUESTIONS: usize = 30;
pub const MAX_OPTIONS: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Text,
    YesNo,
    Choice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    /// Stable within the visitor type; answers are stored under it.
    pub key: String,
    pub label: String,
    pub kind: QuestionKind,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitorType {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: Id<VisitorType>,
    pub portal: Portal,
    pub name: String,
    pub requires_photo: bool,
    pub requires_nda: bool,
    pub nda_text: Option<String>,
    pub questions: Vec<Question>,
}

/// A question as an admin writes it, before it gets its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionDraft {
    pub label: String,
    pub kind: QuestionKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Option<Vec<String>>,
}

/// Check an admin's visitor type and give its questions their keys (`q1`, `q2`, …).
pub fn build(
    id: Id<VisitorType>,
    portal: Portal,
    name: &str,
    requires_photo: bool,
    requires_nda: bool,
    nda_text: Option<&str>,
    drafts: &[QuestionDraft],
) -> Result<VisitorType, DomainError> {
    let name = required_text("name", name, 100)?;
    let nda_text = nda_text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    if nda_text
        .as_ref()
        .is_some_and(|t| t.chars().count() > 20_000)
    {
        return Err(DomainError::invalid(
            "too_long",
            "nda_text is too long: at most 20000 characters.",
        ));
    }
    if requires_nda && nda_text.is_none() {
        return Err(DomainError::invalid(
            "missing_field",
            "nda_text is required when requires_nda is true: the visitor must be shown what they accept.",
        ));
    }
    if drafts.len() > MAX_QUESTIONS {
        return Err(DomainError::invalid(
            "too_many_questions",
            format!("A visitor type can ask at most {MAX_QUESTIONS} questions."),
        ));
    }
    let mut questions = Vec::with_capacity(drafts.len());
    for (i, d) in drafts.iter().enumerate() {
        let label = required_text("questions.label", &d.label, 300)?;
        let options = match (d.kind, &d.options) {
            (QuestionKind::Choice, Some(opts)) if !opts.is_empty() => {
                if opts.len() > MAX_OPTIONS {
                    return Err(DomainError::invalid(
                        "too_many_options",
                        format!("A choice question offers at most {MAX_OPTIONS} options."),
                    ));
                }
                let mut clean = Vec::with_capacity(opts.len());
                for o in opts {
                    let o = optional_text("questions.options", Some(o), 200)?.ok_or_else(|| {
                        DomainError::invalid("missing_field", "Choice options cannot be blank.")
                    })?;
                    if clean.contains(&o) {
                        return Err(DomainError::invalid(
                            "duplicate_option",
                            format!("The option \"{o}\" is offered twice."),
                        ));
                    }
                    clean.push(o);
                }
                clean
            }
            (QuestionKind::Choice, _) => {
                return Err(DomainError::invalid(
                    "missing_options",
                    format!("Question \"{label}\" is a choice: give it at least one option."),
                ))
            }
            (_, Some(opts)) if !opts.is_empty() => {
                return Err(DomainError::invalid(
                    "unexpected_options",
                    format!("Question \"{label}\" is not a choice, so it takes no options."),
                ))
            }
            _ => Vec::new(),
        };
        questions.push(Question {
            key: format!("q{}", i + 1),
            label,
            kind: d.kind,
            required: d.required,
            options,
        });
    }
    Ok(VisitorType {
        id,
        portal,
        name,
        requires_photo,
        requires_nda,
        nda_text,
        questions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: QuestionKind, options: Option<Vec<&str>>) -> QuestionDraft {
        QuestionDraft {
            label: "Which floor?".into(),
            kind,
            required: true,
            options: options.map(|o| o.into_iter().map(String::from).collect()),
        }
    }

    #[test]
    fn choice_questions_need_options_and_others_take_none() {
        let p = Portal::building("b");
        let make =
            |d: QuestionDraft| build("v".into(), p.clone(), "Guest", false, false, None, &[d]);
        assert_eq!(
            make(draft(QuestionKind::Choice, None))
                .expect_err("no options")
                .code(),
            "missing_options"
        );
        assert_eq!(
            make(draft(QuestionKind::Text, Some(vec!["a"])))
                .expect_err("options")
                .code(),
            "unexpected_options"
        );
        let vt = make(draft(QuestionKind::Choice, Some(vec!["1", "2"]))).expect("valid");
        assert_eq!(vt.questions[0].key, "q1");
    }

    #[test]
    fn an_nda_needs_its_text() {
        let e = build(
            "v".into(),
            Portal::building("b"),
            "NDA",
            false,
            true,
            Some("  "),
            &[],
        )
        .expect_err("no text");
        assert_eq!(e.code(), "missing_field");
    }
}
