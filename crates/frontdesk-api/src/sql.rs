//! The wire enums a store keeps in a text column, stored by their names on the wire, so the
//! database and the API never spell a state two ways.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{MessageKind, MutationResult, NotificationState, WebhookEvent, WebhookOwnerKind};

fn name<T: Serialize>(v: &T) -> rusqlite::Result<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(rusqlite::Error::ToSqlConversionFailure(
            "not a unit enum".into(),
        )),
    }
}

fn from_name<T: DeserializeOwned>(v: ValueRef<'_>) -> FromSqlResult<T> {
    serde_json::from_value(serde_json::Value::String(v.as_str()?.to_owned()))
        .map_err(|e| FromSqlError::Other(Box::new(e)))
}

macro_rules! stored_by_name {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(name(self)?))
            }
        }

        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                from_name(v)
            }
        }
    )*};
}

stored_by_name!(
    NotificationState,
    MutationResult,
    MessageKind,
    WebhookEvent,
    WebhookOwnerKind
);
