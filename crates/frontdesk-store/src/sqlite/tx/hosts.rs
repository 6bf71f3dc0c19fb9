//! Host directories, how hosts were told of their visits, SCIM tokens.

use frontdesk_core::host::fold;
use frontdesk_core::{id, Directory, Host, Id, Invite, Timestamp};
use rusqlite::params;
use rusqlite::types::Value;

use super::SqlTx;
use crate::sqlite::rows::{
    self, micros, HOST_COLS, HOST_NOTICE_COLS, NOTIFICATION_COLS, SCIM_TOKEN_COLS,
};
use crate::{
    HostFilter, HostNoticeRow, HostRows, LobbyHost, MessageKind, Notification, Result,
    ScimTokenRecord,
};

/// `LIKE` on text a person typed: its wildcards taken literally.
fn like(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The WHERE clause of a directory listing and its values, from `?1`.
fn listing(dir: &Directory, f: &HostFilter) -> (String, Vec<Value>) {
    let mut clause = "directory_kind = ?1 AND directory_id = ?2".to_string();
    let mut values = vec![
        Value::from(dir.kind.as_str().to_string()),
        Value::from(dir.id.clone()),
    ];
    if let Some(q) = f.q.as_deref().map(fold).filter(|q| !q.is_empty()) {
        values.push(Value::from(like(&q)));
        let n = values.len();
        clause.push_str(&format!(
            " AND (search_name LIKE ?{n} ESCAPE '\\' OR email LIKE ?{n} ESCAPE '\\')"
        ));
    }
    if let Some(u) = &f.user_name {
        values.push(Value::from(u.clone()));
        clause.push_str(&format!(
            " AND user_name = ?{} COLLATE NOCASE",
            values.len()
        ));
    }
    if let Some(e) = &f.email {
        values.push(Value::from(e.to_lowercase()));
        clause.push_str(&format!(" AND email = ?{}", values.len()));
    }
    if let Some(x) = &f.external_id {
        values.push(Value::from(x.clone()));
        clause.push_str(&format!(" AND external_id = ?{}", values.len()));
    }
    if let Some(l) = &f.location_id {
        values.push(Value::from(l.to_string()));
        clause.push_str(&format!(
            " AND (EXISTS (SELECT 1 FROM host_locations hl WHERE hl.host_id = hosts.id AND hl.location_id = ?{0}) \
             OR NOT EXISTS (SELECT 1 FROM host_locations hl WHERE hl.host_id = hosts.id))",
            values.len()
        ));
    }
    if f.active_only {
        clause.push_str(" AND active = 1");
    }
    if f.lobby_searchable_only {
        clause.push_str(" AND lobby_searchable = 1");
    }
    (clause, values)
}

impl SqlTx<'_> {
    fn save_host_locations(&self, h: &Host) -> Result<()> {
        self.exec("DELETE FROM host_locations WHERE host_id = ?1", [&h.id])?;
        for l in &h.location_ids {
            self.exec(
                "INSERT INTO host_locations (host_id, location_id) VALUES (?1, ?2)",
                params![h.id, l],
            )?;
        }
        Ok(())
    }
}

impl HostRows for SqlTx<'_> {
    fn host(&self, id: &Id<Host>) -> Result<Option<Host>> {
        self.one(
            &format!("SELECT {HOST_COLS} FROM hosts WHERE id = ?1"),
            [id],
            rows::host,
        )
    }

    fn host_by_email(&self, dir: &Directory, email: &str) -> Result<Option<Host>> {
        self.one(
            &format!(
                "SELECT {HOST_COLS} FROM hosts WHERE directory_kind = ?1 AND directory_id = ?2 AND email = ?3"
            ),
            params![dir.kind.as_str(), dir.id, email.to_lowercase()],
            rows::host,
        )
    }

    fn hosts(
        &self,
        dir: &Directory,
        f: &HostFilter,
        limit: usize,
        offset: usize,
    ) -> Result<Vec<Host>> {
        let (clause, mut values) = listing(dir, f);
        values.push(Value::from(limit as i64));
        values.push(Value::from(offset as i64));
        let n = values.len();
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {HOST_COLS} FROM hosts WHERE {clause} ORDER BY search_name, id LIMIT ?{} OFFSET ?{n}",
            n - 1
        ))?;
        let rows = st.query_map(rusqlite::params_from_iter(values), rows::host)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn count_hosts(&self, dir: &Directory, f: &HostFilter) -> Result<u64> {
        let (clause, values) = listing(dir, f);
        let n: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM hosts WHERE {clause}"))?
            .query_row(rusqlite::params_from_iter(values), |r| r.get(0))?;
        Ok(n as u64)
    }

    fn insert_host(&mut self, h: &Host, now: Timestamp) -> Result<()> {
        self.exec(
            "INSERT INTO hosts (id, directory_kind, directory_id, name, email, mobile, delegate_id, \
             lobby_searchable, active, prefs, user_name, external_id, search_name, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                h.id,
                h.directory.kind.as_str(),
                h.directory.id,
                h.name,
                h.email,
                h.mobile,
                h.delegate_id,
                h.lobby_searchable,
                h.active,
                serde_json::to_string(&h.prefs)?,
                h.user_name,
                h.external_id,
                fold(&h.name),
                micros(now),
                micros(h.updated_at)
            ],
        )?;
        self.save_host_locations(h)
    }

    fn update_host(&mut self, h: &Host) -> Result<()> {
        self.exec(
            "UPDATE hosts SET name = ?2, email = ?3, mobile = ?4, delegate_id = ?5, \
             lobby_searchable = ?6, active = ?7, prefs = ?8, user_name = ?9, external_id = ?10, \
             search_name = ?11, updated_at = ?12 WHERE id = ?1",
            params![
                h.id,
                h.name,
                h.email,
                h.mobile,
                h.delegate_id,
                h.lobby_searchable,
                h.active,
                serde_json::to_string(&h.prefs)?,
                h.user_name,
                h.external_id,
                fold(&h.name),
                micros(h.updated_at)
            ],
        )?;
        self.save_host_locations(h)
    }

    fn delete_host(&mut self, id: &Id<Host>) -> Result<()> {
        self.exec("UPDATE invites SET host_id = NULL WHERE host_id = ?1", [id])?;
        self.exec(
            "UPDATE hosts SET delegate_id = NULL WHERE delegate_id = ?1",
            [id],
        )?;
        self.exec("DELETE FROM host_links WHERE host_id = ?1", [id])?;
        self.exec("DELETE FROM host_notices WHERE host_id = ?1", [id])?;
        self.exec("DELETE FROM host_locations WHERE host_id = ?1", [id])?;
        self.exec("DELETE FROM hosts WHERE id = ?1", [id])?;
        Ok(())
    }

    fn lobby_hosts(
        &self,
        building_id: &Id<id::Building>,
        q: &str,
        limit: usize,
    ) -> Result<Vec<LobbyHost>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {HOST_COLS}, coalesce(t.name, b.name) AS organisation FROM hosts \
             LEFT JOIN tenant_links k ON hosts.directory_kind = 'tenant' AND k.tenant_id = hosts.directory_id \
                  AND k.building_id = ?1 AND k.active = 1 \
             LEFT JOIN tenants t ON t.id = k.tenant_id \
             LEFT JOIN buildings b ON hosts.directory_kind = 'building' AND b.id = hosts.directory_id AND b.id = ?1 \
             WHERE hosts.active = 1 AND (t.id IS NOT NULL AND hosts.lobby_searchable = 1 OR b.id IS NOT NULL) \
               AND hosts.search_name LIKE ?2 ESCAPE '\\' \
             ORDER BY hosts.search_name, hosts.id LIMIT ?3"
        ))?;
        let rows = st.query_map(params![building_id, like(&fold(q)), limit as i64], |r| {
            Ok(LobbyHost {
                host: rows::host(r)?,
                organisation: r.get("organisation")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn host_notice(&self, invite_id: &Id<Invite>) -> Result<Option<HostNoticeRow>> {
        self.one(
            &format!("SELECT {HOST_NOTICE_COLS} FROM host_notices WHERE invite_id = ?1"),
            [invite_id],
            rows::host_notice,
        )
    }

    fn save_host_notice(&mut self, n: &HostNoticeRow) -> Result<()> {
        self.exec(
            &format!(
                "INSERT INTO host_notices ({HOST_NOTICE_COLS}) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (invite_id) DO UPDATE SET host_id = excluded.host_id, \
                 notified_at = excluded.notified_at, on_my_way_at = excluded.on_my_way_at, \
                 on_my_way_by = excluded.on_my_way_by"
            ),
            params![
                n.invite_id,
                n.host_id,
                n.notified_at.map(micros),
                n.on_my_way_at.map(micros),
                n.on_my_way_by
            ],
        )?;
        Ok(())
    }

    fn insert_host_link(
        &mut self,
        token_hash: &[u8],
        invite_id: &Id<Invite>,
        host_id: &Id<Host>,
        now: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO host_links (token_hash, invite_id, host_id, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, invite_id, host_id, micros(now)],
        )?;
        Ok(())
    }

    fn host_link(&self, token_hash: &[u8]) -> Result<Option<(Id<Invite>, Id<Host>)>> {
        self.one(
            "SELECT invite_id, host_id FROM host_links WHERE token_hash = ?1",
            [token_hash],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    fn mark_notification_sent(&mut self, id: &Id<id::Notification>, at: Timestamp) -> Result<()> {
        self.exec(
            "UPDATE notifications SET state = 'sent', sent_at = ?2, attempts = attempts + 1, \
             last_error = NULL, next_attempt_at = NULL, link_token = NULL WHERE id = ?1",
            params![id, micros(at)],
        )?;
        Ok(())
    }

    fn host_messages(
        &self,
        invite_id: &Id<Invite>,
        kind: MessageKind,
    ) -> Result<Vec<Notification>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {NOTIFICATION_COLS} FROM notifications WHERE invite_id = ?1 AND kind = ?2 ORDER BY created_at, id"
        ))?;
        let rows = st.query_map(params![invite_id, kind], rows::notification)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn withdraw_unsent(&mut self, invite_id: &Id<Invite>, kind: MessageKind) -> Result<()> {
        self.exec(
            "UPDATE notifications SET state = 'superseded', link_token = NULL, next_attempt_at = NULL \
             WHERE invite_id = ?1 AND kind = ?2 AND state IN ('queued', 'held')",
            params![invite_id, kind],
        )?;
        Ok(())
    }

    fn insert_scim_token(&mut self, t: &ScimTokenRecord, token_hash: &[u8]) -> Result<()> {
        self.exec(
            "INSERT INTO scim_tokens (id, tenant_id, token_hash, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![t.id, t.tenant_id, token_hash, t.label, micros(t.created_at)],
        )?;
        Ok(())
    }

    fn scim_token_by_hash(&self, token_hash: &[u8]) -> Result<Option<ScimTokenRecord>> {
        self.one(
            &format!("SELECT {SCIM_TOKEN_COLS} FROM scim_tokens WHERE token_hash = ?1"),
            [token_hash],
            rows::scim_token,
        )
    }

    fn scim_tokens(&self, tenant_id: &Id<id::Tenant>) -> Result<Vec<ScimTokenRecord>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {SCIM_TOKEN_COLS} FROM scim_tokens WHERE tenant_id = ?1 AND revoked_at IS NULL ORDER BY created_at"
        ))?;
        let rows = st.query_map([tenant_id], rows::scim_token)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn revoke_scim_token(&mut self, id: &str, now: Timestamp) -> Result<bool> {
        Ok(self.exec(
            "UPDATE scim_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, micros(now)],
        )? == 1)
    }

    fn touch_scim_token(&mut self, id: &str, now: Timestamp) -> Result<()> {
        self.exec(
            "UPDATE scim_tokens SET last_used_at = ?2 WHERE id = ?1",
            params![id, micros(now)],
        )?;
        Ok(())
    }
}
