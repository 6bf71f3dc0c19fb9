//! The one typed client of the portal service's `/api/v1`: the desk app, its sync engine and the
//! `frontdesk` CLI reach the portal through it and nothing else.
//!
//! Blocking, since all three callers are: the desk's window commands and worker threads and the
//! CLI each wait for the answer. A [`Transport`] holds the connections and the timeouts (one per
//! caller and purpose: the event stream needs no overall timeout); a [`Client`] is a portal's
//! address on a transport, signed in or not, with one method per endpoint taking and returning
//! `frontdesk-api` types.
//!
//! Every failure is one [`ClientError`], and the desk's offline behaviour rests on its variants:
//! [`ClientError::Offline`] (nothing came back: the arrival waits in the outbox),
//! [`ClientError::Refused`] (the portal answered no, with its code and message for the person at
//! the desk) and [`ClientError::Unexpected`] (an answer that is not the portal's contract).

mod error;
mod stream;

use std::time::Duration;

use frontdesk_api::{
    ArrivalNeeds, BadgeParams, Building, CardRequest, ChangesPage, Created, DeskAlert,
    DirectoryEntry, Event, FlowAnswers, Host, HostDraft, HostHit, HostPage, ImportReport,
    InviteView, Location, LocationSettings, LogParams, Login, NewInvite, Portal, PortalKind,
    Printed, Push, PushResults, Resent, SignedIn, Since, Summary, User, Validity, VisitorPatch,
    WalkIn, WalkInDone, WalkInFlow, WalkInPlaces,
};
use reqwest::blocking::{RequestBuilder, Response};
use reqwest::Method;
use serde::de::DeserializeOwned;

pub use error::{ClientError, Result};
pub use reqwest::{StatusCode, Url};
pub use stream::{ChangeStream, StreamItem};

/// A badge as the portal rendered it: the file, and the template's name and size in mm.
#[derive(Debug, Clone)]
pub struct BadgeFile {
    pub bytes: Vec<u8>,
    pub template: String,
    pub width_mm: f32,
    pub height_mm: f32,
}

/// Connections to portals and how long to wait for them, shared by every [`Client`] made on it
/// (cloning shares the connection pool).
#[derive(Clone)]
pub struct Transport {
    http: reqwest::blocking::Client,
}

impl Transport {
    /// `connect`: how long to wait for a connection; `answer`: for the whole exchange, or none
    /// for a response that stays open (the change stream).
    pub fn new(connect: Duration, answer: Option<Duration>) -> Result<Self> {
        // Set even when none: reqwest's blocking client otherwise gives up after 30 s.
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(connect)
            .timeout(answer)
            .build()
            .map_err(|e| ClientError::Setup(e.to_string()))?;
        Ok(Self { http })
    }
}

/// One portal service, at its base address (`https://portal.example`, without `/api/v1`), with
/// a session's token or none (to sign in).
#[derive(Clone)]
pub struct Client {
    http: reqwest::blocking::Client,
    base: Url,
    token: Option<String>,
}

impl Client {
    pub fn new(transport: &Transport, base: &str) -> Result<Self> {
        let base = Url::parse(base.trim_end_matches('/'))
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| ClientError::Address(base.to_string()))?;
        Ok(Self {
            http: transport.http.clone(),
            base,
            token: None,
        })
    }

    /// The same portal, with a session's token sent as `Authorization: Bearer`.
    pub fn signed_in(&self, token: &str) -> Self {
        Self {
            token: Some(token.to_string()),
            ..self.clone()
        }
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// `POST /auth/login`: the session's token and who signed in.
    pub fn login(&self, login: &Login) -> Result<SignedIn> {
        self.json(self.request(Method::POST, &["auth", "login"])?.json(login))
    }

    /// `POST /auth/logout`: the portal forgets this client's token.
    pub fn logout(&self) -> Result<()> {
        self.send(self.request(Method::POST, &["auth", "logout"])?)
            .map(drop)
    }

    pub fn me(&self) -> Result<User> {
        self.get(&["me"])
    }

    pub fn building(&self, id: &str) -> Result<Building> {
        self.get(&["buildings", id])
    }

    pub fn location(&self, id: &str) -> Result<Location> {
        self.get(&["locations", id])
    }

    pub fn tenant_locations(&self, tenant: &str) -> Result<Vec<Location>> {
        self.get(&["tenants", tenant, "locations"])
    }

    /// The tenant locations a building desk invites visitors for.
    pub fn directory(&self, building: &str) -> Result<Vec<DirectoryEntry>> {
        self.get(&["buildings", building, "directory"])
    }

    /// The lobby's host search: the building's staff and linked tenants' searchable hosts.
    pub fn host_search(&self, building: &str, q: &str) -> Result<Vec<HostHit>> {
        self.json(
            self.request(Method::GET, &["buildings", building, "host-search"])?
                .query(&[("q", q)]),
        )
    }

    /// The active hosts a location's desk may pick, by part of their name.
    pub fn location_hosts(&self, location: &str, q: &str) -> Result<HostPage> {
        self.json(
            self.request(Method::GET, &["locations", location, "hosts"])?
                .query(&[("q", q)]),
        )
    }

    /// One page of a directory: `("tenants", id)` or `("buildings", id)`.
    pub fn directory_hosts(&self, dir: (&str, &str), q: &str, offset: usize) -> Result<HostPage> {
        self.json(
            self.request(Method::GET, &[dir.0, dir.1, "hosts"])?
                .query(&[("q", q), ("limit", "200"), ("offset", &offset.to_string())]),
        )
    }

    pub fn create_host(&self, dir: (&str, &str), draft: &HostDraft) -> Result<Host> {
        self.json(
            self.request(Method::POST, &[dir.0, dir.1, "hosts"])?
                .json(draft),
        )
    }

    pub fn replace_host(&self, id: &str, draft: &HostDraft) -> Result<Host> {
        self.json(self.request(Method::PUT, &["hosts", id])?.json(draft))
    }

    /// Import a directory from CSV; with `dry_run` (or any error) nothing changes.
    pub fn import_hosts(
        &self,
        dir: (&str, &str),
        csv: &str,
        dry_run: bool,
    ) -> Result<ImportReport> {
        self.json(
            self.request(Method::POST, &[dir.0, dir.1, "hosts", "import"])?
                .query(&[("dry_run", dry_run)])
                .header(reqwest::header::CONTENT_TYPE, "text/csv; charset=utf-8")
                .body(csv.to_owned()),
        )
    }

    /// A new invite at a building or a location portal, and whether its linked copy was made.
    pub fn create_invite(&self, portal: &Portal, invite: &NewInvite) -> Result<Created> {
        let (kind, id) = place(portal);
        self.json(
            self.request(Method::POST, &[kind, id, "invites"])?
                .json(invite),
        )
    }

    pub fn resend(&self, invite: &str) -> Result<Resent> {
        self.json(self.request(Method::POST, &["invites", invite, "resend"])?)
    }

    pub fn change_validity(&self, invite: &str, validity: &Validity) -> Result<InviteView> {
        self.json(
            self.request(Method::PUT, &["invites", invite, "validity"])?
                .json(validity),
        )
    }

    pub fn update_visitor(&self, invite: &str, patch: &VisitorPatch) -> Result<InviteView> {
        self.json(
            self.request(Method::PATCH, &["invites", invite, "visitor"])?
                .json(patch),
        )
    }

    /// Assign an access card. With card sync off on a linked pair the portal refuses with
    /// `card_sync_blocked`; sending again with `local_only` assigns it on this side only.
    pub fn assign_card(&self, invite: &str, card: &CardRequest) -> Result<InviteView> {
        self.json(
            self.request(Method::PUT, &["invites", invite, "card"])?
                .json(card),
        )
    }

    pub fn activity(&self, invite: &str) -> Result<Vec<Event>> {
        self.get(&["invites", invite, "activity"])
    }

    /// The badge as the portal renders it (by default its template for the visitor type), as a
    /// PDF or, with `params.dpi`, as a black-and-white PNG at that resolution.
    pub fn badge(&self, invite: &str, params: &BadgeParams, png: bool) -> Result<BadgeFile> {
        let file = if png { "badge.png" } else { "badge.pdf" };
        let r = self.send(
            self.request(Method::GET, &["invites", invite, file])?
                .query(params),
        )?;
        let header = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
                .ok_or_else(|| ClientError::Unexpected(format!("the badge came without {name}")))
        };
        let template = header("x-badge-template")?;
        let size = header("x-badge-size-mm")?;
        let (width_mm, height_mm) = size
            .split_once('x')
            .and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?)))
            .ok_or_else(|| {
                ClientError::Unexpected(format!("the badge's size {size:?} is not WxH"))
            })?;
        let bytes = r.bytes().map_err(error::unreachable)?.to_vec();
        Ok(BadgeFile {
            bytes,
            template,
            width_mm,
            height_mm,
        })
    }

    pub fn badge_printed(&self, invite: &str, printed: &Printed) -> Result<()> {
        self.send(
            self.request(Method::POST, &["invites", invite, "badge-printed"])?
                .json(printed),
        )
        .map(drop)
    }

    /// The Visitor Summary widget of a portal, under the visitor logs' filters.
    pub fn visitor_summary(&self, portal: &Portal, filter: &LogParams) -> Result<Summary> {
        let (kind, id) = place(portal);
        self.json(
            self.request(Method::GET, &[kind, id, "visitor-summary"])?
                .query(filter),
        )
    }

    /// A portal's visitor log as CSV, as the portal streams it.
    pub fn visitor_log_csv(&self, portal: &Portal, filter: &LogParams) -> Result<Vec<u8>> {
        let (kind, id) = place(portal);
        self.bytes(
            self.request(Method::GET, &[kind, id, "visitor-logs.csv"])?
                .query(filter),
        )
    }

    pub fn location_settings(&self, location: &str) -> Result<LocationSettings> {
        self.get(&["locations", location, "settings"])
    }

    pub fn save_location_settings(
        &self,
        location: &str,
        settings: &LocationSettings,
    ) -> Result<LocationSettings> {
        self.json(
            self.request(Method::PUT, &["locations", location, "settings"])?
                .json(settings),
        )
    }

    /// One page of the change feed after a cursor.
    pub fn changes(&self, since: &Since) -> Result<ChangesPage> {
        self.json(self.request(Method::GET, &["changes"])?.query(since))
    }

    /// The change feed after `since` as server-sent events, open until the portal ends it. Use
    /// a client on a [`Transport`] without an overall timeout.
    pub fn change_stream(&self, since: i64) -> Result<ChangeStream> {
        let r = self.send(
            self.request(Method::GET, &["changes", "stream"])?
                .query(&[("since", since)]),
        )?;
        Ok(ChangeStream::new(r))
    }

    /// A desk's changes (at most [`frontdesk_api::limits::MAX_MUTATIONS_PER_PUSH`]), each
    /// applied exactly once; one outcome each, in the order sent.
    pub fn push(&self, push: &Push) -> Result<PushResults> {
        self.json(self.request(Method::POST, &["mutations"])?.json(push))
    }

    /// What a walk-in to `location` (as the building's `visitor_type`) is asked, and whether
    /// the visit would sync to the tenant.
    pub fn walk_in_flow(
        &self,
        building: &str,
        location: &str,
        visitor_type: Option<&str>,
    ) -> Result<WalkInFlow> {
        let mut query = vec![("location_id", location)];
        if let Some(vt) = visitor_type {
            query.push(("visitor_type_id", vt));
        }
        self.json(
            self.request(Method::GET, &["buildings", building, "walk-in-flow"])?
                .query(&query),
        )
    }

    /// The building's locations a walk-in may pick, and its visitor types.
    pub fn walk_in_places(&self, building: &str) -> Result<WalkInPlaces> {
        self.get(&["buildings", building, "walk-in-places"])
    }

    /// A walk-in registered at the kiosk, applied once per `walk_in.id`: sent again, it answers
    /// the visit it made with `replayed`.
    pub fn walk_in(&self, building: &str, walk_in: &WalkIn) -> Result<WalkInDone> {
        self.json(
            self.request(Method::POST, &["buildings", building, "walk-ins"])?
                .json(walk_in),
        )
    }

    /// What a pre-registered visitor still owes on arrival.
    pub fn arrival_needs(&self, invite: &str) -> Result<ArrivalNeeds> {
        self.get(&["invites", invite, "arrival-needs"])
    }

    /// Give what the visitor owed; answers what is still owed (empty when done).
    pub fn give_arrival_needs(&self, invite: &str, given: &FlowAnswers) -> Result<ArrivalNeeds> {
        self.json(
            self.request(Method::POST, &["invites", invite, "arrival-needs"])?
                .json(given),
        )
    }

    /// Raise a desk alert on the visit, for the receptionist's console.
    pub fn raise_desk_alert(&self, invite: &str, alert: &DeskAlert) -> Result<InviteView> {
        self.json(
            self.request(Method::POST, &["invites", invite, "desk-alert"])?
                .json(alert),
        )
    }

    /// Clear the visit's desk alert.
    pub fn clear_desk_alert(&self, invite: &str) -> Result<InviteView> {
        self.json(self.request(Method::DELETE, &["invites", invite, "desk-alert"])?)
    }

    fn get<T: DeserializeOwned>(&self, path: &[&str]) -> Result<T> {
        self.json(self.request(Method::GET, path)?)
    }

    /// A request to `/api/v1/` and the path's segments, each escaped as one segment (an id can
    /// never reach another endpoint).
    fn request(&self, method: Method, path: &[&str]) -> Result<RequestBuilder> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| ClientError::Address(self.base.to_string()))?
            .pop_if_empty()
            .extend(["api", "v1"])
            .extend(path);
        let req = self.http.request(method, url);
        Ok(match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        })
    }

    fn send(&self, req: RequestBuilder) -> Result<Response> {
        let r = req.send().map_err(error::unreachable)?;
        if !r.status().is_success() {
            return Err(error::refusal(r));
        }
        Ok(r)
    }

    fn bytes(&self, req: RequestBuilder) -> Result<Vec<u8>> {
        Ok(self
            .send(req)?
            .bytes()
            .map_err(error::unreachable)?
            .to_vec())
    }

    fn json<T: DeserializeOwned>(&self, req: RequestBuilder) -> Result<T> {
        let body = self.bytes(req)?;
        serde_json::from_slice(&body).map_err(|e| ClientError::Unexpected(e.to_string()))
    }
}

/// The path of a building's or a location's portal.
fn place(portal: &Portal) -> (&'static str, &str) {
    let kind = match portal.kind {
        PortalKind::Building => "buildings",
        PortalKind::Location => "locations",
    };
    (kind, &portal.id)
}
