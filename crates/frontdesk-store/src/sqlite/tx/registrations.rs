//! Notifications, registration links, answers, photos and NDA acceptances.

use frontdesk_core::flow::GivenAnswer;
use frontdesk_core::Timestamp;
use frontdesk_core::{Id, Invite};
use rusqlite::params;

use super::SqlTx;
use crate::sqlite::rows::{
    self, micros, ANSWER_COLS, NDA_COLS, NOTIFICATION_COLS, REGISTRATION_COLS,
};
use frontdesk_api::MessageKind;

use crate::{NdaAcceptance, Notification, Registration, RegistrationRows, Result, StoredAnswer};

impl RegistrationRows for SqlTx<'_> {
    fn insert_notification(&mut self, n: &Notification) -> Result<bool> {
        // A host is told of each step of a visit once per channel: a second message of the same
        // kind for the same visit, host and channel is not written.
        let once_key = match n.kind {
            MessageKind::Invitation | MessageKind::Webhook => None,
            k => Some(format!(
                "{}:{}:{}:{}",
                serde_json::to_value(k)?.as_str().unwrap_or_default(),
                n.invite_id,
                n.host_id.as_ref().map(|h| h.as_str()).unwrap_or_default(),
                n.channel
            )),
        };
        let written = self.exec(
            &format!(
                "INSERT INTO notifications ({NOTIFICATION_COLS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19) \
                 ON CONFLICT (once_key) WHERE once_key IS NOT NULL DO NOTHING"
            ),
            params![
                n.id,
                n.invite_id,
                n.portal.kind.as_str(),
                n.portal.id,
                n.kind,
                n.host_id,
                n.channel,
                n.recipient,
                n.subject,
                n.body,
                n.state,
                micros(n.created_at),
                n.sent_at.map(micros),
                n.attempts,
                n.last_error,
                n.next_attempt_at.map(micros),
                n.link_token,
                once_key,
                n.endpoint_id
            ],
        )?;
        Ok(written == 1)
    }

    fn supersede_unsent(&mut self, invite_id: &Id<Invite>) -> Result<()> {
        self.exec(
            "UPDATE notifications SET state = 'superseded', link_token = NULL, next_attempt_at = NULL \
             WHERE invite_id = ?1 AND kind = 'invitation' AND state IN ('queued', 'held')",
            [invite_id],
        )?;
        Ok(())
    }

    fn insert_registration(
        &mut self,
        token_hash: &[u8],
        invite_id: &Id<Invite>,
        now: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO registrations (token_hash, invite_id, created_at) VALUES (?1, ?2, ?3)",
            params![token_hash, invite_id, micros(now)],
        )?;
        Ok(())
    }

    fn registration(&self, token_hash: &[u8]) -> Result<Option<Registration>> {
        self.one(
            &format!("SELECT {REGISTRATION_COLS} FROM registrations WHERE token_hash = ?1"),
            [token_hash],
            rows::registration,
        )
    }

    fn revoke_registrations(&mut self, invite_id: &Id<Invite>, now: Timestamp) -> Result<()> {
        self.exec(
            "UPDATE registrations SET revoked_at = ?2 WHERE invite_id = ?1 AND revoked_at IS NULL",
            params![invite_id, micros(now)],
        )?;
        Ok(())
    }

    fn use_registration(&mut self, token_hash: &[u8], now: Timestamp) -> Result<()> {
        self.exec(
            "UPDATE registrations SET used_at = ?2 WHERE token_hash = ?1",
            params![token_hash, micros(now)],
        )?;
        Ok(())
    }

    fn save_answer(
        &mut self,
        invite_id: &Id<Invite>,
        a: &GivenAnswer,
        now: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT OR REPLACE INTO answers (invite_id, key, label, value, answered_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![invite_id, a.key, a.label, a.value, micros(now)],
        )?;
        Ok(())
    }

    fn answers(&self, invite_id: &Id<Invite>) -> Result<Vec<StoredAnswer>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ANSWER_COLS} FROM answers WHERE invite_id = ?1 ORDER BY key"
        ))?;
        let rows = st.query_map([invite_id], rows::answer)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn save_photo(
        &mut self,
        invite_id: &Id<Invite>,
        content_type: &str,
        bytes: &[u8],
        now: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT OR REPLACE INTO photos (invite_id, content_type, bytes, taken_at) VALUES (?1, ?2, ?3, ?4)",
            params![invite_id, content_type, bytes, micros(now)],
        )?;
        Ok(())
    }

    fn photo(&self, invite_id: &Id<Invite>) -> Result<Option<(String, Vec<u8>)>> {
        self.one(
            "SELECT content_type, bytes FROM photos WHERE invite_id = ?1",
            [invite_id],
            |r| Ok((r.get("content_type")?, r.get("bytes")?)),
        )
    }

    fn save_nda(&mut self, invite_id: &Id<Invite>, nda: &NdaAcceptance) -> Result<()> {
        self.exec(
            "INSERT OR REPLACE INTO nda_acceptances (invite_id, text, text_sha256, signature, accepted_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![invite_id, nda.text, nda.text_sha256, nda.signature, micros(nda.accepted_at)],
        )?;
        Ok(())
    }

    fn nda(&self, invite_id: &Id<Invite>) -> Result<Option<NdaAcceptance>> {
        self.one(
            &format!("SELECT {NDA_COLS} FROM nda_acceptances WHERE invite_id = ?1"),
            [invite_id],
            rows::nda,
        )
    }
}
