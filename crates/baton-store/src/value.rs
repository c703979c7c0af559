//! The two column types Baton stores (see `migrations/README.md`): BIGINT and TEXT. One value
//! type binds and reads them on both backends, so every query is written once.

use crate::StoreError;
use baton_domain::Money;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Money> for Value {
    fn from(v: Money) -> Self {
        Value::Int(v.kopecks())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// A result row: values in SELECT order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row(pub Vec<Value>);

impl Row {
    pub fn get(&self, i: usize) -> &Value {
        self.0.get(i).unwrap_or(&Value::Null)
    }
    pub fn int(&self, i: usize) -> i64 {
        match self.get(i) {
            Value::Int(v) => *v,
            Value::Text(t) => t.parse().unwrap_or(0),
            Value::Null => 0,
        }
    }
    pub fn text(&self, i: usize) -> String {
        match self.get(i) {
            Value::Text(t) => t.clone(),
            Value::Int(v) => v.to_string(),
            Value::Null => String::new(),
        }
    }
    pub fn opt_text(&self, i: usize) -> Option<String> {
        match self.get(i) {
            Value::Null => None,
            _ => Some(self.text(i)),
        }
    }
}

/// A Rust type stored in one column.
pub trait Field: Sized {
    fn to_value(&self) -> Value;
    /// Like `to_value`, without copying text (bulk import moves rows straight into SQL).
    fn into_value(self) -> Value {
        self.to_value()
    }
    fn from_value(v: &Value, table: &str, column: &str) -> Result<Self, StoreError>;
    /// Parses the CSV text form (empty means NULL for optional fields).
    fn parse_text(s: &str) -> Result<Self, String>;
    fn to_text(&self) -> String;
}

fn mismatch(table: &str, column: &str, v: &Value) -> StoreError {
    StoreError::Decode(format!("{table}.{column}: unexpected value {v:?}"))
}

impl Field for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
    fn into_value(self) -> Value {
        Value::Text(self)
    }
    fn from_value(v: &Value, t: &str, c: &str) -> Result<Self, StoreError> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            _ => Err(mismatch(t, c, v)),
        }
    }
    fn parse_text(s: &str) -> Result<Self, String> {
        Ok(s.to_string())
    }
    fn to_text(&self) -> String {
        self.clone()
    }
}

impl Field for i64 {
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
    fn from_value(v: &Value, t: &str, c: &str) -> Result<Self, StoreError> {
        match v {
            Value::Int(i) => Ok(*i),
            _ => Err(mismatch(t, c, v)),
        }
    }
    fn parse_text(s: &str) -> Result<Self, String> {
        s.trim()
            .parse()
            .map_err(|_| format!("«{s}» is not a whole number"))
    }
    fn to_text(&self) -> String {
        self.to_string()
    }
}

impl Field for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
    fn from_value(v: &Value, t: &str, c: &str) -> Result<Self, StoreError> {
        match v {
            Value::Int(i) => Ok(*i != 0),
            _ => Err(mismatch(t, c, v)),
        }
    }
    fn parse_text(s: &str) -> Result<Self, String> {
        match s.trim() {
            "1" | "true" | "да" => Ok(true),
            "0" | "false" | "нет" => Ok(false),
            _ => Err(format!("«{s}» is not 1 or 0")),
        }
    }
    fn to_text(&self) -> String {
        if *self { "1".into() } else { "0".into() }
    }
}

impl Field for Money {
    fn to_value(&self) -> Value {
        Value::Int(self.kopecks())
    }
    fn from_value(v: &Value, t: &str, c: &str) -> Result<Self, StoreError> {
        i64::from_value(v, t, c).map(Money::from_kopecks)
    }
    fn parse_text(s: &str) -> Result<Self, String> {
        s.parse::<Money>().map_err(|e| e.to_string())
    }
    fn to_text(&self) -> String {
        self.to_plain()
    }
}

impl<T: Field> Field for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, Field::to_value)
    }
    fn into_value(self) -> Value {
        self.map_or(Value::Null, Field::into_value)
    }
    fn from_value(v: &Value, t: &str, c: &str) -> Result<Self, StoreError> {
        match v {
            Value::Null => Ok(None),
            other => T::from_value(other, t, c).map(Some),
        }
    }
    fn parse_text(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            Ok(None)
        } else {
            T::parse_text(s).map(Some)
        }
    }
    fn to_text(&self) -> String {
        self.as_ref().map_or(String::new(), Field::to_text)
    }
}

/// A JSON document stored as TEXT (checklist answers, handoff snapshots, audit states). It
/// is kept as validated text, not a parsed tree: import validates without building one, and
/// export writes back exactly what was stored. Documents Baton writes have sorted keys, so
/// their text is canonical and exports are byte-stable.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Json(Box<serde_json::value::RawValue>);

/// Any JSON value but null (an optional document is `null` outside it): the stored document
/// as it was written.
impl utoipa::PartialSchema for Json {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([
                Type::Object,
                Type::Array,
                Type::String,
                Type::Number,
                Type::Boolean,
            ]))
            .into()
    }
}

impl utoipa::ToSchema for Json {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("AnyJson")
    }
}

impl Json {
    pub fn from_value(v: &serde_json::Value) -> Json {
        // A serde_json::Value always prints as valid JSON.
        Json(
            serde_json::value::RawValue::from_string(v.to_string())
                .unwrap_or_else(|_| Self::empty_raw()),
        )
    }
    fn empty_raw() -> Box<serde_json::value::RawValue> {
        serde_json::value::RawValue::from_string("{}".to_string()).unwrap_or_default()
    }
    pub fn text(&self) -> &str {
        self.0.get()
    }
    /// Keeps `text` as it is, after checking that it is JSON.
    pub fn from_text(text: String) -> Result<Json, String> {
        serde_json::value::RawValue::from_string(text)
            .map(Json)
            .map_err(|e| format!("not valid JSON: {e}"))
    }
    pub fn value(&self) -> serde_json::Value {
        serde_json::from_str(self.0.get()).unwrap_or(serde_json::Value::Null)
    }
}

impl Default for Json {
    fn default() -> Self {
        Json(Self::empty_raw())
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}
impl Eq for Json {}

impl Field for Json {
    fn to_value(&self) -> Value {
        Value::Text(self.0.get().to_string())
    }
    fn into_value(self) -> Value {
        Value::Text(String::from(self.0.get()))
    }
    fn from_value(v: &Value, t: &str, c: &str) -> Result<Self, StoreError> {
        match v {
            Value::Text(s) => serde_json::value::RawValue::from_string(s.clone())
                .map(Json)
                .map_err(|e| StoreError::Decode(format!("{t}.{c}: {e}"))),
            _ => Err(mismatch(t, c, v)),
        }
    }
    fn parse_text(s: &str) -> Result<Self, String> {
        serde_json::value::RawValue::from_string(s.to_string())
            .map(Json)
            .map_err(|e| format!("not valid JSON: {e}"))
    }
    fn to_text(&self) -> String {
        self.0.get().to_string()
    }
}
