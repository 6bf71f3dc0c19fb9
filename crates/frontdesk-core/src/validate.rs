//! Input rules shared by every front end. Each refusal names the field and says what to do.

use chrono::Duration;

use crate::{DomainError, Timestamp, Visitor};

/// The longest visit one invite may cover; longer stays are contractors with badges of their own.
pub const MAX_VALIDITY_DAYS: i64 = 366;

pub fn validity(now: Timestamp, from: Timestamp, to: Timestamp) -> Result<(), DomainError> {
    if to <= from {
        return Err(DomainError::invalid(
            "invalid_validity",
            "valid_to must be after valid_from.",
        ));
    }
    if to <= now {
        return Err(DomainError::invalid(
            "valid_to_in_past",
            "valid_to is already in the past; choose an end time in the future.",
        ));
    }
    if to - from > Duration::days(MAX_VALIDITY_DAYS) {
        return Err(DomainError::invalid(
            "validity_too_long",
            format!("An invite can cover at most {MAX_VALIDITY_DAYS} days."),
        ));
    }
    Ok(())
}

/// A required single-line text: trimmed, not empty, at most `max` characters, no control
/// characters (they break exports and badges).
pub fn required_text(field: &'static str, value: &str, max: usize) -> Result<String, DomainError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(DomainError::invalid(
            "missing_field",
            format!("{field} is required."),
        ));
    }
    optional_text(field, Some(v), max).map(|o| o.unwrap_or_default())
}

/// An optional single-line text; blank becomes absent.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(DomainError::invalid(
            "too_long",
            format!("{field} is too long: at most {max} characters."),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            "invalid_characters",
            format!("{field} contains control characters; use plain text."),
        ));
    }
    Ok(Some(v.to_string()))
}

pub fn email(field: &'static str, value: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(v) = optional_text(field, value, 254)? else {
        return Ok(None);
    };
    let mut parts = v.splitn(2, '@');
    let (local, domain) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if local.is_empty() || !domain.contains('.') || domain.starts_with('.') || v.contains(' ') {
        return Err(DomainError::invalid(
            "invalid_email",
            format!("{field} is not an email address (expected name@example.com)."),
        ));
    }
    Ok(Some(v.to_lowercase()))
}

/// Mobile numbers are kept in E.164-like form: an optional `+` and 6 to 15 digits, spaces and
/// dashes dropped.
pub fn mobile(value: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(v) = optional_text("mobile", value, 32)? else {
        return Ok(None);
    };
    let cleaned: String = v
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let digits = cleaned.strip_prefix('+').unwrap_or(&cleaned);
    if !(6..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(DomainError::invalid(
            "invalid_mobile",
            "mobile must be a phone number of 6 to 15 digits, optionally starting with +.",
        ));
    }
    Ok(Some(cleaned))
}

/// The visitor's details as the invite form sends them.
pub fn visitor(
    name: &str,
    email_: Option<&str>,
    mobile_: Option<&str>,
    company: Option<&str>,
) -> Result<Visitor, DomainError> {
    Ok(Visitor {
        name: required_text("visitor.name", name, 200)?,
        email: email("visitor.email", email_)?,
        mobile: mobile(mobile_)?,
        company: optional_text("visitor.company", company, 200)?,
    })
}

pub fn password(value: &str) -> Result<(), DomainError> {
    let n = value.chars().count();
    if n < 10 {
        return Err(DomainError::invalid(
            "weak_password",
            "password must be at least 10 characters long.",
        ));
    }
    if n > 256 {
        return Err(DomainError::invalid(
            "too_long",
            "password is too long: at most 256 characters.",
        ));
    }
    Ok(())
}

/// Card numbers and formats are short codes: letters, digits, `-`, `_` and spaces inside.
pub fn card_field(field: &'static str, value: &str) -> Result<String, DomainError> {
    let v = required_text(field, value, 32)?;
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' '))
    {
        return Err(DomainError::invalid(
            "invalid_card",
            format!("{field} may contain only letters, digits, spaces, '-' and '_'."),
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn validity_must_run_forward_and_end_in_the_future() {
        let now = Utc::now();
        let h = Duration::hours(1);
        assert_eq!(
            validity(now, now + h, now).expect_err("backwards").code(),
            "invalid_validity"
        );
        assert_eq!(
            validity(now, now - h - h, now - h)
                .expect_err("past")
                .code(),
            "valid_to_in_past"
        );
        assert!(validity(now, now - h, now + h).is_ok());
    }

    #[test]
    fn visitor_fields_are_cleaned() {
        let v = visitor(
            "  Zoë Ødegård ",
            Some("Zoe@Example.COM"),
            Some("+47 912-34 567"),
            None,
        )
        .expect("valid");
        assert_eq!(v.name, "Zoë Ødegård");
        assert_eq!(v.email.as_deref(), Some("zoe@example.com"));
        assert_eq!(v.mobile.as_deref(), Some("+4791234567"));
        assert_eq!(
            visitor("", None, None, None).expect_err("no name").code(),
            "missing_field"
        );
        assert_eq!(
            visitor("A", Some("nope"), None, None)
                .expect_err("email")
                .code(),
            "invalid_email"
        );
    }
}
