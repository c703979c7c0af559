//! Alerts: rules with parameters, evaluated on demand over plain facts. Each alert names the
//! person, the records and the suggested action. People are given as labels ("Name (login)")
//! with their ids, so the words need nothing else.

use baton_catalog::{Lang, Text};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::aging::days_overdue;

/// The rules' parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlertParams {
    /// A sales manager with no new client for this many months (default 3).
    #[schema(minimum = 1, maximum = 120)]
    pub no_new_client_months: u32,
    /// A deal (accepted lead on the board) with no activity for this many days (default 14).
    #[schema(minimum = 1, maximum = 365)]
    pub stale_deal_days: i64,
    /// A client with no order (invoice) for this many months (default 3).
    #[schema(minimum = 1, maximum = 120)]
    pub no_order_months: u32,
    /// Handoffs made with required checklist items missing, over this many days (default 30).
    #[serde(default = "default_override_days")]
    #[schema(minimum = 1, maximum = 365)]
    pub override_days: i64,
}

fn default_override_days() -> i64 {
    30
}

impl Default for AlertParams {
    fn default() -> Self {
        AlertParams {
            no_new_client_months: 3,
            stale_deal_days: 14,
            no_order_months: 3,
            override_days: default_override_days(),
        }
    }
}

/// Parameters asked for one evaluation; those not given are the standing rules'.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AskedParams {
    pub no_new_client_months: Option<u32>,
    pub stale_deal_days: Option<i64>,
    pub no_order_months: Option<u32>,
    pub override_days: Option<i64>,
}

impl AskedParams {
    /// The parameters asked for, the `standing` ones where nothing was asked.
    pub fn over(self, standing: AlertParams) -> AlertParams {
        AlertParams {
            no_new_client_months: self
                .no_new_client_months
                .unwrap_or(standing.no_new_client_months),
            stale_deal_days: self.stale_deal_days.unwrap_or(standing.stale_deal_days),
            no_order_months: self.no_order_months.unwrap_or(standing.no_order_months),
            override_days: self.override_days.unwrap_or(standing.override_days),
        }
    }
}

/// A person with their id and label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Who {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    /// `no_new_client`, `lead_past_sla`, `stale_deal`, `overdue_invoices`, `client_no_order`,
    /// `checklist_overridden`.
    pub rule: &'static str,
    pub person: Who,
    /// The records concerned (lead, handoff, invoice or company ids).
    pub records: Vec<String>,
    pub message: String,
    pub action: String,
    /// The same in Russian, for the head's pages.
    pub message_ru: String,
    pub action_ru: String,
}

impl Alert {
    /// An alert whose texts come from the catalog (`alert-msg-*`, `alert-act-*`), rendered in
    /// English and Russian for the log, the API and the pages.
    pub fn said(
        rule: &'static str,
        person: Who,
        records: Vec<String>,
        message: &Text,
        action: &Text,
    ) -> Alert {
        Alert {
            rule,
            person,
            records,
            message: message.render(Lang::En),
            action: action.render(Lang::En),
            message_ru: message.render(Lang::Ru),
            action_ru: action.render(Lang::Ru),
        }
    }
}

/// A sales manager: in the role since, and their last new client's win.
#[derive(Debug, Clone)]
pub struct SalesManagerFact {
    pub who: Who,
    pub since: NaiveDate,
    pub last_new_client: Option<NaiveDate>,
}

/// A handoff waiting for its receiver's decision.
#[derive(Debug, Clone)]
pub struct PendingHandoff {
    pub receiver: Who,
    pub handoff_id: String,
    pub lead_id: String,
    /// Hours past the acceptance SLA (≤ 0: not yet due).
    pub hours_late: i64,
}

/// An accepted lead on the board (accepted, meeting, proposal) and its last activity.
#[derive(Debug, Clone)]
pub struct OpenDeal {
    pub owner: Who,
    pub lead_id: String,
    pub last_activity: NaiveDate,
}

/// An invoice with an open amount.
#[derive(Debug, Clone)]
pub struct OpenInvoice {
    pub owner: Who,
    pub invoice_id: String,
    pub due_on: NaiveDate,
}

/// A client served by a client manager, and its last invoice.
#[derive(Debug, Clone)]
pub struct ClientFact {
    pub manager: Who,
    pub company_id: String,
    pub last_order: Option<NaiveDate>,
    pub client_since: NaiveDate,
}

/// A count as a catalog number (a list is never longer than `i64`).
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn months_before(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(m))
        .unwrap_or(NaiveDate::MIN)
}

/// Sales managers with no new client in the last `months` months (only those in the role at
/// least that long).
pub fn no_new_client(sms: &[SalesManagerFact], today: NaiveDate, months: u32) -> Vec<Alert> {
    let cut = months_before(today, months);
    sms.iter()
        .filter(|s| s.since <= cut && s.last_new_client.is_none_or(|d| d < cut))
        .map(|s| {
            let said = match s.last_new_client {
                Some(d) => Text::new("alert-msg-no_new_client-since")
                    .arg("date", d.to_string())
                    .arg("date_ru", d.format("%d.%m.%Y").to_string()),
                None => Text::new("alert-msg-no_new_client-never"),
            }
            .arg("who", s.who.label.clone())
            .num("months", i64::from(months));
            Alert::said(
                "no_new_client",
                s.who.clone(),
                vec![],
                &said,
                &Text::new("alert-act-no_new_client"),
            )
        })
        .collect()
}

fn group<T>(items: &[T], who: impl Fn(&T) -> &Who) -> Vec<(Who, Vec<&T>)> {
    let mut out: Vec<(Who, Vec<&T>)> = Vec::new();
    for it in items {
        let w = who(it);
        match out.iter_mut().find(|(x, _)| x.id == w.id) {
            Some((_, v)) => v.push(it),
            None => out.push((w.clone(), vec![it])),
        }
    }
    out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    out
}

/// Warm leads past the acceptance SLA, one alert per receiver.
pub fn leads_past_sla(pending: &[PendingHandoff]) -> Vec<Alert> {
    let late: Vec<PendingHandoff> = pending
        .iter()
        .filter(|p| p.hours_late > 0)
        .cloned()
        .collect();
    group(&late, |p| &p.receiver)
        .into_iter()
        .map(|(who, ps)| {
            let worst = ps.iter().map(|p| p.hours_late).max().unwrap_or(0);
            let said = Text::new("alert-msg-lead_past_sla")
                .arg("who", who.label.clone())
                .num("n", count(ps.len()))
                .num("hours", worst);
            Alert::said(
                "lead_past_sla",
                who,
                ps.iter().map(|p| p.lead_id.clone()).collect(),
                &said,
                &Text::new("alert-act-lead_past_sla"),
            )
        })
        .collect()
}

/// A client handed over to a client manager and not yet met (the kickoff).
#[derive(Debug, Clone)]
pub struct PendingKickoff {
    pub manager: Who,
    pub company_id: String,
    /// Hours past the kickoff deadline (≤ 0: not yet due).
    pub hours_late: i64,
}

/// Handed-over clients past their kickoff deadline, one alert per client manager: a client
/// left unmet after the sale is the relay's second dropped baton.
pub fn kickoffs_overdue(pending: &[PendingKickoff]) -> Vec<Alert> {
    let late: Vec<PendingKickoff> = pending
        .iter()
        .filter(|p| p.hours_late > 0)
        .cloned()
        .collect();
    group(&late, |p| &p.manager)
        .into_iter()
        .map(|(who, ps)| {
            let worst = ps.iter().map(|p| p.hours_late).max().unwrap_or(0);
            let said = Text::new("alert-msg-kickoff_overdue")
                .arg("who", who.label.clone())
                .num("n", count(ps.len()))
                .num("hours", worst);
            Alert::said(
                "kickoff_overdue",
                who,
                ps.iter().map(|p| p.company_id.clone()).collect(),
                &said,
                &Text::new("alert-act-kickoff_overdue"),
            )
        })
        .collect()
}

/// Deals with no activity for `days` days, one alert per owner.
pub fn stale_deals(deals: &[OpenDeal], today: NaiveDate, days: i64) -> Vec<Alert> {
    let stale: Vec<OpenDeal> = deals
        .iter()
        .filter(|d| (today - d.last_activity).num_days() >= days)
        .cloned()
        .collect();
    group(&stale, |d| &d.owner)
        .into_iter()
        .map(|(who, ds)| {
            let said = Text::new("alert-msg-stale_deal")
                .arg("who", who.label.clone())
                .num("n", count(ds.len()))
                .num("days", days);
            Alert::said(
                "stale_deal",
                who,
                ds.iter().map(|d| d.lead_id.clone()).collect(),
                &said,
                &Text::new("alert-act-stale_deal"),
            )
        })
        .collect()
}

/// The bucket label of a number of days overdue (> 0).
pub fn bucket(days: i64) -> &'static str {
    match days {
        ..=30 => "0–30",
        31..=60 => "31–60",
        61..=90 => "61–90",
        _ => "90+",
    }
}

/// Overdue invoices, one alert per owner and bucket.
pub fn overdue_invoices(invoices: &[OpenInvoice], today: NaiveDate) -> Vec<Alert> {
    let mut out = Vec::new();
    for (who, invs) in group(invoices, |i| &i.owner) {
        for b in ["0–30", "31–60", "61–90", "90+"] {
            let ids: Vec<String> = invs
                .iter()
                .filter(|i| {
                    let d = days_overdue(i.due_on, today);
                    d > 0 && bucket(d) == b
                })
                .map(|i| i.invoice_id.clone())
                .collect();
            if !ids.is_empty() {
                let said = Text::new("alert-msg-overdue_invoices")
                    .arg("who", who.label.clone())
                    .num("n", count(ids.len()))
                    .arg("bucket", b);
                let act = Text::new(if b == "0–30" {
                    "alert-act-overdue_invoices-fresh"
                } else {
                    "alert-act-overdue_invoices-old"
                });
                out.push(Alert::said(
                    "overdue_invoices",
                    who.clone(),
                    ids,
                    &said,
                    &act,
                ));
            }
        }
    }
    out
}

/// Clients with no order for `months` months (clients for at least that long), one alert per
/// client manager.
pub fn clients_without_order(clients: &[ClientFact], today: NaiveDate, months: u32) -> Vec<Alert> {
    let cut = months_before(today, months);
    let quiet: Vec<ClientFact> = clients
        .iter()
        .filter(|c| c.client_since <= cut && c.last_order.is_none_or(|d| d < cut))
        .cloned()
        .collect();
    group(&quiet, |c| &c.manager)
        .into_iter()
        .map(|(who, cs)| {
            let said = Text::new("alert-msg-client_no_order")
                .arg("who", who.label.clone())
                .num("n", count(cs.len()))
                .num("months", i64::from(months));
            Alert::said(
                "client_no_order",
                who,
                cs.iter().map(|c| c.company_id.clone()).collect(),
                &said,
                &Text::new("alert-act-client_no_order"),
            )
        })
        .collect()
}

/// A warm lead handed over although required checklist items were empty: only someone other
/// than the lead's caller (a head, say) can do that, and it is the override the rule watches.
#[derive(Debug, Clone)]
pub struct OverriddenHandoff {
    /// Who handed the lead over.
    pub sender: Who,
    pub lead_id: String,
    /// The required items that were empty, by their labels in English and in Russian.
    pub missing: Vec<String>,
    pub missing_ru: Vec<String>,
}

/// Overridden handoff checklists in the window, one alert per person who overrode.
pub fn overridden_checklists(handoffs: &[OverriddenHandoff], days: i64) -> Vec<Alert> {
    group(handoffs, |h| &h.sender)
        .into_iter()
        .map(|(who, hs)| {
            let items = |of: fn(&OverriddenHandoff) -> &Vec<String>| {
                let mut items: Vec<&str> = hs
                    .iter()
                    .flat_map(|h| of(h).iter().map(String::as_str))
                    .collect();
                items.sort_unstable();
                items.dedup();
                items.join(", ")
            };
            let said = Text::new("alert-msg-checklist_overridden")
                .arg("who", who.label.clone())
                .num("n", count(hs.len()))
                .num("days", days);
            let act = Text::new("alert-act-checklist_overridden");
            let mut alert = Alert::said(
                "checklist_overridden",
                who,
                hs.iter().map(|h| h.lead_id.clone()).collect(),
                &said.clone().arg("missing", items(|h| &h.missing)),
                &act,
            );
            // The items are the company's own checklist, named in each language by its config.
            alert.message_ru = said
                .arg("missing", items(|h| &h.missing_ru))
                .render(Lang::Ru);
            alert
        })
        .collect()
}

#[cfg(test)]
mod override_tests {
    use super::*;

    #[test]
    fn a_kickoff_past_its_deadline_is_one_alert_per_client_manager() {
        let k = |m: &str, c: &str, h: i64| PendingKickoff {
            manager: who(m),
            company_id: c.into(),
            hours_late: h,
        };
        let a = kickoffs_overdue(&[k("km1", "C1", 5), k("km1", "C2", 30), k("km2", "C3", -2)]);
        assert_eq!(a.len(), 1, "km2's kickoff is not due yet");
        assert_eq!(a[0].records, vec!["C1", "C2"]);
        assert_eq!(
            a[0].message_ru,
            "km1 (login): клиентов без встречи-знакомства после срока — 2, самый старый просрочен на 30 ч"
        );
        assert_eq!(
            a[0].message,
            "km1 (login): 2 handed-over client(s) not met by the kickoff deadline, the oldest by 30 h"
        );
    }

    fn who(id: &str) -> Who {
        Who {
            id: id.into(),
            label: format!("{id} (login)"),
        }
    }

    #[test]
    fn one_alert_per_person_who_overrode() {
        let hs = vec![
            OverriddenHandoff {
                sender: who("h2"),
                lead_id: "L3".into(),
                missing: vec!["budget".into()],
                missing_ru: vec!["бюджет".into()],
            },
            OverriddenHandoff {
                sender: who("h1"),
                lead_id: "L1".into(),
                missing: vec!["timing".into(), "budget".into()],
                missing_ru: vec!["сроки".into(), "бюджет".into()],
            },
            OverriddenHandoff {
                sender: who("h1"),
                lead_id: "L2".into(),
                missing: vec!["budget".into()],
                missing_ru: vec!["бюджет".into()],
            },
        ];
        let a = overridden_checklists(&hs, 30);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].person.id, "h1");
        assert_eq!(a[0].records, vec!["L1", "L2"]);
        assert_eq!(
            a[0].message,
            "h1 (login): 2 warm lead(s) handed over in the last 30 days with the checklist incomplete (missing: budget, timing)"
        );
        assert_eq!(
            a[0].message_ru,
            "h1 (login): тёплых лидов передано с неполным чек-листом за 30 дн. — 2 (пропущено: бюджет, сроки)"
        );
        assert_eq!(a[1].records, vec!["L3"]);
        assert!(overridden_checklists(&[], 30).is_empty());
    }
}

/// A person whose plan for a month needs targets they do not have.
#[derive(Debug, Clone)]
pub struct TargetGap {
    pub who: Who,
    /// The month, `YYYY-MM`.
    pub period: String,
    /// The metrics whose attainment a line needs, without a target (sorted).
    pub missing: Vec<String>,
}

/// People without the targets their plan needs: for this month, and from the 25th for the
/// coming one. A line that needs a missing target pays 0 («нет цели»), so the head is told
/// before the month starts, not after the statements come out at 0.
pub fn targets_missing(gaps: &[TargetGap]) -> Vec<Alert> {
    gaps.iter()
        .map(|g| {
            let metrics = g
                .missing
                .iter()
                .map(|m| Text::new("pay-metric").term("metric", "metric", m))
                .collect();
            let said = Text::new("alert-msg-targets_missing")
                .arg("who", g.who.label.clone())
                .arg("period", g.period.clone())
                .list("missing", metrics, ", ");
            Alert::said(
                "targets_missing",
                g.who.clone(),
                vec![],
                &said,
                &Text::new("alert-act-targets_missing").arg("period", g.period.clone()),
            )
        })
        .collect()
}
