//! The API's OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` and the wire
//! types of `frontdesk-api`, served at `/api/v1/openapi.json` and as a reference page at
//! `/api/v1/docs`. `docs/openapi.json` is a copy checked in for readers and tools; a test fails
//! when it differs from what the code generates.

use std::fmt::Write as _;
use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use frontdesk_api::ErrorBody;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    badges, desk, feed, hosts, identity, invites, kiosk, logs, places, visitor, webhooks,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Frontdesk portal API",
        description = "The Building and Tenant Portal API: invites and their linked copies, \
            visitor logs, the change feed, the desk's push, the visitor's pre-registration. \
            Sign in with `POST /api/v1/auth/login` and send the token as \
            `Authorization: Bearer <token>`. Every error answers `{\"error\":{\"code\",\"message\"}}`.",
    ),
    paths(
        crate::routes::health,
        identity::login, identity::logout, identity::me, identity::change_password,
        identity::create_user, identity::disable_user, identity::enable_user,
        identity::end_sessions,
        places::create_building, places::building, places::create_tenant,
        places::create_location, places::locations, places::location, places::link_tenant,
        places::tenant_links, places::unlink_tenant, places::directory,
        places::create_building_visitor_type, places::building_visitor_types,
        places::create_location_visitor_type, places::location_visitor_types,
        places::settings, places::save_settings,
        invites::create_at_building, invites::create_at_location, invites::get,
        invites::update_visitor, invites::change_validity, invites::resend, invites::cancel,
        invites::check_in, invites::arrive, invites::check_out, invites::assign_card,
        invites::remove_card, invites::activity,
        badges::pdf, badges::png, badges::printed,
        logs::building_logs, logs::building_csv, logs::building_summary,
        logs::location_logs, logs::location_csv, logs::location_summary,
        logs::tenant_report, logs::building_report,
        feed::changes, feed::stream, feed::notifications,
        desk::push,
        hosts::tenant_hosts, hosts::create_tenant_host, hosts::import_tenant_hosts,
        hosts::building_hosts, hosts::create_building_host, hosts::import_building_hosts,
        hosts::location_hosts, hosts::get_host, hosts::replace_host, hosts::delete_host,
        hosts::host_search, hosts::create_scim_token, hosts::scim_tokens,
        hosts::revoke_scim_token,
        webhooks::create_tenant_webhook, webhooks::tenant_webhooks,
        webhooks::create_building_webhook, webhooks::building_webhooks,
        webhooks::delete_webhook, webhooks::deliveries,
        visitor::record, visitor::photo, visitor::preview, visitor::open, visitor::submit,
        kiosk::flow, kiosk::places, kiosk::walk_in, kiosk::arrival_needs,
        kiosk::give_arrival_needs, kiosk::raise_alert, kiosk::clear_alert,
        document, reference,
    ),
    components(schemas(ErrorBody, frontdesk_api::WebhookPayload)),
    modifiers(&BearerToken, &ErrorAnswers),
)]
struct ApiDoc;

/// The `bearer` scheme the operations name: the token from `POST /api/v1/auth/login`.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, doc: &mut Document) {
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
    }
}

/// Every operation may fail with the API's one error shape (400 malformed, 401 not signed in,
/// 403, 404, 409, 413, 422, 429, …): said once, as each operation's `default` answer, rather
/// than on every handler.
struct ErrorAnswers;

impl Modify for ErrorAnswers {
    fn modify(&self, doc: &mut Document) {
        let error = ResponseBuilder::new()
            .description("The request was refused; `code` says why, `message` in words")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                op.responses
                    .responses
                    .entry("default".into())
                    .or_insert_with(|| RefOr::T(error.clone()));
            }
        }
    }
}

/// The document as served and checked in: pretty JSON with a final newline.
pub fn document_json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut json = ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        json.push('\n');
        json
    })
}

/// This document (OpenAPI 3.1).
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "service",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object)))]
pub async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_json(),
    )
        .into_response()
}

/// This reference page: the document rendered on the server as one self-contained HTML page
/// (no script, no CDN: the desk PCs and the building's network may have no internet).
#[utoipa::path(get, path = "/api/v1/docs", tag = "service",
    responses((status = 200, description = "The API reference", content_type = "text/html", body = String)))]
pub async fn reference() -> Response {
    static PAGE: OnceLock<String> = OnceLock::new();
    let page = PAGE.get_or_init(|| render(&ApiDoc::openapi()));
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
            ),
        ],
        page.as_str(),
    )
        .into_response()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn render(doc: &Document) -> String {
    let json = serde_json::to_value(doc).unwrap_or_default();
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Frontdesk API reference</title><style>\
         body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
         h2{margin-top:2.5rem;border-bottom:1px solid #ccc}h3{margin:1.5rem 0 .25rem;font-size:1rem}\
         code,pre{font:13px ui-monospace,monospace;background:#f4f4f4}pre{padding:.5rem;overflow:auto}\
         .m{display:inline-block;min-width:4.5rem;font-weight:bold}.lock{color:#a60}\
         table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}\
         </style></head><body>",
    );
    let info = &json["info"];
    let _ = write!(
        html,
        "<h1>{} <small>{}</small></h1><p>{}</p><p>The machine-readable document: \
         <a href=\"openapi.json\">openapi.json</a>.</p>",
        esc(info["title"].as_str().unwrap_or_default()),
        esc(info["version"].as_str().unwrap_or_default()),
        esc(info["description"].as_str().unwrap_or_default()),
    );
    let _ = write!(html, "<h2>Operations</h2>");
    if let Some(paths) = json["paths"].as_object() {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else {
                continue;
            };
            for (method, op) in ops {
                render_operation(&mut html, path, method, op);
            }
        }
    }
    let _ = write!(html, "<h2>Schemas</h2>");
    if let Some(schemas) = json["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let pretty = serde_json::to_string_pretty(schema).unwrap_or_default();
            let _ = write!(
                html,
                "<h3 id=\"{0}\">{0}</h3><pre>{1}</pre>",
                esc(name),
                esc(&pretty)
            );
        }
    }
    html.push_str("</body></html>\n");
    html
}

fn render_operation(html: &mut String, path: &str, method: &str, op: &serde_json::Value) {
    let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
    let _ = write!(
        html,
        "<h3><span class=\"m\">{}</span><code>{}</code>{}</h3><p>{}</p>",
        esc(&method.to_uppercase()),
        esc(path),
        if secured {
            " <span class=\"lock\">(bearer token)</span>"
        } else {
            ""
        },
        esc(op["description"]
            .as_str()
            .or(op["summary"].as_str())
            .unwrap_or_default()),
    );
    let schema_name = |v: &serde_json::Value| -> String {
        let text = serde_json::to_string(v).unwrap_or_default();
        text.replace("#/components/schemas/", "")
    };
    if let Some(params) = op["parameters"].as_array() {
        html.push_str("<table><tr><th>parameter</th><th>in</th><th>schema</th><th></th></tr>");
        for p in params {
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(p["name"].as_str().unwrap_or_default()),
                esc(p["in"].as_str().unwrap_or_default()),
                esc(&schema_name(&p["schema"])),
                esc(p["description"].as_str().unwrap_or_default()),
            );
        }
        html.push_str("</table>");
    }
    if let Some(content) = op["requestBody"]["content"].as_object() {
        for (ty, c) in content {
            let _ = write!(
                html,
                "<p>Body ({}): <code>{}</code></p>",
                esc(ty),
                esc(&schema_name(&c["schema"]))
            );
        }
    }
    if let Some(responses) = op["responses"].as_object() {
        html.push_str("<table><tr><th>answer</th><th></th><th>body</th></tr>");
        for (status, r) in responses {
            let body = r["content"]
                .as_object()
                .map(|c| {
                    c.iter()
                        .map(|(ty, c)| format!("{ty}: {}", schema_name(&c["schema"])))
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default();
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                esc(status),
                esc(r["description"].as_str().unwrap_or_default()),
                esc(&body)
            );
        }
        html.push_str("</table>");
    }
}
