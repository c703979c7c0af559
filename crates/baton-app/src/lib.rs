//! Use cases: each one checks rights, runs in one transaction, asks the domain to decide, and
//! writes the new state together with its audit event.

pub mod audit;
pub mod auth;
pub mod bank;
pub mod bundle;
pub mod clock;
pub mod conveyor;
pub mod crm;
pub mod demo;
pub mod error;
pub mod export;
pub mod input;
pub mod insight;
pub mod notify;
pub mod outbox;
pub mod payroll;
pub mod rights;
pub mod telephony;
pub mod webhooks;
pub mod whatif;

pub use auth::PasswordCost;
pub use error::{AppError, AppResult, ImportProblem};
pub use rights::Actor;

use baton_catalog::Text;
use baton_domain::ConveyorConfig;
use baton_store::records::Setting;
use baton_store::{Db, Tx};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use clock::{Clock, Ids, RandomIds, SystemClock};
use serde::Serialize;
use std::sync::Arc;

/// Fields that date a fact: a change to one of them can change a payroll period.
const DATED_FIELDS: [&str; 12] = [
    "paid_on",
    "issued_on",
    "due_on",
    "signed_on",
    "won_on",
    "valid_from",
    "valid_to",
    "from_date",
    "to_date",
    "local_date",
    "decided_at",
    "period",
];

#[derive(Clone)]
pub struct App {
    pub db: Db,
    /// Where reports and dashboards read: the database itself, or a read replica
    /// (`baton serve --read-db`, issue 19). Writes and the rules never read here.
    pub reports: Db,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub password_cost: PasswordCost,
    /// Live "my statement" cache (payroll/live.rs), shared by clones of this App.
    pub(crate) live: Arc<payroll::live::LiveStatements>,
}

/// A page of a list, with the total for pagination.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            page: 1,
            per_page: 50,
        }
    }
}

impl Paging {
    pub fn new(page: Option<i64>, per_page: Option<i64>) -> Paging {
        Paging {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, 500),
        }
    }
    pub fn offset(&self) -> i64 {
        // Saturates: a page far past the end (?page=9223372036854775807) is empty, not an overflow.
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl App {
    /// Opens the database at `url`, applies migrations, real clock and ids.
    pub fn open(url: &str) -> AppResult<App> {
        let db = Db::open(url)?;
        baton_store::migrate(&db)?;
        Ok(App::with(db, Arc::new(SystemClock), Arc::new(RandomIds)))
    }

    pub fn with(db: Db, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>) -> App {
        App {
            reports: db.clone(),
            db,
            clock,
            ids,
            password_cost: PasswordCost::Strong,
            live: Arc::default(),
        }
    }

    /// Reports and dashboards read from `replica` (a hot standby of this database); it lags
    /// by the replication delay, so a report can be that far behind.
    pub fn with_reports(mut self, replica: Db) -> App {
        self.reports = replica;
        self
    }

    /// One page of a filtered list, with the total for pagination.
    pub(crate) fn page<R: baton_store::Record>(
        &self,
        f: &baton_store::Filter,
        paging: Paging,
    ) -> AppResult<Page<R>> {
        self.db.read(|tx| {
            let total = tx.count::<R>(f)?;
            let items = tx.list::<R>(&f.clone().page(paging.per_page, paging.offset()))?;
            Ok(Page {
                items,
                total,
                page: paging.page,
                per_page: paging.per_page,
            })
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Checks a request's fields before its use case runs (`input.rs`); the date window is
    /// ten years either side of today, so the UTC date serves.
    pub(crate) fn checked<T: input::Checked>(&self, req: &T) -> AppResult<()> {
        req.check(self.now().date_naive())
    }

    pub fn new_id(&self) -> String {
        self.ids.id(self.now())
    }

    pub fn config(&self) -> AppResult<ConveyorConfig> {
        self.db.read(|tx| self.config_in(tx))
    }

    pub(crate) fn config_in(&self, tx: &mut Tx<'_>) -> AppResult<ConveyorConfig> {
        match tx.get::<Setting>("conveyor")? {
            Some(s) => serde_json::from_str(&s.value).map_err(|e| {
                AppError::invalid(
                    "conveyor",
                    Text::new("err-config-unreadable").arg("error", e.to_string()),
                )
            }),
            None => Ok(ConveyorConfig::default()),
        }
    }

    pub fn today(&self, cfg: &ConveyorConfig) -> NaiveDate {
        self.now().with_timezone(&cfg.tz()).date_naive()
    }

    /// Appends the audit event of one change, in the transaction that makes it. This is the
    /// only writer of `audit_events`, hence the long argument list.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn audit<B: Serialize, A: Serialize>(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<&Actor>,
        entity: &str,
        entity_id: &str,
        action: &str,
        before: Option<&B>,
        after: Option<&A>,
    ) -> AppResult<()> {
        let json = |v: Option<serde_json::Value>| v.map(|v| baton_store::Json::from_value(&v));
        let mut before = before.and_then(|b| serde_json::to_value(b).ok());
        let mut after = after.and_then(|a| serde_json::to_value(a).ok());
        // Whole, before the trail keeps only the changed fields: the event carries the record.
        self.outbox_write(tx, action, after.as_ref())?;
        // An update records only the fields it changed (their old and new values): the trail
        // stays readable and a year of claim renewals does not repeat whole companies.
        if let (Some(serde_json::Value::Object(b)), Some(serde_json::Value::Object(a))) =
            (&mut before, &mut after)
        {
            let same: Vec<String> = b
                .iter()
                .filter(|(k, v)| a.get(*k) == Some(*v))
                .map(|(k, _)| k.clone())
                .collect();
            for k in same {
                b.remove(&k);
                a.remove(&k);
            }
        }
        let now = self.now();
        // A write dated inside a closed payroll period changes that period: the next open
        // period pays the difference (payroll/periods.rs). Writes dated this month cannot.
        if let Some(day) = [&before, &after]
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_object())
            .flat_map(|o| o.iter())
            .filter(|(k, _)| DATED_FIELDS.contains(&k.as_str()))
            .filter_map(|(k, v)| {
                let s = v.as_str()?;
                if k == "period" {
                    format!("{s}-01").parse::<NaiveDate>().ok()
                } else {
                    s.get(..10)?.parse::<NaiveDate>().ok()
                }
            })
            .min()
            && day < now.date_naive().with_day(1).unwrap_or(day)
        {
            payroll::periods::touch(tx, day)?;
        }
        let ev = baton_store::records::AuditEvent {
            id: self.ids.id(now),
            at: clock::stamp(now),
            actor_id: actor.map(|a| a.id.clone()),
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            action: action.to_string(),
            before_json: json(before),
            after_json: json(after),
            // Linked into the audit chain when the transaction commits (baton_store::chain).
            seq: None,
            prev_hash: None,
            hash: None,
        };
        tx.insert(&ev)?;
        Ok(())
    }
}
