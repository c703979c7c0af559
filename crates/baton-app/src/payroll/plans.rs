//! Plan versions: stored in the database, never edited once saved (a change is a new version
//! effective from a date), so an approved period can always name the exact plan it used.
//! A role with no stored version falls back to the plan shipped in `plans/`.

use crate::App;
use crate::error::{AppError, AppResult};
use crate::rights::Actor;
use baton_catalog::Text;
use baton_comp::{Plan, parse_plan};
use baton_domain::Role;
use baton_store::records::{Employee, PlanVersion};
use baton_store::{Filter, Tx};
use serde::{Deserialize, Serialize};

pub const SHIPPED_PLANS: [(&str, &str); 4] = [
    ("caller", include_str!("../../../../plans/caller.toml")),
    (
        "sales_manager",
        include_str!("../../../../plans/sales_manager.toml"),
    ),
    (
        "client_manager",
        include_str!("../../../../plans/client_manager.toml"),
    ),
    (
        "universal_manager",
        include_str!("../../../../plans/universal_manager.toml"),
    ),
];

/// A plan version as listed (the text only on request).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanInfo {
    pub id: String,
    pub role: String,
    pub employee_id: Option<String>,
    pub version: i64,
    pub effective_from: String,
    pub name: String,
    /// active (used by payroll) or draft (for what-if replays only).
    pub status: String,
    pub created_at: String,
}

impl From<&PlanVersion> for PlanInfo {
    fn from(p: &PlanVersion) -> Self {
        PlanInfo {
            id: p.id.clone(),
            role: p.role.clone(),
            employee_id: p.employee_id.clone(),
            version: p.version,
            effective_from: p.effective_from.clone(),
            name: p.name.clone(),
            status: p.status.clone(),
            created_at: p.created_at.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewPlan {
    /// The plan text (docs/plans.md).
    #[schema(min_length = 1, max_length = 100000)]
    pub text: String,
    /// A personal plan for one employee (login or id); none for the whole role.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub employee: Option<String>,
    /// `active` (default) or `draft`.
    #[serde(default)]
    #[schema(value_type = Option<baton_domain::schema::PlanStatus>)]
    pub status: Option<String>,
}

/// A plan the engine can run, with where it came from.
#[derive(Debug, Clone)]
pub struct UsedPlan {
    /// The stored version's id, or `shipped:<role>`.
    pub id: String,
    pub version: i64,
    pub plan: Plan,
}

/// Parses a plan and turns its problems into one error listing each line and column.
pub fn checked(text: &str) -> AppResult<Plan> {
    parse_plan(text).map_err(AppError::InvalidPlan)
}

pub fn shipped(role: Role) -> AppResult<Option<UsedPlan>> {
    let Some((_, text)) = SHIPPED_PLANS.iter().find(|(r, _)| *r == role.as_str()) else {
        return Ok(None);
    };
    Ok(Some(UsedPlan {
        id: format!("shipped:{}", role.as_str()),
        version: 0,
        plan: checked(text)?,
    }))
}

/// Every stored version, oldest first; the lookup below picks among them.
pub fn all_versions(tx: &mut Tx<'_>) -> AppResult<Vec<PlanVersion>> {
    Ok(tx.list::<PlanVersion>(
        &Filter::new()
            .eq("status", "active")
            .order("effective_from", false),
    )?)
}

/// The plan in force for `person` in `role` on `day`: the person's own newest version
/// effective by then, else the role's, else the shipped default.
pub fn plan_for(
    versions: &[PlanVersion],
    cache: &mut std::collections::HashMap<String, UsedPlan>,
    person: &str,
    role: Role,
    day: chrono::NaiveDate,
) -> AppResult<Option<UsedPlan>> {
    let d = day.to_string();
    let pick = |personal: bool| {
        versions
            .iter()
            .filter(|v| v.role == role.as_str() && v.effective_from <= d)
            .filter(|v| {
                if personal {
                    v.employee_id.as_deref() == Some(person)
                } else {
                    v.employee_id.is_none()
                }
            })
            .max_by(|a, b| (&a.effective_from, a.version).cmp(&(&b.effective_from, b.version)))
    };
    let Some(v) = pick(true).or_else(|| pick(false)) else {
        return shipped(role);
    };
    if let Some(p) = cache.get(&v.id) {
        return Ok(Some(p.clone()));
    }
    let used = UsedPlan {
        id: v.id.clone(),
        version: v.version,
        plan: checked(&v.body)?,
    };
    cache.insert(v.id.clone(), used.clone());
    Ok(Some(used))
}

fn may_edit(actor: Option<&Actor>) -> AppResult<()> {
    if let Some(a) = actor {
        crate::rights::require(a, crate::rights::Action::EditPlans)?;
    }
    Ok(())
}

fn may_read(actor: Option<&Actor>) -> AppResult<()> {
    if let Some(a) = actor {
        crate::rights::require(a, crate::rights::Action::ReadPlans)?;
    }
    Ok(())
}

impl App {
    pub fn plans(&self, actor: Option<&Actor>) -> AppResult<Vec<PlanInfo>> {
        may_read(actor)?;
        self.db.read(|tx| {
            Ok(tx
                .list::<PlanVersion>(
                    &Filter::new()
                        .order("role", false)
                        .order("effective_from", false)
                        .order("version", false),
                )?
                .iter()
                .map(PlanInfo::from)
                .collect())
        })
    }

    /// One stored version with its text; `shipped:<role>` gives the shipped default.
    pub fn plan(&self, actor: Option<&Actor>, id: &str) -> AppResult<(PlanInfo, String)> {
        may_read(actor)?;
        if let Some(role) = id.strip_prefix("shipped:") {
            let text = SHIPPED_PLANS
                .iter()
                .find(|(r, _)| *r == role)
                .map(|(_, t)| *t)
                .ok_or_else(|| AppError::not_found("plan", id))?;
            let plan = checked(text)?;
            let info = PlanInfo {
                id: id.into(),
                role: role.into(),
                employee_id: None,
                version: 0,
                effective_from: plan.effective_from.clone(),
                name: plan.name.clone(),
                status: "shipped".into(),
                created_at: String::new(),
            };
            return Ok((info, text.to_string()));
        }
        self.db.read(|tx| {
            let v = tx.must::<PlanVersion>(id)?;
            Ok((PlanInfo::from(&v), v.body.clone()))
        })
    }

    /// Checks a plan text without saving it.
    pub fn check_plan(&self, text: &str) -> AppResult<Plan> {
        checked(text)
    }

    /// Saves a new version. Its role and effective date come from the text; the version number
    /// is the next one for that role (or that person).
    pub fn add_plan(&self, actor: Option<&Actor>, new: NewPlan) -> AppResult<PlanInfo> {
        self.checked(&new)?;
        may_edit(actor)?;
        let plan = checked(&new.text)?;
        let status = new.status.unwrap_or_else(|| "active".into());
        if status != "active" && status != "draft" {
            return Err(AppError::invalid(
                "status",
                Text::new("err-plan-status").arg("value", status),
            ));
        }
        self.db.tx(|tx| {
            let employee_id = match &new.employee {
                None => None,
                Some(who) => {
                    let e = tx
                        .list::<Employee>(&Filter::new().raw(
                            "id = ? OR login = ?",
                            vec![who.clone().into(), who.clone().into()],
                        ))?
                        .into_iter()
                        .next()
                        .ok_or_else(|| {
                            AppError::invalid(
                                "employee",
                                Text::new("err-no-employee").arg("who", who),
                            )
                        })?;
                    if let Some(a) = actor {
                        crate::rights::require_person(
                            a,
                            crate::rights::Action::EditPlans,
                            &e.id,
                            e.region_id.as_deref(),
                        )?;
                    }
                    Some(e.id)
                }
            };
            // A role's plan in force pays the whole company: it needs the company-wide reach.
            // A draft pays nobody (what-if replays), so a head may write one.
            if employee_id.is_none()
                && status == "active"
                && let Some(a) = actor
            {
                crate::rights::require_region(a, crate::rights::Action::EditPlans, None)?;
            }
            let (cond, vals) = match &employee_id {
                Some(e) => (
                    "role = ? AND employee_id = ?",
                    vec![plan.role.as_str().into(), e.clone().into()],
                ),
                None => (
                    "role = ? AND employee_id IS NULL",
                    vec![plan.role.as_str().into()],
                ),
            };
            let version = tx
                .list::<PlanVersion>(&Filter::new().raw(cond, vals))?
                .iter()
                .map(|v| v.version)
                .max()
                .unwrap_or(0)
                + 1;
            let now = self.now();
            let v = PlanVersion {
                id: self.ids.id(now),
                role: plan.role.as_str().into(),
                employee_id,
                version,
                effective_from: plan.effective_from.clone(),
                name: plan.name.clone(),
                body: new.text.clone(),
                status,
                created_by: actor.map(|a| a.id.clone()),
                created_at: crate::clock::stamp(now),
            };
            tx.insert(&v)?;
            self.audit(
                tx,
                actor,
                "plan_version",
                &v.id,
                "plan.added",
                None::<&()>,
                Some(&PlanInfo::from(&v)),
            )?;
            Ok(PlanInfo::from(&v))
        })
    }
}
