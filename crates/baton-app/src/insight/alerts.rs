//! Alerts evaluated on demand (docs/reports.md): the rules are pure
//! (`baton_analytics::alerts`); this module loads their facts for a region or everyone.

use super::{day, label, local_day, people, report_region};
use crate::error::AppResult;
use crate::{Actor, App};
use baton_analytics::alerts::{
    Alert, AlertParams, ClientFact, OpenDeal, OpenInvoice, PendingHandoff, SalesManagerFact, Who,
    clients_without_order, leads_past_sla, no_new_client, overdue_invoices, stale_deals,
};
use baton_store::Value;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub struct AlertsReport {
    pub today: NaiveDate,
    pub region: Option<String>,
    pub params: AlertParams,
    pub alerts: Vec<Alert>,
}

impl App {
    /// Every alert raised today by the rules with `params`.
    pub fn alerts(
        &self,
        actor: Option<&Actor>,
        region: Option<&str>,
        params: AlertParams,
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

            let mut alerts = no_new_client(&sms, today, params.no_new_client_months);
            alerts.extend(leads_past_sla(&pending));
            alerts.extend(stale_deals(&deals, today, params.stale_deal_days));
            alerts.extend(overdue_invoices(&invoices, today));
            alerts.extend(clients_without_order(&clients, today, params.no_order_months));
            Ok(AlertsReport {
                today,
                region: region.map(|r| r.code),
                params,
                alerts,
            })
        })
    }
}
