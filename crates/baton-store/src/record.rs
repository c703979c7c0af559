//! A stored record: one struct per table, its columns listed once. Generic insert, update,
//! fetch, list and bundle import/export all work from that one list.

use crate::StoreError;
use crate::db::{Dialect, Tx};
use crate::value::{Field, Row, Value};

pub trait Record: Sized + Clone {
    const TABLE: &'static str;
    const COLUMNS: &'static [&'static str];
    fn to_values(&self) -> Vec<Value>;
    fn into_values(self) -> Vec<Value>;
    fn from_row(row: &Row) -> Result<Self, StoreError>;
    /// Parses one CSV row (in `COLUMNS` order); the error names the column.
    fn from_texts(texts: &[&str]) -> Result<Self, (&'static str, String)>;
    fn to_texts(&self) -> Vec<String>;
    fn id(&self) -> &str;
}

#[doc(hidden)]
pub fn field_from_text<T: Field>(
    texts: &[&str],
    i: usize,
    col: &'static str,
) -> Result<T, (&'static str, String)> {
    T::parse_text(texts.get(i).copied().unwrap_or("")).map_err(|e| (col, e))
}

/// Declares record structs. Every table has a TEXT `id` as its first column.
#[macro_export]
macro_rules! records {
    ($( $(#[$m:meta])* $name:ident in $table:literal { $($field:ident : $ty:ty),* $(,)? } )*) => { $(
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub struct $name { $(pub $field: $ty),* }

        impl $crate::record::Record for $name {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];
            fn to_values(&self) -> Vec<$crate::Value> {
                vec![$($crate::value::Field::to_value(&self.$field)),*]
            }
            fn into_values(self) -> Vec<$crate::Value> {
                vec![$($crate::value::Field::into_value(self.$field)),*]
            }
            fn from_row(row: &$crate::Row) -> Result<Self, $crate::StoreError> {
                let mut _i = 0usize;
                Ok($name { $($field: {
                    let v = <$ty as $crate::value::Field>::from_value(row.get(_i), $table, stringify!($field))?;
                    _i += 1;
                    v
                }),* })
            }
            fn from_texts(texts: &[&str]) -> Result<Self, (&'static str, String)> {
                let mut _i = 0usize;
                Ok($name { $($field: {
                    let v = $crate::record::field_from_text::<$ty>(texts, _i, stringify!($field))?;
                    _i += 1;
                    v
                }),* })
            }
            fn to_texts(&self) -> Vec<String> {
                vec![$($crate::value::Field::to_text(&self.$field)),*]
            }
            fn id(&self) -> &str { &self.id }
        }
    )* };
}

fn cols<R: Record>() -> String {
    R::COLUMNS.join(",")
}

/// A list filter: column = value, column is one of the record's columns (checked, never
/// user text), value always bound.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub eq: Vec<(&'static str, Value)>,
    /// Raw conditions written by the store itself, with their bound values.
    pub raw: Vec<(String, Vec<Value>)>,
    pub order_by: Option<&'static str>,
    pub desc: bool,
    pub limit: Option<i64>,
    pub offset: i64,
}

impl Filter {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn eq(mut self, col: &'static str, v: impl Into<Value>) -> Self {
        self.eq.push((col, v.into()));
        self
    }
    pub fn raw(mut self, cond: impl Into<String>, vals: Vec<Value>) -> Self {
        self.raw.push((cond.into(), vals));
        self
    }
    pub fn order(mut self, col: &'static str, desc: bool) -> Self {
        self.order_by = Some(col);
        self.desc = desc;
        self
    }
    pub fn page(mut self, limit: i64, offset: i64) -> Self {
        self.limit = Some(limit);
        self.offset = offset;
        self
    }
    fn where_clause<R: Record>(&self) -> Result<(String, Vec<Value>), StoreError> {
        let mut conds = Vec::new();
        let mut vals = Vec::new();
        for (c, v) in &self.eq {
            if !R::COLUMNS.contains(c) {
                return Err(StoreError::Decode(format!(
                    "{} has no column {c}",
                    R::TABLE
                )));
            }
            if *v == Value::Null {
                conds.push(format!("{c} IS NULL"));
            } else {
                conds.push(format!("{c} = ?"));
                vals.push(v.clone());
            }
        }
        for (c, v) in &self.raw {
            conds.push(format!("({c})"));
            vals.extend(v.iter().cloned());
        }
        let w = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        Ok((w, vals))
    }
}

impl Tx<'_> {
    pub fn insert<R: Record>(&mut self, r: &R) -> Result<(), StoreError> {
        let marks = vec!["?"; R::COLUMNS.len()].join(",");
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({marks})",
            R::TABLE,
            cols::<R>()
        );
        self.exec(&sql, &r.to_values())?;
        Ok(())
    }

    /// Insert or replace by id (import is idempotent through this).
    pub fn upsert<R: Record>(&mut self, r: &R) -> Result<(), StoreError> {
        let marks = vec!["?"; R::COLUMNS.len()].join(",");
        let sets: Vec<String> = R::COLUMNS[1..]
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET {}",
            R::TABLE,
            cols::<R>(),
            sets.join(", ")
        );
        self.exec(&sql, &r.to_values())?;
        Ok(())
    }

    /// Updates every column by id. With `version_col`, the update applies only if the stored
    /// version is still `expected`; otherwise someone else changed the record first.
    pub fn update<R: Record>(
        &mut self,
        r: &R,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError> {
        let sets: Vec<String> = R::COLUMNS[1..].iter().map(|c| format!("{c} = ?")).collect();
        let mut vals: Vec<Value> = r.to_values().into_iter().skip(1).collect();
        vals.push(Value::Text(r.id().to_string()));
        let mut sql = format!("UPDATE {} SET {} WHERE id = ?", R::TABLE, sets.join(", "));
        if let Some(v) = expected_version {
            sql.push_str(" AND version = ?");
            vals.push(Value::Int(v));
        }
        match self.exec(&sql, &vals)? {
            1 => Ok(()),
            0 if expected_version.is_some() => Err(StoreError::Conflict {
                entity: R::TABLE.into(),
                id: r.id().to_string(),
            }),
            _ => Err(StoreError::NotFound {
                entity: R::TABLE.into(),
                id: r.id().to_string(),
            }),
        }
    }

    pub fn get<R: Record>(&mut self, id: &str) -> Result<Option<R>, StoreError> {
        let sql = format!("SELECT {} FROM {} WHERE id = ?", cols::<R>(), R::TABLE);
        match self.query_one(&sql, &[Value::Text(id.to_string())])? {
            Some(row) => Ok(Some(R::from_row(&row)?)),
            None => Ok(None),
        }
    }

    pub fn must<R: Record>(&mut self, id: &str) -> Result<R, StoreError> {
        self.get(id)?.ok_or_else(|| StoreError::NotFound {
            entity: R::TABLE.into(),
            id: id.to_string(),
        })
    }

    pub fn list<R: Record>(&mut self, f: &Filter) -> Result<Vec<R>, StoreError> {
        let (w, mut vals) = f.where_clause::<R>()?;
        let mut sql = format!("SELECT {} FROM {}{w}", cols::<R>(), R::TABLE);
        let order = match f.order_by {
            Some(c) if R::COLUMNS.contains(&c) => c,
            _ => "id",
        };
        sql.push_str(&format!(
            " ORDER BY {order} {}, id",
            if f.desc { "DESC" } else { "ASC" }
        ));
        if let Some(l) = f.limit {
            sql.push_str(" LIMIT ? OFFSET ?");
            vals.push(Value::Int(l));
            vals.push(Value::Int(f.offset));
        }
        self.query(&sql, &vals)?.iter().map(R::from_row).collect()
    }

    pub fn count<R: Record>(&mut self, f: &Filter) -> Result<i64, StoreError> {
        let (w, vals) = f.where_clause::<R>()?;
        let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {}{w}", R::TABLE);
        Ok(self.query_one(&sql, &vals)?.map_or(0, |r| r.int(0)))
    }

    /// Bulk insert of records (import, demo history).
    pub fn insert_records<R: Record>(&mut self, rs: &[R]) -> Result<u64, StoreError> {
        let rows: Vec<Vec<Value>> = rs.iter().map(Record::to_values).collect();
        self.insert_many(R::TABLE, R::COLUMNS, &rows)
    }

    /// Deletes rows by id; used only to replace an import's rows inside one transaction.
    pub fn delete_ids<R: Record>(&mut self, ids: &[String]) -> Result<u64, StoreError> {
        let mut n = 0;
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!("DELETE FROM {} WHERE id IN ({marks})", R::TABLE);
            let vals: Vec<Value> = chunk.iter().map(Value::from).collect();
            n += self.exec(&sql, &vals)?;
        }
        Ok(n)
    }

    pub fn is_postgres(&self) -> bool {
        self.dialect() == Dialect::Postgres
    }
}
