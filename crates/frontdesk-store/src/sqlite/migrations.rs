//! The schema, one step at a time: each entry moves it one version forward, and the index + 1
//! is `PRAGMA user_version`, so opening a database applies exactly the steps it has not had.
//! A step is SQL, or Rust where SQL cannot do it (random values that must be unique).

use std::collections::HashSet;

use rusqlite::{Connection, Transaction};

use crate::Result;

pub(crate) enum Step {
    Sql(&'static str),
    Code(fn(&Transaction<'_>) -> Result<()>),
}

impl Step {
    pub(crate) fn apply(&self, txn: &Transaction<'_>) -> Result<()> {
        match self {
            Self::Sql(sql) => txn.execute_batch(sql)?,
            Self::Code(f) => f(txn)?,
        }
        Ok(())
    }
}

pub(crate) const MIGRATIONS: &[Step] = &[
    Step::Sql(include_str!("migrations/0001_initial.sql")),
    Step::Sql(include_str!("migrations/0002_registration.sql")),
    Step::Sql(include_str!("migrations/0003_mutations.sql")),
    Step::Sql(include_str!("migrations/0004_hardening.sql")),
    Step::Sql(include_str!("migrations/0005_hosts.sql")),
    Step::Sql(include_str!("migrations/0006_webhooks.sql")),
    Step::Sql(include_str!("migrations/0007_short_codes.sql")),
    Step::Code(short_codes_for_existing_visits),
    Step::Sql(include_str!("migrations/0008_short_code_unique.sql")),
    Step::Sql(include_str!("migrations/0009_walk_ins.sql")),
];

/// Every visit made before short codes gets one: a new code per primary invite, copied onto its
/// linked invite; an invite whose primary is missing gets its own.
fn short_codes_for_existing_visits(txn: &Transaction<'_>) -> Result<()> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut fresh = || loop {
        let c = crate::new_short_code();
        if taken.insert(c.clone()) {
            return c;
        }
    };
    let lone: Vec<String> = {
        let mut st = txn.prepare(
            "SELECT id FROM invites WHERE short_code IS NULL ORDER BY is_primary DESC, id",
        )?;
        let rows = st.query_map([], |r| r.get("id"))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for id in lone {
        let code = fresh();
        // A primary's linked copy takes its code; a copy already done is skipped.
        txn.execute(
            "UPDATE invites SET short_code = ?2 WHERE short_code IS NULL \
             AND (id = ?1 OR (is_primary = 0 AND linked_invite_id = ?1 \
                  AND EXISTS (SELECT 1 FROM invites p WHERE p.id = ?1 AND p.is_primary = 1)))",
            rusqlite::params![id, code],
        )?;
    }
    Ok(())
}

/// A database a newer Frontdesk has migrated past what this one knows: opening it could read
/// columns wrongly or write rows the newer schema forbids, so it is refused whole.
#[derive(Debug, thiserror::Error)]
#[error(
    "this database was written by a newer version of Frontdesk (schema {found}; this version \
     knows up to {known}): run that version or newer, or restore a backup made with this one"
)]
pub(crate) struct NewerSchema {
    found: i64,
    known: usize,
}

impl crate::backend::Error for NewerSchema {}

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    // A negative version is no schema of ours either: it could only be set by hand.
    let done = usize::try_from(version).map_err(|_| NewerSchema {
        found: version,
        known: MIGRATIONS.len(),
    })?;
    if done > MIGRATIONS.len() {
        return Err(NewerSchema {
            found: version,
            known: MIGRATIONS.len(),
        }
        .into());
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(done) {
        let txn = conn.transaction()?;
        step.apply(&txn)?;
        txn.pragma_update(None, "user_version", (i + 1) as i64)?;
        txn.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use rusqlite::Connection;

    use super::*;

    /// A database from a newer version is refused whole, with what to do, and left as it was.
    #[test]
    fn a_database_from_a_newer_version_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let newer = MIGRATIONS.len() as i64 + 1;
        conn.pragma_update(None, "user_version", newer).unwrap();
        let e = migrate(&mut conn).unwrap_err().to_string();
        assert!(e.contains("newer version of Frontdesk"), "{e}");
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, newer);
        conn.pragma_update(None, "user_version", -1).unwrap();
        assert!(migrate(&mut conn).is_err());
    }

    /// A database as the first `steps` migrations left it, foreign keys on.
    fn migrated_to(steps: usize) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", "ON").unwrap();
        for (i, step) in MIGRATIONS[..steps].iter().enumerate() {
            let txn = conn.transaction().unwrap();
            step.apply(&txn).unwrap();
            txn.commit().unwrap();
            conn.pragma_update(None, "user_version", (i + 1) as i64)
                .unwrap();
        }
        conn
    }

    /// Visits made before short codes: each gets one, the same on both invites of a pair, and
    /// no two visits the same; new visits are then kept unique by the index.
    #[test]
    fn existing_visits_get_a_short_code_each() {
        let mut conn = migrated_to(7);
        conn.execute_batch(
            "INSERT INTO buildings (id, name, timezone, created_at) VALUES ('b1', 'Harbour Tower', 'Europe/London', 0);
             INSERT INTO tenants VALUES ('t1', 'Acme', 0);
             INSERT INTO locations VALUES ('l1', 't1', 'b1', 'Acme HQ', 1, 1, NULL, 1, 0);
             INSERT INTO profiles VALUES ('p1', 'building:b1', '李小龍', NULL, NULL, NULL, 5);
             INSERT INTO invites (id, portal_kind, portal_id, building_id, location_id, tenant_id, origin,
                 is_primary, linked_invite_id, status, visitor_name, profile_id, host_name,
                 valid_from, valid_to, created_at, created_by)
             VALUES ('i1', 'building', 'b1', 'b1', 'l1', 't1', 'building', 1, 'i2', 'invited', '李小龍', 'p1', 'Host', 0, 1, 0, 'u'),
                    ('i2', 'location', 'l1', 'b1', 'l1', 't1', 'building', 0, 'i1', 'invited', '李小龍', 'p1', 'Host', 0, 1, 0, 'u'),
                    ('i3', 'building', 'b1', 'b1', 'l1', 't1', 'building', 1, NULL, 'invited', 'Zoë', 'p1', 'Host', 0, 1, 0, 'u');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let code = |invite: &str| -> String {
            conn.query_row(
                "SELECT short_code FROM invites WHERE id = ?1",
                [invite],
                |r| r.get(0),
            )
            .unwrap()
        };
        let (a, b, c) = (code("i1"), code("i2"), code("i3"));
        assert_eq!(a, b, "one code per visit");
        assert_ne!(a, c);
        for code in [&a, &c] {
            assert_eq!(
                frontdesk_core::normalise_short_code(code).as_ref(),
                Some(code)
            );
        }
        let clash = conn.execute("UPDATE invites SET short_code = ?1 WHERE id = 'i3'", [&a]);
        assert!(clash.is_err(), "the index keeps codes unique");
    }

    /// A database written before profiles were kept per organisation: both invites of a pair
    /// point at the building's profile. After migrating, each invite has its own organisation's
    /// copy of the person, and nothing is lost.
    #[test]
    fn shared_profiles_of_old_pairs_are_split_per_organisation() {
        let mut conn = migrated_to(3);
        conn.execute_batch(
            "INSERT INTO buildings VALUES ('b1', 'Harbour Tower', 'Europe/London', 0);
             INSERT INTO tenants VALUES ('t1', 'Acme', 0);
             INSERT INTO locations VALUES ('l1', 't1', 'b1', 'Acme HQ', 1, 1, NULL, 1, 0);
             INSERT INTO profiles VALUES ('p1', 'building:b1', 'Zoë Ødegård-李', 'zoe@example.no', '+47 400 00 000', 'Ørsted', 5);
             INSERT INTO invites (id, portal_kind, portal_id, building_id, location_id, tenant_id, origin,
                 is_primary, linked_invite_id, status, visitor_name, profile_id, host_name,
                 valid_from, valid_to, created_at, created_by)
             VALUES ('i1', 'building', 'b1', 'b1', 'l1', 't1', 'building', 1, 'i2', 'invited', 'Zoë', 'p1', 'Host', 0, 1, 0, 'u'),
                    ('i2', 'location', 'l1', 'b1', 'l1', 't1', 'building', 0, 'i1', 'invited', 'Zoë', 'p1', 'Host', 0, 1, 0, 'u');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let profile_of = |invite: &str| -> (String, String, String, Option<String>) {
            conn.query_row(
                "SELECT p.id, p.owner, p.name, p.company FROM invites i JOIN profiles p ON p.id = i.profile_id WHERE i.id = ?1",
                [invite],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
        };
        let (a, b) = (profile_of("i1"), profile_of("i2"));
        assert_eq!(a.0, "p1", "the primary keeps its profile");
        assert_eq!(a.1, "building:b1");
        assert_ne!(b.0, "p1");
        assert_eq!(b.1, "tenant:t1");
        assert_eq!(
            (&a.2, &a.3),
            (&b.2, &b.3),
            "the copy carries the same person"
        );
        assert!(uuid::Uuid::parse_str(&b.0).is_ok(), "{}", b.0);
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
    }
}
