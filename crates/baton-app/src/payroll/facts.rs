//! Loads one period's facts (baton_comp::metrics::Facts) in a few set-based queries, for
//! everyone or for one person. The metric definitions live in the pure core; this module only
//! knows which rows a period can need.

use crate::error::AppResult;
use baton_comp::metrics::{
    CallDay, CreditFact, Facts, HandoffFact, HandoffStatus, HolderChange, InvoiceFact, MixPart,
    PaymentFact, WinFact,
};
use baton_store::{Tx, Value};
use chrono::{Duration, Months, NaiveDate};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Whose facts to load.
#[derive(Debug, Clone, Copy)]
pub enum Who<'a> {
    Everyone,
    /// Only the rows that can count for this person (live "my statement").
    Person(&'a str),
}

use crate::clock::stored_day as day;

pub struct Load<'a> {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub tz: Tz,
    pub hunter_window_days: i64,
    pub who: Who<'a>,
    /// Load invoice lines for metrics filtered by product.
    pub with_mix: bool,
}

/// A company the person holds now or held since a day (the audit trail's company events whose
/// state before names them): client manager, the day as text (a lower bound on the stamps),
/// and the LIKE pattern of their id in the stored JSON.
const HELD: &str = "(co.client_manager_id = ? OR co.id IN (SELECT entity_id FROM audit_events WHERE at >= ? AND (entity || '') = 'company' AND before_json LIKE ?))";

impl Load<'_> {
    pub fn run(&self, tx: &mut Tx<'_>) -> AppResult<Facts> {
        let (start, end) = (self.start, self.end);
        let s = |d: NaiveDate| Value::from(d.to_string());
        let local = |stamp: &str| {
            crate::clock::parse_stamp(stamp).map(|t| t.with_timezone(&self.tz).date_naive())
        };
        let person = match self.who {
            Who::Everyone => None,
            Who::Person(p) => Some(p),
        };
        let mut facts = Facts {
            start,
            end,
            hunter_window_days: self.hunter_window_days,
            ..Facts::default()
        };

        // Calls, already summed per person and day by the database.
        let mut sql = "SELECT actor_id, local_date, CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN outcome LIKE 'dm_%' THEN 1 ELSE 0 END) AS BIGINT) FROM activities WHERE kind = 'call' AND local_date >= ? AND local_date <= ?".to_string();
        let mut params = vec![s(start), s(end)];
        if let Some(p) = person {
            sql.push_str(" AND actor_id = ?");
            params.push(p.into());
        }
        sql.push_str(" GROUP BY actor_id, local_date");
        for r in tx.query(&sql, &params)? {
            if let Some(d) = day(&r.text(1)) {
                facts.calls.push(CallDay {
                    actor: r.text(0),
                    day: d,
                    calls: r.int(2),
                    dm: r.int(3),
                });
            }
        }

        // Lead handoffs created or decided in the period, or decided in the three months
        // before it. Stamps are UTC: the bounds are a day wider and local dates decide.
        let conv_from = start.checked_sub_months(Months::new(3)).unwrap_or(start);
        let lo = (conv_from - Duration::days(1)).to_string();
        let hi = (end + Duration::days(2)).to_string();
        let mut sql = "SELECT h.id, h.lead_id, h.sender_id, h.receiver_id, h.created_at, h.decided_at, h.status, h.reason, (SELECT MIN(c.won_on) FROM contracts c WHERE c.lead_id = h.lead_id AND c.won_on IS NOT NULL AND c.won_on <= ?) FROM handoffs h WHERE h.kind = 'lead' AND ((h.created_at >= ? AND h.created_at < ?) OR (h.decided_at >= ? AND h.decided_at < ?))".to_string();
        let mut params = vec![
            s(end),
            Value::from((start - Duration::days(1)).to_string()),
            Value::from(hi.clone()),
            Value::from(lo),
            Value::from(hi),
        ];
        if let Some(p) = person {
            sql.push_str(" AND (h.sender_id = ? OR h.receiver_id = ?)");
            params.push(p.into());
            params.push(p.into());
        }
        for r in tx.query(&sql, &params)? {
            let Some(created_on) = local(&r.text(4)) else {
                continue;
            };
            facts.handoffs.push(HandoffFact {
                id: r.text(0),
                lead_id: r.opt_text(1).unwrap_or_default(),
                sender: r.text(2),
                receiver: r.text(3),
                created_on,
                decided_on: r.opt_text(5).as_deref().and_then(local),
                status: match r.text(6).as_str() {
                    "pending" => HandoffStatus::Pending,
                    "accepted" => HandoffStatus::Accepted,
                    "rejected" => HandoffStatus::Rejected,
                    _ => HandoffStatus::Other,
                },
                reason: r.opt_text(7),
                lead_won_on: r.opt_text(8).as_deref().and_then(day),
            });
        }

        // Wins whose hunter window reaches into the period, with the window's collections
        // before it (all of them fall inside the window, since the window reaches the period).
        let win_from = start - Duration::days(self.hunter_window_days);
        let mut sql = "SELECT c.id, c.company_id, c.won_on, c.win_kind, COALESCE(l.seller_id, l.owner_id), (SELECT h.sender_id FROM handoffs h WHERE h.lead_id = c.lead_id AND h.kind = 'lead' AND h.status = 'accepted' ORDER BY h.decided_at DESC LIMIT 1), (SELECT h.decided_at FROM handoffs h WHERE h.lead_id = c.lead_id AND h.kind = 'lead' AND h.status = 'accepted' ORDER BY h.decided_at DESC LIMIT 1), (SELECT CAST(SUM(p.amount) AS BIGINT) FROM payments p WHERE p.company_id = c.company_id AND p.paid_on >= c.won_on AND p.paid_on < ?), co.name FROM contracts c JOIN leads l ON l.id = c.lead_id JOIN companies co ON co.id = c.company_id WHERE c.won_on IS NOT NULL AND c.won_on >= ? AND c.won_on <= ?".to_string();
        let mut params = vec![s(start), s(win_from), s(end)];
        if let Some(p) = person {
            sql.push_str(" AND (l.seller_id = ? OR l.owner_id = ? OR l.caller_id = ? OR c.company_id IN (SELECT id FROM companies WHERE client_manager_id = ?))");
            for _ in 0..4 {
                params.push(p.into());
            }
        }
        for r in tx.query(&sql, &params)? {
            let Some(won_on) = day(&r.text(2)) else {
                continue;
            };
            facts.wins.push(WinFact {
                contract_id: r.text(0),
                company_id: r.text(1),
                company: r.text(8),
                won_on,
                new_client: r.opt_text(3).as_deref() != Some("reactivation"),
                seller: r.text(4),
                caller: r.opt_text(5),
                accepted_on: r.opt_text(6).as_deref().and_then(local),
                window_paid_before: match r.get(7) {
                    Value::Int(k) => *k,
                    _ => 0,
                },
            });
        }

        // Payments dated in the period. Their invoice's due date and their company's region
        // are taken from the invoices read below (an invoice paid in the period is open in
        // it), so this reads one index range instead of three lookups per payment: at 1 000
        // people those lookups were a second of the month's payroll.
        let mut sql = "SELECT p.id, p.company_id, p.invoice_id, p.paid_on, p.amount, p.client_manager_id FROM payments p WHERE p.paid_on >= ? AND p.paid_on <= ?".to_string();
        let mut params = vec![s(start), s(end)];
        let mut holder_filter = String::new();
        if let Some(p) = person {
            let won: BTreeSet<&str> = facts
                .wins
                .iter()
                .filter(|w| w.seller == p)
                .map(|w| w.company_id.as_str())
                .collect();
            sql.push_str(" AND (p.client_manager_id = ?");
            params.push(p.into());
            if !won.is_empty() {
                sql.push_str(&format!(
                    " OR p.company_id IN ({})",
                    vec!["?"; won.len()].join(", ")
                ));
                params.extend(won.iter().map(|c| Value::from(c.to_string())));
            }
            sql.push(')');
            // The person's clients now, and those they held at some time since the period
            // began (moved since: their receivables at a stretch's end may be this person's).
            holder_filter = format!(" AND {HELD}");
        }
        let mut paid: Vec<(PaymentFact, String)> = Vec::new();
        for r in tx.query(&sql, &params)? {
            let Some(paid_on) = day(&r.text(3)) else {
                continue;
            };
            let invoice_id = r.text(2);
            paid.push((
                PaymentFact {
                    id: r.text(0),
                    company_id: r.text(1),
                    invoice_id: invoice_id.clone(),
                    paid_on,
                    amount: r.int(4),
                    client_manager: r.opt_text(5),
                    overdue: false,
                    region: String::new(),
                },
                invoice_id,
            ));
        }
        let paid_invoices: BTreeSet<String> = paid.iter().map(|(_, i)| i.clone()).collect();
        // Due date and region id of each paid invoice.
        let mut terms: HashMap<String, (Option<NaiveDate>, String)> = HashMap::new();

        // Invoices that can be open on some day of the period (not settled before it), with
        // their balance before it.
        let mut params = vec![s(start), s(start), s(end), s(start)];
        let held = |p: &str| -> Vec<Value> {
            vec![
                p.into(),
                // Stamps are UTC: a day early covers the period's first local hours.
                Value::from((start - Duration::days(1)).to_string()),
                Value::from(format!("%\"client_manager_id\":\"{p}\"%")),
            ]
        };
        if let Some(p) = person {
            params.extend(held(p));
        }
        let sql = format!(
            "SELECT i.id, i.company_id, co.client_manager_id, i.issued_on, i.due_on, i.amount, \
             (SELECT CAST(SUM(cn.amount) AS BIGINT) FROM credit_notes cn WHERE cn.invoice_id = i.id AND cn.issued_on < ?), \
             (SELECT CAST(SUM(p.amount) AS BIGINT) FROM payments p WHERE p.invoice_id = i.id AND p.paid_on < ?), co.region_id \
             FROM invoices i JOIN companies co ON co.id = i.company_id \
             WHERE (i.issued_on || '') <= ? AND (i.settled_on IS NULL OR i.settled_on >= ?){holder_filter}"
        );
        let int = |v: &Value| match v {
            Value::Int(k) => *k,
            _ => 0,
        };
        let mut touched: BTreeSet<String> = paid_invoices.clone();
        let mut credits_sql = "SELECT cn.invoice_id, cn.issued_on, cn.amount FROM credit_notes cn WHERE cn.issued_on >= ? AND cn.issued_on <= ?".to_string();
        let mut credit_params = vec![s(start), s(end)];
        if let Some(p) = person {
            credits_sql.push_str(&format!(" AND cn.invoice_id IN (SELECT i.id FROM invoices i JOIN companies co ON co.id = i.company_id WHERE {HELD})"));
            credit_params.extend(held(p));
        }
        for r in tx.query(&credits_sql, &credit_params)? {
            if let Some(d) = day(&r.text(1)) {
                touched.insert(r.text(0));
                facts.credits.push(CreditFact {
                    invoice_id: r.text(0),
                    day: d,
                    amount: r.int(2),
                });
            }
        }
        for r in tx.query(&sql, &params)? {
            let open_before = r.int(5) - int(r.get(6)) - int(r.get(7));
            let id = r.text(0);
            if paid_invoices.contains(&id) {
                terms.insert(id.clone(), (day(&r.text(4)), r.text(8)));
            }
            // Settled before the period and untouched in it: never open in the period.
            if open_before <= 0 && !touched.contains(&id) {
                continue;
            }
            let (Some(issued_on), Some(due_on)) = (day(&r.text(3)), day(&r.text(4))) else {
                continue;
            };
            facts.invoices.push(InvoiceFact {
                id,
                company_id: r.text(1),
                holder: r.opt_text(2),
                issued_on,
                due_on,
                open_before,
            });
        }

        // The few paid invoices the query above did not return (another holder's, for one
        // person's facts; an invoice issued after the period), looked up by id.
        let missing: Vec<String> = paid_invoices
            .iter()
            .filter(|i| !terms.contains_key(*i))
            .cloned()
            .collect();
        for chunk in missing.chunks(500) {
            let sql = format!(
                "SELECT i.id, i.due_on, co.region_id FROM invoices i JOIN companies co ON co.id = i.company_id WHERE i.id IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let params: Vec<Value> = chunk.iter().map(|i| Value::from(i.clone())).collect();
            for r in tx.query(&sql, &params)? {
                terms.insert(r.text(0), (day(&r.text(1)), r.text(2)));
            }
        }
        let codes: HashMap<String, String> = tx
            .query("SELECT id, code FROM regions", &[])?
            .into_iter()
            .map(|r| (r.text(0), r.text(1)))
            .collect();
        for (mut p, invoice_id) in paid {
            let Some((Some(due_on), region_id)) = terms.get(&invoice_id) else {
                continue;
            };
            p.overdue = *due_on < p.paid_on;
            p.region = codes.get(region_id).cloned().unwrap_or_default();
            facts.payments.push(p);
        }

        // (`x || ''` on `issued_on` and `entity` keeps SQLite on the selective index, the
        // invoices not settled before the period, the audit events after it.)
        // Receivables belong to the client manager at the end of the period: undo the
        // hand-overs made since (the audit trail keeps every change of client manager).
        self.holders_at_end(tx, &mut facts)?;

        if self.with_mix {
            facts.mix = self.mix(tx, &facts)?;
        }
        Ok(facts)
    }

    /// Who held each client when: the holder at the period's end (the manager before the first
    /// change after it) and every change inside the period (receivables at a stretch's end are
    /// its holder's on that day). Read back from the audit trail of company changes.
    fn holders_at_end(&self, tx: &mut Tx<'_>, facts: &mut Facts) -> AppResult<()> {
        use chrono::TimeZone;
        let local_start = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .and_then(|t| self.tz.from_local_datetime(&t).earliest())
                .map(|t| crate::clock::stamp(t.with_timezone(&chrono::Utc)))
        };
        let (Some(from), Some(after)) = (
            local_start(self.start),
            local_start(self.end + Duration::days(1)),
        ) else {
            return Ok(());
        };
        let rows = tx.query(
            "SELECT entity_id, at, before_json, after_json FROM audit_events WHERE at >= ? AND (entity || '') = 'company' AND after_json LIKE '%\"client_manager_id\"%' ORDER BY at, id",
            &[Value::from(from)],
        )?;
        if rows.is_empty() {
            return Ok(());
        }
        let cm_of = |t: Option<String>| -> Option<String> {
            let v: serde_json::Value = t
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_default();
            v.get("client_manager_id")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        // The first change after the period's end holds the manager the company had then.
        let mut then: HashMap<String, Option<String>> = HashMap::new();
        for r in rows {
            let company = r.text(0);
            let at = r.text(1);
            let before = cm_of(r.opt_text(2));
            if at >= after {
                then.entry(company).or_insert(before);
                continue;
            }
            let now = cm_of(r.opt_text(3));
            if before == now {
                continue;
            }
            if let Some(on) =
                crate::clock::parse_stamp(&at).map(|t| t.with_timezone(&self.tz).date_naive())
            {
                facts.holder_changes.push(HolderChange {
                    company_id: company,
                    on,
                    from: before,
                });
            }
        }
        for inv in &mut facts.invoices {
            if let Some(cm) = then.get(&inv.company_id) {
                inv.holder = cm.clone();
            }
        }
        Ok(())
    }

    /// The product lines behind each paid invoice: its order's lines, else its contract's.
    fn mix(&self, tx: &mut Tx<'_>, facts: &Facts) -> AppResult<HashMap<String, Vec<MixPart>>> {
        let s = |d: NaiveDate| Value::from(d.to_string());
        let mut out: HashMap<String, Vec<MixPart>> = HashMap::new();
        let wanted: BTreeSet<&str> = facts
            .payments
            .iter()
            .map(|p| p.invoice_id.as_str())
            .collect();
        let add = |rows: Vec<baton_store::Row>, out: &mut HashMap<String, Vec<MixPart>>| {
            let mut by: BTreeMap<String, Vec<MixPart>> = BTreeMap::new();
            for r in rows {
                if !wanted.contains(r.text(0).as_str()) {
                    continue;
                }
                by.entry(r.text(0)).or_default().push(MixPart {
                    product_group: r.text(1),
                    sku: r.text(2),
                    edition: r.opt_text(3),
                    amount: r.int(4),
                });
            }
            for (k, v) in by {
                out.entry(k).or_insert(v);
            }
        };
        let rows = tx.query(
            "SELECT i.id, pr.product_group, pr.sku, rg.code, ol.amount FROM payments p JOIN invoices i ON i.id = p.invoice_id JOIN order_lines ol ON ol.order_id = i.order_id JOIN products pr ON pr.id = ol.product_id LEFT JOIN regions rg ON rg.id = pr.region_id WHERE p.paid_on >= ? AND p.paid_on <= ? GROUP BY i.id, ol.id, pr.product_group, pr.sku, rg.code, ol.amount",
            &[s(self.start), s(self.end)],
        )?;
        add(rows, &mut out);
        let rows = tx.query(
            "SELECT i.id, pr.product_group, pr.sku, rg.code, cl.amount FROM payments p JOIN invoices i ON i.id = p.invoice_id JOIN contract_lines cl ON cl.contract_id = i.contract_id JOIN products pr ON pr.id = cl.product_id LEFT JOIN regions rg ON rg.id = pr.region_id WHERE i.order_id IS NULL AND p.paid_on >= ? AND p.paid_on <= ? GROUP BY i.id, cl.id, pr.product_group, pr.sku, rg.code, cl.amount",
            &[s(self.start), s(self.end)],
        )?;
        add(rows, &mut out);
        Ok(out)
    }
}
