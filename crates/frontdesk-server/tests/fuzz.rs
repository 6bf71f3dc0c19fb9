//! An HTTP-level fuzz pass over every route of `routes/mod.rs`: the real server, users of every
//! role from the test building, and generated requests — methods, paths with real, unknown and
//! garbage ids, query strings shaped like the query types, JSON bodies shaped like the request
//! types and then broken (wrong types, huge numbers, empty strings, every script, missing
//! fields, nulls, deep nesting), and bodies that are not JSON at all.
//!
//! Every answer must be below 500, every refusal must be the API's error shape
//! `{"error":{"code","message"}}`, and the server must still answer after each case.
//!
//! `FRONTDESK_FUZZ_CASES` sets the number of cases (256 by default); `PROPTEST_RNG_SEED`
//! replays a run.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::cell::RefCell;

use chrono::{Duration, Utc};
use common::{World, PASSWORD};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Map, Value};

/// Who sends a request: a signed-in user by index (resolved when the request is sent, so a
/// logout in one case does not leave later cases with a dead token), or a header of our making.
#[derive(Debug, Clone)]
enum Auth {
    Role(usize),
    None,
    Header(Vec<u8>),
}

#[derive(Clone)]
enum Payload {
    Json(Value),
    Raw {
        content_type: String,
        bytes: Vec<u8>,
    },
}

/// Bodies shown as text (cut short), so a failing case reads like the request it was.
impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cut = |s: &str| s.chars().take(300).collect::<String>();
        match self {
            Self::Json(v) => {
                let s = v.to_string();
                write!(f, "Json({} bytes: {})", s.len(), cut(&s))
            }
            Self::Raw {
                content_type,
                bytes,
            } => write!(
                f,
                "Raw({content_type:?}, {} bytes: {:?})",
                bytes.len(),
                cut(&String::from_utf8_lossy(bytes))
            ),
        }
    }
}

#[derive(Debug, Clone)]
struct Req {
    method: &'static str,
    /// From the root: `/api/v1/…` or a page's path.
    path: String,
    query: Option<String>,
    auth: Auth,
    body: Option<Payload>,
    last_event_id: Option<String>,
}

/// The ids a world has, by kind.
#[derive(Clone)]
struct Ids {
    buildings: Vec<String>,
    tenants: Vec<String>,
    locations: Vec<String>,
    invites: Vec<String>,
    visitor_types: Vec<String>,
    tokens: Vec<String>,
    emails: Vec<String>,
    users: Vec<String>,
    hosts: Vec<String>,
    webhooks: Vec<String>,
}

impl Ids {
    fn all(&self) -> Vec<String> {
        [
            &self.buildings,
            &self.tenants,
            &self.locations,
            &self.invites,
            &self.visitor_types,
            &self.tokens,
            &self.users,
            &self.hosts,
            &self.webhooks,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Query {
    None,
    Logs,
    Report,
    Since,
    Badge,
    Preview,
    Hosts,
    WalkInFlow,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    None,
    Login,
    NewUser,
    NewBuilding,
    Named,
    NewLocation,
    NewLink,
    NewVisitorType,
    Settings,
    NewInvite,
    VisitorPatch,
    Validity,
    Cancel,
    Card,
    Printed,
    Mutations,
    Submission,
    PasswordChange,
    HostDraft,
    Csv,
    Webhook,
    Label,
    WalkIn,
    FlowAnswers,
    DeskAlert,
}

/// Every route of the router, with the query type and body type its handler parses. Paths that
/// start with `//` are outside `/api/v1` (the pages and their assets).
#[rustfmt::skip] // a table reads best one route a line
const ROUTES: &[(&str, &str, Query, Shape)] = &[
    ("GET",    "/health",                                      Query::None,    Shape::None),
    ("GET",    "/openapi.json",                                Query::None,    Shape::None),
    ("GET",    "/docs",                                        Query::None,    Shape::None),
    ("POST",   "/auth/login",                                  Query::None,    Shape::Login),
    ("POST",   "/auth/logout",                                 Query::None,    Shape::None),
    ("GET",    "/me",                                          Query::None,    Shape::None),
    ("PUT",    "/me/password",                                 Query::None,    Shape::PasswordChange),
    ("POST",   "/users",                                       Query::None,    Shape::NewUser),
    ("POST",   "/users/{user}/disable",                        Query::None,    Shape::None),
    ("POST",   "/users/{user}/enable",                         Query::None,    Shape::None),
    ("DELETE", "/users/{user}/sessions",                       Query::None,    Shape::None),
    ("POST",   "/buildings",                                   Query::None,    Shape::NewBuilding),
    ("GET",    "/buildings/{building}",                        Query::None,    Shape::None),
    ("POST",   "/tenants",                                     Query::None,    Shape::Named),
    ("POST",   "/tenants/{tenant}/locations",                  Query::None,    Shape::NewLocation),
    ("GET",    "/tenants/{tenant}/locations",                  Query::None,    Shape::None),
    ("GET",    "/locations/{location}",                        Query::None,    Shape::None),
    ("POST",   "/buildings/{building}/tenant-links",           Query::None,    Shape::NewLink),
    ("GET",    "/buildings/{building}/tenant-links",           Query::None,    Shape::None),
    ("DELETE", "/buildings/{building}/tenant-links/{tenant}",  Query::None,    Shape::None),
    ("GET",    "/buildings/{building}/directory",              Query::None,    Shape::None),
    ("POST",   "/buildings/{building}/visitor-types",          Query::None,    Shape::NewVisitorType),
    ("GET",    "/buildings/{building}/visitor-types",          Query::None,    Shape::None),
    ("POST",   "/locations/{location}/visitor-types",          Query::None,    Shape::NewVisitorType),
    ("GET",    "/locations/{location}/visitor-types",          Query::None,    Shape::None),
    ("GET",    "/locations/{location}/settings",               Query::None,    Shape::None),
    ("PUT",    "/locations/{location}/settings",               Query::None,    Shape::Settings),
    ("POST",   "/buildings/{building}/invites",                Query::None,    Shape::NewInvite),
    ("POST",   "/locations/{location}/invites",                Query::None,    Shape::NewInvite),
    ("GET",    "/invites/{invite}",                            Query::None,    Shape::None),
    ("PATCH",  "/invites/{invite}/visitor",                    Query::None,    Shape::VisitorPatch),
    ("PUT",    "/invites/{invite}/validity",                   Query::None,    Shape::Validity),
    ("POST",   "/invites/{invite}/resend",                     Query::None,    Shape::None),
    ("POST",   "/invites/{invite}/cancel",                     Query::None,    Shape::Cancel),
    ("POST",   "/invites/{invite}/check-in",                   Query::None,    Shape::None),
    ("POST",   "/invites/{invite}/arrive",                     Query::None,    Shape::None),
    ("POST",   "/invites/{invite}/check-out",                  Query::None,    Shape::None),
    ("PUT",    "/invites/{invite}/card",                       Query::None,    Shape::Card),
    ("DELETE", "/invites/{invite}/card",                       Query::None,    Shape::None),
    ("GET",    "/invites/{invite}/activity",                   Query::None,    Shape::None),
    ("GET",    "/invites/{invite}/badge.pdf",                  Query::Badge,   Shape::None),
    ("GET",    "/invites/{invite}/badge.png",                  Query::Badge,   Shape::None),
    ("POST",   "/invites/{invite}/badge-printed",              Query::None,    Shape::Printed),
    ("GET",    "/buildings/{building}/visitor-logs",           Query::Logs,    Shape::None),
    ("GET",    "/buildings/{building}/visitor-logs.csv",       Query::Logs,    Shape::None),
    ("GET",    "/buildings/{building}/visitor-summary",        Query::Logs,    Shape::None),
    ("GET",    "/locations/{location}/visitor-logs",           Query::Logs,    Shape::None),
    ("GET",    "/locations/{location}/visitor-logs.csv",       Query::Logs,    Shape::None),
    ("GET",    "/locations/{location}/visitor-summary",        Query::Logs,    Shape::None),
    ("GET",    "/tenants/{tenant}/activity-report",            Query::Report,  Shape::None),
    ("GET",    "/buildings/{building}/activity-report",        Query::Report,  Shape::None),
    ("GET",    "/changes",                                     Query::Since,   Shape::None),
    ("POST",   "/mutations",                                   Query::None,    Shape::Mutations),
    ("GET",    "/changes/stream",                              Query::Since,   Shape::None),
    ("GET",    "/notifications",                               Query::None,    Shape::None),
    ("GET",    "/invites/{invite}/registration",               Query::None,    Shape::None),
    ("GET",    "/invites/{invite}/photo",                      Query::None,    Shape::None),
    ("GET",    "/locations/{location}/flow-preview",           Query::Preview, Shape::None),
    ("GET",    "/tenants/{tenant}/hosts",                      Query::Hosts,   Shape::None),
    ("POST",   "/tenants/{tenant}/hosts",                      Query::None,    Shape::HostDraft),
    ("POST",   "/tenants/{tenant}/hosts/import",               Query::Hosts,   Shape::Csv),
    ("GET",    "/buildings/{building}/hosts",                  Query::Hosts,   Shape::None),
    ("POST",   "/buildings/{building}/hosts",                  Query::None,    Shape::HostDraft),
    ("POST",   "/buildings/{building}/hosts/import",           Query::Hosts,   Shape::Csv),
    ("GET",    "/buildings/{building}/host-search",            Query::Hosts,   Shape::None),
    ("GET",    "/locations/{location}/hosts",                  Query::Hosts,   Shape::None),
    ("GET",    "/hosts/{host}",                                Query::None,    Shape::None),
    ("PUT",    "/hosts/{host}",                                Query::None,    Shape::HostDraft),
    ("DELETE", "/hosts/{host}",                                Query::None,    Shape::None),
    ("GET",    "/tenants/{tenant}/scim-tokens",                Query::None,    Shape::None),
    ("POST",   "/tenants/{tenant}/scim-tokens",                Query::None,    Shape::Label),
    ("DELETE", "/tenants/{tenant}/scim-tokens/{garbage}",      Query::None,    Shape::None),
    ("GET",    "/tenants/{tenant}/webhooks",                   Query::None,    Shape::None),
    ("POST",   "/tenants/{tenant}/webhooks",                   Query::None,    Shape::Webhook),
    ("GET",    "/buildings/{building}/webhooks",               Query::None,    Shape::None),
    ("POST",   "/buildings/{building}/webhooks",               Query::None,    Shape::Webhook),
    ("DELETE", "/webhooks/{webhook}",                          Query::None,    Shape::None),
    ("GET",    "/webhooks/{webhook}/deliveries",               Query::None,    Shape::None),
    ("GET",    "//on-my-way/{token}",                          Query::None,    Shape::None),
    ("POST",   "//on-my-way/{token}",                          Query::None,    Shape::None),
    ("GET",    "/buildings/{building}/walk-in-flow",           Query::WalkInFlow, Shape::None),
    ("GET",    "/buildings/{building}/walk-in-places",         Query::None,    Shape::None),
    ("POST",   "/buildings/{building}/walk-ins",               Query::None,    Shape::WalkIn),
    ("GET",    "/invites/{invite}/arrival-needs",              Query::None,    Shape::None),
    ("POST",   "/invites/{invite}/arrival-needs",              Query::None,    Shape::FlowAnswers),
    ("POST",   "/invites/{invite}/desk-alert",                 Query::None,    Shape::DeskAlert),
    ("DELETE", "/invites/{invite}/desk-alert",                 Query::None,    Shape::None),
    ("GET",    "/registrations/{token}",                       Query::None,    Shape::None),
    ("POST",   "/registrations/{token}",                       Query::None,    Shape::Submission),
    ("GET",    "//register/{token}",                           Query::None,    Shape::None),
    ("GET",    "//register/assets/{file}",                     Query::None,    Shape::None),
    ("GET",    "//desk",                                       Query::None,    Shape::None),
    ("GET",    "//desk/",                                      Query::None,    Shape::None),
    ("GET",    "//desk/{file}",                                Query::None,    Shape::None),
    ("GET",    "//healthz",                                    Query::None,    Shape::None),
    ("GET",    "//readyz",                                     Query::None,    Shape::None),
    ("GET",    "//metrics",                                    Query::None,    Shape::None),
    // No such endpoint, inside the API and outside it.
    ("GET",    "/{garbage}",                                   Query::None,    Shape::None),
    ("POST",   "/invites/{invite}/{garbage}",                  Query::None,    Shape::None),
    ("GET",    "//{garbage}",                                  Query::None,    Shape::None),
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// Text in every script, and the characters that break naive code: right-to-left overrides,
/// zero-width joiners, combining marks, NUL and other controls, the BOM, astral planes,
/// noncharacters, private use.
const SCRIPTS: &[&str] = &[
    "Zoë Ødegård-Ñandú",
    "Ελληνικά",
    "Кириллица Щёлково",
    "Հայերեն",
    "עברית",
    "العربية مرحبا",
    "ܣܘܪܝܝܐ",
    "देवनागरी नमस्ते",
    "বাংলা",
    "தமிழ்",
    "ภาษาไทย",
    "ພາສາລາວ",
    "བོད་ཡིག",
    "ქართული",
    "한국어 김철수",
    "ひらがな カタカナ",
    "李小龍 中文",
    "ግዕዝ",
    "ᏣᎳᎩ",
    "ᠮᠣᠩᠭᠣᠯ",
    "ខ្មែរ",
    "👩‍👩‍👧‍👦🏳️‍🌈🇬🇧",
    "Z̷̢̛a̶̡͝l̵̨̛g̸̢̕o̵̡͘",
    "\u{202E}gnp.exe\u{202C}",
    "a\u{200B}b\u{200D}c\u{FEFF}",
    "nul\u{0}byte",
    "\u{1}\u{7}\u{1B}[31mred\r\n\t",
    "𝕳𝖊𝖑𝖑𝖔 𓀀𓁐",
    "\u{FFFF}\u{FFFE}\u{E000}\u{10FFFF}",
    "' OR 1=1 --",
    "\"; DROP TABLE invites; --",
    "<script>alert(1)</script>",
    "=HYPERLINK(\"http://x\")",
    "%s%n%x",
    "../../etc/passwd",
    "",
    " ",
    "null",
];

fn text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(SCRIPTS).prop_map(String::from),
        2 => "\\PC{0,40}",
        1 => any::<String>(),
        1 => (select(SCRIPTS), 1usize..3000).prop_map(|(s, n)| s.repeat(n.min(60_000 / s.len().max(1)))),
    ]
    .boxed()
}

/// Instants a client might send: sensible ones around now, and the edges of what parses.
fn instant() -> BoxedStrategy<String> {
    let now = Utc::now();
    prop_oneof![
        3 => (-200i64..200).prop_map(move |h| (now + Duration::hours(h)).to_rfc3339()),
        3 => select(&[
            "+262142-12-31T23:59:59Z",
            "-262143-01-01T00:00:00Z",
            "+262143-12-31T23:59:59.999999999Z",
            "-262144-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "0000-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "2026-02-30T09:00:00Z",
            "2026-01-01T00:00:00+14:00",
            "2026-01-01T00:00:00-23:59",
            "2026-01-01T24:00:00Z",
            "2026-01-01",
            "2026-13-01T00:00:00Z",
            "tomorrow",
        ][..])
        .prop_map(String::from),
    ]
    .boxed()
}

/// A query-string date: the two forms the logs take, and their edges.
fn query_date() -> BoxedStrategy<String> {
    prop_oneof![
        3 => instant(),
        2 => select(&[
            "2026-01-31",
            "+262143-12-31",
            "-262143-01-01",
            "-262144-01-01",
            "+262144-01-01",
            "0000-01-01",
            "99999-01-01",
            "2026-1-1",
            "31/01/2026",
        ][..])
        .prop_map(String::from),
        1 => text(),
    ]
    .boxed()
}

fn number_text() -> BoxedStrategy<String> {
    prop_oneof![
        select(
            &[
                "0",
                "1",
                "-1",
                "500",
                "501",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "18446744073709551615",
                "18446744073709551616",
                "99999999999999999999999999",
                "1e9",
                "1.5",
                "NaN",
                "",
                "0x10",
            ][..]
        )
        .prop_map(String::from),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
    ]
    .boxed()
}

/// A JSON value of the wrong kind (or the right kind with a hostile content).
fn hostile() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        select(&[i64::MIN, -1, 0, 1, i64::MAX][..]).prop_map(Value::from),
        Just(Value::from(u64::MAX)),
        select(&[1e308, -1e308, 0.5, -0.0, 5e-324][..]).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::from),
        instant().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
    .boxed()
}

/// How to break a well-shaped body.
#[derive(Debug, Clone)]
enum Mutation {
    Keep,
    Replace(usize, Value),
    Remove(usize),
    Add(String, Value),
    Whole(Value),
}

fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        3 => Just(Mutation::Keep),
        6 => (any::<usize>(), hostile()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => any::<usize>().prop_map(Mutation::Remove),
        1 => ("\\PC{1,12}", hostile()).prop_map(|(k, v)| Mutation::Add(k, v)),
        1 => hostile().prop_map(Mutation::Whole),
    ]
    .boxed()
}

/// Every place in `v` a value sits: its parent as a JSON pointer, and its key or index.
fn places(v: &Value, here: &str, out: &mut Vec<(String, Value)>) {
    let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                out.push((here.to_string(), Value::from(k.as_str())));
                places(c, &format!("{here}/{}", escape(k)), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                out.push((here.to_string(), Value::from(i)));
                places(c, &format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn apply(mut body: Value, m: Mutation) -> Value {
    let mut all = vec![];
    places(&body, "", &mut all);
    let pick = |i: usize| all.get(i % all.len().max(1)).cloned();
    match m {
        Mutation::Keep => {}
        Mutation::Whole(v) => body = v,
        Mutation::Add(k, v) => {
            if let Some(o) = body.as_object_mut() {
                o.insert(k, v);
            }
        }
        Mutation::Replace(i, v) => {
            if let Some((parent, key)) = pick(i) {
                match (body.pointer_mut(&parent), key) {
                    (Some(Value::Object(o)), Value::String(k)) => {
                        o.insert(k, v);
                    }
                    (Some(Value::Array(a)), Value::Number(n)) => {
                        a[n.as_u64().unwrap() as usize] = v;
                    }
                    _ => {}
                }
            }
        }
        Mutation::Remove(i) => {
            if let Some((parent, key)) = pick(i) {
                match (body.pointer_mut(&parent), key) {
                    (Some(Value::Object(o)), Value::String(k)) => {
                        o.remove(&k);
                    }
                    (Some(Value::Array(a)), Value::Number(n)) => {
                        a.remove(n.as_u64().unwrap() as usize);
                    }
                    _ => {}
                }
            }
        }
    }
    body
}

/// An id for a path or a body: mostly a real one of the right kind, sometimes one of another
/// kind, an unknown one or any text.
fn id_of(real: &[String], ids: &Ids) -> BoxedStrategy<String> {
    prop_oneof![
        6 => select(real.to_vec()),
        1 => select(ids.all()),
        1 => Just("0191d5c3-0000-7000-8000-000000000000".to_string()),
        1 => text(),
    ]
    .boxed()
}

/// A small real PNG, as the visitor's page sends one.
fn photo_url() -> String {
    common::photo_url(24, 32)
}

/// A body shaped like the request type the handler parses, with real ids where it takes them.
fn shaped(shape: Shape, ids: &Ids) -> BoxedStrategy<Value> {
    let b = || id_of(&ids.buildings, ids);
    let t = || id_of(&ids.tenants, ids);
    let l = || id_of(&ids.locations, ids);
    let i = || id_of(&ids.invites, ids);
    let vt = || id_of(&ids.visitor_types, ids);
    let email = || prop_oneof!["[a-z]{1,10}@fuzz\\.test", text()];
    let visitor = || {
        (text(), email(), text(), text()).prop_map(|(name, email, mobile, company)| {
            json!({"name": name, "email": email, "mobile": mobile, "company": company})
        })
    };
    match shape {
        Shape::None => Just(Value::Null).boxed(),
        Shape::Login => (
            prop_oneof![select(ids.emails.clone()), text()],
            prop_oneof![Just(PASSWORD.to_string()), text()],
        )
            .prop_map(|(e, p)| json!({"email": e, "password": p}))
            .boxed(),
        Shape::NewUser => (
            email(),
            prop_oneof![Just(PASSWORD.to_string()), text()],
            prop_oneof![
                select(&["platform_admin", "building_admin", "tenant_admin", "front_desk"][..])
                    .prop_map(String::from),
                text()
            ],
            b(),
            t(),
            l(),
        )
            .prop_map(|(e, p, role, b, t, l)| {
                json!({"email": e, "password": p, "role": role,
                       "building_id": b, "tenant_id": t, "location_id": l})
            })
            .boxed(),
        Shape::NewBuilding => (
            text(),
            prop_oneof![
                select(&["Europe/London", "UTC", "Pacific/Kiritimati", "Mars/Olympus", "+05:00"][..])
                    .prop_map(String::from),
                text()
            ],
        )
            .prop_map(|(n, tz)| json!({"name": n, "timezone": tz}))
            .boxed(),
        Shape::Named => text().prop_map(|n| json!({"name": n})).boxed(),
        Shape::Label => text().prop_map(|n| json!({"label": n})).boxed(),
        Shape::HostDraft => (
            text(),
            email(),
            prop_oneof![Just(Value::Null), "[+0-9 ()-]{0,20}".prop_map(Value::from), text().prop_map(Value::from)],
            proptest::collection::vec(l(), 0..3),
            any::<(bool, bool)>(),
            proptest::collection::vec(select(&["email", "sms", "slack", "teams", "pigeon"][..]), 0..4),
            prop_oneof![
                select(&["https://hooks.slack.com/services/T0/B0/x", "http://example.com/x", "http://127.0.0.1:9/x", "javascript:alert(1)"][..]).prop_map(Value::from),
                text().prop_map(Value::from),
                Just(Value::Null),
            ],
            prop_oneof![Just(Value::Null), any::<i64>().prop_map(Value::from)],
        )
            .prop_map(|(name, email, mobile, locations, (lobby, active), channels, url, waiting)| {
                json!({"name": name, "email": email, "mobile": mobile, "location_ids": locations,
                       "lobby_searchable": lobby, "active": active,
                       "prefs": {"channels": channels, "slack_webhook_url": url, "teams_webhook_url": url,
                                 "waiting_minutes": waiting}})
            })
            .boxed(),
        Shape::Webhook => (
            prop_oneof![
                select(&["https://hooks.example.com/in", "http://example.com/in", "http://127.0.0.1:9/in", "ftp://x"][..]).prop_map(String::from),
                text(),
            ],
            proptest::collection::vec(
                prop_oneof![
                    select(&["invite.created", "invite.cancelled", "visitor.checked_in", "visitor.arrived", "visitor.checked_out", "card.assigned"][..]).prop_map(String::from),
                    text(),
                ],
                0..4,
            ),
            text(),
        )
            .prop_map(|(url, events, description)| json!({"url": url, "events": events, "description": description}))
            .boxed(),
        Shape::Csv => Just(Value::Null).boxed(),
        Shape::NewLocation => (text(), b())
            .prop_map(|(n, b)| json!({"name": n, "building_id": b}))
            .boxed(),
        Shape::NewLink => t().prop_map(|t| json!({"tenant_id": t})).boxed(),
        Shape::NewVisitorType => (
            text(),
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(text()),
            proptest::collection::vec(
                (
                    text(),
                    select(&["text", "yes_no", "choice", "essay"][..]),
                    any::<bool>(),
                    proptest::option::of(proptest::collection::vec(text(), 0..4)),
                ),
                0..4,
            ),
        )
            .prop_map(|(name, photo, nda, nda_text, qs)| {
                let qs: Vec<Value> = qs
                    .into_iter()
                    .map(|(label, kind, required, options)| {
                        json!({"label": label, "kind": kind, "required": required, "options": options})
                    })
                    .collect();
                json!({"name": name, "requires_photo": photo, "requires_nda": nda,
                       "nda_text": nda_text, "questions": qs})
            })
            .boxed(),
        Shape::Settings => (any::<bool>(), any::<bool>(), proptest::option::of(vt()), any::<bool>())
            .prop_map(|(a, b, vt, c)| {
                json!({"visitor_management_enabled": a, "sync_building_invitations": b,
                       "sync_visitor_type_id": vt, "card_sync_enabled": c})
            })
            .boxed(),
        Shape::NewInvite => (l(), text(), visitor(), proptest::option::of(vt()), instant(), instant(), any::<bool>())
            .prop_map(|(l, host, v, vt, from, to, notify)| {
                json!({"location_id": l, "host_name": host, "visitor": v, "visitor_type_id": vt,
                       "valid_from": from, "valid_to": to, "notify": notify})
            })
            .boxed(),
        Shape::VisitorPatch => (
            select(&["profile", "invite_and_profile", "everything"][..]),
            proptest::option::of(text()),
            proptest::option::of(email()),
            proptest::option::of(text()),
            proptest::option::of(text()),
        )
            .prop_map(|(scope, name, email, mobile, company)| {
                json!({"scope": scope, "name": name, "email": email, "mobile": mobile, "company": company})
            })
            .boxed(),
        Shape::Validity => (instant(), instant())
            .prop_map(|(f, t)| json!({"valid_from": f, "valid_to": t}))
            .boxed(),
        Shape::Cancel => proptest::option::of(text())
            .prop_map(|r| json!({"reason": r}))
            .boxed(),
        Shape::Card => (
            prop_oneof!["[0-9]{1,12}", text()],
            prop_oneof![select(&["h10301", "mifare", ""][..]).prop_map(String::from), text()],
            any::<bool>(),
        )
            .prop_map(|(n, f, local)| json!({"number": n, "format": f, "local_only": local}))
            .boxed(),
        Shape::Printed => (text(), proptest::option::of(any::<i64>()))
            .prop_map(|(p, j)| json!({"printer": p, "job_id": j}))
            .boxed(),
        Shape::Mutations => proptest::collection::vec(
            (
                prop_oneof!["[0-9a-f-]{36}", text()],
                i(),
                select(&["check_in", "arrive", "check_out", "cancel", "teleport"][..]),
                instant(),
                proptest::option::of(text()),
            )
                .prop_map(|(id, inv, action, at, reason)| {
                    json!({"id": id, "invite_id": inv, "action": action, "at": at, "reason": reason})
                }),
            0..6,
        )
        .prop_map(|m| json!({"mutations": m}))
        .boxed(),
        // The new password is the old one or one the rules refuse: a user whose password the run
        // changed could not be signed in again for the cases after it.
        Shape::PasswordChange => (
            prop_oneof![Just(PASSWORD.to_string()), text()],
            prop_oneof![
                Just(PASSWORD.to_string()),
                text().prop_map(|t| t.chars().take(9).collect()),
                Just("x".repeat(300)),
            ],
        )
            .prop_map(|(c, n)| json!({"current_password": c, "new_password": n}))
            .boxed(),
        Shape::WalkIn => (
            prop_oneof!["[0-9a-f-]{36}", Just("0191d5c3-0000-7000-8000-000000000001".to_string()), text()],
            l(),
            proptest::option::of(id_of(&ids.hosts, ids)),
            text(),
            proptest::option::of(vt()),
            shaped(Shape::Submission, ids),
            instant(),
        )
            .prop_map(|(id, location, host, host_name, vt, submission, at)| {
                json!({"id": id, "location_id": location, "host_id": host, "host_name": host_name,
                       "visitor_type_id": vt, "submission": submission, "arrived_at": at})
            })
            .boxed(),
        Shape::FlowAnswers => shaped(Shape::Submission, ids)
            .prop_map(|mut s| {
                s.as_object_mut().map(|o| o.remove("visitor"));
                s
            })
            .boxed(),
        Shape::DeskAlert => prop_oneof![text(), Just("x".repeat(301))]
            .prop_map(|m| json!({"message": m}))
            .boxed(),
        Shape::Submission => {
            let good = photo_url();
            (
                visitor(),
                proptest::collection::btree_map(
                    prop_oneof![
                        select(&["building.q1", "location.q1", "location.q2"][..]).prop_map(String::from),
                        text()
                    ],
                    hostile(),
                    0..4,
                ),
                prop_oneof![
                    Just(good.clone()),
                    Just(good.replace("image/png", "image/jpeg")),
                    Just(good[..good.len() / 2].to_string()),
                    select(&["", "data:image/png;base64,", "data:image/png;base64,!!!!", "data:,"][..])
                        .prop_map(String::from),
                    text(),
                ],
                proptest::collection::vec(
                    prop_oneof![select(&["building", "location"][..]).prop_map(String::from), text()],
                    0..3,
                ),
                proptest::option::of(text()),
            )
                .prop_map(|(v, answers, photo, ndas, signature)| {
                    json!({"visitor": v, "answers": answers, "photo": photo,
                           "accepted_ndas": ndas, "signature": signature})
                })
                .boxed()
        }
    }
}

/// Bodies that are not the JSON a handler expects at all.
/// A directory CSV: the right header or a wrong one, lines of hostile text, quotes left open,
/// bytes that are not UTF-8.
fn csv_text() -> BoxedStrategy<Vec<u8>> {
    let line = (
        text(),
        prop_oneof!["[a-z]{1,8}@fuzz\\.test", text()],
        text(),
        text(),
        text(),
    )
        .prop_map(|(n, e, m, l, d)| format!("{n},{e},{m},{l},{d},yes,,email"));
    prop_oneof![
        (
            select(
                &[
                    "name,email,mobile,locations,delegate_email,lobby_searchable,active,channels",
                    "name,mail",
                    "",
                    "\u{feff}name,email"
                ][..]
            ),
            proptest::collection::vec(line, 0..20),
        )
            .prop_map(|(head, lines)| format!("{head}\n{}", lines.join("\n")).into_bytes()),
        Just(b"name,email\n\"open quote,a@b.test\n".to_vec()),
        Just(vec![0xFF, 0xFE, b'n', b',', b'e']),
    ]
    .boxed()
}

fn raw_body() -> BoxedStrategy<Payload> {
    let json_ct = |bytes: Vec<u8>| Payload::Raw {
        content_type: "application/json".into(),
        bytes,
    };
    prop_oneof![
        Just(json_ct(vec![])),
        Just(json_ct(b"{".to_vec())),
        Just(json_ct(
            b"{\"name\": \"a\", \"name\": \"b\", \"timezone\": \"UTC\"}".to_vec()
        )),
        Just(json_ct(b"{\"name\": \"\\ud800\"}".to_vec())),
        Just(json_ct(
            b"{\"printer\": \"p\", \"job_id\": 123456789012345678901234567890}".to_vec()
        )),
        Just(json_ct(b"{\"limit\": 1e999999}".to_vec())),
        Just(json_ct(b"\xEF\xBB\xBF{\"name\": \"bom\"}".to_vec())),
        Just(json_ct(vec![0xFF, 0xFE, 0x00, 0x7B, 0x00, 0x7D])),
        (1usize..20_000)
            .prop_map(move |n| json_ct(format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes())),
        (1usize..8_000).prop_map(move |n| json_ct(
            format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n)).into_bytes()
        )),
        // Over the 64 KiB body limit.
        Just(json_ct(
            format!("{{\"name\": \"{}\"}}", "a".repeat(70 * 1024)).into_bytes()
        )),
        (
            select(
                &[
                    "text/plain",
                    "application/x-www-form-urlencoded",
                    "application/json; charset=latin1",
                    "",
                    "application/jsonx"
                ][..]
            ),
            Just(b"{\"name\": \"x\"}".to_vec())
        )
            .prop_map(|(ct, bytes)| Payload::Raw {
                content_type: ct.into(),
                bytes
            }),
    ]
    .boxed()
}

/// A path segment carrying `s`: percent-encoded, or sent raw when it is already an escape.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn segment(id: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop_oneof![
        8 => id.prop_map(|s| encode(&s).chars().take(8000).collect()),
        1 => select(&["%FF", "%00", "%2F", "%", "%zz", "%C0%AF", "..", ".", "a%2Fb", "%E2%80%AE", "%F0%9F"][..])
            .prop_map(String::from),
    ]
    .boxed()
}

fn query(kind: Query, ids: &Ids) -> BoxedStrategy<Option<String>> {
    let origin = || {
        prop_oneof![
            select(
                &[
                    "building",
                    "tenant",
                    "building,tenant",
                    "tenant,,building",
                    "BUILDING",
                    ",",
                    "both",
                    ""
                ][..]
            )
            .prop_map(String::from),
            text()
        ]
    };
    let pairs: BoxedStrategy<Vec<(String, String)>> = match kind {
        Query::None => Just(vec![]).boxed(),
        Query::Logs => proptest::collection::vec(
            prop_oneof![
                origin().prop_map(|v| ("origin".to_string(), v)),
                prop_oneof![
                    select(
                        &[
                            "invited",
                            "checked_in,arrived",
                            "expired,cancelled,checked_out",
                            "gone"
                        ][..]
                    )
                    .prop_map(String::from),
                    text()
                ]
                .prop_map(|v| ("status".to_string(), v)),
                query_date().prop_map(|v| ("from".to_string(), v)),
                query_date().prop_map(|v| ("to".to_string(), v)),
                text().prop_map(|v| ("q".to_string(), v)),
                text().prop_map(|v| ("host".to_string(), v)),
                id_of(&ids.visitor_types, ids).prop_map(|v| ("visitor_type_id".to_string(), v)),
                number_text().prop_map(|v| ("limit".to_string(), v)),
                number_text().prop_map(|v| ("offset".to_string(), v)),
                text().prop_map(|v| ("unknown".to_string(), v)),
            ],
            0..6,
        )
        .boxed(),
        Query::Report => proptest::collection::vec(
            prop_oneof![
                query_date().prop_map(|v| ("from".to_string(), v)),
                query_date().prop_map(|v| ("to".to_string(), v)),
                origin().prop_map(|v| ("origin".to_string(), v)),
            ],
            0..4,
        )
        .boxed(),
        Query::Since => proptest::collection::vec(
            prop_oneof![
                number_text().prop_map(|v| ("since".to_string(), v)),
                number_text().prop_map(|v| ("limit".to_string(), v)),
            ],
            0..3,
        )
        .boxed(),
        Query::Badge => proptest::collection::vec(
            prop_oneof![
                prop_oneof![
                    select(&["label-62x100", "cr80", "poster", "", "../cr80"][..])
                        .prop_map(String::from),
                    text()
                ]
                .prop_map(|v| ("template".to_string(), v)),
                // A resolution in range, out of it (a poster's worth of pixels), or no number.
                prop_oneof![
                    select(&["300", "203", "600", "601", "99999", "-1", "3e2", ""][..])
                        .prop_map(String::from),
                    text()
                ]
                .prop_map(|v| ("dpi".to_string(), v)),
            ],
            0..3,
        )
        .boxed(),
        Query::Hosts => proptest::collection::vec(
            prop_oneof![
                text().prop_map(|v| ("q".to_string(), v)),
                id_of(&ids.locations, ids).prop_map(|v| ("location_id".to_string(), v)),
                prop_oneof![number_text(), text()].prop_map(|v| ("limit".to_string(), v)),
                prop_oneof![number_text(), text()].prop_map(|v| ("offset".to_string(), v)),
                select(&["true", "false", "1", "yes", ""][..])
                    .prop_map(|v| ("active_only".to_string(), v.to_string())),
                select(&["true", "false", "maybe"][..])
                    .prop_map(|v| ("dry_run".to_string(), v.to_string())),
            ],
            0..4,
        )
        .boxed(),
        Query::WalkInFlow => proptest::collection::vec(
            prop_oneof![
                id_of(&ids.locations, ids).prop_map(|v| ("location_id".to_string(), v)),
                id_of(&ids.visitor_types, ids).prop_map(|v| ("visitor_type_id".to_string(), v)),
            ],
            0..3,
        )
        .boxed(),
        Query::Preview => proptest::collection::vec(
            id_of(&ids.visitor_types, ids)
                .prop_map(|v| ("building_visitor_type_id".to_string(), v)),
            0..2,
        )
        .boxed(),
    };
    (
        pairs,
        prop_oneof![
            6 => Just(None),
            1 => select(&["&&=&", "%FF=%FE", "limit", "=1", "a[b]=c", "limit=1&limit=2", "%"][..]).prop_map(Some),
        ],
    )
        .prop_map(|(pairs, garbage)| {
            let mut parts: Vec<String> = pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", encode(v).chars().take(4000).collect::<String>()))
                .collect();
            parts.extend(garbage.map(String::from));
            (!parts.is_empty()).then(|| parts.join("&"))
        })
        .boxed()
}

fn auth(roles: usize) -> BoxedStrategy<Auth> {
    prop_oneof![
        // The platform admin sees everything, so its requests reach the deepest code.
        4 => Just(Auth::Role(0)),
        6 => (0..roles).prop_map(Auth::Role),
        1 => Just(Auth::None),
        1 => select(vec![
            b"Bearer".to_vec(),
            b"Bearer ".to_vec(),
            b"Bearer 00000000".to_vec(),
            b"Basic YWRtaW46cGFzcw==".to_vec(),
            b"bearer lowercase".to_vec(),
            b"Bearer \xFF\xFE".to_vec(),
            format!("Bearer {}", "a".repeat(5000)).into_bytes(),
        ])
        .prop_map(Auth::Header),
    ]
    .boxed()
}

/// One request over one route of the table, or over a method it does not take.
fn request(ids: &Ids, roles: usize) -> BoxedStrategy<Req> {
    let ids = ids.clone();
    (0..ROUTES.len(), proptest::option::weighted(0.1, select(METHODS)))
        .prop_flat_map(move |(route, other_method)| {
            let (method, template, q, shape) = ROUTES[route];
            let seg = |real: &[String]| segment(id_of(real, &ids));
            let garbage = segment(text());
            let files = segment(prop_oneof![
                select(&["app.js", "register.js", "style.css", "index.html", "../Cargo.toml", "x.js"][..])
                    .prop_map(String::from),
                text()
            ].boxed());
            let path = (
                seg(&ids.buildings),
                seg(&ids.tenants),
                seg(&ids.locations),
                prop_oneof![
                    3 => seg(&ids.invites),
                    // An invite the run itself created, picked when the request is sent.
                    2 => any::<u16>().prop_map(|n| format!("{{made:{n}}}")),
                ],
                seg(&ids.tokens),
                files,
                garbage,
                seg(&ids.users),
                seg(&ids.hosts),
                seg(&ids.webhooks),
            )
                .prop_map(move |(b, t, l, i, tok, file, g, u, host, hook)| {
                    let p = template
                        .replace("{building}", &b)
                        .replace("{tenant}", &t)
                        .replace("{location}", &l)
                        .replace("{invite}", &i)
                        .replace("{token}", &tok)
                        .replace("{file}", &file)
                        .replace("{garbage}", &g)
                        .replace("{user}", &u)
                        .replace("{host}", &host)
                        .replace("{webhook}", &hook);
                    match p.strip_prefix('/') {
                        Some(page) if page.starts_with('/') => page.to_string(),
                        _ => format!("/api/v1{p}"),
                    }
                });
            let body: BoxedStrategy<Option<Payload>> = if shape == Shape::None {
                prop_oneof![
                    8 => Just(None),
                    1 => hostile().prop_map(|v| Some(Payload::Json(v))),
                    1 => raw_body().prop_map(Some),
                ]
                .boxed()
            } else if shape == Shape::Csv {
                prop_oneof![
                    8 => csv_text().prop_map(|bytes| Some(Payload::Raw { content_type: "text/csv".into(), bytes })),
                    2 => raw_body().prop_map(Some),
                    1 => Just(None),
                ]
                .boxed()
            } else {
                prop_oneof![
                    8 => (shaped(shape, &ids), mutation()).prop_map(|(v, m)| Some(Payload::Json(apply(v, m)))),
                    2 => raw_body().prop_map(Some),
                    1 => Just(None),
                ]
                .boxed()
            };
            let last_event_id = if template == "/changes/stream" {
                proptest::option::of(number_text()).boxed()
            } else {
                Just(None).boxed()
            };
            (path, query(q, &ids), auth(roles), body, last_event_id).prop_map(
                move |(path, query, auth, body, last_event_id)| Req {
                    method: other_method.unwrap_or(method),
                    path,
                    query,
                    auth,
                    body,
                    last_event_id,
                },
            )
        })
        .boxed()
}

/// `{made:N}` in a path is the Nth (modulo) invite of `made`, the ones the run has created.
fn resolve(path: &str, made: &[String]) -> String {
    let Some(start) = path.find("{made:") else {
        return path.to_string();
    };
    let end = start + path[start..].find('}').unwrap();
    let n: usize = path[start + 6..end].parse().unwrap();
    let id = made
        .get(n % made.len().max(1))
        .map(String::as_str)
        .unwrap_or("none");
    format!("{}{}{}", &path[..start], encode(id), &path[end + 1..])
}

struct Answer {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

fn send(
    http: &reqwest::blocking::Client,
    root: &str,
    tokens: &[String],
    made: &[String],
    r: &Req,
) -> Result<Answer, String> {
    let path = resolve(&r.path, made);
    let url = match &r.query {
        Some(q) => format!("{root}{path}?{q}"),
        None => format!("{root}{path}"),
    };
    let mut req = http.request(
        reqwest::Method::from_bytes(r.method.as_bytes()).unwrap(),
        &url,
    );
    match &r.auth {
        Auth::Role(i) => req = req.bearer_auth(&tokens[*i]),
        Auth::None => {}
        Auth::Header(h) => {
            req = req.header(
                reqwest::header::AUTHORIZATION,
                reqwest::header::HeaderValue::from_bytes(h).unwrap(),
            )
        }
    }
    if let Some(id) = &r.last_event_id {
        if let Ok(v) = reqwest::header::HeaderValue::from_str(id) {
            req = req.header("last-event-id", v);
        }
    }
    match &r.body {
        None => {}
        Some(Payload::Json(v)) => req = req.json(v),
        Some(Payload::Raw {
            content_type,
            bytes,
        }) => {
            if !content_type.is_empty() {
                req = req.header(reqwest::header::CONTENT_TYPE, content_type.as_str());
            }
            req = req.body(bytes.clone());
        }
    }
    let resp = req
        .send()
        .map_err(|e| format!("no answer (the connection was dropped): {e}"))?;
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    // The event stream never ends by itself: its head is the answer.
    if status == 200 && content_type.starts_with("text/event-stream") {
        return Ok(Answer {
            status,
            content_type,
            body: vec![],
        });
    }
    let body = resp
        .bytes()
        .map_err(|e| format!("the answer was cut off: {e}"))?
        .to_vec();
    Ok(Answer {
        status,
        content_type,
        body,
    })
}

fn check(r: &Req, a: &Answer) -> Result<(), String> {
    let text = String::from_utf8_lossy(&a.body);
    let shown: String = text.chars().take(400).collect();
    // A deployment without the built front end says so on the pages, on purpose.
    let ui_not_built =
        a.status == 503 && !r.path.starts_with("/api/") && text.contains("\"ui_not_built\"");
    if a.status >= 500 && !ui_not_built {
        return Err(format!("server error {}: {shown}", a.status));
    }
    // The host's "On my way" page answers a person, in HTML, whatever the outcome.
    let page_for_people =
        r.path.starts_with("/on-my-way/") && a.content_type.starts_with("text/html");
    if a.status >= 400 && !page_for_people {
        let v: Value = serde_json::from_slice(&a.body).map_err(|_| {
            format!(
                "a {} whose body is not JSON: {shown:?} ({})",
                a.status, a.content_type
            )
        })?;
        let e = &v["error"];
        let ok = e["code"].as_str().is_some_and(|c| !c.is_empty())
            && e["message"].as_str().is_some_and(|m| !m.is_empty())
            && v.as_object().is_some_and(|o| o.len() == 1);
        if !ok {
            return Err(format!("a {} not in the error shape: {shown}", a.status));
        }
    }
    Ok(())
}

#[test]
fn every_endpoint_survives_hostile_requests() {
    let (w, b, t, flow_token) = common::flow_world();
    let (pb, pt) = w.synced_pair("Grace Hopper");
    let tenant_made = common::id(&w.tenant_invite("Alan Turing")["invite"]);
    let blue = common::id(&w.building_invite(&w.blue_loc, "Radia Perlman")["invite"]);
    // One visit registered with a real photo, so badges and the photo endpoint have one.
    let pair_token = w.registration_token(&pb);
    w.s.request(
        "POST",
        &format!("/registrations/{pair_token}"),
        None,
        Some(
            &json!({"visitor": {"name": "Grace Hopper", "email": null, "mobile": null},
                     "answers": {"building.q1": true, "location.q1": "Vega"}, "photo": photo_url(),
                     "accepted_ndas": ["location"], "signature": "Grace Hopper"}),
        ),
    )
    .ok();
    let roles: Vec<(&str, String)> = vec![
        (common::ADMIN_EMAIL, w.admin.clone()),
        ("ba@hq.test", w.building_admin.clone()),
        ("lobby@hq.test", w.building_desk.clone()),
        ("ba@quay.test", w.other_building_admin.clone()),
        ("admin@acme.test", w.acme_admin.clone()),
        ("desk@acme.test", w.acme_desk.clone()),
        ("admin@blue.test", w.blue_admin.clone()),
        ("admin@cobalt.test", w.cobalt_admin.clone()),
    ];
    let ids = Ids {
        buildings: vec![w.building.clone(), w.other_building.clone()],
        tenants: vec![w.acme.clone(), w.blue.clone(), w.cobalt.clone()],
        locations: vec![w.acme_loc.clone(), w.blue_loc.clone(), w.cobalt_loc.clone()],
        invites: vec![b, t, pb, pt, tenant_made, blue],
        visitor_types: vec![
            w.building_type.clone(),
            w.acme_type.clone(),
            w.blue_type.clone(),
        ],
        tokens: vec![flow_token, pair_token],
        emails: roles.iter().map(|(e, _)| e.to_string()).collect(),
        users: roles
            .iter()
            .map(|(_, t)| common::id(&w.s.get(t, "/me").ok()))
            .collect(),
        hosts: [
            (format!("/tenants/{}/hosts", w.acme), "grace@acme.test"),
            (format!("/tenants/{}/hosts", w.blue), "blue@blue.test"),
            (
                format!("/buildings/{}/hosts", w.building),
                "guard@tower.test",
            ),
        ]
        .iter()
        .map(|(dir, email)| {
            common::id(
                &w.s.post(
                    &w.admin,
                    dir,
                    json!({"name": "Grace Hopper", "email": email, "lobby_searchable": true}),
                )
                .ok(),
            )
        })
        .collect(),
        webhooks: [
            format!("/tenants/{}/webhooks", w.acme),
            format!("/buildings/{}/webhooks", w.building),
        ]
        .iter()
        .map(|path| {
            common::id(
                &w.s.post(
                    &w.admin,
                    path,
                    json!({"url": "https://hooks.example.com/in", "events": ["visitor.arrived"]}),
                )
                .ok()["endpoint"],
            )
        })
        .collect(),
    };
    let tokens = RefCell::new(roles.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>());
    let root = format!("http://{}", w.s.addr);
    // The cases come from another loopback address than the harness's own sign-ins, so the
    // throttle the cases' wrong passwords set off on their address does not fall on those.
    let http = reqwest::blocking::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .timeout(std::time::Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cases = std::env::var("FRONTDESK_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    });
    let started = std::time::Instant::now();
    let seen = RefCell::new(std::collections::BTreeMap::<u16, usize>::new());
    // Visitors named in every script (those the validation lets through), so badges, logs and
    // CSV exports of such names are among what the cases reach.
    let mut invites = ids.invites.clone();
    for name in SCRIPTS {
        let mut body = w.invite_body(&w.acme_loc, "x");
        body["visitor"]["name"] = json!(name);
        body["visitor"]["company"] = json!(name);
        body["host_name"] = json!(format!("{name} host"));
        let r = w.s.post(
            &w.building_admin,
            &format!("/buildings/{}/invites", w.building),
            body,
        );
        if r.status == 201 {
            invites.push(common::id(&r.body["invite"]));
        }
    }
    eprintln!(
        "fuzz: {} of {} visitor names in other scripts were accepted",
        invites.len() - ids.invites.len(),
        SCRIPTS.len()
    );
    let made = RefCell::new(invites);
    let result = runner.run(&request(&ids, roles.len()), |r| {
        let answer = send(&http, &root, &tokens.borrow(), &made.borrow(), &r)
            .map_err(TestCaseError::fail)?;
        // Invites the run creates join the ids later cases use: their unicode names and odd
        // validity reach the badge, the logs and the CSV.
        if answer.status == 201 {
            if let Ok(v) = serde_json::from_slice::<Value>(&answer.body) {
                for id in [&v["invite"]["id"], &v["sync"]["linked_invite_id"]] {
                    if let Some(id) = id.as_str() {
                        made.borrow_mut().push(id.to_string());
                    }
                }
            }
        }
        *seen.borrow_mut().entry(answer.status).or_insert(0) += 1;
        check(&r, &answer).map_err(TestCaseError::fail)?;
        // A sign-out, a disable or an admin ending sessions leaves a user signed out: enable
        // them and sign them in again for the cases after it (the platform admin first, who
        // does the enabling and whom nobody can disable).
        for (i, ((email, _), user)) in roles.iter().zip(&ids.users).enumerate() {
            if w.s.get(&tokens.borrow()[i], "/me").status == 401 {
                if i > 0 {
                    let admin = tokens.borrow()[0].clone();
                    w.s.post(&admin, &format!("/users/{user}/enable"), json!({}))
                        .ok();
                }
                let token = sign_in_again(&w, email);
                tokens.borrow_mut()[i] = token;
            }
        }
        // Still alive, and still reading and writing its database.
        let health = w.s.request("GET", "/health", None, None);
        prop_assert_eq!((health.status, health.text.as_str()), (200, "ok"));
        let me = w.s.get(&tokens.borrow()[0], "/me");
        prop_assert_eq!(me.status, 200, "{}", me.text);
        Ok(())
    });
    eprintln!(
        "fuzz: {cases} cases in {:.1} s; answers by status: {:?}",
        started.elapsed().as_secs_f64(),
        seen.borrow()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Sign in, waiting out the throttle that the run's own wrong passwords may have set off.
fn sign_in_again(w: &World, email: &str) -> String {
    loop {
        let r = w.s.request(
            "POST",
            "/auth/login",
            None,
            Some(&json!({"email": email, "password": PASSWORD})),
        );
        if r.status != 429 {
            return r.ok()["token"].as_str().unwrap().to_string();
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// What the fuzz found (the first two) and what probing the edge values it sends found (the
/// rest), replayed on every run whatever the seed: each was answered in plain text, with an
/// empty body, with a 500, or not at all (a panic in the handler).
#[test]
fn what_the_fuzz_found_stays_fixed() {
    let w = World::new();
    for i in 0..3 {
        w.synced_pair(&format!("Visitor {i}"));
    }
    let http = reqwest::blocking::Client::new();
    let root = format!("http://{}", w.s.addr);
    let tokens = [w.admin.clone()];
    let get = |path: String| Req {
        method: "GET",
        path: format!("/api/v1{path}"),
        query: None,
        auth: Auth::Role(0),
        body: None,
        last_event_id: None,
    };
    let answer = |r: &Req| {
        let a = send(&http, &root, &tokens, &[], r).unwrap();
        check(r, &a).unwrap();
        let v: Value = serde_json::from_slice(&a.body).unwrap_or(Value::Null);
        (a.status, v)
    };
    let code = |v: &Value| v["error"]["code"].as_str().unwrap_or("").to_string();
    let logs = format!("/buildings/{}/visitor-logs", w.building);

    // A path parameter that is not UTF-8 once decoded: axum's own plain-text 400.
    let mut r = get("/invites/%C0%AF/cancel".into());
    r.method = "POST";
    let (status, v) = answer(&r);
    assert_eq!((status, code(&v).as_str()), (400, "invalid_path"));
    // An asset of the front end that does not exist: an empty 404.
    let mut r = get(String::new());
    r.path = "/register/assets/nothing-here.js".into();
    assert_eq!(answer(&r).0, 404);
    // An offset over usize::MAX - limit overflowed `offset + limit` (no answer), and one over
    // i64::MAX wrapped to a negative SQL offset, answering the first page.
    for offset in ["18446744073709551615", "9223372036854775808"] {
        let (status, v) = answer(&Req {
            query: Some(format!("limit=1&offset={offset}")),
            ..get(logs.clone())
        });
        assert_eq!(status, 200);
        assert_eq!(v["items"], json!([]), "offset {offset} is past the end");
        assert_eq!(v["next_offset"], Value::Null);
    }
    let (status, v) = answer(&Req {
        query: Some("limit=1&offset=0".into()),
        ..get(logs.clone())
    });
    assert_eq!((status, v["next_offset"].clone()), (200, json!(1)));
    // A `from` in chrono's first year: the store's `from - 366 days` panicked (a 500).
    let (status, v) = answer(&Req {
        query: Some("from=-262143-01-01".into()),
        ..get(logs)
    });
    assert_eq!(status, 200);
    assert_eq!(
        v["items"].as_array().unwrap().len(),
        3,
        "every visit is after that"
    );
    // A report `to` in chrono's first month: `to - 30 days` panicked (no answer).
    let (status, v) = answer(&Req {
        query: Some("to=-262143-01-02".into()),
        ..get(format!("/buildings/{}/activity-report", w.building))
    });
    assert_eq!((status, code(&v).as_str()), (422, "invalid_filter"));
}

/// The fuzz covers every route of the router: a route added to `routes/mod.rs` and not to
/// [`ROUTES`] fails here, so it does not go unfuzzed.
#[test]
fn the_fuzz_knows_every_route() {
    let table = include_str!("../src/routes/mod.rs");
    let shape = |p: &str| {
        let mut out = String::new();
        let mut in_param = false;
        for c in p.chars() {
            match c {
                '{' => {
                    in_param = true;
                    out.push_str("{}");
                }
                '}' => in_param = false,
                c if !in_param => out.push(c),
                _ => {}
            }
        }
        out
    };
    let known: Vec<String> = ROUTES
        .iter()
        .map(|(_, p, _, _)| {
            shape(
                p.strip_prefix('/')
                    .filter(|p| p.starts_with('/'))
                    .unwrap_or(p),
            )
        })
        .collect();
    let routes: Vec<&str> = table
        .split(".route(")
        .skip(1)
        .filter_map(|r| r.trim_start().strip_prefix('"'))
        .map(|r| r.split('"').next().unwrap())
        .collect();
    assert!(
        routes.len() > 40,
        "the route table was not read: {routes:?}"
    );
    for r in routes {
        assert!(known.contains(&shape(r)), "{r} is not in the fuzz's ROUTES");
    }
}
