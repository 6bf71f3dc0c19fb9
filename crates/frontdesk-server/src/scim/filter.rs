//! The `filter` query parameter, as identity providers send it: one or more `attribute eq
//! "value"` joined by `and` (Okta and Entra ID send nothing else). The attributes are the ones
//! the directory can look up: `userName` (case-insensitive), `externalId`, `emails` (or
//! `emails.value`, `emails[type eq "work"].value`) and `id`.

use frontdesk_store::HostFilter;

use super::ScimError;

/// What a filter asks for. `nothing` when it names two different values for one attribute.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    pub hosts: HostFilter,
    pub id: Option<String>,
    pub nothing: bool,
}

fn invalid(detail: String) -> ScimError {
    ScimError::bad_request("invalidFilter", detail)
}

const SUPPORTED: &str = "Filters may only be `attribute eq \"value\"` terms joined by `and`, \
     on userName, externalId, emails (emails.value) or id.";

/// Split a filter into words; a quoted string (JSON escapes allowed) is one word.
fn words(filter: &str) -> Result<Vec<(String, bool)>, ScimError> {
    let mut out = vec![];
    let mut chars = filter.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if c == '"' {
            let mut escaped = false;
            let mut end = None;
            for (j, d) in chars.by_ref() {
                if escaped {
                    escaped = false;
                } else if d == '\\' {
                    escaped = true;
                } else if d == '"' {
                    end = Some(j);
                    break;
                }
            }
            let end = end.ok_or_else(|| invalid(format!("{filter:?} has an unclosed quote.")))?;
            let v: String = serde_json::from_str(&filter[i..=end])
                .map_err(|_| invalid(format!("{filter:?} has a badly escaped string.")))?;
            out.push((v, true));
            continue;
        }
        let mut depth = 0;
        let mut word_chars = vec![c];
        if c == '[' {
            depth += 1;
        }
        while let Some(&(_, d)) = chars.peek() {
            if depth == 0 && d.is_whitespace() {
                break;
            }
            match d {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ => {}
            }
            word_chars.push(d);
            chars.next();
        }
        out.push((word_chars.into_iter().collect(), false));
    }
    Ok(out)
}

/// Which attribute a filter's path names, without the core schema's URN prefix.
fn attribute(path: &str) -> Option<&'static str> {
    let path = path
        .strip_prefix(super::USER)
        .and_then(|p| p.strip_prefix(':'))
        .unwrap_or(path);
    let lower = path.to_ascii_lowercase();
    let emails = lower == "emails"
        || lower == "emails.value"
        || (lower.starts_with("emails[")
            && (lower.ends_with("].value") || lower.ends_with(']'))
            && lower.contains(" eq "));
    match lower.as_str() {
        "username" => Some("userName"),
        "externalid" => Some("externalId"),
        "id" => Some("id"),
        _ if emails => Some("emails"),
        _ => None,
    }
}

pub fn parse(filter: &str) -> Result<Wanted, ScimError> {
    let words = words(filter)?;
    if words.is_empty() {
        return Err(invalid(format!("The filter is empty. {SUPPORTED}")));
    }
    let mut wanted = Wanted::default();
    let mut rest = &words[..];
    loop {
        let (term, after) = rest.split_at(rest.len().min(3));
        apply(&mut wanted, filter, term)?;
        let Some((joiner, next)) = after.split_first() else {
            return Ok(wanted);
        };
        if joiner.1 || !joiner.0.eq_ignore_ascii_case("and") {
            return Err(invalid(format!(
                "{filter:?} joins terms with {:?}. {SUPPORTED}",
                joiner.0
            )));
        }
        rest = next;
        if rest.is_empty() {
            return Err(invalid(format!(
                "{filter:?} ends with \"and\". {SUPPORTED}"
            )));
        }
    }
}

fn apply(w: &mut Wanted, filter: &str, term: &[(String, bool)]) -> Result<(), ScimError> {
    let [path, op, value] = term else {
        return Err(invalid(format!("{filter:?} is incomplete. {SUPPORTED}")));
    };
    if path.1 || !op.0.eq_ignore_ascii_case("eq") || op.1 {
        return Err(invalid(format!(
            "{filter:?} uses {:?}: only eq is supported. {SUPPORTED}",
            op.0
        )));
    }
    if !value.1 {
        return Err(invalid(format!(
            "{filter:?} compares with {:?}: put the value in double quotes. {SUPPORTED}",
            value.0
        )));
    }
    let slot = match attribute(&path.0) {
        Some("userName") => &mut w.hosts.user_name,
        Some("externalId") => &mut w.hosts.external_id,
        Some("emails") => &mut w.hosts.email,
        Some(_) => &mut w.id,
        None => {
            return Err(invalid(format!(
                "{filter:?} filters on {:?}, which is not supported. {SUPPORTED}",
                path.0
            )))
        }
    };
    match slot {
        Some(before) if !before.eq_ignore_ascii_case(&value.0) => w.nothing = true,
        _ => *slot = Some(value.0.clone()),
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn what_identity_providers_send() {
        let w = parse(r#"userName eq "dale.mohr@romaguera.uk""#).unwrap();
        assert_eq!(w.hosts.user_name.as_deref(), Some("dale.mohr@romaguera.uk"));
        let w = parse(r#"emails[type eq "work"].value eq "a@b.c""#).unwrap();
        assert_eq!(w.hosts.email.as_deref(), Some("a@b.c"));
        let w = parse(r#"externalId eq "x\"y" and userName EQ "u""#).unwrap();
        assert_eq!(w.hosts.external_id.as_deref(), Some("x\"y"));
        assert_eq!(w.hosts.user_name.as_deref(), Some("u"));
        let w = parse(r#"userName eq "a" and userName eq "b""#).unwrap();
        assert!(w.nothing);
        let w = parse(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "名前""#).unwrap();
        assert_eq!(w.hosts.user_name.as_deref(), Some("名前"));
    }

    #[test]
    fn everything_else_is_an_invalid_filter() {
        for f in [
            "",
            "userName",
            r#"userName sw "a""#,
            r#"userName eq a"#,
            r#"userName eq "a" or id eq "b""#,
            r#"userName eq "a" and"#,
            r#"title eq "a""#,
            r#"userName eq "a"#,
            r#"(userName eq "a")"#,
        ] {
            let e = parse(f).unwrap_err();
            assert_eq!(e.scim_type, Some("invalidFilter"), "{f}");
        }
    }
}
