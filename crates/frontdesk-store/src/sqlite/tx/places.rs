//! Buildings, tenants and their links, locations, visitor types.

use frontdesk_core::{id, Id, LocationSettings, Portal, Timestamp, VisitorType};
use rusqlite::params;

use super::SqlTx;
use crate::sqlite::rows::{
    self, micros, BUILDING_COLS, LOCATION_COLS, TENANT_COLS, VISITOR_TYPE_COLS,
};
use crate::{Building, Location, PlaceRows, Result, Tenant};

impl PlaceRows for SqlTx<'_> {
    fn building(&self, id: &Id<id::Building>) -> Result<Option<Building>> {
        self.one(
            &format!("SELECT {BUILDING_COLS} FROM buildings WHERE id = ?1"),
            [id],
            rows::building,
        )
    }

    fn building_by_name(&self, name: &str) -> Result<Option<Building>> {
        let id = self.one("SELECT id FROM buildings WHERE name = ?1", [name], |r| {
            r.get::<_, Id<id::Building>>("id")
        })?;
        match id {
            Some(id) => self.building(&id),
            None => Ok(None),
        }
    }

    fn insert_building(&mut self, b: &Building) -> Result<()> {
        self.exec(
            &format!("INSERT INTO buildings ({BUILDING_COLS}) VALUES (?1, ?2, ?3, ?4, ?5)"),
            params![b.id, b.name, b.timezone, micros(b.created_at), b.language],
        )?;
        Ok(())
    }

    fn tenant(&self, id: &Id<id::Tenant>) -> Result<Option<Tenant>> {
        self.one(
            &format!("SELECT {TENANT_COLS} FROM tenants WHERE id = ?1"),
            [id],
            rows::tenant,
        )
    }

    fn insert_tenant(&mut self, t: &Tenant) -> Result<()> {
        self.exec(
            &format!("INSERT INTO tenants ({TENANT_COLS}) VALUES (?1, ?2, ?3)"),
            params![t.id, t.name, micros(t.created_at)],
        )?;
        Ok(())
    }

    fn location(&self, id: &Id<id::Location>) -> Result<Option<Location>> {
        self.one(
            &format!("SELECT {LOCATION_COLS} FROM locations WHERE id = ?1"),
            [id],
            rows::location,
        )
    }

    fn locations_of_tenant(&self, tenant_id: &Id<id::Tenant>) -> Result<Vec<Location>> {
        self.locations_where("tenant_id", tenant_id)
    }

    fn locations_in_building(&self, building_id: &Id<id::Building>) -> Result<Vec<Location>> {
        self.locations_where("building_id", building_id)
    }

    fn insert_location(&mut self, l: &Location) -> Result<()> {
        let s = &l.settings;
        self.exec(
            &format!("INSERT INTO locations ({LOCATION_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            params![
                l.id,
                l.tenant_id,
                l.building_id,
                l.name,
                s.visitor_management_enabled,
                s.sync_building_invitations,
                s.sync_visitor_type_id,
                s.card_sync_enabled,
                micros(l.created_at)
            ],
        )?;
        Ok(())
    }

    fn save_location_settings(
        &mut self,
        id: &Id<id::Location>,
        s: &LocationSettings,
    ) -> Result<()> {
        self.exec(
            "UPDATE locations SET visitor_management_enabled = ?2, sync_building_invitations = ?3, \
             sync_visitor_type_id = ?4, card_sync_enabled = ?5 WHERE id = ?1",
            params![
                id,
                s.visitor_management_enabled,
                s.sync_building_invitations,
                s.sync_visitor_type_id,
                s.card_sync_enabled
            ],
        )?;
        Ok(())
    }

    fn tenant_link_active(
        &self,
        building_id: &Id<id::Building>,
        tenant_id: &Id<id::Tenant>,
    ) -> Result<bool> {
        Ok(self
            .one(
                "SELECT active FROM tenant_links WHERE building_id = ?1 AND tenant_id = ?2",
                params![building_id, tenant_id],
                |r| r.get::<_, bool>("active"),
            )?
            .unwrap_or(false))
    }

    fn tenant_links(&self, building_id: &Id<id::Building>) -> Result<Vec<(Id<id::Tenant>, bool)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT tenant_id, active FROM tenant_links WHERE building_id = ?1 ORDER BY linked_at",
        )?;
        let rows = st.query_map([building_id], |r| {
            Ok((r.get("tenant_id")?, r.get("active")?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn set_tenant_link(
        &mut self,
        building_id: &Id<id::Building>,
        tenant_id: &Id<id::Tenant>,
        active: bool,
        now: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO tenant_links (building_id, tenant_id, active, linked_at, changed_at) \
             VALUES (?1, ?2, ?3, ?4, ?4) \
             ON CONFLICT (building_id, tenant_id) DO UPDATE SET active = ?3, changed_at = ?4",
            params![building_id, tenant_id, active, micros(now)],
        )?;
        Ok(())
    }

    fn visitor_type(&self, id: &Id<VisitorType>) -> Result<Option<VisitorType>> {
        self.one(
            &format!("SELECT {VISITOR_TYPE_COLS} FROM visitor_types WHERE id = ?1"),
            [id],
            rows::visitor_type,
        )
    }

    fn visitor_types(&self, portal: &Portal) -> Result<Vec<VisitorType>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {VISITOR_TYPE_COLS} FROM visitor_types WHERE portal_kind = ?1 AND portal_id = ?2 ORDER BY name"
        ))?;
        let rows = st.query_map(
            [portal.kind.as_str(), portal.id.as_str()],
            rows::visitor_type,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_visitor_type(&mut self, v: &VisitorType, now: Timestamp) -> Result<()> {
        self.exec(
            &format!("INSERT INTO visitor_types ({VISITOR_TYPE_COLS}, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            params![
                v.id,
                v.portal.kind.as_str(),
                v.portal.id,
                v.name,
                v.requires_photo,
                v.requires_nda,
                v.nda_text,
                serde_json::to_string(&v.questions)?,
                micros(now)
            ],
        )?;
        Ok(())
    }
}

impl SqlTx<'_> {
    /// The locations whose `column` (a fixed column name, never input) is `id`, by name.
    fn locations_where<T>(&self, column: &str, id: &Id<T>) -> Result<Vec<Location>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {LOCATION_COLS} FROM locations WHERE {column} = ?1 ORDER BY name"
        ))?;
        let rows = st.query_map([id], rows::location)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
