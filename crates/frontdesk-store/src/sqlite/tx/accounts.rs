//! Users and their sessions.

use frontdesk_core::{id, Id, Timestamp};
use rusqlite::params;

use super::SqlTx;
use crate::sqlite::rows::{self, micros, session_cols, USER_COLS};
use crate::{AccountRows, Result, SessionRecord, UserRecord};

impl AccountRows for SqlTx<'_> {
    fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
        self.one(
            &format!("SELECT {USER_COLS} FROM users WHERE email = ?1 COLLATE NOCASE"),
            [email],
            rows::user,
        )
    }

    fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>> {
        self.one(
            &format!(
                "SELECT {} FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1",
                session_cols()
            ),
            [token_hash],
            rows::session,
        )
    }

    fn touch_session(&mut self, token_hash: &[u8], now: Timestamp) -> Result<()> {
        self.exec(
            "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
            params![token_hash, micros(now)],
        )?;
        Ok(())
    }

    fn delete_sessions_of(&mut self, user_id: &Id<id::User>, keep: Option<&[u8]>) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2",
            params![user_id, keep],
        )?)
    }

    fn purge_sessions(&mut self, now: Timestamp, idle_since: Timestamp) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2",
            params![micros(now), micros(idle_since)],
        )?)
    }

    fn user(&self, id: &Id<id::User>) -> Result<Option<UserRecord>> {
        self.one(
            &format!("SELECT {USER_COLS} FROM users WHERE id = ?1"),
            [id],
            rows::user,
        )
    }

    fn set_user_disabled(&mut self, id: &Id<id::User>, at: Option<Timestamp>) -> Result<()> {
        self.exec(
            "UPDATE users SET disabled_at = ?2 WHERE id = ?1",
            params![id, at.map(micros)],
        )?;
        Ok(())
    }

    fn insert_user(&mut self, u: &UserRecord) -> Result<()> {
        self.exec(
            &format!("INSERT INTO users ({USER_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
            params![
                u.id,
                u.email,
                u.password_hash,
                u.role.as_str(),
                u.building_id,
                u.tenant_id,
                u.location_id,
                micros(u.created_at),
                u.disabled_at.map(micros)
            ],
        )?;
        Ok(())
    }

    fn set_password_hash(
        &mut self,
        user_id: &Id<id::User>,
        hash: &str,
        keep: Option<&[u8]>,
    ) -> Result<()> {
        self.exec(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![user_id, hash],
        )?;
        // A new password ends every session made with the old one (but the one changing it).
        self.delete_sessions_of(user_id, keep)?;
        Ok(())
    }

    fn insert_session(
        &mut self,
        token_hash: &[u8],
        user_id: &Id<id::User>,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
             VALUES (?1, ?2, ?3, ?3, ?4)",
            params![token_hash, user_id, micros(now), micros(expires)],
        )?;
        Ok(())
    }

    fn delete_session(&mut self, token_hash: &[u8]) -> Result<()> {
        self.exec("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }
}
