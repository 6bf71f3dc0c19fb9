//! PATCH (RFC 7644 §3.5.2) as Okta and Entra ID send it: `op` in any case (`Replace`), a
//! missing `path` with an object of attributes (whose keys may themselves be paths, like
//! `name.givenName`), value filters on multi-valued attributes (`emails[type eq "work"].value`),
//! `"True"`/`"False"` for booleans, and enterprise extension paths, which are accepted and not
//! kept. Attributes the directory does not keep (`nickName`, `title`, `addresses`, …) are
//! accepted and ignored, so an identity provider's mapping of them does not fail every update.

use frontdesk_core::Host;
use serde_json::Value;

use super::user::{
    boolean, email_of, get, join_name, mobile_of, name_of, optional_string, string, Fields,
};
use super::{ScimError, ENTERPRISE, PATCH_OP, USER};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

/// Given and family names a request changed on their own, joined with the rest of the name at
/// the end (unless the request also gave the whole name).
#[derive(Default)]
struct NameParts {
    given: Option<String>,
    family: Option<String>,
    whole: bool,
}

/// The fields of `current` with the body's operations applied, in order.
pub fn apply(current: &Host, body: &Value) -> Result<Fields, ScimError> {
    let Value::Object(o) = body else {
        return Err(ScimError::bad_request(
            "invalidSyntax",
            "The body must be a JSON object (a SCIM PatchOp).",
        ));
    };
    super::user::check_schemas(o, PATCH_OP, &[PATCH_OP])?;
    let Some(Value::Array(ops)) = get(o, "Operations") else {
        return Err(ScimError::bad_request(
            "invalidSyntax",
            "The body must have \"Operations\": a list of {op, path, value}.",
        ));
    };
    let mut f = Fields::of(current);
    let mut parts = NameParts::default();
    for operation in ops {
        let Value::Object(operation) = operation else {
            return Err(ScimError::bad_request(
                "invalidSyntax",
                format!("Each operation must be an object, not {operation}."),
            ));
        };
        let op = match get(operation, "op")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
        {
            Some(o) if o == "add" => Op::Add,
            Some(o) if o == "replace" => Op::Replace,
            Some(o) if o == "remove" => Op::Remove,
            other => {
                return Err(ScimError::bad_request(
                    "invalidSyntax",
                    format!("op must be add, replace or remove, not {other:?}."),
                ))
            }
        };
        let value = get(operation, "value").unwrap_or(&Value::Null);
        match get(operation, "path").and_then(Value::as_str) {
            Some(path) => at_path(&mut f, &mut parts, op, path, value)?,
            None if op == Op::Remove => {
                return Err(ScimError::bad_request(
                    "noTarget",
                    "A remove operation needs a path.",
                ))
            }
            None => {
                let Value::Object(attrs) = value else {
                    return Err(ScimError::bad_request(
                        "invalidValue",
                        "An operation without a path needs an object of attributes as its value.",
                    ));
                };
                for (k, v) in attrs {
                    if k == ENTERPRISE {
                        continue;
                    }
                    at_path(&mut f, &mut parts, op, k, v)?;
                }
            }
        }
    }
    if !parts.whole && (parts.given.is_some() || parts.family.is_some()) {
        // The directory keeps one name: a new given name goes before the rest of it, a new
        // family name after the first word of it.
        let current = f.name.clone().unwrap_or_default();
        let (g, fam) = match current.trim().split_once(char::is_whitespace) {
            Some((g, fam)) => (g.to_owned(), fam.trim().to_owned()),
            None => (current.trim().to_owned(), String::new()),
        };
        f.name = join_name(
            Some(parts.given.unwrap_or(g)),
            Some(parts.family.unwrap_or(fam)),
        );
    }
    Ok(f)
}

/// `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`, without the core schema's prefix.
struct Path {
    attr: String,
    filter: Option<(String, String)>,
    sub: Option<String>,
}

fn parse_path(path: &str) -> Result<Option<Path>, ScimError> {
    let bad = || {
        ScimError::bad_request(
            "invalidPath",
            format!("The path {path:?} is not an attribute path this service understands."),
        )
    };
    let p = match path.strip_prefix(USER) {
        Some(rest) => rest.strip_prefix(':').ok_or_else(bad)?,
        None if path.starts_with(ENTERPRISE) => return Ok(None),
        None if path.starts_with("urn:") => {
            return Err(ScimError::bad_request(
                "invalidPath",
                format!(
                    "The path {path:?} names a schema this service does not know; it knows \
                     {USER} and {ENTERPRISE}."
                ),
            ))
        }
        None => path,
    };
    let (head, filter, tail) = match p.split_once('[') {
        Some((head, rest)) => {
            let (inner, tail) = rest.split_once(']').ok_or_else(bad)?;
            let words: Vec<&str> = inner.split_whitespace().collect();
            let [a, op, v] = words[..] else {
                return Err(bad());
            };
            if !op.eq_ignore_ascii_case("eq") {
                return Err(bad());
            }
            let tail = match tail {
                "" => None,
                t => Some(t.strip_prefix('.').ok_or_else(bad)?),
            };
            (
                head,
                Some((
                    a.to_ascii_lowercase(),
                    v.trim_matches('"').to_ascii_lowercase(),
                )),
                tail,
            )
        }
        None => match p.split_once('.') {
            Some((head, sub)) => (head, None, Some(sub)),
            None => (p, None, None),
        },
    };
    if head.is_empty() {
        return Err(bad());
    }
    Ok(Some(Path {
        attr: head.to_ascii_lowercase(),
        filter,
        sub: tail.map(str::to_ascii_lowercase),
    }))
}

fn at_path(
    f: &mut Fields,
    parts: &mut NameParts,
    op: Op,
    path: &str,
    value: &Value,
) -> Result<(), ScimError> {
    let Some(p) = parse_path(path)? else {
        return Ok(());
    };
    let remove = op == Op::Remove;
    match (p.attr.as_str(), p.sub.as_deref()) {
        ("id" | "meta" | "schemas", _) => {
            return Err(ScimError::bad_request(
                "mutability",
                format!("{path} cannot be changed."),
            ))
        }
        ("username", None) if remove => {
            return Err(ScimError::bad_request(
                "mutability",
                "userName is required and cannot be removed.",
            ))
        }
        ("username", None) => f.user_name = string("userName", value)?,
        ("externalid", None) => {
            f.external_id = if remove {
                None
            } else {
                optional_string("externalId", value)?
            }
        }
        ("displayname", None) | ("name", Some("formatted")) => {
            parts.whole = true;
            f.name = if remove {
                None
            } else {
                optional_string(path, value)?
            };
        }
        ("name", None) if remove => {
            parts.whole = true;
            f.name = None;
        }
        ("name", None) => {
            let Value::Object(o) = value else {
                return Err(ScimError::bad_request(
                    "invalidValue",
                    format!("name must be an object, not {value}."),
                ));
            };
            if get(o, "formatted").is_some_and(|v| !v.is_null()) {
                parts.whole = true;
                f.name = name_of(value)?;
            } else {
                name_part(parts, "givenname", get(o, "givenName"))?;
                name_part(parts, "familyname", get(o, "familyName"))?;
            }
        }
        ("name", Some(sub @ ("givenname" | "familyname"))) => {
            name_part(parts, sub, Some(if remove { &Value::Null } else { value }))?;
        }
        ("emails", sub) => {
            if !matches!(sub, None | Some("value")) {
                return Ok(()); // type, primary, display: not kept
            }
            f.email = match (remove, &p.filter, sub, value) {
                (true, ..) => None,
                (false, None, None, v) => email_of(v)?,
                (false, _, _, v) => optional_string(path, v)?,
            };
        }
        ("phonenumbers", sub) => {
            let mobile = p
                .filter
                .as_ref()
                .is_none_or(|(a, v)| a != "type" || v == "mobile");
            if !mobile || !matches!(sub, None | Some("value")) {
                return Ok(()); // a work or fax number is not for text messages
            }
            f.mobile = match (remove, &p.filter, sub, value) {
                (true, ..) => None,
                (false, None, None, v) => mobile_of(v)?,
                (false, _, _, v) => optional_string(path, v)?,
            };
        }
        ("active", None) => {
            // Removing the state deactivates: the directory keeps everyone in a state.
            f.active = !remove && boolean("active", value)?;
        }
        _ => {} // not kept by the directory
    }
    Ok(())
}

fn name_part(parts: &mut NameParts, sub: &str, v: Option<&Value>) -> Result<(), ScimError> {
    let Some(v) = v else {
        return Ok(());
    };
    let v = optional_string(&format!("name.{sub}"), v)?.unwrap_or_default();
    if sub == "givenname" {
        parts.given = Some(v);
    } else {
        parts.family = Some(v);
    }
    Ok(())
}
