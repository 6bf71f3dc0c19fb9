//! [`Tx`] over one open SQLite transaction: the row-level reads and writes the actions make,
//! one file per part of the trait.

mod accounts;
mod hosts;
mod places;
mod registrations;
mod sync;
mod visits;
mod webhooks;

use rusqlite::{Connection, OptionalExtension, Row};

use crate::{Result, Tx};

/// A `Tx` over one open SQLite transaction.
pub(crate) struct SqlTx<'c> {
    pub(crate) conn: &'c Connection,
}

impl SqlTx<'_> {
    fn one<T>(
        &self,
        sql: &str,
        p: impl rusqlite::Params,
        f: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.conn.prepare_cached(sql)?.query_row(p, f).optional()?)
    }

    fn exec(&self, sql: &str, p: impl rusqlite::Params) -> Result<usize> {
        Ok(self.conn.prepare_cached(sql)?.execute(p)?)
    }
}

impl Tx for SqlTx<'_> {}
