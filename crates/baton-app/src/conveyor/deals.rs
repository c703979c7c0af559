//! Money and handoff 2: contracts, orders, invoices, payments and refunds; the win of a new
//! client with its permanent attribution; the handover to a client manager and the kickoff.

use super::leads::{Near, candidates, to_domain};
use super::{non_empty, parse_date, scoped, visible};
use crate::clock::stamp;
use crate::error::{AppError, AppResult};
use crate::rights::{Action, Actor, company_scope, lead_scope, money_scope, require};
use crate::{App, Page, Paging};
use baton_catalog::Text;
use baton_comp::metrics::PaymentFact;
use baton_domain::assignment::choose_receiver;
use baton_domain::company::{Attribution, WinKind, attribute, win_kind};
use baton_domain::config::AssignmentRule;
use baton_domain::config::{ClientManagerRule, Handoff2Point};
use baton_domain::lead::{Answers, missing_items};
use baton_domain::{Money, Role, RuleError};
use baton_store::records::{
    Activity, Company, Contract, ContractLine, CreditNote, Handoff, Invoice, LeadRow, Order,
    OrderLine, Payment, Product,
};
use baton_store::{Filter, Tx};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct Line {
    #[schema(max_length = 64)]
    pub product_id: String,
    #[schema(minimum = 1, maximum = 1000000)]
    pub qty: i64,
    /// Defaults to the product's list price.
    #[schema(value_type = Option<baton_domain::schema::Amount>)]
    pub price: Option<Money>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewContract {
    #[schema(max_length = 64)]
    pub number: Option<String>,
    #[schema(value_type = Option<baton_domain::schema::Date>)]
    pub signed_on: Option<String>,
    #[schema(value_type = Option<baton_domain::schema::Amount>)]
    pub amount: Option<Money>,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewInvoice {
    #[schema(max_length = 64)]
    pub company_id: String,
    #[schema(max_length = 64)]
    pub contract_id: Option<String>,
    #[schema(max_length = 64)]
    pub order_id: Option<String>,
    #[schema(max_length = 64)]
    pub number: Option<String>,
    #[schema(value_type = Option<baton_domain::schema::Date>)]
    pub issued_on: Option<String>,
    #[schema(value_type = Option<baton_domain::schema::Date>)]
    pub due_on: Option<String>,
    #[schema(value_type = baton_domain::schema::Amount)]
    pub amount: Money,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewPayment {
    #[schema(max_length = 64)]
    pub invoice_id: String,
    #[schema(value_type = Option<baton_domain::schema::Date>)]
    pub paid_on: Option<String>,
    #[schema(value_type = baton_domain::schema::Amount)]
    pub amount: Money,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewRefund {
    #[schema(max_length = 64)]
    pub invoice_id: String,
    #[schema(value_type = Option<baton_domain::schema::Date>)]
    pub refunded_on: Option<String>,
    #[schema(value_type = baton_domain::schema::Amount)]
    pub amount: Money,
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewOrder {
    #[schema(max_length = 64)]
    pub company_id: String,
    #[schema(max_length = 64)]
    pub contract_id: Option<String>,
    #[schema(value_type = baton_domain::schema::Month)]
    pub delivery_month: String,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub lines: Vec<Line>,
    #[schema(value_type = Option<baton_domain::schema::Amount>)]
    pub amount: Option<Money>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct HandoverRequest {
    #[serde(default)]
    #[schema(value_type = std::collections::BTreeMap<String, baton_domain::schema::Note>)]
    pub brief: Answers,
    #[schema(max_length = 64)]
    pub client_manager_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentResult {
    pub payment: Payment,
    /// Set when this payment won the company.
    pub won: Option<Attribution>,
    pub reactivation: bool,
    /// The client is due for handoff 2 now.
    pub handover_due: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InvoiceView {
    pub invoice: Invoice,
    pub credited: Money,
    pub paid: Money,
    pub outstanding: Money,
}

fn priced_lines(tx: &mut Tx<'_>, lines: &[Line]) -> AppResult<Vec<(Product, i64, Money, Money)>> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let p: Product = tx.get(&l.product_id)?.ok_or_else(|| {
            AppError::invalid(
                &format!("lines[{i}].product_id"),
                Text::new("err-no-product").arg("id", &l.product_id),
            )
        })?;
        if l.qty <= 0 {
            return Err(AppError::invalid(
                &format!("lines[{i}].qty"),
                Text::new("err-qty-not-positive"),
            ));
        }
        let price = l.price.unwrap_or(p.price);
        if price.is_negative() {
            return Err(AppError::invalid(
                &format!("lines[{i}].price"),
                Text::new("err-price-negative"),
            ));
        }
        let amount = Money::from_kopecks(price.kopecks() * l.qty);
        out.push((p, l.qty, price, amount));
    }
    Ok(out)
}

/// The attribution stored on a company, if it was won as a new client.
pub fn attribution_of(c: &Company) -> Option<Attribution> {
    Some(Attribution {
        caller_id: c.att_caller_id.clone(),
        seller_id: c.att_seller_id.clone()?,
        won_on: c.att_won_on.as_deref()?.parse().ok()?,
        kind: if c.att_kind.as_deref() == Some("reactivation") {
            WinKind::Reactivation
        } else {
            WinKind::NewClient
        },
        lead_id: c.att_lead_id.clone().unwrap_or_default(),
    })
}

/// For client managers the load is the portfolio, not the open leads: the refusal says so.
fn portfolio_limit(why: Text) -> Text {
    let id = match why.id.as_str() {
        "err-receiver-at-limit" => "err-receiver-at-portfolio-limit",
        "err-receiver-everyone-busy" => "err-receiver-everyone-busy-portfolio",
        _ => return why,
    };
    Text {
        id: id.into(),
        ..why
    }
}

fn positive(field: &str, m: Money) -> AppResult<()> {
    if m.is_positive() {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            Text::new("err-amount-not-positive"),
        ))
    }
}

/// Net amounts of an invoice: credited by notes, paid (net of refunds), still outstanding.
pub(crate) fn invoice_balance(tx: &mut Tx<'_>, inv: &Invoice) -> AppResult<(Money, Money, Money)> {
    let credited = tx.query_one("SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM credit_notes WHERE invoice_id = ?", &[inv.id.as_str().into()])?.map_or(0, |r| r.int(0));
    let paid = tx
        .query_one(
            "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payments WHERE invoice_id = ?",
            &[inv.id.as_str().into()],
        )?
        .map_or(0, |r| r.int(0));
    let outstanding = (inv.amount.kopecks() - credited - paid).max(0);
    Ok((
        Money::from_kopecks(credited),
        Money::from_kopecks(paid),
        Money::from_kopecks(outstanding),
    ))
}

impl App {
    fn date_or_today(&self, field: &str, s: &Option<String>) -> AppResult<NaiveDate> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(d) => parse_date(field, d),
            None => Ok(self.today(&self.config()?)),
        }
    }

    /// The next number of the year's series, `СЧ-2026-000123`. Read from the unique index on
    /// `number` (the largest of the year's numbers), not by counting rows: counting scanned the
    /// whole table on every new invoice and made a large history quadratic to build.
    fn next_number(
        &self,
        tx: &mut Tx<'_>,
        table: &str,
        prefix: &str,
        day: NaiveDate,
    ) -> AppResult<String> {
        let lo = format!("{prefix}-{}-", day.format("%Y"));
        // '.' sorts right after '-': the range holds exactly the numbers starting with `lo`.
        let hi = format!("{prefix}-{}.", day.format("%Y"));
        let last = tx
            .query_one(
                // ORDER BY … LIMIT 1 reads one entry of the unique index; MAX() with a range
                // scanned the year's whole series (the 1 000-person generator stalled on it).
                &format!("SELECT number FROM {table} WHERE number >= ? AND number < ? ORDER BY number DESC LIMIT 1"),
                &[lo.clone().into(), hi.into()],
            )?
            .and_then(|r| r.opt_text(0));
        let mut n = last
            .as_deref()
            .and_then(|l| l.strip_prefix(lo.as_str()))
            .and_then(|d| d.parse::<u64>().ok())
            .unwrap_or(0)
            + 1;
        // A number typed by hand may sit in the series; step over any taken one.
        loop {
            let candidate = format!("{lo}{n:06}");
            let taken = tx
                .query_one(
                    &format!("SELECT id FROM {table} WHERE number = ?"),
                    &[candidate.clone().into()],
                )?
                .is_some();
            if !taken {
                return Ok(candidate);
            }
            n += 1;
        }
    }

    /// The first contract of a deal. Whether it can win the company (new client, reactivation
    /// or a repeat sale) is decided now, from the company's payment history.
    pub fn sign_contract(
        &self,
        actor: &Actor,
        lead_id: &str,
        req: NewContract,
    ) -> AppResult<Contract> {
        require(actor, Action::WorkDeal)?;
        self.checked(&req)?;
        let cfg = self.config()?;
        let signed_on = self.date_or_today("signed_on", &req.signed_on)?;
        let now = self.now();
        self.db.tx(|tx| {
            let row: LeadRow = visible(tx, &lead_scope(actor), lead_id, "lead")?;
            let lead = to_domain(&row)?;
            let lines = priced_lines(tx, &req.lines)?;
            let amount = if lines.is_empty() {
                req.amount.ok_or_else(|| AppError::invalid("amount", Text::new("err-contract-amount-or-lines")))?
            } else {
                lines.iter().map(|l| l.3).sum()
            };
            positive("amount", amount)?;
            let t = lead.sign_contract(&actor.id, amount)?;
            self.save_lead_transition(tx, Some(actor), &row, t)?;
            let company: Company = tx.must(&row.company_id)?;
            // New client or reactivation is the legal entity's history (its ИНН across every
            // record of it: branches, duplicates, merged rows), not this one row's.
            let last_paid = tx
                .query_one("SELECT MAX(p.paid_on) FROM payments p JOIN companies co ON co.id = p.company_id WHERE co.inn = ? AND p.amount > 0 AND p.paid_on < ?", &[company.inn.as_str().into(), signed_on.to_string().into()])?
                .and_then(|r| r.opt_text(0))
                .and_then(|d| d.parse().ok());
            let kind = win_kind(last_paid, signed_on, cfg.dormancy_months);
            let number = match non_empty(req.number.clone()) {
                Some(n) => n,
                None => self.next_number(tx, "contracts", "Д", signed_on)?,
            };
            let c = Contract {
                id: self.new_id(),
                number,
                company_id: company.id.clone(),
                lead_id: Some(lead_id.into()),
                signed_by: actor.id.clone(),
                signed_on: signed_on.to_string(),
                amount,
                win_kind: kind.map(|k| k.as_str().to_string()),
                won_on: None,
                created_at: stamp(now),
            };
            tx.insert(&c).map_err(|e| match e.unique_violation() {
                Some(_) => AppError::invalid("number", Text::new("err-contract-number-taken").arg("number", &c.number)),
                None => e.into(),
            })?;
            self.audit(tx, Some(actor), "contract", &c.id, "contract.signed", None::<&()>, Some(&c))?;
            super::journeys::arrived(tx, &c.company_id, "", signed_on, &[super::journeys::Step::Contract], &[])?;
            for (p, qty, price, amount) in lines {
                let l = ContractLine { id: self.new_id(), contract_id: c.id.clone(), product_id: p.id, qty, price, amount };
                tx.insert(&l)?;
                self.audit(tx, Some(actor), "contract_line", &l.id, "contract.line_added", None::<&()>, Some(&l))?;
            }
            Ok(c)
        })
    }

    pub fn create_order(&self, actor: &Actor, req: NewOrder) -> AppResult<Order> {
        require(actor, Action::Order)?;
        self.checked(&req)?;
        let month = req.delivery_month.trim();
        if NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err() {
            return Err(AppError::invalid(
                "delivery_month",
                Text::new("err-delivery-month-format"),
            ));
        }
        let now = self.now();
        self.db.tx(|tx| {
            let company: Company = visible(tx, &company_scope(actor), &req.company_id, "company")?;
            let lines = priced_lines(tx, &req.lines)?;
            let amount = if lines.is_empty() {
                req.amount.ok_or_else(|| {
                    AppError::invalid("amount", Text::new("err-order-amount-or-lines"))
                })?
            } else {
                lines.iter().map(|l| l.3).sum()
            };
            positive("amount", amount)?;
            let o = Order {
                id: self.new_id(),
                company_id: company.id,
                contract_id: non_empty(req.contract_id.clone()),
                delivery_month: month.into(),
                amount,
                created_by: actor.id.clone(),
                created_at: stamp(now),
            };
            tx.insert(&o)?;
            self.audit(
                tx,
                Some(actor),
                "order",
                &o.id,
                "order.created",
                None::<&()>,
                Some(&o),
            )?;
            for (p, qty, price, amount) in lines {
                let l = OrderLine {
                    id: self.new_id(),
                    order_id: o.id.clone(),
                    product_id: p.id,
                    qty,
                    price,
                    amount,
                };
                tx.insert(&l)?;
                self.audit(
                    tx,
                    Some(actor),
                    "order_line",
                    &l.id,
                    "order.line_added",
                    None::<&()>,
                    Some(&l),
                )?;
            }
            Ok(o)
        })
    }

    pub fn create_invoice(&self, actor: &Actor, req: NewInvoice) -> AppResult<Invoice> {
        require(actor, Action::Invoice)?;
        self.checked(&req)?;
        positive("amount", req.amount)?;
        let issued = self.date_or_today("issued_on", &req.issued_on)?;
        let due = match req
            .due_on
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(d) => parse_date("due_on", d)?,
            None => issued + Duration::days(10),
        };
        if due < issued {
            return Err(AppError::invalid(
                "due_on",
                Text::new("err-due-before-issue"),
            ));
        }
        let now = self.now();
        self.db.tx(|tx| {
            let company: Company = visible(tx, &company_scope(actor), &req.company_id, "company")?;
            if let Some(cid) = non_empty(req.contract_id.clone()) {
                let c: Contract = tx.get(&cid)?.ok_or_else(|| {
                    AppError::invalid("contract_id", Text::new("err-no-contract").arg("id", cid))
                })?;
                if c.company_id != company.id {
                    return Err(AppError::invalid(
                        "contract_id",
                        Text::new("err-contract-other-company"),
                    ));
                }
            }
            let number = match non_empty(req.number.clone()) {
                Some(n) => n,
                None => self.next_number(tx, "invoices", "СЧ", issued)?,
            };
            let inv = Invoice {
                id: self.new_id(),
                number,
                company_id: company.id,
                contract_id: non_empty(req.contract_id.clone()),
                order_id: non_empty(req.order_id.clone()),
                issued_on: issued.to_string(),
                due_on: due.to_string(),
                amount: req.amount,
                created_by: actor.id.clone(),
                created_at: stamp(now),
                settled_on: None,
            };
            tx.insert(&inv).map_err(|e| match e.unique_violation() {
                Some(_) => AppError::invalid(
                    "number",
                    Text::new("err-invoice-number-taken").arg("number", &inv.number),
                ),
                None => e.into(),
            })?;
            self.audit(
                tx,
                Some(actor),
                "invoice",
                &inv.id,
                "invoice.issued",
                None::<&()>,
                Some(&inv),
            )?;
            Ok(inv)
        })
    }

    /// Records a payment. The first payment on or after a winning contract wins the company:
    /// attribution is set for ever, the lead is won, and handoff 2 becomes due.
    pub fn record_payment(&self, actor: &Actor, req: NewPayment) -> AppResult<PaymentResult> {
        require(actor, Action::Payment)?;
        self.checked(&req)?;
        positive("amount", req.amount)?;
        let paid_on = self.date_or_today("paid_on", &req.paid_on)?;
        let cfg = self.config()?;
        let (result, commit) = self
            .db
            .tx_numbered(|tx| self.pay_in(tx, actor, &cfg, &req, paid_on))?;
        let (result, fact) = result;
        // A win changes the seller's facts beyond this payment: the cache reloads instead.
        match fact {
            Some(fact) if result.won.is_none() && !result.reactivation => {
                self.live.payment(commit, &fact)
            }
            _ => {}
        }
        Ok(result)
    }

    /// The payment itself, inside the caller's transaction: shared by `record_payment` and the
    /// bank import (bank/), so that the win, the attribution and the audit are the same.
    /// `req` is checked by the caller; `paid_on` is its date.
    pub(crate) fn pay_in(
        &self,
        tx: &mut Tx<'_>,
        actor: &Actor,
        cfg: &baton_domain::ConveyorConfig,
        req: &NewPayment,
        paid_on: NaiveDate,
    ) -> AppResult<(PaymentResult, Option<PaymentFact>)> {
        let now = self.now();
        // The body as it stood in record_payment's transaction.
        let pay = |tx: &mut Tx<'_>| {
            let inv: Invoice = visible(tx, &money_scope(actor), &req.invoice_id, "invoice")?;
            let (_, _, outstanding) = invoice_balance(tx, &inv)?;
            if req.amount > outstanding {
                return Err(AppError::invalid(
                    "amount",
                    Text::new("err-overpayment").arg("outstanding", outstanding.to_human()),
                ));
            }
            let before: Company = tx.must(&inv.company_id)?;
            let mut company = before.clone();

            // Win: a contract that can win, signed on or before this payment, not yet won.
            let mut won = None;
            let mut reactivation = false;
            let winning = tx
                .list::<Contract>(
                    &Filter::new()
                        .eq("company_id", company.id.as_str())
                        .raw(
                            "win_kind IS NOT NULL AND won_on IS NULL AND signed_on <= ?",
                            vec![paid_on.to_string().into()],
                        )
                        .order("signed_on", false),
                )?
                .into_iter()
                .find(|c| c.lead_id.is_some());
            if let Some(c) = winning
                && let Some(lead_id) = c.lead_id.clone()
                && let Some(row) = tx.get::<LeadRow>(&lead_id)?
                && row.stage == "contract"
            {
                let lead = to_domain(&row)?;
                let t = lead.win()?;
                self.save_lead_transition(tx, Some(actor), &row, t)?;
                let kind = if c.win_kind.as_deref() == Some("reactivation") {
                    WinKind::Reactivation
                } else {
                    WinKind::NewClient
                };
                company.status = "client".into();
                company.claim_holder_id = None;
                company.claim_until = None;
                let seller = lead.seller_id.clone().unwrap_or(lead.owner_id.clone());
                if kind == WinKind::NewClient {
                    let a = attribute(
                        &attribution_of(&company),
                        Attribution {
                            caller_id: lead.caller_id.clone(),
                            seller_id: seller.clone(),
                            won_on: paid_on,
                            kind,
                            lead_id: lead.id.clone(),
                        },
                    )?;
                    company.att_caller_id = a.caller_id.clone();
                    company.att_seller_id = Some(a.seller_id.clone());
                    company.att_won_on = Some(a.won_on.to_string());
                    company.att_kind = Some(a.kind.as_str().into());
                    company.att_lead_id = Some(a.lead_id.clone());
                    won = Some(a);
                } else {
                    reactivation = true;
                }
                // A universal manager keeps the clients they win: no handoff 2.
                let seller_roles = self.actor_in(tx, &seller)?.roles;
                if seller_roles.contains(&Role::UniversalManager)
                    && company.client_manager_id.is_none()
                {
                    company.client_manager_id = Some(seller);
                }
                let mut won_contract = c.clone();
                won_contract.won_on = Some(paid_on.to_string());
                tx.update(&won_contract, None)?;
                self.audit(
                    tx,
                    Some(actor),
                    "contract",
                    &c.id,
                    "contract.won",
                    Some(&c),
                    Some(&won_contract),
                )?;
            }
            // The payment is the client manager's as the company stands after it: a universal
            // manager's winning payment is theirs (their own collections), not nobody's.
            let p = Payment {
                id: self.new_id(),
                invoice_id: inv.id.clone(),
                company_id: company.id.clone(),
                paid_on: paid_on.to_string(),
                amount: req.amount,
                credit_note_id: None,
                client_manager_id: company.client_manager_id.clone(),
                created_by: actor.id.clone(),
                created_at: stamp(now),
            };
            tx.insert(&p)?;
            self.audit(
                tx,
                Some(actor),
                "payment",
                &p.id,
                "payment.recorded",
                None::<&()>,
                Some(&p),
            )?;
            settle(tx, &inv)?;
            // Paid in full: the promise to pay it is kept.
            if !invoice_balance(tx, &inv)?.2.is_positive() {
                self.fulfil_in(
                    tx,
                    Some(actor),
                    super::tasks::Fulfils {
                        owner_id: &actor.id,
                        company_id: &inv.company_id,
                        kind: "collect_payment",
                        invoice_id: Some(&inv.id),
                    },
                )?;
            }
            super::journeys::payments_changed(tx, &p.company_id)?;
            if company.first_paid_on.is_none() {
                company.first_paid_on = Some(paid_on.to_string());
            }
            if company
                .last_paid_on
                .as_deref()
                .is_none_or(|l| l < paid_on.to_string().as_str())
            {
                company.last_paid_on = Some(paid_on.to_string());
            }
            company.version += 1;
            tx.update(&company, Some(before.version))?;
            self.audit(
                tx,
                Some(actor),
                "company",
                &company.id,
                if won.is_some() {
                    "company.won"
                } else {
                    "company.paid"
                },
                Some(&before),
                Some(&company),
            )?;
            let handover_due = company.client_manager_id.is_none()
                && company.status == "client"
                && self.handover_point_reached(tx, &company, cfg, paid_on)?;
            // What the live statements need to take this payment in without a reload.
            let region = tx
                .get::<baton_store::records::Region>(&company.region_id)?
                .map(|r| r.code)
                .unwrap_or_default();
            let fact = inv.due_on.parse::<NaiveDate>().ok().map(|due| PaymentFact {
                id: p.id.clone(),
                company_id: p.company_id.clone(),
                invoice_id: p.invoice_id.clone(),
                paid_on,
                amount: p.amount.kopecks(),
                client_manager: p.client_manager_id.clone(),
                overdue: due < paid_on,
                region,
            });
            Ok((
                PaymentResult {
                    payment: p,
                    won,
                    reactivation,
                    handover_due,
                },
                fact,
            ))
        };
        pay(tx)
    }

    /// A refund is a negative payment on its invoice with a credit note of the same sum, so
    /// that it never reappears as a receivable.
    pub fn record_refund(&self, actor: &Actor, req: NewRefund) -> AppResult<(CreditNote, Payment)> {
        require(actor, Action::Refund)?;
        self.checked(&req)?;
        positive("amount", req.amount)?;
        if req.reason.trim().is_empty() {
            return Err(AppError::invalid(
                "reason",
                Text::new("err-refund-reason-required"),
            ));
        }
        let day = self.date_or_today("refunded_on", &req.refunded_on)?;
        let now = self.now();
        self.db.tx(|tx| {
            let inv: Invoice = visible(tx, &money_scope(actor), &req.invoice_id, "invoice")?;
            let (_, paid, _) = invoice_balance(tx, &inv)?;
            if req.amount > paid {
                return Err(AppError::invalid(
                    "amount",
                    Text::new("err-refund-over-paid").arg("paid", paid.to_human()),
                ));
            }
            let cn = CreditNote {
                id: self.new_id(),
                invoice_id: inv.id.clone(),
                issued_on: day.to_string(),
                amount: req.amount,
                reason: req.reason.trim().into(),
                created_at: stamp(now),
            };
            tx.insert(&cn)?;
            self.audit(
                tx,
                Some(actor),
                "credit_note",
                &cn.id,
                "credit_note.issued",
                None::<&()>,
                Some(&cn),
            )?;
            let company: Company = tx.must(&inv.company_id)?;
            let p = Payment {
                id: self.new_id(),
                invoice_id: inv.id.clone(),
                company_id: inv.company_id.clone(),
                paid_on: day.to_string(),
                amount: -req.amount,
                credit_note_id: Some(cn.id.clone()),
                client_manager_id: company.client_manager_id,
                created_by: actor.id.clone(),
                created_at: stamp(now),
            };
            tx.insert(&p)?;
            self.audit(
                tx,
                Some(actor),
                "payment",
                &p.id,
                "payment.refunded",
                None::<&()>,
                Some(&p),
            )?;
            settle(tx, &inv)?;
            Ok((cn, p))
        })
    }

    fn handover_point_reached(
        &self,
        tx: &mut Tx<'_>,
        c: &Company,
        cfg: &baton_domain::ConveyorConfig,
        today: NaiveDate,
    ) -> AppResult<bool> {
        Ok(match cfg.handoff2_point {
            Handoff2Point::FirstPayment => c.att_won_on.is_some() || c.status == "client",
            Handoff2Point::ContractSigned => {
                tx.count::<Contract>(&Filter::new().eq("company_id", c.id.as_str()))? > 0
            }
            Handoff2Point::DaysAfterFirstPayment => c
                .first_paid_on
                .as_deref()
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .is_some_and(|d| {
                    today >= d + Duration::days(cfg.handoff2_days_after_first_payment)
                }),
        })
    }

    /// Handoff 2: the winner hands the client to a client manager with a handover brief.
    pub fn hand_over(
        &self,
        actor: &Actor,
        company_id: &str,
        req: HandoverRequest,
    ) -> AppResult<Handoff> {
        require(actor, Action::Handover)?;
        self.checked(&req)?;
        let cfg = self.config()?;
        let now = self.now();
        let today = self.today(&cfg);
        self.db.tx(|tx| {
            let before: Company = visible(tx, &company_scope(actor), company_id, "company")?;
            if before.client_manager_id.is_some() {
                return Err(AppError::invalid_as("already_handed_over", "company_id", Text::new("err-already-handed-over")));
            }
            // The point first: "not yet" says more than "not yours" to a seller who will be the
            // one once the client pays.
            if !self.handover_point_reached(tx, &before, &cfg, today)? {
                let point = match cfg.handoff2_point {
                    Handoff2Point::FirstPayment => Text::new("handover-at-first-payment"),
                    Handoff2Point::ContractSigned => Text::new("handover-at-contract"),
                    Handoff2Point::DaysAfterFirstPayment => Text::new("handover-days-after-payment").num("days", cfg.handoff2_days_after_first_payment),
                };
                return Err(AppError::invalid_as("handover_point_not_reached", "company_id", Text::new("err-handover-point-not-reached").text("point", point)));
            }
            let is_head = actor.any(&[Role::Head, Role::Director, Role::Admin]);
            let mine = before.att_seller_id.as_deref() == Some(actor.id.as_str())
                || before.claim_holder_id.as_deref() == Some(actor.id.as_str())
                || signed_by(tx, &before.id, &actor.id)?;
            if !is_head && !mine {
                return Err(RuleError::NotYours { who: Text::new("who-client-winner") }.into());
            }
            let missing = missing_items(&cfg.handover_brief, &req.brief);
            if !missing.is_empty() {
                return Err(RuleError::BriefIncomplete { missing }.into());
            }
            let load = "SELECT CAST(COUNT(*) AS BIGINT) FROM companies WHERE client_manager_id = ? AND client_manager_id = ?";
            let manual = match cfg.client_manager_rule {
                ClientManagerRule::Manual => Some(req.client_manager_id.clone().ok_or_else(|| AppError::invalid("client_manager_id", Text::new("err-choose-client-manager")))?),
                ClientManagerRule::LeastLoaded => req.client_manager_id.clone(),
            };
            // Portfolio size is the load; the open-lead limit does not apply to client managers.
            let near = Near { region_id: &before.region_id, manual: manual.as_deref(), skip: None, limited: false };
            let cands = candidates(tx, &[Role::ClientManager], today, &cfg, load, near)?;
            let a = choose_receiver(AssignmentRule::LeastLoaded, &before.region_id, &cands, None, manual.as_deref())
                .map_err(|e| match e {
                    RuleError::NoReceiver { why } => RuleError::NoReceiver { why: portfolio_limit(why) },
                    other => other,
                })?;
            let mut company = before.clone();
            company.client_manager_id = Some(a.receiver_id.clone());
            company.claim_holder_id = None;
            company.claim_until = None;
            company.version += 1;
            tx.update(&company, Some(before.version))?;
            self.audit(tx, Some(actor), "company", &company.id, "company.handed_over", Some(&before), Some(&company))?;
            let due = cfg.calendar.add_working_days(today, cfg.kickoff_sla_working_days);
            let h = Handoff {
                id: self.new_id(),
                kind: "client".into(),
                lead_id: company.att_lead_id.clone(),
                company_id: company.id.clone(),
                sender_id: actor.id.clone(),
                receiver_id: a.receiver_id.clone(),
                rule: a.rule.replace("least_loaded", "least_loaded_portfolio"),
                explanation: portfolio_words(&a.explanation).render(baton_catalog::Lang::En),
                explanation_text: super::leads::stored(&portfolio_words(&a.explanation)),
                snapshot: baton_store::Json::from_value(&serde_json::to_value(&req.brief).unwrap_or_default()),
                created_at: stamp(now),
                // The end of the due day where the company works, not in UTC.
                due_at: stamp(end_of_day(due, cfg.tz())),
                status: "pending".into(),
                decided_at: None,
                reason: None,
                reason_text: None,
            };
            tx.insert(&h)?;
            self.audit(tx, Some(actor), "handoff", &h.id, "handoff.created", None::<&()>, Some(&h))?;
            Ok(h)
        })
    }

    /// A head moves a client to another client manager (a portfolio change, e.g. at the split).
    pub fn assign_client_manager(
        &self,
        actor: &Actor,
        company_id: &str,
        client_manager_id: &str,
    ) -> AppResult<Company> {
        require(actor, Action::MoveClients)?;
        self.db.tx(|tx| {
            let before: Company = visible(tx, &company_scope(actor), company_id, "company")?;
            let cm = self.actor_in(tx, client_manager_id)?;
            if !cm.any(&[Role::ClientManager, Role::UniversalManager]) {
                return Err(AppError::invalid(
                    "client_manager_id",
                    Text::new("err-not-client-manager").arg("name", &cm.name),
                ));
            }
            let mut c = before.clone();
            c.client_manager_id = Some(cm.id.clone());
            c.version += 1;
            tx.update(&c, Some(before.version))?;
            self.audit(
                tx,
                Some(actor),
                "company",
                &c.id,
                "company.client_manager_changed",
                Some(&before),
                Some(&c),
            )?;
            Ok(c)
        })
    }

    /// The client manager met the client: the kickoff closes handoff 2.
    pub fn kickoff(
        &self,
        actor: &Actor,
        handoff_id: &str,
        note: Option<String>,
    ) -> AppResult<Handoff> {
        require(actor, Action::Kickoff)?;
        crate::input::optional("note", note.as_deref(), baton_domain::input::NOTE_MAX, true)?;
        let cfg = self.config()?;
        let now = self.now();
        self.db.tx(|tx| {
            let before: Handoff = tx
                .get(handoff_id)?
                .ok_or_else(|| AppError::not_found("handoff", handoff_id))?;
            if before.kind != "client" || before.receiver_id != actor.id {
                return Err(AppError::not_found("handoff", handoff_id));
            }
            if before.status != "pending" {
                return Err(RuleError::WrongStage {
                    stage: before.status.clone(),
                    action: "kickoff".into(),
                }
                .into());
            }
            let mut h = before.clone();
            h.status = "done".into();
            h.decided_at = Some(stamp(now));
            tx.update(&h, None)?;
            self.audit(
                tx,
                Some(actor),
                "handoff",
                &h.id,
                "handoff.kickoff",
                Some(&before),
                Some(&h),
            )?;
            let a = Activity {
                id: self.new_id(),
                kind: "meeting".into(),
                company_id: h.company_id.clone(),
                lead_id: h.lead_id.clone(),
                actor_id: actor.id.clone(),
                outcome: Some("kickoff".into()),
                duration_sec: 0,
                occurred_at: stamp(now),
                local_date: now.with_timezone(&cfg.tz()).date_naive().to_string(),
                note: non_empty(note.clone()),
            };
            self.record_activity(tx, actor, &a, "activity.logged")?;
            Ok(h)
        })
    }

    pub fn invoices(
        &self,
        actor: &Actor,
        company_id: Option<&str>,
        overdue: bool,
        paging: Paging,
    ) -> AppResult<Page<InvoiceView>> {
        let mut f = scoped(Filter::new(), &money_scope(actor));
        if let Some(c) = company_id {
            f = f.eq("company_id", c);
        }
        if overdue {
            let today = self.today(&self.config()?).to_string();
            f = f.raw(
                "due_on < ? AND amount > (SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.invoice_id = invoices.id) + (SELECT COALESCE(SUM(n.amount), 0) FROM credit_notes n WHERE n.invoice_id = invoices.id)",
                vec![today.into()],
            );
        }
        let f = f.order("issued_on", true);
        self.db.read(|tx| {
            let total = tx.count::<Invoice>(&f)?;
            let mut items = Vec::new();
            for invoice in tx.list::<Invoice>(&f.clone().page(paging.per_page, paging.offset()))? {
                let (credited, paid, outstanding) = invoice_balance(tx, &invoice)?;
                items.push(InvoiceView {
                    invoice,
                    credited,
                    paid,
                    outstanding,
                });
            }
            Ok(Page {
                items,
                total,
                page: paging.page,
                per_page: paging.per_page,
            })
        })
    }

    pub fn payments(
        &self,
        actor: &Actor,
        company_id: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        paging: Paging,
    ) -> AppResult<Page<Payment>> {
        let mut f = scoped(Filter::new(), &money_scope(actor));
        if let Some(c) = company_id {
            f = f.eq("company_id", c);
        }
        if let Some(d) = from {
            f = f.raw("paid_on >= ?", vec![d.into()]);
        }
        if let Some(d) = to {
            f = f.raw("paid_on <= ?", vec![d.into()]);
        }
        let f = f.order("paid_on", true);
        self.page::<Payment>(&f, paging)
    }

    pub fn contracts(
        &self,
        actor: &Actor,
        company_id: Option<&str>,
        paging: Paging,
    ) -> AppResult<Page<Contract>> {
        let mut f = scoped(Filter::new(), &money_scope(actor));
        if let Some(c) = company_id {
            f = f.eq("company_id", c);
        }
        let f = f.order("signed_on", true);
        self.page::<Contract>(&f, paging)
    }

    pub fn orders(
        &self,
        actor: &Actor,
        company_id: Option<&str>,
        paging: Paging,
    ) -> AppResult<Page<Order>> {
        let mut f = scoped(Filter::new(), &money_scope(actor));
        if let Some(c) = company_id {
            f = f.eq("company_id", c);
        }
        let f = f.order("created_at", true);
        self.page::<Order>(&f, paging)
    }

    pub fn products(&self) -> AppResult<Vec<Product>> {
        self.db.read(|tx| {
            Ok(tx.list::<Product>(&Filter::new().eq("active", 1i64).order("sku", false))?)
        })
    }

    pub fn create_product(
        &self,
        actor: &Actor,
        sku: &str,
        name: &str,
        group: &str,
        region_id: Option<String>,
        price: Money,
    ) -> AppResult<Product> {
        require(actor, Action::ManageProducts)?;
        crate::input::name("sku", sku, baton_domain::input::CODE_MAX)?;
        crate::input::name("name", name, baton_domain::input::NAME_MAX)?;
        crate::input::optional(
            "product_group",
            Some(group),
            baton_domain::input::NAME_MAX,
            false,
        )?;
        if price.is_negative() {
            return Err(AppError::invalid("price", Text::new("err-price-negative")));
        }
        if sku.trim().is_empty() || name.trim().is_empty() {
            return Err(AppError::invalid(
                "sku",
                Text::new("err-product-needs-sku-and-name"),
            ));
        }
        if price.is_negative() {
            return Err(AppError::invalid("price", Text::new("err-price-negative")));
        }
        let p = Product {
            id: self.new_id(),
            sku: sku.trim().into(),
            name: name.trim().into(),
            product_group: group.trim().into(),
            region_id: non_empty(region_id),
            price,
            active: true,
        };
        self.db.tx(|tx| {
            tx.insert(&p).map_err(|e| match e.unique_violation() {
                Some(_) => AppError::invalid("sku", Text::new("err-sku-taken").arg("sku", &p.sku)),
                None => e.into(),
            })?;
            self.audit(
                tx,
                Some(actor),
                "product",
                &p.id,
                "product.created",
                None::<&()>,
                Some(&p),
            )?;
            Ok(p.clone())
        })
    }
}

/// Keeps `settled_on`, the day the invoice was paid in full for good, in step with its
/// payments and credit notes, so that a payroll period reads only the invoices open in it. A
/// derived cache of the payments, hence no audit event of its own.
fn settle(tx: &mut Tx<'_>, inv: &Invoice) -> AppResult<()> {
    let mut moves: Vec<(String, i64)> = tx
        .list::<Payment>(&Filter::new().eq("invoice_id", inv.id.as_str()))?
        .into_iter()
        .map(|p| (p.paid_on, p.amount.kopecks()))
        .collect();
    moves.extend(
        tx.list::<CreditNote>(&Filter::new().eq("invoice_id", inv.id.as_str()))?
            .into_iter()
            .map(|c| (c.issued_on, c.amount.kopecks())),
    );
    moves.sort();
    let mut open = inv.amount.kopecks();
    let mut settled: Option<String> = None;
    let mut i = 0;
    while i < moves.len() {
        let day = moves[i].0.clone();
        while i < moves.len() && moves[i].0 == day {
            open -= moves[i].1;
            i += 1;
        }
        if open <= 0 {
            settled.get_or_insert(day);
        } else {
            settled = None;
        }
    }
    let stored: Invoice = tx.must(&inv.id)?;
    if stored.settled_on != settled {
        tx.update(
            &Invoice {
                settled_on: settled,
                ..stored
            },
            None,
        )?;
    }
    Ok(())
}

/// Whether the person sold a contract on the company (before it pays, the contract's seller is
/// the one who hands the client over when the handover point is the signature).
fn signed_by(tx: &mut Tx<'_>, company_id: &str, person_id: &str) -> AppResult<bool> {
    Ok(tx
        .query_one(
            "SELECT c.id FROM contracts c JOIN leads l ON l.id = c.lead_id \
             WHERE c.company_id = ? AND COALESCE(l.seller_id, l.owner_id) = ?",
            &[company_id.into(), person_id.into()],
        )?
        .is_some())
}

/// A client handoff counts clients in portfolio where a lead counts open leads.
fn portfolio_words(t: &baton_catalog::Text) -> baton_catalog::Text {
    let mut t = t.clone();
    if t.id == "assign-fewest" {
        t.id = "assign-fewest-clients".into();
    }
    t
}

/// The last instant of a day in a time zone, in UTC.
fn end_of_day(day: chrono::NaiveDate, tz: chrono_tz::Tz) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let last = day
        .and_hms_micro_opt(23, 59, 59, 999_999)
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN));
    tz.from_local_datetime(&last)
        .latest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| chrono::Utc.from_utc_datetime(&last))
}
