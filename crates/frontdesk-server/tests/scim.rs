//! SCIM 2.0 at /scim/v2: tokens made by a tenant's admins and shown once, what Okta and Entra ID
//! send (their bodies, copied from their documentation, are in tests/scim/), one tenant per
//! token, and scim2-tester (python-scim) checking the server against RFC 7643/7644.
//!
//! scim2-tester is installed by `./scripts/install-deps test` in its own venv; a missing one
//! fails the conformance test (it never skips).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use frontdesk_testkit::portal::{id, World};
use serde_json::{json, Value};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

fn sample(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/scim/{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

struct Scim {
    base: String,
    secret: String,
    http: reqwest::blocking::Client,
}

#[derive(Debug)]
struct Answer {
    status: u16,
    body: Value,
    content_type: String,
    location: Option<String>,
}

impl Answer {
    #[track_caller]
    fn error(&self, status: u16, scim_type: Option<&str>) {
        assert_eq!(self.status, status, "{:?}", self.body);
        assert_eq!(self.body["schemas"], json!([ERROR]), "{:?}", self.body);
        assert_eq!(self.body["status"], json!(status.to_string()));
        assert_eq!(self.body["scimType"].as_str(), scim_type, "{:?}", self.body);
        assert!(self.body["detail"].as_str().unwrap().len() > 10);
        assert_eq!(self.content_type, "application/scim+json");
    }
}

impl Scim {
    /// A token for `tenant`, made by `admin`.
    fn new(w: &World, admin: &str, tenant: &str) -> Self {
        let r = w.s.post(
            admin,
            &format!("/tenants/{tenant}/scim-tokens"),
            json!({"label": "Okta"}),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        let base = r.body["base_url"].as_str().unwrap().to_owned();
        assert_eq!(base, format!("http://{}/scim/v2", w.s.addr));
        Self {
            base,
            secret: r.body["secret"].as_str().unwrap().to_owned(),
            http: reqwest::blocking::Client::new(),
        }
    }

    fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        self.send_as(&self.secret, method, path, body, "application/scim+json")
    }

    fn send_as(
        &self,
        secret: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
        ctype: &str,
    ) -> Answer {
        let mut req = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{path}", self.base),
            )
            .bearer_auth(secret);
        if let Some(b) = body {
            if !ctype.is_empty() {
                req = req.header("content-type", ctype);
            }
            req = req.body(b.to_string());
        }
        let r = req.send().unwrap();
        let status = r.status().as_u16();
        let header = |h| {
            r.headers()
                .get(h)
                .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_owned())
        };
        let content_type = header("content-type").unwrap_or_default();
        let location = header("location");
        let text = r.text().unwrap();
        Answer {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            content_type,
            location,
        }
    }

    fn create(&self, user_name: &str, email: &str, name: &str) -> Value {
        let r = self.send(
            "POST",
            "/Users",
            Some(
                &json!({"schemas": [USER], "userName": user_name, "displayName": name,
                         "emails": [{"value": email, "type": "work", "primary": true}]}),
            ),
        );
        assert_eq!(r.status, 201, "{:?}", r.body);
        r.body
    }

    fn list(&self, query: &str) -> Value {
        let r = self.send("GET", &format!("/Users{query}"), None);
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }
}

#[test]
fn a_token_is_made_by_the_tenants_admins_shown_once_and_revoked() {
    let w = World::new();
    let path = format!("/tenants/{}/scim-tokens", w.acme);
    let r = w.s.post(&w.acme_admin, &path, json!({"label": "Entra ID"}));
    assert_eq!(r.status, 201, "{}", r.text);
    let token = r.body["token"].clone();
    let secret = r.body["secret"].as_str().unwrap().to_owned();
    let listed = w.s.get(&w.acme_admin, &path).ok();
    assert_eq!(listed, json!([token]));
    assert!(
        !w.s.get(&w.acme_admin, &path).text.contains(&secret),
        "the secret is shown once"
    );
    // Not theirs: the tenant's desk is told no, other tenants that there is no such tenant.
    w.s.get(&w.acme_desk, &path).refused(403, "forbidden");
    w.s.get(&w.blue_admin, &path).refused(404, "not_found");
    w.s.post(&w.blue_admin, &path, json!({"label": "x"}))
        .refused(404, "not_found");
    w.s.post(&w.acme_admin, &path, json!({"label": " "}))
        .refused(422, "missing_field");
    let token_id = token["id"].as_str().unwrap();
    w.s.delete(&w.blue_admin, &format!("{path}/{token_id}"))
        .refused(404, "not_found");
    let scim = Scim {
        base: format!("http://{}/scim/v2", w.s.addr),
        secret: secret.clone(),
        http: reqwest::blocking::Client::new(),
    };
    assert_eq!(scim.send("GET", "/Users", None).status, 200);
    // Used: its last use shows, written at most once a minute.
    let used = w.s.get(&w.acme_admin, &path).ok();
    assert!(used[0]["last_used_at"].is_string(), "{used}");
    assert_eq!(
        w.s.delete(&w.acme_admin, &format!("{path}/{token_id}"))
            .status,
        204
    );
    w.s.delete(&w.acme_admin, &format!("{path}/{token_id}"))
        .refused(404, "not_found");
    assert_eq!(w.s.get(&w.acme_admin, &path).ok(), json!([]));
    scim.send("GET", "/Users", None).error(401, None);
    scim.send_as("not-a-token", "GET", "/Users", None, "")
        .error(401, None);
}

#[test]
fn okta_creates_looks_up_pages_and_deactivates() {
    let w = World::new();
    let scim = Scim::new(&w, &w.acme_admin, &w.acme);
    // Okta looks the user up before creating them.
    let none =
        scim.list("?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100");
    assert_eq!(none["totalResults"], 0);
    assert_eq!(none["Resources"], json!([]));
    let r = scim.send("POST", "/Users", Some(&sample("okta_create")));
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.content_type, "application/scim+json");
    let u = r.body;
    assert_eq!(r.location.as_deref(), u["meta"]["location"].as_str());
    assert_eq!(u["userName"], "test.user@okta.local");
    assert_eq!(u["displayName"], "Test User");
    assert_eq!(u["name"]["formatted"], "Test User");
    assert_eq!(u["emails"], json!([{"value": "test.user@okta.local"}]));
    assert_eq!(u["externalId"], "00ujl29u0le5T6Aj10h7");
    assert_eq!(u["active"], true);
    // The host is in Acme's directory, as the admins see it.
    let hosts =
        w.s.get(&w.acme_admin, &format!("/tenants/{}/hosts", w.acme))
            .ok();
    assert_eq!(hosts["hosts"][0]["id"], u["id"]);
    assert_eq!(hosts["hosts"][0]["name"], "Test User");
    let found = scim.list("?filter=userName+eq+%22TEST.user%40okta.local%22");
    assert_eq!(found["totalResults"], 1);
    assert_eq!(found["Resources"][0]["id"], u["id"]);
    // A second create of the same user name is a conflict.
    let mut again = sample("okta_create");
    again["emails"][0]["value"] = json!("other@okta.local");
    scim.send("POST", "/Users", Some(&again))
        .error(409, Some("uniqueness"));
    let mut same_email = sample("okta_create");
    same_email["userName"] = json!("someone.else");
    scim.send("POST", "/Users", Some(&same_email))
        .error(409, Some("uniqueness"));
    // Deactivate, as Okta's OIN integrations do; the user stays readable.
    let uid = u["id"].as_str().unwrap();
    let r = scim.send(
        "PATCH",
        &format!("/Users/{uid}"),
        Some(&sample("okta_deactivate")),
    );
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["active"], false);
    assert_eq!(
        scim.send("GET", &format!("/Users/{uid}"), None).body["active"],
        false
    );
    // Okta's other updates: GET, then PUT the whole user back (id, meta, groups included).
    let mut full = scim.send("GET", &format!("/Users/{uid}"), None).body;
    full["displayName"] = json!("Test Q. User");
    full["name"] = json!({"givenName": "Test", "familyName": "User", "middleName": ""});
    full["groups"] = json!([]);
    full["active"] = json!(true);
    let r = scim.send("PUT", &format!("/Users/{uid}"), Some(&full));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["displayName"], "Test Q. User");
    assert_eq!(r.body["active"], true);
}

#[test]
fn entra_id_shapes() {
    let w = World::new();
    let scim = Scim::new(&w, &w.acme_admin, &w.acme);
    // Test connection: a user that does not exist, and groups.
    let none = scim.list("?filter=userName+eq+\"nobody%40example.com\"");
    assert_eq!(none["totalResults"], 0);
    let g = scim.send(
        "GET",
        "/Groups?excludedAttributes=members&filter=displayName+eq+%22x%22",
        None,
    );
    assert_eq!((g.status, g.body["totalResults"].clone()), (200, json!(0)));
    let r = scim.send("POST", "/Users", Some(&sample("entra_create")));
    assert_eq!(r.status, 201, "{:?}", r.body);
    let u = r.body;
    let uid = u["id"].as_str().unwrap().to_owned();
    assert_eq!(u["displayName"], "givenName familyName");
    assert_eq!(u["emails"][0]["value"], "test_user_11bb11bb@testuser.com");
    // Lookups by externalId and by work email.
    for f in [
        "externalId+eq+\"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef\"",
        "emails%5Btype+eq+%22work%22%5D.value+eq+%22Test_User_11bb11bb%40testuser.com%22",
        "emails.value eq \"test_user_11bb11bb@testuser.com\" and userName eq \"Test_User_00aa00aa@testuser.com\"",
    ] {
        let found = scim.list(&format!("?filter={f}"));
        assert_eq!(found["totalResults"], 1, "{f}: {found}");
    }
    let patch = |name: &str| {
        let r = scim.send_as(
            &scim.secret,
            "PATCH",
            &format!("/Users/{uid}"),
            Some(&sample(name)),
            "application/json",
        );
        assert_eq!(r.status, 200, "{name}: {:?}", r.body);
        r.body
    };
    let u = patch("entra_update_multi");
    assert_eq!(u["displayName"], "Pvlo");
    assert_eq!(u["emails"][0]["value"], "testbcwqnm@test.microsoft.com");
    assert_eq!(u["externalId"], "Eqpj");
    let u = patch("entra_update_flagged");
    assert_eq!(u["displayName"], "Bjfe");
    assert_eq!(u["emails"][0]["value"], "testmhvaes@test.microsoft.com");
    let u = patch("entra_add_email");
    assert_eq!(u["emails"][0]["value"], "new@joe.com");
    // Given and family names alone change their part of the one name.
    let r = scim.send("PATCH", &format!("/Users/{uid}"), Some(&json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "name.familyName", "value": "Ødegård"},
                       {"op": "Add", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+44 7700 900123"},
                       {"op": "Replace", "path": "phoneNumbers[type eq \"fax\"].value", "value": "+1 555 0100"},
                       {"op": "Add", "path": "nickName", "value": "Babs"}]})));
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["displayName"], "Bjfe Ødegård");
    assert_eq!(r.body["phoneNumbers"], json!([{"value": "+447700900123"}]));
    let u = patch("entra_disable_legacy");
    assert_eq!(u["active"], false);
    let r = scim.send(
        "PATCH",
        &format!("/Users/{uid}"),
        Some(&json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": "True"}]})),
    );
    assert_eq!(r.body["active"], true);
    let u = patch("entra_disable");
    assert_eq!(u["active"], false);
    // Soft-deleted users stay findable; the hard delete comes later.
    assert_eq!(
        scim.list(&format!("?filter=id+eq+\"{uid}\""))["totalResults"],
        1
    );
    assert_eq!(
        scim.send("DELETE", &format!("/Users/{uid}"), None).status,
        204
    );
    scim.send("GET", &format!("/Users/{uid}"), None)
        .error(404, None);
    scim.send("DELETE", &format!("/Users/{uid}"), None)
        .error(404, None);
}

#[test]
fn names_in_any_script_and_bodies_without_a_content_type() {
    let w = World::new();
    let scim = Scim::new(&w, &w.acme_admin, &w.acme);
    let body = json!({"schemas": [USER], "userName": "yamada", "name": {"familyName": "山田", "givenName": "太郎"},
                      "emails": [{"value": "home@yamada.jp", "type": "home"}, {"value": "taro@yamada.jp", "type": "work"}]});
    let r = scim.send_as(&scim.secret, "POST", "/Users", Some(&body), "");
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["displayName"], "太郎 山田");
    assert_eq!(r.body["emails"][0]["value"], "taro@yamada.jp");
    let r = scim.send(
        "POST",
        "/Users",
        Some(
            &json!({"schemas": [USER], "userName": "محمد", "displayName": "محمد عبد الله",
        "emails": [{"value": "m@example.com"}]}),
        ),
    );
    assert_eq!(
        (r.status, r.body["displayName"].clone()),
        (201, json!("محمد عبد الله"))
    );
}

#[test]
fn refusals_say_what_is_wrong_in_scims_error_shape() {
    let w = World::new();
    let scim = Scim::new(&w, &w.acme_admin, &w.acme);
    let r = scim.send(
        "POST",
        "/Users",
        Some(&json!({"schemas": [USER], "userName": "no.email", "displayName": "No Email"})),
    );
    r.error(400, Some("invalidValue"));
    assert!(
        r.body["detail"].as_str().unwrap().contains("email"),
        "{:?}",
        r.body
    );
    let r = scim.send(
        "POST",
        "/Users",
        Some(
            &json!({"schemas": [USER, "urn:example:params:scim:schemas:extension:acme:2.0:User"],
        "userName": "x", "displayName": "X", "emails": [{"value": "x@x.io"}]}),
        ),
    );
    r.error(400, Some("invalidValue"));
    assert!(
        r.body["detail"].as_str().unwrap().contains("urn:example"),
        "{:?}",
        r.body
    );
    scim.send("POST", "/Users", Some(&json!({"not": "a scim resource"})))
        .error(400, Some("invalidSyntax"));
    scim.send(
        "POST",
        "/Users",
        Some(&json!({"schemas": [USER], "displayName": "X", "emails": [{"value": "x@x.io"}]})),
    )
    .error(400, Some("invalidValue"));
    for f in [
        "userName+sw+%22a%22",
        "title+eq+%22x%22",
        "userName+eq+%22a%22+or+userName+eq+%22b%22",
        "userName+eq",
    ] {
        scim.send("GET", &format!("/Users?filter={f}"), None)
            .error(400, Some("invalidFilter"));
    }
    scim.send("GET", "/Users?count=many", None)
        .error(400, Some("invalidValue"));
    let u = scim.create("a", "a@a.io", "A");
    let uid = u["id"].as_str().unwrap();
    let patch = |ops: Value| {
        scim.send(
            "PATCH",
            &format!("/Users/{uid}"),
            Some(&json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})),
        )
    };
    patch(json!([{"op": "remove", "path": "emails"}])).error(400, Some("invalidValue"));
    patch(json!([{"op": "remove"}])).error(400, Some("noTarget"));
    patch(json!([{"op": "replace", "path": "id", "value": "x"}])).error(400, Some("mutability"));
    patch(json!([{"op": "move", "path": "userName", "value": "x"}]))
        .error(400, Some("invalidSyntax"));
    patch(json!([{"op": "replace", "path": "urn:example:foo:bar", "value": "x"}]))
        .error(400, Some("invalidPath"));
    patch(json!([{"op": "replace", "path": "active", "value": "maybe"}]))
        .error(400, Some("invalidValue"));
    scim.create("b", "b@b.io", "B");
    patch(json!([{"op": "replace", "path": "userName", "value": "B"}]))
        .error(409, Some("uniqueness"));
    // Nothing refused changed the user.
    assert_eq!(scim.send("GET", &format!("/Users/{uid}"), None).body, u);
    // Unknown addresses, wrong methods, and a missing token.
    scim.send("GET", "/Nothing/here", None).error(404, None);
    scim.send("GET", &format!("/{}", uuid_like()), None)
        .error(404, None);
    scim.send("GET", "/Schemas/urn:nope", None).error(404, None);
    scim.send("GET", "/ResourceTypes/Group", None)
        .error(404, None);
    scim.send("POST", "/ServiceProviderConfig", Some(&json!({})))
        .error(405, None);
    scim.send("DELETE", "/Schemas", None).error(405, None);
    scim.send("DELETE", "/Users", None).error(405, None);
    let r = scim.send_as("", "GET", "/Users", None, "");
    r.error(401, None);
}

fn uuid_like() -> String {
    "0b7a2c4e-6f1d-4b9a-8e3c-5d2f1a0b9c8d".into()
}

#[test]
fn a_token_sees_only_its_tenants_directory() {
    let w = World::new();
    let acme = Scim::new(&w, &w.acme_admin, &w.acme);
    let blue = Scim::new(&w, &w.admin, &w.blue);
    let a = acme.create("ada", "ada@acme.test", "Ada");
    let aid = a["id"].as_str().unwrap();
    // The same user name and email may exist in another directory.
    blue.create("ada", "ada@acme.test", "Ada at Blue");
    // A host an admin made by hand in Acme's directory is Acme's token's too.
    let hand = id(&w
        .s
        .post(
            &w.acme_admin,
            &format!("/tenants/{}/hosts", w.acme),
            json!({"name": "Grace Hopper", "email": "grace@acme.test"}),
        )
        .ok());
    assert_eq!(
        acme.send("GET", &format!("/Users/{hand}"), None).status,
        200
    );
    for (method, body) in [
        ("GET", None),
        ("PUT", Some(a.clone())),
        ("DELETE", None),
        (
            "PATCH",
            Some(
                json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": false}]}),
            ),
        ),
    ] {
        blue.send(method, &format!("/Users/{aid}"), body.as_ref())
            .error(404, None);
        blue.send(method, &format!("/Users/{hand}"), body.as_ref())
            .error(404, None);
    }
    assert_eq!(blue.list("")["totalResults"], 1);
    assert_eq!(
        blue.list(&format!("?filter=id+eq+\"{aid}\""))["totalResults"],
        0
    );
    assert_eq!(acme.send("GET", &format!("/Users/{aid}"), None).body, a);
}

#[test]
fn lists_page_by_start_index_and_count_and_project_attributes() {
    let w = World::new();
    let scim = Scim::new(&w, &w.acme_admin, &w.acme);
    for i in 0..120 {
        scim.create(
            &format!("user{i:03}"),
            &format!("u{i:03}@acme.test"),
            &format!("Person {i:03}"),
        );
    }
    let first = scim.list("?startIndex=1&count=2");
    assert_eq!(
        (
            first["totalResults"].clone(),
            first["itemsPerPage"].clone(),
            first["startIndex"].clone()
        ),
        (json!(120), json!(2), json!(1))
    );
    let mut seen = vec![];
    let mut start = 1;
    loop {
        let page = scim.list(&format!("?startIndex={start}&count=50"));
        let n = page["Resources"].as_array().unwrap().len();
        assert_eq!(page["itemsPerPage"], n);
        if n == 0 {
            break;
        }
        seen.extend(
            page["Resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["userName"].as_str().unwrap().to_owned()),
        );
        start += n;
    }
    let expected: Vec<String> = (0..120).map(|i| format!("user{i:03}")).collect();
    assert_eq!(seen, expected, "every user once, in a stable order");
    let empty = scim.list("?count=0");
    assert_eq!(
        (empty["totalResults"].clone(), empty["Resources"].clone()),
        (json!(120), json!([]))
    );
    let last = scim.list("?startIndex=119&count=10");
    assert_eq!(last["itemsPerPage"], 2);
    let only = scim.list("?filter=userName+eq+%22user007%22&attributes=userName");
    let keys: Vec<&String> = only["Resources"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    let without = scim.list("?count=1&excludedAttributes=emails,name");
    let u = without["Resources"][0].as_object().unwrap();
    assert!(!u.contains_key("emails") && !u.contains_key("name") && u.contains_key("userName"));
}

#[test]
fn discovery_publishes_what_the_directory_keeps() {
    let w = World::new();
    let scim = Scim::new(&w, &w.acme_admin, &w.acme);
    let spc = scim.send("GET", "/ServiceProviderConfig", None);
    assert_eq!(spc.body["patch"]["supported"], true);
    let rt = scim.send("GET", "/ResourceTypes", None);
    assert_eq!(rt.body["Resources"][0]["schema"], USER);
    let s = scim.send("GET", &format!("/Schemas/{USER}"), None);
    assert_eq!(s.status, 200);
    let names: Vec<&str> = s.body["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "userName",
            "name",
            "displayName",
            "active",
            "emails",
            "phoneNumbers"
        ]
    );
}

/// Where `scripts/install-deps test` puts the venv (`FRONTDESK_SCIM2_TESTER` names another
/// Python with scim2-tester installed).
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("FRONTDESK_SCIM2_TESTER") {
        return p.into();
    }
    let tools = std::env::var_os("FRONTDESK_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_DATA_HOME").map(|d| PathBuf::from(d).join("frontdesk/tools"))
        })
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/frontdesk/tools"))
        })
        .unwrap();
    let installed = tools.join("scim2-tester/bin/python");
    assert!(
        installed.exists(),
        "scim2-tester is not installed (looked for {}): run ./scripts/install-deps test",
        installed.display()
    );
    installed
}

#[test]
fn scim2_tester_finds_no_fault() {
    let w = World::new();
    let scim = Scim::new(&w, &w.acme_admin, &w.acme);
    let runner = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scim/run_scim2_tester.py");
    let out = Command::new(python())
        .arg(runner)
        .arg(&scim.base)
        .arg(&scim.secret)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "scim2-tester failed:\n{stdout}\n{stderr}"
    );
    let summary = stdout.lines().last().unwrap_or_default();
    let (passed, failed) = summary
        .split_once(" passed, ")
        .and_then(|(p, f)| {
            Some((
                p.parse::<usize>().ok()?,
                f.strip_suffix(" failed")?.parse::<usize>().ok()?,
            ))
        })
        .unwrap_or_else(|| panic!("no summary line:\n{stdout}"));
    assert_eq!(failed, 0, "{stdout}");
    assert!(passed >= 40, "too few checks ran ({passed}):\n{stdout}");
    // The tester cleans up after itself.
    assert_eq!(scim.list("")["totalResults"], 0, "{stdout}");
}
