//! Alerts (docs/reports.md): the rules are pure (`baton_analytics::alerts`); this module loads
//! their facts for a region or everyone, evaluates them on demand with any parameters, and
//! keeps the alert log: the standing rules evaluated as writes arrive and as the clock runs.

use super::{day, label, local_day, people, report_region};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};
use baton_analytics::alerts::{
    Alert, AlertParams, ClientFact, OpenDeal, OpenInvoice, OverriddenHandoff, PendingHandoff,
    PendingKickoff, SalesManagerFact, TargetGap, Who, clients_without_order, kickoffs_overdue,
    leads_past_sla, no_new_client, overdue_invoices, overridden_checklists, stale_deals,
    targets_missing,
};
use baton_catalog::Text;
use baton_domain::{ConveyorConfig, Role};
use baton_store::records::{AlertAck, AlertLogRow, Employee, Setting};
use baton_store::{Filter, Tx, Value};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The rules whose alerts can be acknowledged.
pub const RULES: [&str; 8] = [
    "no_new_client",
    "targets_missing",
    "lead_past_sla",
    "kickoff_overdue",
    "stale_deal",
    "overdue_invoices",
    "client_no_order",
    "checklist_overridden",
];

/// The rules whose alerts ask the person they name to act (accept a lead, call a client, collect
/// an invoice, hold a kickoff); the others ask the head (no new client, missing targets, an
/// overridden checklist) and reach only the head.
pub const OWNER_RULES: [&str; 5] = [
    "lead_past_sla",
    "kickoff_overdue",
    "stale_deal",
    "overdue_invoices",
    "client_no_order",
];

/// `rule IN (…)` over [`OWNER_RULES`].
fn owner_rules_sql() -> String {
    let quoted: Vec<String> = OWNER_RULES.iter().map(|r| format!("'{r}'")).collect();
    format!("rule IN ({})", quoted.join(", "))
}

/// An alert with its stable key and, once acknowledged, who did it and when.
#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    /// `rule:person:YYYY-MM` for the monthly rules (`no_new_client`, `client_no_order`,
    /// `overdue_invoices`, which adds its bucket before the month), `rule:person:YYYY-MM-DD` for
    /// the daily ones (`lead_past_sla`, `kickoff_overdue`, `stale_deal`): the month or the day
    /// it fired.
    pub key: String,
    #[serde(flatten)]
    pub alert: Alert,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
    /// When the standing rules raised it (the alert log), and after what.
    pub raised_at: Option<String>,
    pub raised_after: Option<String>,
    /// The records as a person reads them, in the order of `records`: a lead by its company's
    /// name, an invoice by its number and company, a company by its name.
    pub record_names: Vec<String>,
}

impl std::ops::Deref for AlertView {
    type Target = Alert;
    fn deref(&self) -> &Alert {
        &self.alert
    }
}

/// The stable key of an alert raised on `today`.
pub fn alert_key(a: &Alert, today: NaiveDate) -> String {
    let month = today.format("%Y-%m");
    match a.rule {
        "lead_past_sla" | "kickoff_overdue" | "stale_deal" => {
            format!("{}:{}:{today}", a.rule, a.person.id)
        }
        "overdue_invoices" => {
            let bucket = ["0–30", "31–60", "61–90", "90+"]
                .into_iter()
                .find(|b| a.message.contains(&format!("overdue {b} days")))
                .unwrap_or("all")
                .replace('–', "-");
            format!("{}:{}:{bucket}:{month}", a.rule, a.person.id)
        }
        // One per person and month the targets are missing for (the month is in the text).
        "targets_missing" => {
            let period = a
                .message
                .split(|c: char| c.is_whitespace() || c == ':')
                .find(|w| w.len() == 7 && w.as_bytes()[4] == b'-' && w[..4].parse::<u32>().is_ok())
                .unwrap_or("");
            format!("{}:{}:{period}", a.rule, a.person.id)
        }
        _ => format!("{}:{}:{month}", a.rule, a.person.id),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertsReport {
    pub today: NaiveDate,
    pub region: Option<String>,
    pub params: AlertParams,
    pub alerts: Vec<AlertView>,
}

impl App {
    /// Every alert raised today by the rules with `params`, the acknowledged ones marked.
    pub fn alerts(
        &self,
        actor: Option<&Actor>,
        region: Option<&str>,
        params: AlertParams,
    ) -> AppResult<AlertsReport> {
        self.alerts_open(actor, region, params, false)
    }

    /// Acknowledges the alert with `key` (from the alerts' list): the head of the person's
    /// region, the director or the admin (the command line too). Acknowledging twice keeps the
    /// first acknowledgement.
    pub fn ack_alert(&self, actor: Option<&Actor>, key: &str) -> AppResult<AlertAck> {
        // Rights first: a refusal must not depend on what was asked.
        if let Some(a) = actor {
            crate::rights::require(a, crate::rights::Action::AckAlerts)?;
        }
        let key = key.trim();
        let mut parts = key.split(':');
        let (rule, person) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let when = parts.next_back().unwrap_or("");
        if !RULES.contains(&rule) || person.is_empty() || when.len() < 7 {
            return Err(AppError::invalid(
                "key",
                Text::new("err-alert-key").arg("key", key),
            ));
        }
        self.db.tx(|tx| {
            let Some(subject) = tx.get::<Employee>(person)? else {
                return Err(AppError::invalid(
                    "key",
                    Text::new("err-alert-key-person").arg("key", key),
                ));
            };
            if let Some(a) = actor {
                crate::rights::require_region(
                    a,
                    crate::rights::Action::AckAlerts,
                    subject.region_id.as_deref(),
                )?;
            }
            if let Some(existing) = tx.get::<AlertAck>(key)? {
                return Ok(existing);
            }
            let row = AlertAck {
                id: key.to_string(),
                rule: rule.to_string(),
                region_id: subject.region_id.clone(),
                acknowledged_by: actor.map_or_else(|| "cli".to_string(), |a| a.id.clone()),
                acknowledged_at: crate::clock::stamp(self.now()),
            };
            tx.insert(&row)?;
            self.audit(
                tx,
                actor,
                "alert",
                &row.id,
                "alert.acknowledged",
                None::<&()>,
                Some(&row),
            )?;
            Ok(row)
        })
    }

    /// The alerts as [`App::alerts`]; with `open`, the acknowledged ones are left out. Each
    /// carries, when the standing rules raised it too, when and after what (the alert log).
    pub fn alerts_open(
        &self,
        actor: Option<&Actor>,
        region: Option<&str>,
        params: AlertParams,
        open: bool,
    ) -> AppResult<AlertsReport> {
        let cfg = self.config()?;
        let now = self.now();
        let today = self.today(&cfg);
        self.db.read(|tx| {
            let region = report_region(tx, actor, region)?;
            let alerts = raise(
                tx,
                &cfg,
                region.as_ref().map(|r| r.id.as_str()),
                params,
                now,
                today,
            )?;
            let acks: BTreeMap<String, AlertAck> = tx
                .list::<AlertAck>(&Filter::new())?
                .into_iter()
                .map(|a| (a.id.clone(), a))
                .collect();
            let raised: HashMap<String, (String, String)> = tx
                .query(
                    "SELECT id, raised_at, raised_after FROM alert_log WHERE cleared_at IS NULL",
                    &[],
                )?
                .into_iter()
                .map(|r| (r.text(0), (r.text(1), r.text(2))))
                .collect();
            let ids: Vec<&String> = alerts.iter().flat_map(|a| a.records.iter()).collect();
            let names = record_names(tx, &ids)?;
            let alerts = alerts
                .into_iter()
                .map(|alert| {
                    let key = alert_key(&alert, today);
                    let ack = acks.get(&key);
                    let log = raised.get(&key);
                    AlertView {
                        record_names: alert
                            .records
                            .iter()
                            .map(|r| names.get(r).cloned().unwrap_or_else(|| r.clone()))
                            .collect(),
                        acknowledged_by: ack.map(|a| a.acknowledged_by.clone()),
                        acknowledged_at: ack.map(|a| a.acknowledged_at.clone()),
                        raised_at: log.map(|l| l.0.clone()),
                        raised_after: log.map(|l| l.1.clone()),
                        key,
                        alert,
                    }
                })
                .filter(|v| !open || v.acknowledged_at.is_none())
                .collect();
            Ok(AlertsReport {
                today,
                region: region.map(|r| r.code),
                params,
                alerts,
            })
        })
    }
}

/// What set an evaluation of the standing rules off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Something was written: the alert is said to be raised after the last audited change.
    Write,
    /// The clock: the rules that time trips (an SLA running out, months without a client).
    Clock,
    /// Someone asked (`baton report alerts evaluate`, an import, the demo).
    Command,
}

/// What one evaluation changed in the alert log.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AlertChanges {
    /// Keys of the alerts raised now for the first time.
    pub raised: Vec<String>,
    /// Keys of the alerts the rules no longer raise.
    pub cleared: Vec<String>,
    /// Alerts still raised whose records or words changed.
    pub updated: usize,
}

/// One alert of the log, with its acknowledgement. Shown as the row's fields with `records` as
/// a list (the row keeps it as JSON text).
#[derive(Debug, Clone)]
pub struct AlertLogView {
    pub row: AlertLogRow,
    pub person: String,
    pub records: Vec<String>,
    /// The records as a person reads them (as [`AlertView::record_names`]).
    pub record_names: Vec<String>,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
}

impl Serialize for AlertLogView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            id: &'a str,
            rule: &'a str,
            person_id: &'a str,
            person: &'a str,
            region_id: Option<&'a str>,
            message: &'a str,
            action: &'a str,
            message_ru: &'a str,
            action_ru: &'a str,
            records: &'a [String],
            record_names: &'a [String],
            raised_at: &'a str,
            raised_after: &'a str,
            cleared_at: Option<&'a str>,
            acknowledged_by: Option<&'a str>,
            acknowledged_at: Option<&'a str>,
        }
        let r = &self.row;
        Shown {
            id: &r.id,
            rule: &r.rule,
            person_id: &r.person_id,
            person: &self.person,
            region_id: r.region_id.as_deref(),
            message: &r.message,
            action: &r.action,
            message_ru: &r.message_ru,
            action_ru: &r.action_ru,
            records: &self.records,
            record_names: &self.record_names,
            raised_at: &r.raised_at,
            raised_after: &r.raised_after,
            cleared_at: r.cleared_at.as_deref(),
            acknowledged_by: self.acknowledged_by.as_deref(),
            acknowledged_at: self.acknowledged_at.as_deref(),
        }
        .serialize(s)
    }
}

const RULES_SETTING: &str = "alerts";

impl App {
    /// The standing rules' parameters: those the alert log is kept with (defaults until set).
    pub fn alert_rules(&self) -> AppResult<AlertParams> {
        self.db.read(alert_rules_in)
    }

    /// Sets the standing rules' parameters (the director or the admin; the command line too)
    /// and evaluates the rules with them at once.
    pub fn set_alert_rules(
        &self,
        actor: Option<&Actor>,
        params: AlertParams,
    ) -> AppResult<AlertParams> {
        if let Some(a) = actor {
            crate::rights::require(a, crate::rights::Action::SetAlertRules)?;
        }
        for (field, value, max) in [
            (
                "no_new_client_months",
                i64::from(params.no_new_client_months),
                120,
            ),
            ("stale_deal_days", params.stale_deal_days, 365),
            ("no_order_months", i64::from(params.no_order_months), 120),
            ("override_days", params.override_days, 365),
        ] {
            if !(1..=max).contains(&value) {
                return Err(AppError::invalid(
                    field,
                    Text::new("err-out-of-range")
                        .num("value", value)
                        .num("max", max),
                ));
            }
        }
        self.db.tx(|tx| {
            let before = alert_rules_in(tx)?;
            let s = Setting {
                id: RULES_SETTING.into(),
                value: serde_json::to_string(&params).map_err(|e| {
                    AppError::invalid(
                        RULES_SETTING,
                        Text::new("err-alert-rules-unwritable").arg("error", e.to_string()),
                    )
                })?,
            };
            tx.upsert(&s)?;
            self.audit(
                tx,
                actor,
                "settings",
                RULES_SETTING,
                "alert_rules.changed",
                Some(&before),
                Some(&params),
            )
        })?;
        self.evaluate_alerts(Trigger::Command)?;
        Ok(params)
    }

    /// Evaluates the standing rules over every region and brings the alert log up to date:
    /// an alert that appears is written with the time and what set it off, one that no longer
    /// holds is marked cleared. The server runs this after writes and once a minute
    /// (docs/reports.md, "Alerts"). Writes nothing when nothing changed.
    pub fn evaluate_alerts(&self, trigger: Trigger) -> AppResult<AlertChanges> {
        let cfg = self.config()?;
        let now = self.now();
        let today = self.today(&cfg);
        let at = crate::clock::stamp(now);
        let (alerts, open, regions, mut after) = self.db.read(|tx| {
            let params = alert_rules_in(tx)?;
            let alerts = raise(tx, &cfg, None, params, now, today)?;
            let open: BTreeMap<String, AlertLogRow> = tx
                .list::<AlertLogRow>(&Filter::new().raw("cleared_at IS NULL", vec![]))?
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect();
            let regions: HashMap<String, Option<String>> = tx
                .query("SELECT id, region_id FROM employees", &[])?
                .into_iter()
                .map(|r| (r.text(0), r.opt_text(1)))
                .collect();
            // What each new alert was raised after: the clock, a command, or for a write the
            // last change to one of its records (else the last change made).
            let mut after = HashMap::new();
            for a in &alerts {
                let key = alert_key(a, today);
                if !open.contains_key(&key) {
                    let cause = match trigger {
                        Trigger::Clock => "the clock".to_string(),
                        Trigger::Command => "a command".to_string(),
                        Trigger::Write => last_change(tx, &a.records)?,
                    };
                    after.insert(key, cause);
                }
            }
            Ok::<_, AppError>((alerts, open, regions, after))
        })?;
        let mut changes = AlertChanges::default();
        let mut write: Vec<AlertLogRow> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for a in alerts {
            let key = alert_key(&a, today);
            if !seen.insert(key.clone()) {
                continue;
            }
            let records = serde_json::to_string(&a.records).map_err(|e| {
                AppError::invalid(
                    "records",
                    Text::new("err-alert-records-unwritable").arg("error", e.to_string()),
                )
            })?;
            match open.get(&key) {
                Some(r)
                    if r.message == a.message
                        && r.message_ru == a.message_ru
                        && r.records == records => {}
                Some(r) => {
                    changes.updated += 1;
                    write.push(AlertLogRow {
                        message: a.message,
                        action: a.action,
                        message_ru: a.message_ru,
                        action_ru: a.action_ru,
                        records,
                        ..r.clone()
                    });
                }
                None => {
                    changes.raised.push(key.clone());
                    let raised_after = after.remove(&key).unwrap_or_default();
                    write.push(AlertLogRow {
                        region_id: regions.get(&a.person.id).cloned().flatten(),
                        id: key,
                        rule: a.rule.to_string(),
                        person_id: a.person.id,
                        message: a.message,
                        action: a.action,
                        message_ru: a.message_ru,
                        action_ru: a.action_ru,
                        records,
                        raised_at: at.clone(),
                        raised_after,
                        cleared_at: None,
                    });
                }
            }
        }
        for (key, r) in &open {
            if !seen.contains(key) {
                changes.cleared.push(key.clone());
                write.push(AlertLogRow {
                    cleared_at: Some(at.clone()),
                    ..r.clone()
                });
            }
        }
        if !write.is_empty() {
            self.db.tx(|tx| {
                for r in &write {
                    tx.upsert(r)?;
                }
                Ok::<_, AppError>(())
            })?;
        }
        Ok(changes)
    }

    /// How many alerts the standing rules raise now that nobody has acknowledged: the head's
    /// region's (their people's), everyone's for the director and the admin; for everyone
    /// else, the raised alerts that ask them to act ([`OWNER_RULES`]). The pages show it in
    /// the navigation.
    pub fn open_alert_count(&self, actor: &Actor) -> AppResult<i64> {
        let region = match crate::rights::region_limit(actor, crate::rights::Action::AckAlerts) {
            Ok(None) => None,
            Ok(Some(r)) if !r.is_empty() => Some(r),
            // Whoever does not acknowledge alerts counts the ones about their own work.
            _ => {
                return self.db.read(|tx| {
                    Ok(tx
                        .query_one(
                            &format!(
                                "SELECT CAST(COUNT(*) AS BIGINT) FROM alert_log \
                                 WHERE person_id = ? AND cleared_at IS NULL AND {}",
                                owner_rules_sql()
                            ),
                            &[actor.id.as_str().into()],
                        )?
                        .map_or(0, |r| r.int(0)))
                });
            }
        };
        self.db.read(|tx| {
            let mut sql =
                "SELECT CAST(COUNT(*) AS BIGINT) FROM alert_log g WHERE g.cleared_at IS NULL \
                           AND NOT EXISTS (SELECT 1 FROM alert_acks a WHERE a.id = g.id)"
                    .to_string();
            let mut vals: Vec<Value> = Vec::new();
            if let Some(r) = region {
                sql.push_str(" AND g.region_id = ?");
                vals.push(r.into());
            }
            Ok(tx.query_one(&sql, &vals)?.map_or(0, |r| r.int(0)))
        })
    }

    /// The alert log, newest first: a head sees the alerts of their region's people, the
    /// director and the admin everyone's (or one region's). With `open`, only the alerts the
    /// rules still raise.
    pub fn alert_log(
        &self,
        actor: Option<&Actor>,
        region: Option<&str>,
        open: bool,
        paging: crate::Paging,
    ) -> AppResult<crate::Page<AlertLogView>> {
        self.db.read(|tx| {
            let region = report_region(tx, actor, region)?;
            let mut conds = Vec::new();
            let mut vals: Vec<Value> = Vec::new();
            if let Some(r) = &region {
                conds.push("region_id = ?");
                vals.push(r.id.as_str().into());
            }
            if open {
                conds.push("cleared_at IS NULL");
            }
            log_page(tx, &conds, vals, paging)
        })
    }

    /// The alerts about this person's own work that the rules still raise and that ask them to
    /// act ([`OWNER_RULES`]), newest first (issue 18: a stale deal or an overdue invoice reaches
    /// its owner, not only the head). Anyone signed in reads their own.
    pub fn my_alerts(
        &self,
        actor: &Actor,
        paging: crate::Paging,
    ) -> AppResult<crate::Page<AlertLogView>> {
        let rules = owner_rules_sql();
        self.db.read(|tx| {
            log_page(
                tx,
                &["person_id = ?", "cleared_at IS NULL", &rules],
                vec![actor.id.as_str().into()],
                paging,
            )
        })
    }
}

/// A page of the alert log under `conds` (joined by AND), newest first.
fn log_page(
    tx: &mut Tx<'_>,
    conds: &[&str],
    mut vals: Vec<Value>,
    paging: crate::Paging,
) -> AppResult<crate::Page<AlertLogView>> {
    let w = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let total = tx
        .query_one(
            &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM alert_log{w}"),
            &vals,
        )?
        .map_or(0, |r| r.int(0));
    vals.push(Value::Int(paging.per_page));
    vals.push(Value::Int((paging.page - 1).max(0) * paging.per_page));
    let rows = tx
        .query(
            &format!(
                "SELECT {} FROM alert_log{w} ORDER BY raised_at DESC, id LIMIT ? OFFSET ?",
                <AlertLogRow as baton_store::Record>::COLUMNS.join(",")
            ),
            &vals,
        )?
        .iter()
        .map(<AlertLogRow as baton_store::Record>::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let names = people(tx)?;
    let mut items = Vec::with_capacity(rows.len());
    let records: Vec<Vec<String>> = rows
        .iter()
        .map(|r| serde_json::from_str(&r.records).unwrap_or_default())
        .collect();
    let ids: Vec<&String> = records.iter().flatten().collect();
    let record_names = record_names(tx, &ids)?;
    for (row, records) in rows.into_iter().zip(records) {
        let ack = tx.get::<AlertAck>(&row.id)?;
        items.push(AlertLogView {
            person: label(&names, &row.person_id),
            record_names: records
                .iter()
                .map(|r| record_names.get(r).cloned().unwrap_or_else(|| r.clone()))
                .collect(),
            records,
            acknowledged_by: ack.as_ref().map(|a| a.acknowledged_by.clone()),
            acknowledged_at: ack.map(|a| a.acknowledged_at),
            row,
        });
    }
    Ok(crate::Page {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    })
}

impl App {}

/// How a person reads each of `ids`: a lead by its company's name, an invoice as "№ number,
/// company", a company by its name. Ids of none of them are left out.
fn record_names(tx: &mut Tx<'_>, ids: &[&String]) -> AppResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let vals: Vec<Value> = chunk.iter().map(|s| Value::from(s.as_str())).collect();
        for (sql, invoice) in [
            (
                format!(
                    "SELECT l.id, c.name, '' FROM leads l JOIN companies c ON c.id = l.company_id WHERE l.id IN ({marks})"
                ),
                false,
            ),
            (
                format!(
                    "SELECT i.id, c.name, i.number FROM invoices i JOIN companies c ON c.id = i.company_id WHERE i.id IN ({marks})"
                ),
                true,
            ),
            (
                format!("SELECT id, name, '' FROM companies WHERE id IN ({marks})"),
                false,
            ),
        ] {
            for r in tx.query(&sql, &vals)? {
                let name = if invoice {
                    format!("№ {}, {}", r.text(2), r.text(1))
                } else {
                    r.text(1)
                };
                out.insert(r.text(0), name);
            }
        }
    }
    Ok(out)
}

/// The last audited change ("action entity id") to one of `records`, or to anything when
/// `records` is empty or none of them was changed.
/// The latest audit event about the records (or any): within one instant the chain's order
/// decides, as ids made in the same millisecond are not ordered.
fn last_change(tx: &mut Tx<'_>, records: &[String]) -> AppResult<String> {
    let text = |r: baton_store::Row| format!("{} {} {}", r.text(0), r.text(1), r.text(2));
    if !records.is_empty() {
        let marks = vec!["?"; records.len()].join(",");
        let vals: Vec<Value> = records.iter().map(Value::from).collect();
        if let Some(r) = tx.query_one(
            &format!(
                "SELECT action, entity, entity_id FROM audit_events WHERE entity_id IN ({marks}) ORDER BY at DESC, COALESCE(seq, 0) DESC, id DESC LIMIT 1"
            ),
            &vals,
        )? {
            return Ok(text(r));
        }
    }
    Ok(tx
        .query_one(
            "SELECT action, entity, entity_id FROM audit_events ORDER BY at DESC, COALESCE(seq, 0) DESC, id DESC LIMIT 1",
            &[],
        )?
        .map_or_else(|| "a write".to_string(), text))
}

fn alert_rules_in(tx: &mut Tx<'_>) -> AppResult<AlertParams> {
    match tx.get::<Setting>(RULES_SETTING)? {
        Some(s) => serde_json::from_str(&s.value).map_err(|e| {
            AppError::invalid(
                RULES_SETTING,
                Text::new("err-alert-rules-unreadable").arg("error", e.to_string()),
            )
        }),
        None => Ok(AlertParams::default()),
    }
}

/// Every alert the rules with `params` raise at `now`, over the records of `region` (or all).
fn raise(
    tx: &mut Tx<'_>,
    cfg: &ConveyorConfig,
    region: Option<&str>,
    params: AlertParams,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<Vec<Alert>> {
    let tz = cfg.tz();
    let names = people(tx)?;
    let who = |id: String| Who {
        label: label(&names, &id),
        id,
    };
    let rid: Option<Value> = region.map(Value::from);
    let (cond, params_r): (&str, Vec<Value>) = match &rid {
        Some(v) => (" AND {col} = ?", vec![v.clone()]),
        None => ("", vec![]),
    };
    let filt = |col: &str| cond.replace("{col}", col);
    let t = Value::from(today.to_string());

    let mut last_win: HashMap<String, NaiveDate> = HashMap::new();
    for r in tx.query(
        "SELECT att_seller_id, MAX(att_won_on) FROM companies WHERE att_kind = 'new_client' AND att_seller_id IS NOT NULL GROUP BY att_seller_id",
        &[],
    )? {
        if let Some(d) = day(&r.text(1)) {
            last_win.insert(r.text(0), d);
        }
    }
    let mut p = vec![t.clone(), t.clone()];
    p.extend(params_r.clone());
    let sms: Vec<SalesManagerFact> = tx
        .query(
            &format!(
                "SELECT r.employee_id, MIN(r.valid_from) FROM role_assignments r JOIN employees e ON e.id = r.employee_id \
                 WHERE r.role = 'sales_manager' AND r.valid_from <= ? AND (r.valid_to IS NULL OR r.valid_to >= ?) AND e.active = 1{} \
                 GROUP BY r.employee_id ORDER BY r.employee_id",
                filt("e.region_id")
            ),
            &p,
        )?
        .into_iter()
        .filter_map(|r| {
            let id = r.text(0);
            Some(SalesManagerFact {
                since: day(&r.text(1))?,
                last_new_client: last_win.get(&id).copied(),
                who: who(id),
            })
        })
        .collect();

    let pending: Vec<PendingHandoff> = tx
        .query(
            &format!(
                "SELECT h.id, h.lead_id, h.receiver_id, h.due_at FROM handoffs h JOIN leads l ON l.id = h.lead_id \
                 WHERE h.kind = 'lead' AND h.status = 'pending'{} ORDER BY h.due_at, h.id",
                filt("l.region_id")
            ),
            &params_r,
        )?
        .into_iter()
        .filter_map(|r| {
            let due = crate::clock::parse_stamp(&r.text(3))?;
            Some(PendingHandoff {
                receiver: who(r.text(2)),
                handoff_id: r.text(0),
                lead_id: r.text(1),
                hours_late: (now - due).num_hours(),
            })
        })
        .collect();

    let kickoffs: Vec<PendingKickoff> = tx
        .query(
            &format!(
                "SELECT h.company_id, h.receiver_id, h.due_at FROM handoffs h JOIN companies c ON c.id = h.company_id \
                 WHERE h.kind = 'client' AND h.status = 'pending'{} ORDER BY h.due_at, h.id",
                filt("c.region_id")
            ),
            &params_r,
        )?
        .into_iter()
        .filter_map(|r| {
            let due = crate::clock::parse_stamp(&r.text(2))?;
            Some(PendingKickoff {
                manager: who(r.text(1)),
                company_id: r.text(0),
                hours_late: (now - due).num_hours(),
            })
        })
        .collect();

    let deals: Vec<OpenDeal> = tx
        .query(
            &format!(
                "SELECT l.id, l.owner_id, l.updated_at, (SELECT MAX(a.occurred_at) FROM activities a WHERE a.lead_id = l.id) \
                 FROM leads l WHERE l.stage IN ('accepted', 'meeting', 'proposal'){} ORDER BY l.id",
                filt("l.region_id")
            ),
            &params_r,
        )?
        .into_iter()
        .filter_map(|r| {
            let updated = local_day(&r.text(2), &tz)?;
            let act = r.opt_text(3).and_then(|s| local_day(&s, &tz));
            Some(OpenDeal {
                owner: who(r.text(1)),
                lead_id: r.text(0),
                last_activity: act.map_or(updated, |a| a.max(updated)),
            })
        })
        .collect();

    let mut p = vec![t.clone(), t.clone(), t.clone()];
    p.extend(params_r.clone());
    let invoices: Vec<OpenInvoice> = tx
        .query(
            &format!(
                "SELECT i.id, COALESCE(co.client_manager_id, i.created_by), i.due_on, i.amount \
                   - COALESCE((SELECT CAST(SUM(p.amount) AS BIGINT) FROM payments p WHERE p.invoice_id = i.id AND p.paid_on <= ?), 0) \
                   - COALESCE((SELECT CAST(SUM(n.amount) AS BIGINT) FROM credit_notes n WHERE n.invoice_id = i.id AND n.issued_on <= ?), 0) \
                 FROM invoices i JOIN companies co ON co.id = i.company_id \
                 WHERE i.settled_on IS NULL AND i.due_on < ?{} ORDER BY i.due_on, i.id",
                filt("co.region_id")
            ),
            &p,
        )?
        .into_iter()
        .filter(|r| r.int(3) > 0)
        .filter_map(|r| {
            Some(OpenInvoice {
                due_on: day(&r.text(2))?,
                owner: who(r.text(1)),
                invoice_id: r.text(0),
            })
        })
        .collect();

    let clients: Vec<ClientFact> = tx
        .query(
            &format!(
                "SELECT co.id, co.client_manager_id, co.first_paid_on, (SELECT MAX(i.issued_on) FROM invoices i WHERE i.company_id = co.id) \
                 FROM companies co WHERE co.client_manager_id IS NOT NULL AND co.first_paid_on IS NOT NULL{} ORDER BY co.id",
                filt("co.region_id")
            ),
            &params_r,
        )?
        .into_iter()
        .filter_map(|r| {
            Some(ClientFact {
                client_since: day(&r.text(2))?,
                last_order: r.opt_text(3).and_then(|d| day(&d)),
                manager: who(r.text(1)),
                company_id: r.text(0),
            })
        })
        .collect();

    // Handoffs in the window whose snapshot lacks required checklist items.
    let since = crate::clock::stamp(now - chrono::Duration::days(params.override_days.max(0)));
    let mut p = vec![Value::from(since)];
    p.extend(params_r.clone());
    let overridden: Vec<OverriddenHandoff> = tx
        .query(
            &format!(
                "SELECT h.sender_id, h.lead_id, h.snapshot FROM handoffs h JOIN leads l ON l.id = h.lead_id \
                 WHERE h.kind = 'lead' AND h.created_at >= ?{} ORDER BY h.created_at, h.id",
                filt("l.region_id")
            ),
            &p,
        )?
        .into_iter()
        .filter_map(|r| {
            let answers: baton_domain::lead::Answers =
                serde_json::from_str(&r.text(2)).unwrap_or_default();
            let missing = baton_domain::lead::missing_items(&cfg.warm_lead_checklist, &answers);
            let label = |key: &String, ru: bool| {
                cfg.warm_lead_checklist
                    .iter()
                    .find(|i| &i.key == key)
                    .map_or_else(
                        || key.clone(),
                        |i| if ru { i.label_ru.clone() } else { i.label_en.clone() },
                    )
            };
            (!missing.is_empty()).then(|| OverriddenHandoff {
                sender: who(r.text(0)),
                lead_id: r.text(1),
                missing_ru: missing.iter().map(|k| label(k, true)).collect(),
                missing: missing.iter().map(|k| label(k, false)).collect(),
            })
        })
        .collect();

    let mut alerts = no_new_client(&sms, today, params.no_new_client_months);
    alerts.extend(leads_past_sla(&pending));
    alerts.extend(kickoffs_overdue(&kickoffs));
    alerts.extend(stale_deals(&deals, today, params.stale_deal_days));
    alerts.extend(overdue_invoices(&invoices, today));
    alerts.extend(clients_without_order(
        &clients,
        today,
        params.no_order_months,
    ));
    alerts.extend(overridden_checklists(&overridden, params.override_days));
    alerts.extend(targets_missing(&target_gaps(tx, region, today, &who)?));
    Ok(alerts)
}

/// Who lacks a target their plan needs, this month and (from the 25th) the coming one.
fn target_gaps(
    tx: &mut Tx<'_>,
    region: Option<&str>,
    today: NaiveDate,
    who: &dyn Fn(String) -> Who,
) -> AppResult<Vec<TargetGap>> {
    use chrono::Datelike;
    let mut days = vec![today];
    if today.day() >= 25
        && let Some(next) = today
            .with_day(1)
            .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
    {
        days.push(next);
    }
    let versions = crate::payroll::plans::all_versions(tx)?;
    let mut cache = HashMap::new();
    let mut out = Vec::new();
    for day in days {
        let period = crate::payroll::period_of(day);
        let d = Value::from(day.to_string());
        let mut p = vec![d.clone(), d];
        let mut sql = "SELECT r.employee_id, r.role FROM role_assignments r JOIN employees e ON e.id = r.employee_id \
             WHERE r.valid_from <= ? AND (r.valid_to IS NULL OR r.valid_to > ?) AND e.active = 1"
            .to_string();
        if let Some(r) = region {
            sql.push_str(" AND e.region_id = ?");
            p.push(r.into());
        }
        sql.push_str(" ORDER BY r.employee_id, r.role");
        let held = tx.query(&sql, &p)?;
        let mut have: HashMap<String, std::collections::BTreeSet<String>> = HashMap::new();
        for t in
            tx.list::<baton_store::records::Target>(&Filter::new().eq("period", period.as_str()))?
        {
            have.entry(t.employee_id).or_default().insert(t.metric);
        }
        for r in held {
            let (id, role) = (r.text(0), r.text(1));
            let Some(role) = Role::parse(&role).filter(|r| crate::payroll::PAID_ROLES.contains(r))
            else {
                continue;
            };
            let Some(plan) =
                crate::payroll::plans::plan_for(&versions, &mut cache, &id, role, day)?
            else {
                continue;
            };
            let mine = have.get(&id);
            let missing: Vec<String> = plan
                .plan
                .components
                .iter()
                .flat_map(|c| c.kind.metrics())
                .filter_map(|m| {
                    m.strip_prefix("attainment(")
                        .and_then(|m| m.strip_suffix(')'))
                        .map(str::to_string)
                })
                .filter(|m| mine.is_none_or(|t| !t.contains(m)))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            if !missing.is_empty() {
                out.push(TargetGap {
                    who: who(id),
                    period: period.clone(),
                    missing,
                });
            }
        }
    }
    Ok(out)
}
