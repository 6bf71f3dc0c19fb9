//! Typed ids: `Id<Invite>`, `Id<Building>`, … are all strings on the wire and in the database,
//! but distinct types in Rust, so a tenant id passed where a building id is expected no longer
//! compiles.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The id of a `T`. The marker is `PhantomData<fn() -> T>` rather than `PhantomData<T>` so that
/// an id is `Send + Sync` even for an uninhabited or non-`Sync` marker, and the trait impls are
/// written by hand because derives would demand `T: Clone`, `T: Eq`, … of the marker.
pub struct Id<T: ?Sized> {
    value: String,
    marker: PhantomData<fn() -> T>,
}

impl<T: ?Sized> Id<T> {
    pub fn new(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            marker: PhantomData,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn into_string(self) -> String {
        self.value
    }
}

impl<T: ?Sized> Clone for Id<T> {
    fn clone(&self) -> Self {
        Self::new(self.value.clone())
    }
}

impl<T: ?Sized> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: ?Sized> Eq for Id<T> {}

impl<T: ?Sized> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: ?Sized> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

// Hashes exactly as the `str` does, which `Borrow<str>` requires: a `HashMap<Id<T>, _>` can then
// be looked up with a plain `&str`.
impl<T: ?Sized> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T: ?Sized> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.value, f)
    }
}

impl<T: ?Sized> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl<T: ?Sized> From<String> for Id<T> {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl<T: ?Sized> From<&str> for Id<T> {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl<T: ?Sized> From<Id<T>> for String {
    fn from(id: Id<T>) -> Self {
        id.value
    }
}

impl<T: ?Sized> AsRef<str> for Id<T> {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl<T: ?Sized> Borrow<str> for Id<T> {
    fn borrow(&self) -> &str {
        &self.value
    }
}

impl<T: ?Sized> PartialEq<str> for Id<T> {
    fn eq(&self, other: &str) -> bool {
        self.value == other
    }
}

impl<T: ?Sized> PartialEq<&str> for Id<T> {
    fn eq(&self, other: &&str) -> bool {
        self.value == *other
    }
}

impl<T: ?Sized> PartialEq<Id<T>> for str {
    fn eq(&self, other: &Id<T>) -> bool {
        self == other.value
    }
}

impl<T: ?Sized> PartialEq<Id<T>> for &str {
    fn eq(&self, other: &Id<T>) -> bool {
        *self == other.value
    }
}

impl<T: ?Sized> PartialEq<Id<T>> for String {
    fn eq(&self, other: &Id<T>) -> bool {
        *self == other.value
    }
}

// Transparent, like `#[serde(transparent)]`: the JSON is the bare string.
impl<T: ?Sized> Serialize for Id<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

impl<'de, T: ?Sized> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

// TypeScript sees a plain `string`, as ts-rs declares its own string-like primitives.
#[cfg(feature = "ts")]
impl<T: ?Sized + 'static> ts_rs::TS for Id<T> {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;

    fn name() -> String {
        "string".to_owned()
    }

    fn inline() -> String {
        <Self as ts_rs::TS>::name()
    }

    fn inline_flattened() -> String {
        panic!("an id is a string and cannot be flattened")
    }

    fn decl() -> String {
        panic!("an id is a string and cannot be declared")
    }

    fn decl_concrete() -> String {
        panic!("an id is a string and cannot be declared")
    }
}

// OpenAPI sees a plain `string` too. A struct deriving `ToSchema` should still mark an id field
// `#[schema(value_type = String)]`: the derive would otherwise emit a `$ref` to a named schema.
#[cfg(feature = "openapi")]
impl<T: ?Sized> utoipa::PartialSchema for Id<T> {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <String as utoipa::PartialSchema>::schema()
    }
}

// In SQLite an id is its TEXT, as it is; reading or writing it is the only SQL-facing part, and
// the stores (the portal's and the desk's cache) turn it on, not the core's other users.
#[cfg(feature = "rusqlite")]
impl<T: ?Sized> rusqlite::types::ToSql for Id<T> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.value.as_str()))
    }
}

#[cfg(feature = "rusqlite")]
impl<T: ?Sized> rusqlite::types::FromSql for Id<T> {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        String::column_result(value).map(Self::new)
    }
}

/// Markers for the entities that have an id but no domain struct here (an invite, a card and a
/// visitor type use their own structs). Uninhabited: they only name a kind of id.
pub enum Building {}
pub enum Tenant {}
pub enum Location {}
pub enum User {}
pub enum Profile {}
pub enum Notification {}
pub enum Webhook {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Invite;
    use std::collections::HashMap;

    fn assert_send_sync<X: Send + Sync>() {}

    #[test]
    fn an_id_is_send_and_sync_whatever_its_marker() {
        assert_send_sync::<Id<Building>>();
        assert_send_sync::<Id<Invite>>();
        assert_send_sync::<Id<std::rc::Rc<()>>>();
    }

    #[test]
    fn the_json_is_the_bare_string() -> serde_json::Result<()> {
        let id: Id<Building> = Id::new("b1");
        assert_eq!(serde_json::to_string(&id)?, "\"b1\"");
        let back: Id<Building> = serde_json::from_str("\"b1\"")?;
        assert_eq!(back, id);
        assert_eq!(back.to_string(), "b1");
        assert_eq!(format!("{back:?}"), "\"b1\"");
        Ok(())
    }

    #[test]
    fn a_map_keyed_by_id_is_looked_up_by_str() {
        let mut names: HashMap<Id<Tenant>, &str> = HashMap::new();
        names.insert(Id::from("t1".to_owned()), "Acme");
        assert_eq!(names.get("t1"), Some(&"Acme"));
    }

    #[cfg(feature = "ts")]
    #[test]
    fn typescript_sees_a_string() {
        assert_eq!(<Id<Invite> as ts_rs::TS>::inline(), "string");
        assert_eq!(<Option<Id<Tenant>> as ts_rs::TS>::inline(), "string | null");
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn openapi_sees_a_string() -> serde_json::Result<()> {
        use utoipa::PartialSchema;
        assert_eq!(
            serde_json::to_value(Id::<Invite>::schema())?,
            serde_json::to_value(String::schema())?
        );
        Ok(())
    }
}
