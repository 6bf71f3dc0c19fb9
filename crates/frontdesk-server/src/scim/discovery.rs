//! What the service tells a SCIM client about itself: `ServiceProviderConfig`, `ResourceTypes`
//! and `Schemas`. The User schema publishes exactly what the directory keeps, so a client that
//! writes a published attribute reads the same value back.

use serde_json::{json, Value};

use super::{LIST, MAX_COUNT, USER};

pub const SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
pub const RESOURCE_TYPE: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
pub const SPC: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

fn meta(base: &str, kind: &str, at: &str) -> Value {
    json!({"resourceType": kind, "location": format!("{base}{at}")})
}

pub fn service_provider_config(base: &str) -> Value {
    json!({
        "schemas": [SPC],
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_COUNT},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": false},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "The token a tenant admin created under the tenant's SCIM tokens.",
            "primary": true
        }],
        "meta": meta(base, "ServiceProviderConfig", "/ServiceProviderConfig"),
    })
}

pub fn user_resource_type(base: &str) -> Value {
    json!({
        "schemas": [RESOURCE_TYPE],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A person in the tenant's host directory",
        "schema": USER,
        "meta": meta(base, "ResourceType", "/ResourceTypes/User"),
    })
}

fn attr(name: &str, kind: &str, required: bool, description: &str) -> Value {
    let mut a = json!({
        "name": name, "type": kind, "multiValued": false, "description": description,
        "required": required, "mutability": "readWrite", "returned": "default", "uniqueness": "none",
    });
    if kind == "string" {
        a["caseExact"] = json!(false);
    }
    a
}

fn complex(name: &str, multi: bool, required: bool, description: &str, sub: Value) -> Value {
    let mut a = attr(name, "complex", required, description);
    a["multiValued"] = json!(multi);
    a["subAttributes"] = sub;
    a
}

/// The User schema as the directory keeps it. The directory has one name, one email and one
/// mobile per person: `displayName` and `name.formatted` are that name, `emails` and
/// `phoneNumbers` carry one value each. A person always has a name, an email and a state, so
/// those are published as required (they cannot be removed; `active: false` deactivates).
/// Clients may still send `name.givenName`/`familyName`, email and phone `type`s and `primary`,
/// and the enterprise extension: they are read (or ignored), not stored.
pub fn user_schema(base: &str) -> Value {
    let mut user_name = attr(
        "userName",
        "string",
        true,
        "The identity provider's unique name for the person.",
    );
    user_name["uniqueness"] = json!("server");
    json!({
        "schemas": [SCHEMA],
        "id": USER,
        "name": "User",
        "description": "A person in the tenant's host directory",
        "attributes": [
            user_name,
            complex("name", false, true, "The person's name (the same as displayName).", json!([
                attr("formatted", "string", true, "The full name, in any script."),
            ])),
            attr("displayName", "string", true, "The name the lobby and the host's messages show."),
            attr("active", "boolean", true, "An inactive person stays in the directory (old visits name them) but cannot be picked or told."),
            complex("emails", true, true, "The person's email (one; the primary, work or first one given).", json!([
                attr("value", "string", true, "The email address."),
            ])),
            complex("phoneNumbers", true, false, "The person's mobile number, for text messages (one).", json!([
                attr("value", "string", false, "The number: 6 to 15 digits, optionally starting with +."),
            ])),
        ],
        "meta": meta(base, "Schema", &format!("/Schemas/{USER}")),
    })
}

/// A list answer of everything (the discovery endpoints do not page).
pub fn list(items: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST],
        "totalResults": items.len(),
        "startIndex": 1,
        "itemsPerPage": items.len(),
        "Resources": items,
    })
}
