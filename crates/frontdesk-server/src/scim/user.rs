//! A SCIM User and a host of the directory, both ways. The directory keeps one name, one email
//! and one mobile per person (see [`super::discovery::user_schema`]): a User brings its
//! `displayName` (or `name.formatted`, or `givenName` and `familyName`), its primary (or work,
//! or first) email and its mobile (or first untyped) number.

use frontdesk_core::{Host, HostDraft};
use serde_json::{json, Map, Value};

use super::{ScimError, ENTERPRISE, USER};

/// What SCIM writes of a host; the rest of the entry (locations, delegate, channels, lobby
/// search) is the directory's admins' and stays as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    pub user_name: String,
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub active: bool,
}

impl Fields {
    pub fn of(h: &Host) -> Self {
        Self {
            user_name: h.user_name.clone(),
            external_id: h.external_id.clone(),
            name: Some(h.name.clone()),
            email: Some(h.email.clone()),
            mobile: h.mobile.clone(),
            active: h.active,
        }
    }

    /// The draft to write: these fields over `current` (a new host has nothing else).
    pub fn draft(self, current: Option<&Host>) -> Result<HostDraft, ScimError> {
        let name = self.name.filter(|n| !n.trim().is_empty()).ok_or_else(|| {
            ScimError::bad_request(
                "invalidValue",
                "The directory needs a name for every person: send displayName, name.formatted, \
                 or name.givenName and name.familyName.",
            )
        })?;
        let email = self.email.filter(|e| !e.trim().is_empty()).ok_or_else(|| {
            ScimError::bad_request(
                "invalidValue",
                "The directory needs an email for every person (visitors' arrivals are sent \
                 there): send emails with at least one value.",
            )
        })?;
        Ok(HostDraft {
            name,
            email,
            mobile: self.mobile,
            location_ids: current.map(|h| h.location_ids.clone()).unwrap_or_default(),
            delegate_id: current.and_then(|h| h.delegate_id.clone()),
            lobby_searchable: current.is_some_and(|h| h.lobby_searchable),
            active: self.active,
            prefs: current.map(|h| h.prefs.clone()),
            user_name: Some(self.user_name),
            external_id: self.external_id,
        })
    }
}

/// A string, or an error naming the attribute.
pub fn string(attr: &str, v: &Value) -> Result<String, ScimError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err(ScimError::bad_request(
            "invalidValue",
            format!("{attr} must be a string, not {v}."),
        )),
    }
}

pub fn optional_string(attr: &str, v: &Value) -> Result<Option<String>, ScimError> {
    match v {
        Value::Null => Ok(None),
        v => string(attr, v).map(|s| Some(s).filter(|s| !s.is_empty())),
    }
}

/// A boolean; Entra ID sends `"True"` and `"False"`.
pub fn boolean(attr: &str, v: &Value) -> Result<bool, ScimError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::bad_request(
            "invalidValue",
            format!("{attr} must be true or false, not {v}."),
        )),
    }
}

/// The name in a `name` object: `formatted`, else the given and family names.
pub fn name_of(v: &Value) -> Result<Option<String>, ScimError> {
    let Value::Object(o) = v else {
        return match v {
            Value::Null => Ok(None),
            _ => Err(ScimError::bad_request(
                "invalidValue",
                format!("name must be an object, not {v}."),
            )),
        };
    };
    let part = |k: &str| -> Result<Option<String>, ScimError> {
        match get(o, k) {
            Some(v) => optional_string(&format!("name.{k}"), v),
            None => Ok(None),
        }
    };
    if let Some(f) = part("formatted")? {
        return Ok(Some(f));
    }
    Ok(join_name(part("givenName")?, part("familyName")?))
}

pub fn join_name(given: Option<String>, family: Option<String>) -> Option<String> {
    let parts: Vec<String> = [given, family]
        .into_iter()
        .flatten()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A key of an object, case-insensitively (SCIM attribute names are).
pub fn get<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    o.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// A test of a multi-valued attribute's entry (`type` is `work`, …).
pub type Preference = dyn Fn(&Map<String, Value>) -> bool;

/// The value of the entry a multi-valued attribute's reader prefers: the first of `prefer`'s
/// tests that some entry passes.
pub fn pick(attr: &str, v: &Value, prefer: &[&Preference]) -> Result<Option<String>, ScimError> {
    let entries = match v {
        Value::Null => return Ok(None),
        Value::Array(a) => a,
        _ => {
            return Err(ScimError::bad_request(
                "invalidValue",
                format!("{attr} must be a list of objects with a value."),
            ))
        }
    };
    let mut objects = vec![];
    for e in entries {
        match e {
            Value::Object(o) => objects.push(o),
            _ => {
                return Err(ScimError::bad_request(
                    "invalidValue",
                    format!("{attr} must be a list of objects with a value, not {e}."),
                ))
            }
        }
    }
    for test in prefer {
        if let Some(o) = objects.iter().find(|o| test(o)) {
            return match get(o, "value") {
                Some(v) => optional_string(&format!("{attr}.value"), v),
                None => Ok(None),
            };
        }
    }
    Ok(None)
}

pub fn typed(o: &Map<String, Value>, t: &str) -> bool {
    get(o, "type")
        .and_then(Value::as_str)
        .is_some_and(|v| v.eq_ignore_ascii_case(t))
}

fn primary(o: &Map<String, Value>) -> bool {
    get(o, "primary").is_some_and(|p| boolean("primary", p).unwrap_or(false))
}

pub fn email_of(v: &Value) -> Result<Option<String>, ScimError> {
    pick(
        "emails",
        v,
        &[
            &primary,
            &|o: &Map<String, Value>| typed(o, "work"),
            &|_: &Map<String, Value>| true,
        ],
    )
}

/// The mobile of `phoneNumbers`: the one typed mobile, else the first without a type (a work
/// or fax number is not for text messages).
pub fn mobile_of(v: &Value) -> Result<Option<String>, ScimError> {
    pick(
        "phoneNumbers",
        v,
        &[&|o: &Map<String, Value>| typed(o, "mobile"), &|o: &Map<
            String,
            Value,
        >| {
            get(o, "type").is_none_or(Value::is_null)
        }],
    )
}

/// Check a body's `schemas` (and any extension objects) name only what this service knows.
pub fn check_schemas(
    body: &Map<String, Value>,
    must: &str,
    known: &[&str],
) -> Result<(), ScimError> {
    let schemas = match get(body, "schemas") {
        Some(Value::Array(a)) => a,
        _ => {
            return Err(ScimError::bad_request(
                "invalidSyntax",
                format!("The body must have \"schemas\": [\"{must}\"]."),
            ))
        }
    };
    let mut has = false;
    for s in schemas {
        let s = s.as_str().unwrap_or_default();
        if s == must {
            has = true;
        } else if !known.contains(&s) {
            return Err(ScimError::bad_request(
                "invalidValue",
                format!(
                    "The schema {s:?} is not one this service knows; it knows {}.",
                    known.join(", ")
                ),
            ));
        }
    }
    if !has {
        return Err(ScimError::bad_request(
            "invalidSyntax",
            format!("\"schemas\" must contain \"{must}\"."),
        ));
    }
    for k in body.keys().filter(|k| k.starts_with("urn:")) {
        if !known.contains(&k.as_str()) {
            return Err(ScimError::bad_request(
                "invalidValue",
                format!(
                    "The body carries the extension {k:?}, which this service does not know; \
                     it knows {}.",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The fields of a whole User (POST and PUT): what it leaves out is empty, `active` true.
pub fn from_resource(body: &Value) -> Result<Fields, ScimError> {
    let Value::Object(o) = body else {
        return Err(ScimError::bad_request(
            "invalidSyntax",
            "The body must be a JSON object (a SCIM User).",
        ));
    };
    check_schemas(o, USER, &[USER, ENTERPRISE])?;
    let user_name = match get(o, "userName") {
        Some(v) => optional_string("userName", v)?,
        None => None,
    }
    .ok_or_else(|| ScimError::bad_request("invalidValue", "userName is required."))?;
    let field = |k: &str| get(o, k).unwrap_or(&Value::Null);
    let name = match optional_string("displayName", field("displayName"))? {
        Some(n) => Some(n),
        None => name_of(field("name"))?,
    };
    Ok(Fields {
        user_name,
        external_id: optional_string("externalId", field("externalId"))?,
        name,
        email: email_of(field("emails"))?,
        mobile: mobile_of(field("phoneNumbers"))?,
        active: match field("active") {
            Value::Null => true,
            v => boolean("active", v)?,
        },
    })
}

/// The User a host is, with its `meta.location` under `base` (the SCIM base URL).
pub fn to_resource(h: &Host, base: &str) -> Value {
    let mut u = json!({
        "schemas": [USER],
        "id": h.id,
        "userName": h.user_name,
        "name": {"formatted": h.name},
        "displayName": h.name,
        "active": h.active,
        "emails": [{"value": h.email}],
        "meta": {
            "resourceType": "User",
            // The directory keeps when an entry last changed, not when it was made.
            "created": h.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "lastModified": h.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "location": location(base, h),
        },
    });
    if let Some(x) = &h.external_id {
        u["externalId"] = json!(x);
    }
    if let Some(m) = &h.mobile {
        u["phoneNumbers"] = json!([{"value": m}]);
    }
    u
}

pub fn location(base: &str, h: &Host) -> String {
    format!("{base}/Users/{}", h.id)
}

/// `attributes` and `excludedAttributes` of a request, as top-level names in lower case.
#[derive(Debug, Default, Clone)]
pub struct Projection {
    pub only: Option<Vec<String>>,
    pub except: Vec<String>,
}

impl Projection {
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>) -> Self {
        let names = |s: &str| -> Vec<String> {
            s.split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(|a| {
                    let a = a
                        .strip_prefix(USER)
                        .and_then(|a| a.strip_prefix(':'))
                        .unwrap_or(a);
                    a.split(['.', '[']).next().unwrap_or(a).to_ascii_lowercase()
                })
                .collect()
        };
        Self {
            only: attributes.map(names).filter(|n| !n.is_empty()),
            except: excluded.map(names).unwrap_or_default(),
        }
    }

    /// Keep what was asked for (`id` and `schemas` always).
    pub fn apply(&self, mut u: Value) -> Value {
        if let Value::Object(o) = &mut u {
            o.retain(|k, _| {
                let k = k.to_ascii_lowercase();
                if k == "id" || k == "schemas" {
                    return true;
                }
                match &self.only {
                    Some(only) => only.contains(&k),
                    None => !self.except.contains(&k),
                }
            });
        }
        u
    }
}
