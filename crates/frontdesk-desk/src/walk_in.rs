//! The kiosk's visits: walk-ins, what a pre-registered visitor still owes, and the problems the
//! kiosk reports to reception.
//!
//! A walk-in is made on the desk (its id, its time) and sent at once; when the portal cannot be
//! reached it waits in the cache's queue and the sync loop sends it later, with the time it
//! happened, so the host is told as soon as the connection is back. What the kiosk shows before
//! the visit exists (the companies, each one's check-in flow) is kept from the last time the
//! portal answered, so a walk-in can be taken offline too.

use std::collections::BTreeMap;

use chrono::Utc;
use frontdesk_api::{
    ArrivalNeeds, DeskAlert, FlowAnswers, Submission, WalkIn, WalkInFlow, WalkInPlaces,
};
use frontdesk_core::{id, Id, VisitorType};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::{Console, DeskError, Result};

/// A walk-in as the kiosk's window sends it; the desk gives it its id and time.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct KioskWalkIn {
    pub location_id: Id<id::Location>,
    pub host_id: Option<Id<frontdesk_core::Host>>,
    pub host_name: String,
    pub visitor_type_id: Option<Id<VisitorType>>,
    pub submission: Submission,
}

/// What the kiosk could not do for a visitor, for reception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KioskProblem {
    /// No printer is set up at the kiosk.
    NoPrinter,
    /// The badge did not print (on any printer).
    Badge,
    /// The card encoder did not write the card.
    Card,
    /// The card was written but its assignment hit "Card sync blocked".
    CardSync,
}

/// What became of a walk-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WalkInOutcome {
    /// The building's invite; None while the walk-in waits for the connection.
    pub invite_id: Option<String>,
    /// Waiting in the desk's queue: the host is told when it reaches the portal.
    pub queued: bool,
    /// The tenant got its linked copy (Reverse Building Sync).
    pub synced: bool,
    /// Why not, when it did not.
    pub sync_blockers: Vec<String>,
}

const CACHE_FILE: &str = "kiosk-cache.json";

impl Console {
    /// `fetch` from the portal, keeping the answer under `key`; out of reach, the answer kept.
    fn kept<T: Serialize + DeserializeOwned>(
        &self,
        key: &str,
        fetch: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let path = self.dir.join(CACHE_FILE);
        let mut kept: BTreeMap<String, Value> = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        match fetch() {
            Ok(v) => {
                kept.insert(
                    key.into(),
                    serde_json::to_value(&v).map_err(|e| DeskError::Local(e.to_string()))?,
                );
                let bytes =
                    serde_json::to_vec(&kept).map_err(|e| DeskError::Local(e.to_string()))?;
                crate::vault::write_private(&path, &bytes)?;
                Ok(v)
            }
            Err(e @ DeskError::Offline(_)) => match kept.remove(key) {
                Some(v) => serde_json::from_value(v).map_err(|_| e),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    fn kiosk_building(&self) -> Result<(std::sync::Arc<crate::Live>, String)> {
        let l = self.live()?;
        if l.session.portal_kind != frontdesk_core::PortalKind::Building {
            return Err(DeskError::Refused {
                code: "not_a_building".into(),
                message: "The kiosk takes walk-ins for a building: sign this desk in to the building's portal.".into(),
            });
        }
        let b = l.session.portal_id.clone();
        Ok((l, b))
    }

    /// The companies a walk-in can visit and the building's visitor types. Each company's
    /// check-in flow is fetched too, in the background, so a walk-in works offline later.
    pub fn walk_in_places(&self) -> Result<WalkInPlaces> {
        let (l, building) = self.kiosk_building()?;
        let places = self.kept(&format!("places:{building}"), || {
            l.call(|p| p.walk_in_places(&building))
        })?;
        if l.status.online.load(std::sync::atomic::Ordering::Relaxed) {
            for place in &places.locations {
                let types: Vec<Option<&Id<VisitorType>>> = if places.visitor_types.is_empty() {
                    vec![None]
                } else {
                    places.visitor_types.iter().map(|t| Some(&t.id)).collect()
                };
                for vt in types {
                    let _ = self.walk_in_flow(place.id.as_str(), vt.map(Id::as_str));
                }
            }
        }
        Ok(places)
    }

    /// The combined check-in flow a walk-in to `location_id` goes through.
    pub fn walk_in_flow(
        &self,
        location_id: &str,
        visitor_type_id: Option<&str>,
    ) -> Result<WalkInFlow> {
        let (l, building) = self.kiosk_building()?;
        self.kept(
            &format!("flow:{location_id}:{}", visitor_type_id.unwrap_or("")),
            || l.call(|p| p.walk_in_flow(&building, location_id, visitor_type_id)),
        )
    }

    /// Sign a walk-in in: the building's invite (and the tenant's, when the pair syncs), the
    /// arrival, the host told. Out of reach, queued with the time it happened.
    pub fn walk_in(&self, w: KioskWalkIn) -> Result<WalkInOutcome> {
        let (l, building) = self.kiosk_building()?;
        let walk_in = WalkIn {
            id: uuid::Uuid::now_v7().to_string(),
            location_id: w.location_id,
            host_id: w.host_id,
            host_name: w.host_name,
            visitor_type_id: w.visitor_type_id,
            submission: w.submission,
            arrived_at: frontdesk_core::to_stored_precision(Utc::now()),
        };
        match l.call(|p| p.walk_in(&building, &walk_in)) {
            Ok(done) => {
                let _ = l.desk.remember(&done.invite);
                l.status.nudge();
                Ok(WalkInOutcome {
                    invite_id: Some(done.invite.id.to_string()),
                    queued: false,
                    synced: done.synced,
                    sync_blockers: done.sync_blockers,
                })
            }
            Err(DeskError::Offline(_)) => {
                let body =
                    serde_json::to_value(&walk_in).map_err(|e| DeskError::Local(e.to_string()))?;
                l.desk.queue_walk_in(&walk_in.id, &building, &body)?;
                Ok(WalkInOutcome {
                    invite_id: None,
                    queued: true,
                    synced: false,
                    sync_blockers: vec![],
                })
            }
            Err(e) => Err(e),
        }
    }

    /// What a pre-registered visitor still owes before their arrival (needs the portal).
    pub fn arrival_needs(&self, invite_id: &str) -> Result<ArrivalNeeds> {
        self.live()?.call(|p| p.arrival_needs(invite_id))
    }

    /// Give what was owed; answers what is still owed (nothing, when done).
    pub fn give_arrival_needs(&self, invite_id: &str, given: &FlowAnswers) -> Result<ArrivalNeeds> {
        self.live()?
            .call(|p| p.give_arrival_needs(invite_id, given))
    }

    /// A problem the kiosk could not solve for the visitor, for reception to see on the visit,
    /// in the desk's words (the visitor read theirs on the kiosk).
    pub fn desk_alert(&self, invite_id: &str, problem: KioskProblem, detail: &str) -> Result<()> {
        let l = self.live()?;
        let name = l
            .desk
            .invite(invite_id)?
            .map(|c| c.name)
            .unwrap_or_else(|| "A visitor".into());
        let what = match problem {
            KioskProblem::NoPrinter => format!("no badge printed for {name}"),
            KioskProblem::Badge => format!("{name}'s badge did not print"),
            KioskProblem::Card => format!("{name}'s card was not written"),
            KioskProblem::CardSync => format!("{name}'s card was not assigned"),
        };
        let alert = DeskAlert {
            message: format!("Kiosk: {what}: {detail}")
                .chars()
                .take(300)
                .collect(),
        };
        let view = l.call(|p| p.raise_desk_alert(invite_id, &alert))?;
        let _ = l.desk.remember(&view);
        l.status.nudge();
        Ok(())
    }
}

impl Console {
    /// Reception dealt with the kiosk's problem on this visit.
    pub fn clear_desk_alert(&self, invite_id: &str) -> Result<frontdesk_api::InviteView> {
        let l = self.live()?;
        let view = l.call(|p| p.clear_desk_alert(invite_id))?;
        let _ = l.desk.remember(&view);
        l.status.nudge();
        Ok(view)
    }
}
