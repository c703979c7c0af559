//! Companies and contacts: ИНН checks, duplicates, client protection and the company card.

use super::{non_empty, scoped, visible};
use crate::clock::{parse_stamp, stamp};
use crate::error::{AppError, AppResult};
use crate::rights::{Action, Actor, company_scope, lead_scope, money_scope, require};
use crate::{App, Page, Paging};
use baton_catalog::Text;
use baton_domain::company::{Claim, normalize_name, take_claim};
use baton_domain::{Inn, Kpp, Phone, Role};
use baton_store::records::{
    Activity, Company, Contact, Contract, Employee, Handoff, Invoice, LeadRow, Payment,
};
use baton_store::{Filter, Tx, Value};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewContact {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 200)]
    pub position: Option<String>,
    #[serde(default)]
    pub is_dm: bool,
    #[schema(max_length = 2000)]
    pub phone: Option<String>,
    #[schema(max_length = 2000)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewCompany {
    #[schema(pattern = r"^[0-9]{10}([0-9]{2})?$")]
    pub inn: String,
    #[schema(pattern = r"^[0-9]{9}$")]
    pub kpp: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(max_length = 64)]
    pub region_id: Option<String>,
    #[schema(max_length = 200)]
    pub industry: Option<String>,
    #[schema(max_length = 64)]
    pub source: Option<String>,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub contacts: Vec<NewContact>,
    /// The user looked at the possible duplicates and says this company is a different one.
    #[serde(default)]
    pub confirm_distinct: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PossibleDuplicate {
    pub company_id: String,
    pub name: String,
    pub inn: String,
    pub matched_on: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompanyCard {
    pub company: Company,
    pub contacts: Vec<Contact>,
    pub activities: Vec<Activity>,
    pub leads: Vec<LeadRow>,
    pub handoffs: Vec<Handoff>,
    pub contracts: Vec<Contract>,
    pub invoices: Vec<Invoice>,
    pub payments: Vec<Payment>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CompanyQuery {
    pub q: Option<String>,
    pub region_id: Option<String>,
    pub status: Option<String>,
    pub client_manager_id: Option<String>,
    pub sort: Option<String>,
    pub desc: Option<bool>,
}

pub(crate) fn parse_contact(
    app: &App,
    company_id: &str,
    c: NewContact,
    i: usize,
) -> AppResult<Contact> {
    let field = |f: &str| format!("contacts[{i}].{f}");
    if c.name.trim().is_empty() {
        return Err(AppError::invalid(
            &field("name"),
            Text::new("err-contact-name-required"),
        ));
    }
    let phone = match non_empty(c.phone) {
        Some(p) => Some(
            Phone::parse(&p)
                .map_err(|e| AppError::invalid_as("invalid_phone", &field("phone"), e.text()))?
                .as_str()
                .to_string(),
        ),
        None => None,
    };
    let email = non_empty(c.email);
    if let Some(e) = &email
        && (!e.contains('@') || e.starts_with('@') || e.ends_with('@'))
    {
        return Err(AppError::invalid(
            &field("email"),
            Text::new("err-email-format").arg("value", e),
        ));
    }
    Ok(Contact {
        id: app.new_id(),
        company_id: company_id.into(),
        name: c.name.trim().into(),
        position: non_empty(c.position),
        is_dm: c.is_dm,
        phone,
        email,
        created_at: stamp(app.now()),
    })
}

/// Who "owns" a company for the duplicate message: an active claim, else the client manager,
/// else nobody (it is in the pool).
pub(crate) fn owner_of(
    tx: &mut Tx<'_>,
    c: &Company,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(String, Option<String>)> {
    let claim_active = c
        .claim_until
        .as_deref()
        .and_then(parse_stamp)
        .is_some_and(|u| now < u);
    let who = match (&c.claim_holder_id, claim_active, &c.client_manager_id) {
        (Some(h), true, _) => Some(h.clone()),
        (_, _, Some(cm)) => Some(cm.clone()),
        _ => None,
    };
    match who {
        Some(id) => {
            let e: Option<Employee> = tx.get(&id)?;
            Ok((e.map_or_else(|| id.clone(), |e| e.name), Some(id)))
        }
        None => Ok(("nobody: the company is in the pool".into(), None)),
    }
}

pub(crate) fn claim_of(c: &Company) -> Option<Claim> {
    Some(Claim {
        holder_id: c.claim_holder_id.clone()?,
        until: parse_stamp(c.claim_until.as_deref()?)?,
    })
}

impl App {
    pub fn create_company(&self, actor: &Actor, req: NewCompany) -> AppResult<CompanyCard> {
        require(actor, Action::CreateCompany)?;
        self.checked(&req)?;
        let name = req.name.trim().to_string();
        if name.is_empty() {
            return Err(AppError::invalid(
                "name",
                Text::new("err-company-name-required"),
            ));
        }
        let inn = Inn::parse(&req.inn)
            .map_err(|e| AppError::invalid_as("invalid_inn", "inn", e.text()))?;
        let kpp = match non_empty(req.kpp.clone()) {
            Some(k) => Kpp::parse(&k)
                .map_err(|e| AppError::invalid_as("invalid_kpp", "kpp", e.text()))?
                .as_str()
                .to_string(),
            None => String::new(),
        };
        let region_id = non_empty(req.region_id.clone())
            .or_else(|| actor.region_id.clone())
            .ok_or_else(|| {
                AppError::invalid("region_id", Text::new("err-company-region-required"))
            })?;
        if crate::rights::reach(actor, Action::CreateCompany) != Some(crate::rights::Reach::All)
            && actor.region_id.as_deref() != Some(region_id.as_str())
        {
            return Err(AppError::Forbidden(Text::new("err-company-outside-region")));
        }
        let source = non_empty(req.source.clone()).unwrap_or_else(|| "cold_call".into());
        let now = self.now();
        let cfg = self.config()?;
        let id = self.new_id();
        let contacts: Vec<Contact> = req
            .contacts
            .into_iter()
            .enumerate()
            .map(|(i, c)| parse_contact(self, &id, c, i))
            .collect::<AppResult<_>>()?;
        self.db.tx(|tx| {
            if let Some(existing) = tx
                .list::<Company>(
                    &Filter::new()
                        .eq("inn", inn.as_str())
                        .eq("kpp", kpp.as_str()),
                )?
                .into_iter()
                .next()
            {
                let (owner, owner_id) = owner_of(tx, &existing, now)?;
                return Err(AppError::DuplicateCompany {
                    inn: inn.to_string(),
                    company_id: existing.id,
                    name: existing.name,
                    owner,
                    owner_id,
                });
            }
            let norm = normalize_name(&name);
            if !req.confirm_distinct {
                let mut dups = Vec::new();
                for c in
                    tx.list::<Company>(&Filter::new().eq("name_norm", norm.as_str()).page(10, 0))?
                {
                    dups.push(PossibleDuplicate {
                        company_id: c.id,
                        name: c.name,
                        inn: c.inn,
                        matched_on: "name".into(),
                    });
                }
                for ct in &contacts {
                    if let Some(p) = &ct.phone {
                        for c in
                            tx.list::<Contact>(&Filter::new().eq("phone", p.as_str()).page(10, 0))?
                        {
                            let co: Company = tx.must(&c.company_id)?;
                            dups.push(PossibleDuplicate {
                                company_id: co.id,
                                name: co.name,
                                inn: co.inn,
                                matched_on: format!("phone {p}"),
                            });
                        }
                    }
                }
                if !dups.is_empty() {
                    let names: Vec<Text> = dups
                        .iter()
                        .map(|d| {
                            let on = match d.matched_on.strip_prefix("phone ") {
                                Some(p) => Text::new("dup-on-phone").arg("phone", p),
                                None => Text::new("dup-on-name"),
                            };
                            Text::new("dup-company")
                                .arg("name", &d.name)
                                .arg("inn", &d.inn)
                                .text("on", on)
                        })
                        .collect();
                    return Err(AppError::invalid_as(
                        "possible_duplicate",
                        "name",
                        Text::new("err-possible-duplicate").list("names", names, "; "),
                    ));
                }
            }
            // A caller or manager who creates a company works it and takes the claim; a head,
            // director or admin who creates one stocks the pool for others.
            let works = actor.any(&[Role::Caller, Role::SalesManager, Role::UniversalManager]);
            let claim = if works {
                Some(take_claim(
                    &None,
                    &actor.id,
                    |h| h.to_string(),
                    now,
                    cfg.claim_days,
                )?)
            } else {
                None
            };
            let c = Company {
                id: id.clone(),
                inn: inn.to_string(),
                kpp: kpp.clone(),
                name: name.clone(),
                name_norm: norm,
                region_id: region_id.clone(),
                industry: non_empty(req.industry.clone()),
                source: source.clone(),
                status: "prospect".into(),
                claim_holder_id: claim.as_ref().map(|c| c.holder_id.clone()),
                claim_until: claim.as_ref().map(|c| stamp(c.until)),
                client_manager_id: None,
                att_caller_id: None,
                att_seller_id: None,
                att_won_on: None,
                att_kind: None,
                att_lead_id: None,
                first_paid_on: None,
                last_paid_on: None,
                version: 0,
                created_at: stamp(now),
                created_by: actor.id.clone(),
            };
            tx.insert(&c).map_err(|e| match e.unique_violation() {
                Some(_) => {
                    AppError::Conflict(Text::new("err-conflict-company-inn").arg("inn", &c.inn))
                }
                None => e.into(),
            })?;
            self.audit(
                tx,
                Some(actor),
                "company",
                &c.id,
                "company.created",
                None::<&()>,
                Some(&c),
            )?;
            for ct in &contacts {
                tx.insert(ct)?;
                self.audit(
                    tx,
                    Some(actor),
                    "contact",
                    &ct.id,
                    "contact.created",
                    None::<&()>,
                    Some(ct),
                )?;
            }
            Ok(())
        })?;
        self.company_card(actor, &id)
    }

    pub fn add_contact(
        &self,
        actor: &Actor,
        company_id: &str,
        req: NewContact,
    ) -> AppResult<Contact> {
        require(actor, Action::EditContacts)?;
        self.checked(&req)?;
        let ct = parse_contact(self, company_id, req, 0)?;
        self.db.tx(|tx| {
            let _: Company = visible(tx, &company_scope(actor), company_id, "company")?;
            tx.insert(&ct)?;
            self.audit(
                tx,
                Some(actor),
                "contact",
                &ct.id,
                "contact.created",
                None::<&()>,
                Some(&ct),
            )?;
            Ok(ct.clone())
        })
    }

    pub fn companies(
        &self,
        actor: &Actor,
        q: CompanyQuery,
        paging: Paging,
    ) -> AppResult<Page<Company>> {
        let sort = crate::input::one_of(
            "sort",
            q.sort,
            &["name", "created_at", "inn", "last_paid_on"],
        )?;
        let status = crate::input::one_of("status", q.status, &["prospect", "client", "merged"])?;
        let mut f = scoped(Filter::new(), &company_scope(actor));
        if let Some(r) = non_empty(q.region_id) {
            f = f.eq("region_id", r);
        }
        if let Some(s) = status {
            f = f.eq("status", s);
        }
        if let Some(cm) = non_empty(q.client_manager_id) {
            f = f.eq("client_manager_id", cm);
        }
        if let Some(text) = non_empty(q.q) {
            let norm = normalize_name(&text);
            f = f.raw(
                "inn = ? OR name_norm LIKE ?",
                vec![Value::Text(text.clone()), Value::Text(format!("%{norm}%"))],
            );
        }
        let sort = match sort.as_deref() {
            Some("created_at") => "created_at",
            Some("inn") => "inn",
            Some("last_paid_on") => "last_paid_on",
            _ => "name_norm",
        };
        let f = f.order(sort, q.desc.unwrap_or(false));
        self.page::<Company>(&f, paging)
    }

    /// Everything about one company the actor may see: contacts, activities, handoff history,
    /// attribution, contracts, invoices and payments.
    pub fn company_card(&self, actor: &Actor, id: &str) -> AppResult<CompanyCard> {
        self.db.read(|tx| {
            let company: Company = visible(tx, &company_scope(actor), id, "company")?;
            let by_company = || Filter::new().eq("company_id", id);
            let money = money_scope(actor);
            Ok(CompanyCard {
                contacts: tx.list(&by_company().order("created_at", false))?,
                activities: tx.list(&by_company().order("occurred_at", true).page(100, 0))?,
                leads: tx
                    .list(&scoped(by_company(), &lead_scope(actor)).order("created_at", false))?,
                handoffs: tx.list(&by_company().order("created_at", false))?,
                contracts: tx.list(&scoped(by_company(), &money).order("signed_on", false))?,
                invoices: tx.list(&scoped(by_company(), &money).order("issued_on", false))?,
                payments: tx.list(&scoped(by_company(), &money).order("paid_on", false))?,
                company,
            })
        })
    }

    /// Takes or renews the claim on a company: it is worked by one person at a time.
    /// Merges a duplicate prospect into the company it duplicates: contacts, activities,
    /// leads, handoffs and call-list entries move to `into_id`; the duplicate stays, marked
    /// `merged`, so nothing is deleted. A company with money history (contracts, invoices,
    /// payments) is never merged away: that is a legal entity with its own ИНН and books.
    pub fn merge_company(
        &self,
        actor: &Actor,
        company_id: &str,
        into_id: &str,
    ) -> AppResult<Company> {
        self.db.tx(|tx| {
            let scope = company_scope(actor);
            let before: Company = visible(tx, &scope, company_id, "company")?;
            if company_id == into_id {
                return Err(AppError::invalid(
                    "into",
                    Text::new("err-merge-into-itself"),
                ));
            }
            let target: Company = visible(tx, &scope, into_id, "company")?;
            let may = crate::rights::reach(actor, Action::CreateCompany)
                .is_some_and(|r| r >= crate::rights::Reach::Region)
                || before.created_by == actor.id
                || before.claim_holder_id.as_deref() == Some(actor.id.as_str());
            if !may {
                return Err(AppError::Forbidden(Text::new("err-merge-not-yours")));
            }
            if before.status == "merged" {
                return Err(AppError::invalid_as(
                    "already_merged",
                    "id",
                    Text::new("err-already-merged"),
                ));
            }
            for table in ["contracts", "invoices", "payments", "orders"] {
                let n = tx
                    .query_one(
                        &format!(
                            "SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE company_id = ?"
                        ),
                        &[company_id.into()],
                    )?
                    .map_or(0, |r| r.int(0));
                if n > 0 {
                    return Err(AppError::invalid_as(
                        "merge_has_money",
                        "id",
                        Text::new("err-merge-has-money")
                            .arg("name", &before.name)
                            .term("table", "entity", table),
                    ));
                }
            }
            let mut moved = serde_json::Map::new();
            for table in [
                "contacts",
                "activities",
                "leads",
                "handoffs",
                "call_list_items",
            ] {
                let n = tx.exec(
                    &format!("UPDATE {table} SET company_id = ? WHERE company_id = ?"),
                    &[into_id.into(), company_id.into()],
                )?;
                moved.insert(table.into(), n.into());
            }
            super::journeys::merged(tx, company_id, into_id)?;
            let mut after = before.clone();
            after.status = "merged".into();
            after.claim_holder_id = None;
            after.claim_until = None;
            after.version += 1;
            tx.update(&after, Some(before.version))?;
            self.audit(
                tx,
                Some(actor),
                "company",
                &after.id,
                "company.merged",
                Some(&before),
                Some(&serde_json::json!({ "company": after, "into": into_id, "moved": moved })),
            )?;
            Ok(target)
        })
    }

    pub fn claim_company(&self, actor: &Actor, company_id: &str) -> AppResult<Company> {
        require(actor, Action::OpenLead)?;
        let cfg = self.config()?;
        let now = self.now();
        self.db.tx(|tx| {
            let c: Company = tx
                .get(company_id)?
                .ok_or_else(|| AppError::not_found("company", company_id))?;
            // The pool is regional: only someone reaching all regions claims across them.
            if crate::rights::reach(actor, Action::OpenLead) != Some(crate::rights::Reach::All)
                && actor.region_id.as_deref() != Some(c.region_id.as_str())
            {
                return Err(AppError::not_found("company", company_id));
            }
            self.claim_in(tx, actor, c, now, cfg.claim_days)
        })
    }

    pub(crate) fn claim_in(
        &self,
        tx: &mut Tx<'_>,
        actor: &Actor,
        c: Company,
        now: chrono::DateTime<chrono::Utc>,
        days: i64,
    ) -> AppResult<Company> {
        let mut names = std::collections::HashMap::new();
        if let Some(h) = &c.claim_holder_id
            && let Some(e) = tx.get::<Employee>(h)?
        {
            names.insert(h.clone(), e.name);
        }
        let claim = take_claim(
            &claim_of(&c),
            &actor.id,
            |h| names.get(h).cloned().unwrap_or_else(|| h.to_string()),
            now,
            days,
        )?;
        let before = c.clone();
        let mut after = c;
        after.claim_holder_id = Some(claim.holder_id);
        after.claim_until = Some(stamp(claim.until));
        after.version += 1;
        tx.update(&after, Some(before.version))?;
        self.audit(
            tx,
            Some(actor),
            "company",
            &after.id,
            "company.claimed",
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    }
}
