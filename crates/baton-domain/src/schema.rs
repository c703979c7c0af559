//! OpenAPI schemas of the values the API carries as text: money, dates, months and the
//! enumerations kept as strings. Schema-only types (`Amount`, `Date`, …) are named in
//! `#[schema(value_type = …)]` by request and response types; they are never built.

use crate::input::{CODE_MAX, NOTE_MAX};
use crate::money::Money;
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};

fn text(pattern: &str, example: &str, description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .examples([example])
        .description(Some(description))
}

fn one_of(values: &[&str], description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
        .into()
}

impl PartialSchema for Money {
    fn schema() -> RefOr<Schema> {
        text(
            r"^-?[0-9]+\.[0-9]{2}$",
            "120000.00",
            "Rubles with two decimals",
        )
        .into()
    }
}

impl ToSchema for Money {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Money")
    }
}

macro_rules! schema_only {
    ($($(#[$m:meta])* $name:ident => $body:expr;)*) => {$(
        $(#[$m])*
        pub struct $name;
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $body
            }
        }
        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    )*};
}

schema_only! {
    /// An amount typed in a request: positive rubles. The parser also takes `"120 000,00"` and
    /// whole numbers; the schema states the canonical form only.
    Amount => text(
        r"^[1-9][0-9]{0,9}(\.[0-9]{2})?$",
        "120000.00",
        "Rubles, positive, at most two decimals (the API also reads \"120 000,00\" and numbers)",
    )
    .into();
    /// A day, `YYYY-MM-DD`.
    Date => ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .examples(["2026-03-15"])
        .into();
    /// A month, `YYYY-MM`.
    Month => text(r"^20\d{2}-(0[1-9]|1[0-2])$", "2026-03", "A month, YYYY-MM, of this century").into();
    /// An instant, RFC 3339 UTC.
    Instant => ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        .into();
    /// A call outcome (`CALL_OUTCOMES`).
    CallOutcome => one_of(&crate::CALL_OUTCOMES, "A call outcome; dm_* means the decision maker was reached");
    /// What a task is for (`task::TASK_KINDS`).
    TaskKind => one_of(&crate::task::TASK_KINDS, "What the task is for");
    /// Which tasks a list shows.
    TaskStatus => one_of(&["open", "closed", "all"], "open (the default), closed or all");
    /// How a task ended (`task::TASK_OUTCOMES`).
    TaskOutcome => one_of(&crate::task::TASK_OUTCOMES, "done or cancelled");
    /// An activity other than a call.
    ActivityKind => one_of(&["meeting", "email", "note"], "What kind of activity");
    /// A rejection reason of the shipped configuration (the configuration may add others).
    RejectionCode => {
        let config = crate::ConveyorConfig::default();
        let codes: Vec<&str> = config.rejection_reasons.iter().map(|r| r.code.as_str()).collect();
        one_of(&codes, "A rejection reason code of the shipped configuration; other needs text")
    };
    /// A plan version's status.
    PlanStatus => one_of(&["active", "draft"], "active (used by payroll) or draft (for what-if replays)");
    /// A short code or key (`CODE_MAX`).
    Code => ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(CODE_MAX))
        .into();
    /// A note (`NOTE_MAX`).
    Note => ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(NOTE_MAX))
        .into();
}
