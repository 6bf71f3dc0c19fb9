//! Invites, profiles, cards and activity events.

use frontdesk_core::{id, Id};
use frontdesk_core::{Card, Invite};
use rusqlite::params;
use rusqlite::types::Value;

use super::SqlTx;
use crate::sqlite::rows::{self, micros, CARD_COLS, EVENT_COLS, INVITE_COLS, PROFILE_COLS};
use crate::{Event, Profile, Result, VisitRows};

/// What can change on an invite after it is created, in the order of [`changeable`]'s values:
/// one list for the insert and the update, so the two cannot disagree. The portal, the origin,
/// the primacy, the visitor type, the short code and the creation are fixed for life.
const CHANGEABLE: [&str; 17] = [
    "linked_invite_id",
    "status",
    "visitor_name",
    "visitor_email",
    "visitor_mobile",
    "visitor_company",
    "profile_id",
    "host_name",
    "host_id",
    "valid_from",
    "valid_to",
    "checked_in_at",
    "arrived_at",
    "checked_out_at",
    "cancelled_at",
    "cancel_reason",
    "attention",
];

fn changeable(i: &Invite) -> [Value; 17] {
    [
        Value::from(i.linked_invite_id.clone().map(String::from)),
        Value::from(i.status.as_str().to_string()),
        Value::from(i.visitor.name.clone()),
        Value::from(i.visitor.email.clone()),
        Value::from(i.visitor.mobile.clone()),
        Value::from(i.visitor.company.clone()),
        Value::from(i.profile_id.to_string()),
        Value::from(i.host_name.clone()),
        Value::from(i.host_id.clone().map(String::from)),
        Value::from(micros(i.valid_from)),
        Value::from(micros(i.valid_to)),
        Value::from(i.checked_in_at.map(micros)),
        Value::from(i.arrived_at.map(micros)),
        Value::from(i.checked_out_at.map(micros)),
        Value::from(i.cancelled_at.map(micros)),
        Value::from(i.cancel_reason.clone()),
        Value::from(i.attention.clone()),
    ]
}

impl VisitRows for SqlTx<'_> {
    fn invite(&self, id: &Id<Invite>) -> Result<Option<Invite>> {
        self.one(
            &format!("SELECT {INVITE_COLS} FROM invites WHERE id = ?1"),
            [id],
            rows::invite,
        )
    }

    fn insert_invite(&mut self, i: &Invite) -> Result<()> {
        let mut values = vec![
            Value::from(i.id.to_string()),
            Value::from(i.portal.kind.as_str().to_string()),
            Value::from(i.portal.id.clone()),
            Value::from(i.building_id.to_string()),
            Value::from(i.location_id.to_string()),
            Value::from(i.tenant_id.to_string()),
            Value::from(i.origin.as_str().to_string()),
            Value::from(i.primary),
            Value::from(i.visitor_type_id.clone().map(String::from)),
            Value::from(micros(i.created_at)),
            Value::from(i.created_by.to_string()),
            Value::from(i.short_code.clone()),
        ];
        values.extend(changeable(i));
        let marks = (1..=values.len())
            .map(|n| format!("?{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.exec(
            &format!(
                "INSERT INTO invites (id, portal_kind, portal_id, building_id, location_id, \
                 tenant_id, origin, is_primary, visitor_type_id, created_at, created_by, short_code, {}) \
                 VALUES ({marks})",
                CHANGEABLE.join(", ")
            ),
            rusqlite::params_from_iter(values),
        )?;
        Ok(())
    }

    fn update_invite(&mut self, i: &Invite) -> Result<()> {
        let set = CHANGEABLE
            .iter()
            .enumerate()
            .map(|(n, col)| format!("{col} = ?{}", n + 2))
            .collect::<Vec<_>>()
            .join(", ");
        let values = std::iter::once(Value::from(i.id.to_string())).chain(changeable(i));
        self.exec(
            &format!("UPDATE invites SET {set} WHERE id = ?1"),
            rusqlite::params_from_iter(values),
        )?;
        Ok(())
    }

    fn profile(&self, id: &Id<id::Profile>) -> Result<Option<Profile>> {
        self.one(
            &format!("SELECT {PROFILE_COLS} FROM profiles WHERE id = ?1"),
            [id],
            rows::profile,
        )
    }

    fn profile_by_email(&self, owner: &str, email: &str) -> Result<Option<Profile>> {
        self.one(
            &format!("SELECT {PROFILE_COLS} FROM profiles WHERE owner = ?1 AND email = ?2"),
            [owner, email],
            rows::profile,
        )
    }

    fn save_profile(&mut self, p: &Profile) -> Result<()> {
        self.exec(
            &format!(
                "INSERT INTO profiles ({PROFILE_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                 ON CONFLICT (id) DO UPDATE SET \
                 name = ?3, email = ?4, mobile = ?5, company = ?6, updated_at = ?7"
            ),
            params![
                p.id,
                p.owner,
                p.name,
                p.email,
                p.mobile,
                p.company,
                micros(p.updated_at)
            ],
        )?;
        Ok(())
    }

    fn active_card(&self, invite_id: &Id<Invite>) -> Result<Option<Card>> {
        self.one(
            &format!("SELECT {CARD_COLS} FROM cards WHERE invite_id = ?1 AND status = 'active'"),
            [invite_id],
            rows::card,
        )
    }

    fn active_card_holders(
        &self,
        building_id: &Id<id::Building>,
        number: &str,
        format: &str,
    ) -> Result<Vec<Id<Invite>>> {
        let mut st = self.conn.prepare_cached(
            "SELECT invite_id FROM cards WHERE building_id = ?1 AND format = ?2 AND number = ?3 \
             AND status = 'active'",
        )?;
        let rows = st.query_map(params![building_id, format, number], |r| r.get("invite_id"))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_card(&mut self, c: &Card) -> Result<()> {
        self.exec(
            &format!("INSERT INTO cards ({CARD_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
            params![
                c.id,
                c.invite_id,
                c.building_id,
                c.number,
                c.format,
                c.status.as_str(),
                micros(c.valid_from),
                micros(c.valid_to),
                micros(c.assigned_at),
                c.ended_at.map(micros),
                c.synced
            ],
        )?;
        Ok(())
    }

    fn update_card(&mut self, c: &Card) -> Result<()> {
        self.exec(
            "UPDATE cards SET status = ?2, valid_from = ?3, valid_to = ?4, ended_at = ?5 WHERE id = ?1",
            params![
                c.id,
                c.status.as_str(),
                micros(c.valid_from),
                micros(c.valid_to),
                c.ended_at.map(micros)
            ],
        )?;
        Ok(())
    }

    fn insert_event(&mut self, e: &Event) -> Result<()> {
        self.exec(
            &format!("INSERT INTO events ({EVENT_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
            params![
                e.invite_id,
                micros(e.at),
                e.actor_id,
                e.actor_email,
                e.action,
                e.portal.kind.as_str(),
                e.portal.id,
                e.detail.to_string()
            ],
        )?;
        Ok(())
    }

    fn short_code_taken(&self, code: &str) -> Result<bool> {
        Ok(self
            .one(
                "SELECT 1 AS taken FROM invites WHERE short_code = ?1 AND is_primary = 1",
                [code],
                |r| r.get::<_, i64>("taken"),
            )?
            .is_some())
    }

    fn events(&self, invite_id: &Id<Invite>) -> Result<Vec<Event>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {EVENT_COLS} FROM events WHERE invite_id = ?1 ORDER BY id"
        ))?;
        let rows = st.query_map([invite_id], rows::event)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
