//! Regions, employees, roles, absences, targets and the conveyor configuration.

use crate::clock::stamp;
use crate::error::{AppError, AppResult};
use crate::rights::{Action, Actor, Reach, covers, reach, require, require_grant, require_person};
use crate::{App, Page, Paging};
use baton_catalog::Text;
use baton_domain::{ConveyorConfig, Role};
use baton_store::Filter;
use baton_store::records::{
    AbsenceRow, AuditEvent, Employee, Region, RoleAssignmentRow, Setting, Target,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewEmployee {
    #[schema(min_length = 1, max_length = 64)]
    pub login: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(min_length = 6, max_length = 200)]
    pub password: String,
    #[schema(max_length = 64)]
    pub region_id: Option<String>,
    #[schema(value_type = baton_domain::Role)]
    pub role: String,
    #[schema(value_type = Option<baton_domain::schema::Date>)]
    pub valid_from: Option<String>,
    #[schema(minimum = 0, maximum = 10000)]
    pub open_lead_limit: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewRole {
    #[schema(value_type = baton_domain::Role)]
    pub role: String,
    #[schema(max_length = 64)]
    pub region_id: Option<String>,
    #[schema(value_type = baton_domain::schema::Date)]
    pub valid_from: String,
    #[schema(value_type = Option<baton_domain::schema::Date>)]
    pub valid_to: Option<String>,
    /// Ends the person's other open assignments the day the new one starts.
    #[serde(default)]
    pub replace: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmployeeView {
    pub id: String,
    pub login: String,
    pub name: String,
    pub region_id: Option<String>,
    pub active: bool,
    pub open_lead_limit: Option<i64>,
    /// The табельный номер in 1C:ЗУП, when entered.
    pub personnel_number: Option<String>,
    pub roles: Vec<RoleAssignmentRow>,
}

impl App {
    pub fn regions(&self) -> AppResult<Vec<Region>> {
        self.db
            .read(|tx| Ok(tx.list::<Region>(&Filter::new().order("code", false))?))
    }

    pub fn create_region(&self, actor: &Actor, code: &str, name: &str) -> AppResult<Region> {
        require(actor, Action::ManageRegions)?;
        crate::input::name("code", code, baton_domain::input::CODE_MAX)?;
        crate::input::name("name", name, baton_domain::input::NAME_MAX)?;
        let code = code.trim().to_lowercase();
        if code.is_empty() || name.trim().is_empty() {
            return Err(AppError::invalid(
                "code",
                Text::new("err-region-needs-code-and-name"),
            ));
        }
        let r = Region {
            id: self.new_id(),
            code,
            name: name.trim().to_string(),
        };
        self.db.tx(|tx| {
            tx.insert(&r).map_err(|e| match e.unique_violation() {
                Some(_) => AppError::invalid(
                    "code",
                    Text::new("err-region-code-taken").arg("code", &r.code),
                ),
                None => e.into(),
            })?;
            self.audit(
                tx,
                Some(actor),
                "region",
                &r.id,
                "region.created",
                None::<&()>,
                Some(&r),
            )?;
            Ok(r.clone())
        })
    }

    pub fn create_employee(
        &self,
        actor: Option<&Actor>,
        req: NewEmployee,
    ) -> AppResult<EmployeeView> {
        self.checked(&req)?;
        let role = Role::parse(&req.role).ok_or_else(|| {
            AppError::invalid("role", Text::new("err-unknown-role").arg("role", &req.role))
        })?;
        if let Some(a) = actor {
            // The new person is nobody yet: only their region and first role decide.
            let region = req.region_id.as_deref();
            require_grant(a, role, "", region, region)?;
        }
        let login = req.login.trim().to_lowercase();
        if login.is_empty()
            || !login
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(AppError::invalid("login", Text::new("err-login-format")));
        }
        if req.name.trim().is_empty() {
            return Err(AppError::invalid(
                "name",
                Text::new("err-person-name-required"),
            ));
        }
        let hash = self.hash_password(&req.password)?;
        let now = self.now();
        let cfg = self.config()?;
        let from = match &req.valid_from {
            Some(f) => super::parse_date("valid_from", f)?,
            None => self.today(&cfg),
        };
        let emp = Employee {
            id: self.new_id(),
            login,
            name: req.name.trim().to_string(),
            region_id: req.region_id.clone(),
            password_hash: hash,
            open_lead_limit: req.open_lead_limit,
            active: true,
            created_at: stamp(now),
            personnel_number: None,
        };
        let ra = RoleAssignmentRow {
            id: self.new_id(),
            employee_id: emp.id.clone(),
            role: role.as_str().into(),
            region_id: req.region_id,
            valid_from: from.to_string(),
            valid_to: None,
        };
        self.db.tx(|tx| {
            tx.insert(&emp).map_err(|e| match e.unique_violation() {
                Some(_) => AppError::invalid(
                    "login",
                    Text::new("err-login-taken").arg("login", &emp.login),
                ),
                None => e.into(),
            })?;
            tx.insert(&ra)?;
            let mut shown = emp.clone();
            shown.password_hash = "***".into();
            self.audit(
                tx,
                actor,
                "employee",
                &emp.id,
                "employee.created",
                None::<&()>,
                Some(&shown),
            )?;
            self.audit(
                tx,
                actor,
                "role_assignment",
                &ra.id,
                "role.assigned",
                None::<&()>,
                Some(&ra),
            )?;
            Ok::<_, AppError>(())
        })?;
        self.employee(&emp.id)
    }

    /// One person as `actor` may see them: their role history only within the actor's reach
    /// (`ReadPeople`); a person outside it is not found, as a record outside a scope is.
    pub fn employee_seen_by(&self, actor: &Actor, id: &str) -> AppResult<EmployeeView> {
        let r = require(actor, Action::ReadPeople)?;
        let e = self.employee(id)?;
        if !covers(actor, r, Some(&e.id), e.region_id.as_deref()) {
            return Err(AppError::not_found("employee", id));
        }
        Ok(e)
    }

    /// One person with their role history, unchecked (the use cases' own reads).
    pub fn employee(&self, id: &str) -> AppResult<EmployeeView> {
        self.db.read(|tx| {
            let e: Employee = tx.must(id)?;
            let roles = tx.list::<RoleAssignmentRow>(
                &Filter::new()
                    .eq("employee_id", id)
                    .order("valid_from", false),
            )?;
            Ok(EmployeeView {
                id: e.id,
                login: e.login,
                name: e.name,
                region_id: e.region_id,
                active: e.active,
                open_lead_limit: e.open_lead_limit,
                personnel_number: e.personnel_number,
                roles,
            })
        })
    }

    pub fn employees(
        &self,
        actor: &Actor,
        region_id: Option<&str>,
        paging: Paging,
    ) -> AppResult<Page<EmployeeView>> {
        // Everyone may see colleagues' names (a caller sees who received a lead);
        // role history only within the reach of `ReadPeople`.
        let full = reach(actor, Action::ReadPeople);
        let mut f = Filter::new()
            .order("name", false)
            .page(paging.per_page, paging.offset());
        if let Some(r) = region_id {
            f = f.eq("region_id", r);
        }
        self.db.read(|tx| {
            let total = tx.count::<Employee>(&f)?;
            let list = tx.list::<Employee>(&f)?;
            let mut items = Vec::new();
            for e in list {
                let covered =
                    full.is_some_and(|r| covers(actor, r, Some(&e.id), e.region_id.as_deref()));
                let roles = if covered {
                    tx.list::<RoleAssignmentRow>(
                        &Filter::new()
                            .eq("employee_id", e.id.as_str())
                            .order("valid_from", false),
                    )?
                } else {
                    vec![]
                };
                items.push(EmployeeView {
                    id: e.id,
                    login: e.login,
                    name: e.name,
                    region_id: e.region_id,
                    active: e.active,
                    open_lead_limit: e.open_lead_limit,
                    // Personnel data, like the role history: within the reader's reach only.
                    personnel_number: e.personnel_number.filter(|_| covered),
                    roles,
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

    pub fn assign_role(
        &self,
        actor: Option<&Actor>,
        employee_id: &str,
        req: NewRole,
    ) -> AppResult<EmployeeView> {
        let (role, from, to) = self.role_checked(actor, employee_id, &req)?;
        self.db.tx(|tx| {
            self.assign_role_in(tx, actor, employee_id, &req, (role, from, to))
                .map(|_| ())
        })?;
        self.employee(employee_id)
    }

    /// The checks of [`App::assign_role`] before its transaction: the role, the actor's right
    /// to grant it to this person, and the dates.
    pub(crate) fn role_checked(
        &self,
        actor: Option<&Actor>,
        employee_id: &str,
        req: &NewRole,
    ) -> AppResult<(Role, chrono::NaiveDate, Option<chrono::NaiveDate>)> {
        self.checked(req)?;
        let role = Role::parse(&req.role).ok_or_else(|| {
            AppError::invalid("role", Text::new("err-unknown-role").arg("role", &req.role))
        })?;
        if let Some(a) = actor {
            let e = self
                .employee(employee_id)
                .map_err(|_| AppError::not_found("employee", employee_id))?;
            if reach(a, Action::ReadPeople)
                .is_none_or(|r| !covers(a, r, Some(&e.id), e.region_id.as_deref()))
            {
                return Err(AppError::not_found("employee", employee_id));
            }
            require_grant(
                a,
                role,
                &e.id,
                e.region_id.as_deref(),
                req.region_id.as_deref(),
            )?;
        }
        let from = super::parse_date("valid_from", &req.valid_from)?;
        let to = match &req.valid_to {
            Some(t) => Some(super::parse_date("valid_to", t)?),
            None => None,
        };
        if to.is_some_and(|t| t <= from) {
            return Err(AppError::invalid(
                "valid_to",
                Text::new("err-role-end-before-start"),
            ));
        }
        Ok((role, from, to))
    }

    /// The writes of [`App::assign_role`] inside a transaction (also the split's).
    pub(crate) fn assign_role_in(
        &self,
        tx: &mut baton_store::Tx<'_>,
        actor: Option<&Actor>,
        employee_id: &str,
        req: &NewRole,
        (role, from, to): (Role, chrono::NaiveDate, Option<chrono::NaiveDate>),
    ) -> AppResult<RoleAssignmentRow> {
        let _: Employee = tx.must(employee_id)?;
        if req.replace {
            for mut old in
                tx.list::<RoleAssignmentRow>(&Filter::new().eq("employee_id", employee_id))?
            {
                let open = old
                    .valid_to
                    .as_deref()
                    .is_none_or(|t| t > from.to_string().as_str());
                if open && old.valid_from.as_str() < from.to_string().as_str() {
                    let before = old.clone();
                    old.valid_to = Some(from.to_string());
                    tx.update(&old, None)?;
                    self.audit(
                        tx,
                        actor,
                        "role_assignment",
                        &old.id,
                        "role.ended",
                        Some(&before),
                        Some(&old),
                    )?;
                }
            }
        }
        let ra = RoleAssignmentRow {
            id: self.new_id(),
            employee_id: employee_id.into(),
            role: role.as_str().into(),
            region_id: req.region_id.clone(),
            valid_from: from.to_string(),
            valid_to: to.map(|t| t.to_string()),
        };
        tx.insert(&ra)?;
        self.audit(
            tx,
            actor,
            "role_assignment",
            &ra.id,
            "role.assigned",
            None::<&()>,
            Some(&ra),
        )?;
        Ok(ra)
    }

    pub fn add_absence(
        &self,
        actor: &Actor,
        employee_id: &str,
        from: &str,
        to: &str,
        kind: &str,
    ) -> AppResult<AbsenceRow> {
        let e = self.employee(employee_id)?;
        require_person(actor, Action::RecordAbsence, &e.id, e.region_id.as_deref())?;
        let today = self.now().date_naive();
        crate::input::date("from", Some(from), today)?;
        crate::input::date("to", Some(to), today)?;
        crate::input::optional("kind", Some(kind), baton_domain::input::CODE_MAX, false)?;
        let f = super::parse_date("from", from)?;
        let t = super::parse_date("to", to)?;
        if t < f {
            return Err(AppError::invalid(
                "to",
                Text::new("err-absence-end-before-start"),
            ));
        }
        let a = AbsenceRow {
            id: self.new_id(),
            employee_id: employee_id.into(),
            from_date: f.to_string(),
            to_date: t.to_string(),
            kind: kind.trim().to_string(),
        };
        self.db.tx(|tx| {
            let _: Employee = tx.must(employee_id)?;
            tx.insert(&a)?;
            self.audit(
                tx,
                Some(actor),
                "absence",
                &a.id,
                "absence.added",
                None::<&()>,
                Some(&a),
            )?;
            Ok(a.clone())
        })
    }

    /// Whether anyone exists yet: the first person and the first import of a new installation
    /// run unnamed on the command line; after that a command acts as a named person.
    pub fn has_people(&self) -> AppResult<bool> {
        self.db
            .read(|tx| Ok(tx.count::<Employee>(&Filter::new())? > 0))
    }

    pub fn set_config(&self, actor: &Actor, cfg: ConveyorConfig) -> AppResult<ConveyorConfig> {
        require(actor, Action::EditConfig)?;
        self.write_config(Some(actor), cfg)
    }

    fn write_config(
        &self,
        actor: Option<&Actor>,
        cfg: ConveyorConfig,
    ) -> AppResult<ConveyorConfig> {
        cfg.validate()
            .map_err(|e| AppError::invalid(&e.field, e.text))?;
        self.db.tx(|tx| {
            let before = self.config_in(tx)?;
            let s = Setting {
                id: "conveyor".into(),
                value: serde_json::to_string(&cfg).map_err(|e| {
                    AppError::invalid(
                        "conveyor",
                        Text::new("err-config-unwritable").arg("error", e.to_string()),
                    )
                })?,
            };
            tx.upsert(&s)?;
            self.audit(
                tx,
                actor,
                "settings",
                "conveyor",
                "config.changed",
                Some(&before),
                Some(&cfg),
            )?;
            Ok(cfg.clone())
        })
    }

    pub fn set_target(
        &self,
        actor: &Actor,
        employee_id: &str,
        period: &str,
        metric: &str,
        value: &str,
    ) -> AppResult<Target> {
        let e = self.employee(employee_id)?;
        require_person(actor, Action::SetTargets, &e.id, e.region_id.as_deref())?;
        crate::input::name("metric", metric, baton_domain::input::CODE_MAX)?;
        if value.trim().starts_with('-') {
            return Err(AppError::invalid("value", Text::new("err-target-negative")));
        }
        crate::payroll::period_bounds(period)?;
        let p = period.trim();
        if value.trim().parse::<rust_decimal::Decimal>().is_err() {
            return Err(AppError::invalid(
                "value",
                Text::new("err-not-a-number").arg("value", value),
            ));
        }
        if metric.trim().is_empty() {
            return Err(AppError::invalid(
                "metric",
                Text::new("err-metric-required"),
            ));
        }
        self.db.tx(|tx| {
            let _: Employee = tx.must(employee_id)?;
            let existing = tx
                .list::<Target>(
                    &Filter::new()
                        .eq("employee_id", employee_id)
                        .eq("period", p)
                        .eq("metric", metric.trim()),
                )?
                .into_iter()
                .next();
            let t = Target {
                id: existing
                    .as_ref()
                    .map_or_else(|| self.new_id(), |e| e.id.clone()),
                employee_id: employee_id.into(),
                period: p.into(),
                metric: metric.trim().into(),
                value: value.trim().into(),
            };
            tx.upsert(&t)?;
            self.audit(
                tx,
                Some(actor),
                "target",
                &t.id,
                "target.set",
                existing.as_ref(),
                Some(&t),
            )?;
            Ok(t)
        })
    }

    /// Carries one month's targets to another for review: each target of `from` the actor may
    /// set (their region's, or everyone's) is written for `to` unless `to` has one already.
    pub fn copy_targets(&self, actor: &Actor, from: &str, to: &str) -> AppResult<TargetCopy> {
        require(actor, Action::SetTargets)?;
        crate::payroll::month_bounds("from", from)?;
        crate::payroll::month_bounds("to", to)?;
        let (from, to) = (from.trim(), to.trim());
        if from == to {
            return Err(AppError::invalid("to", Text::new("err-copy-same-month")));
        }
        self.db.tx(|tx| {
            let mut out = TargetCopy::default();
            let people: std::collections::HashMap<String, Option<String>> = tx
                .list::<Employee>(&Filter::new())?
                .into_iter()
                .map(|e| (e.id, e.region_id))
                .collect();
            let existing: std::collections::HashSet<(String, String)> = tx
                .list::<Target>(&Filter::new().eq("period", to))?
                .into_iter()
                .map(|t| (t.employee_id, t.metric))
                .collect();
            for t in
                tx.list::<Target>(&Filter::new().eq("period", from).order("employee_id", false))?
            {
                let region = people.get(&t.employee_id).cloned().flatten();
                if require_person(actor, Action::SetTargets, &t.employee_id, region.as_deref())
                    .is_err()
                {
                    continue;
                }
                if existing.contains(&(t.employee_id.clone(), t.metric.clone())) {
                    out.kept += 1;
                    continue;
                }
                let copy = Target {
                    id: self.new_id(),
                    employee_id: t.employee_id.clone(),
                    period: to.into(),
                    metric: t.metric.clone(),
                    value: t.value.clone(),
                };
                tx.insert(&copy)?;
                self.audit(
                    tx,
                    Some(actor),
                    "target",
                    &copy.id,
                    "target.set",
                    None::<&()>,
                    Some(&copy),
                )?;
                out.copied += 1;
            }
            Ok(out)
        })
    }

    pub fn targets(&self, actor: &Actor, period: Option<&str>) -> AppResult<Vec<Target>> {
        let r = require(actor, Action::ReadTargets)?;
        let mut f = Filter::new().order("period", false);
        if let Some(p) = period {
            f = f.eq("period", p);
        }
        match r {
            Reach::All => {}
            Reach::Region => {
                f = f.raw(
                    "(employee_id = ? OR employee_id IN (SELECT id FROM employees WHERE region_id = ?))".to_string(),
                    vec![actor.id.as_str().into(), actor.region_id.clone().into()],
                )
            }
            Reach::Own => f = f.eq("employee_id", actor.id.as_str()),
        }
        self.db.read(|tx| Ok(tx.list::<Target>(&f)?))
    }

    /// The audit trail of one record, or the latest events overall.
    pub fn audit_events(
        &self,
        actor: &Actor,
        entity: Option<&str>,
        entity_id: Option<&str>,
        paging: Paging,
    ) -> AppResult<Page<AuditEvent>> {
        let r = require(actor, Action::ReadAudit)?;
        let mut f = Filter::new()
            .order("id", true)
            .page(paging.per_page, paging.offset());
        if r != Reach::All {
            // A head reads what their region's people did and what was done to the region's
            // people, companies and leads.
            let region: baton_store::Value = actor.region_id.clone().into();
            f = f.raw(
                "(actor_id IN (SELECT id FROM employees WHERE region_id = ?) \
                 OR entity_id IN (SELECT id FROM employees WHERE region_id = ?) \
                 OR entity_id IN (SELECT id FROM companies WHERE region_id = ?) \
                 OR entity_id IN (SELECT id FROM leads WHERE region_id = ?))"
                    .to_string(),
                vec![region.clone(), region.clone(), region.clone(), region],
            );
        }
        if let Some(e) = entity {
            f = f.eq("entity", e);
        }
        if let Some(i) = entity_id {
            f = f.eq("entity_id", i);
        }
        self.page::<AuditEvent>(&f, paging)
    }
}

/// The stored role assignments of one employee as the domain reads them (rows that do not
/// parse are skipped: the import and the use cases never write them).
pub(crate) fn assignments_of(
    rows: &[RoleAssignmentRow],
    employee_id: &str,
) -> Vec<baton_domain::role::RoleAssignment> {
    rows.iter()
        .filter(|r| r.employee_id == employee_id)
        .filter_map(|r| {
            Some(baton_domain::role::RoleAssignment {
                role: Role::parse(&r.role)?,
                region_id: r.region_id.clone(),
                from: r.valid_from.parse().ok()?,
                to: r.valid_to.as_deref().and_then(|t| t.parse().ok()),
            })
        })
        .collect()
}

/// The stored absences of one employee as the domain reads them.
pub(crate) fn absences_of(
    rows: &[AbsenceRow],
    employee_id: &str,
) -> Vec<baton_domain::role::Absence> {
    rows.iter()
        .filter(|a| a.employee_id == employee_id)
        .filter_map(|a| {
            Some(baton_domain::role::Absence {
                from: a.from_date.parse().ok()?,
                to: a.to_date.parse().ok()?,
                kind: a.kind.clone(),
            })
        })
        .collect()
}

/// What [`App::copy_targets`] did: targets written, and targets the month already had.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TargetCopy {
    pub copied: i64,
    pub kept: i64,
}

impl App {
    /// Sets (or, with an empty text, clears) a person's табельный номер in 1C:ЗУП. Whoever
    /// prepares the payroll for the person's region may: the accountant, the head of the region,
    /// the director, the admin.
    pub fn set_personnel_number(
        &self,
        actor: &Actor,
        employee_id: &str,
        number: Option<&str>,
    ) -> AppResult<EmployeeView> {
        let number = number.map(str::trim).filter(|n| !n.is_empty());
        if let Some(n) = number {
            crate::input::name("personnel_number", n, baton_domain::input::CODE_MAX)?;
        }
        self.db.tx(|tx| {
            let before: Employee = tx
                .get(employee_id)?
                .ok_or_else(|| AppError::not_found("employee", employee_id))?;
            crate::rights::require_person(
                actor,
                Action::CalculatePeriod,
                &before.id,
                before.region_id.as_deref(),
            )?;
            let mut e = before.clone();
            e.personnel_number = number.map(str::to_string);
            tx.update(&e, None)?;
            // The hash stays out of the trail.
            let trail =
                |e: &Employee| serde_json::json!({ "personnel_number": e.personnel_number });
            self.audit(
                tx,
                Some(actor),
                "employee",
                &e.id,
                "employee.personnel_number",
                Some(&trail(&before)),
                Some(&trail(&e)),
            )
        })?;
        self.employee(employee_id)
    }
}
