//! Alerts evaluated on demand (docs/reports.md): the rules are pure
//! (`baton_analytics::alerts`); this module loads their facts for a region or everyone.

use super::{day, label, local_day, people, report_region};
use crate::error::{AppError, AppResult};
use crate::{Actor, App};
use baton_analytics::alerts::{
    Alert, AlertParams, ClientFact, OpenDeal, OpenInvoice, OverriddenHandoff, PendingHandoff,
    SalesManagerFact, Who, clients_without_order, leads_past_sla, no_new_client, overdue_invoices,
    overridden_checklists, stale_deals,
};
use baton_domain::Role;
use baton_store::records::{AlertAck, Employee};
use baton_store::{Filter, Value};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The rules whose alerts can be acknowledged.
pub const RULES: [&str; 6] = [
    "no_new_client",
    "lead_past_sla",
    "stale_deal",
    "overdue_invoices",
    "client_no_order",
    "checklist_overridden",
];

/// An alert with its stable key and, once acknowledged, who did it and when.
#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    /// `rule:person:YYYY-MM` for the monthly rules (`no_new_client`, `client_no_order`,
    /// `overdue_invoices`, which adds its bucket before the month), `rule:person:YYYY-MM-DD` for
    /// the daily ones (`lead_past_sla`, `stale_deal`): the month or the day it fired.
    pub key: String,
    #[serde(flatten)]
    pub alert: Alert,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<String>,
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
        "lead_past_sla" | "stale_deal" => format!("{}:{}:{today}", a.rule, a.person.id),
        "overdue_invoices" => {
            let bucket = ["0–30", "31–60", "61–90", "90+"]
                .into_iter()
                .find(|b| a.message.contains(&format!("overdue {b} days")))
                .unwrap_or("all")
                .replace('–', "-");
            format!("{}:{}:{bucket}:{month}", a.rule, a.person.id)
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
        let key = key.trim();
        let mut parts = key.split(':');
        let (rule, person) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let when = parts.next_back().unwrap_or("");
        if !RULES.contains(&rule) || person.is_empty() || when.len() < 7 {
            return Err(AppError::invalid(
                "key",
                format!("«{key}» is not an alert's key: take it from the alerts' list"),
            ));
        }
        if let Some(a) = actor
            && !a.any(&[Role::Head, Role::Director, Role::Admin])
        {
            return Err(AppError::Forbidden("acknowledge alerts".into()));
        }
        self.db.tx(|tx| {
            let Some(subject) = tx.get::<Employee>(person)? else {
                return Err(AppError::invalid(
                    "key",
                    format!("«{key}» names no known person: take it from the alerts' list"),
                ));
            };
            if let Some(a) = actor
                && !a.sees_all()
                && (a.region_id.is_none() || a.region_id != subject.region_id)
            {
                return Err(AppError::Forbidden(
                    "acknowledge an alert of another region than your own".into(),
                ));
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

    /// The alerts as [`App::alerts`]; with `open`, the acknowledged ones are left out.
    pub fn alerts_open(
        &self,
        actor: Option<&Actor>,
        region: Option<&str>,
        params: AlertParams,
        open: bool,
    ) -> AppResult<AlertsReport> {
        let cfg = self.config()?;
        let tz = cfg.tz();
        let now = self.now();
        let today = self.today(&cfg);
        self.db.read(|tx| {
            let region = report_region(tx, actor, region)?;
            let names = people(tx)?;
            let who = |id: String| Who {
                label: label(&names, &id),
                id,
            };
            let rid: Option<Value> = region.as_ref().map(|r| Value::from(r.id.clone()));
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
                    (!missing.is_empty()).then(|| OverriddenHandoff {
                        sender: who(r.text(0)),
                        lead_id: r.text(1),
                        missing,
                    })
                })
                .collect();

            let mut alerts = no_new_client(&sms, today, params.no_new_client_months);
            alerts.extend(leads_past_sla(&pending));
            alerts.extend(stale_deals(&deals, today, params.stale_deal_days));
            alerts.extend(overdue_invoices(&invoices, today));
            alerts.extend(clients_without_order(&clients, today, params.no_order_months));
            alerts.extend(overridden_checklists(&overridden, params.override_days));
            let acks: BTreeMap<String, AlertAck> = tx
                .list::<AlertAck>(&Filter::new())?
                .into_iter()
                .map(|a| (a.id.clone(), a))
                .collect();
            let alerts = alerts
                .into_iter()
                .map(|alert| {
                    let key = alert_key(&alert, today);
                    let ack = acks.get(&key);
                    AlertView {
                        acknowledged_by: ack.map(|a| a.acknowledged_by.clone()),
                        acknowledged_at: ack.map(|a| a.acknowledged_at.clone()),
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
