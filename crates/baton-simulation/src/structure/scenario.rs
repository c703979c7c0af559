//! Scenarios: who is in the department. Universal (everyone does everything), conveyor
//! (callers → sales managers → client managers) and hybrids (for example callers feeding
//! universal managers), each with its headcount and the new hires among it.

use super::error::SimError;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// People by role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Headcount {
    pub callers: u32,
    pub sales_managers: u32,
    pub client_managers: u32,
    pub universals: u32,
}

impl Headcount {
    pub fn total(&self) -> u32 {
        self.callers + self.sales_managers + self.client_managers + self.universals
    }
}

/// The shape of a department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StructureKind {
    /// Universal managers only.
    Universal,
    /// Callers and sales managers (and client managers), no universal managers.
    Conveyor,
    /// Anything else, e.g. callers feeding universal managers.
    Hybrid,
}

/// A department to simulate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub headcount: Headcount,
    /// Of the headcount, the people hired at the start of the horizon: they ramp up (see the
    /// `ramp_months` parameter) and are paid in full meanwhile.
    #[serde(default)]
    pub new_hires: Headcount,
    /// Costs of this structure on top of pay and the common costs (a conveyor head, tools).
    #[serde(default)]
    pub extra_costs_per_month: Decimal,
}

impl Scenario {
    /// `n` universal managers.
    pub fn universal(n: u32) -> Self {
        Self::with(Headcount {
            universals: n,
            ..Headcount::default()
        })
    }

    /// The conveyor: callers, sales managers, client managers.
    pub fn conveyor(callers: u32, sales_managers: u32, client_managers: u32) -> Self {
        Self::with(Headcount {
            callers,
            sales_managers,
            client_managers,
            universals: 0,
        })
    }

    /// A hybrid: callers feeding universal managers, who close and serve.
    pub fn callers_and_universals(callers: u32, universals: u32) -> Self {
        Self::with(Headcount {
            callers,
            universals,
            ..Headcount::default()
        })
    }

    /// Any mix of roles, named after it.
    pub fn with(headcount: Headcount) -> Self {
        Scenario {
            name: describe_en(&headcount),
            headcount,
            new_hires: Headcount::default(),
            extra_costs_per_month: Decimal::ZERO,
        }
    }

    /// The same scenario with these new hires among its headcount.
    pub fn hiring(mut self, new_hires: Headcount) -> Self {
        self.new_hires = new_hires;
        self
    }

    pub fn kind(&self) -> StructureKind {
        let h = &self.headcount;
        if h.universals > 0 && h.callers == 0 && h.sales_managers == 0 && h.client_managers == 0 {
            StructureKind::Universal
        } else if h.universals == 0 && h.sales_managers > 0 {
            StructureKind::Conveyor
        } else {
            StructureKind::Hybrid
        }
    }

    /// "2 callers + 2 sales managers + 1 client manager".
    pub fn describe_en(&self) -> String {
        describe_en(&self.headcount)
    }

    /// «2 колл-менеджера + 2 МПП + 1 КМ».
    pub fn describe_ru(&self) -> String {
        describe_ru(&self.headcount)
    }

    /// Checks that the department can work as described.
    pub fn validate(&self) -> Result<(), SimError> {
        let h = &self.headcount;
        let bad = |field: &str, problem: &str, hint: &str| {
            Err(SimError::InvalidScenario {
                scenario: self.name.clone(),
                field: field.into(),
                problem: problem.into(),
                hint: hint.into(),
            })
        };
        if h.total() == 0 {
            return bad(
                "headcount",
                "nobody works here",
                "add people to at least one role",
            );
        }
        for (role, n, hired) in [
            ("callers", h.callers, self.new_hires.callers),
            (
                "sales_managers",
                h.sales_managers,
                self.new_hires.sales_managers,
            ),
            (
                "client_managers",
                h.client_managers,
                self.new_hires.client_managers,
            ),
            ("universals", h.universals, self.new_hires.universals),
        ] {
            if n > 10_000 {
                return bad(
                    &format!("headcount.{role}"),
                    "more than 10 000 people",
                    "enter a department's size",
                );
            }
            if hired > n {
                return bad(
                    &format!("new_hires.{role}"),
                    &format!("{hired} new hires among {n} people"),
                    "new hires are part of the headcount: enter at most the headcount",
                );
            }
        }
        if h.callers > 0 && h.sales_managers == 0 && h.universals == 0 {
            return bad(
                "headcount.callers",
                "callers hand their leads to nobody",
                "add sales managers or universal managers to close them",
            );
        }
        if h.sales_managers > 0 && h.callers == 0 {
            return bad(
                "headcount.sales_managers",
                "sales managers get their leads from callers, and there are none",
                "add callers, or model self-sourcing hunters as universal managers with client managers",
            );
        }
        if self.extra_costs_per_month < Decimal::ZERO {
            return bad(
                "extra_costs_per_month",
                "negative costs",
                "enter zero or more",
            );
        }
        Ok(())
    }
}

fn describe_en(h: &Headcount) -> String {
    let mut parts = Vec::new();
    let mut add = |n: u32, one: &str, many: &str| {
        if n > 0 {
            parts.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    };
    add(h.callers, "caller", "callers");
    add(h.sales_managers, "sales manager", "sales managers");
    add(h.client_managers, "client manager", "client managers");
    add(h.universals, "universal manager", "universal managers");
    if parts.is_empty() {
        "nobody".into()
    } else {
        parts.join(" + ")
    }
}

/// The Russian plural form for `n`: one (1, 21, …), few (2–4, 22–24, …), many.
pub(crate) fn plural_ru<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (d10, d100) = (n % 10, n % 100);
    if d10 == 1 && d100 != 11 {
        one
    } else if (2..=4).contains(&d10) && !(12..=14).contains(&d100) {
        few
    } else {
        many
    }
}

fn describe_ru(h: &Headcount) -> String {
    let mut parts = Vec::new();
    if h.callers > 0 {
        let n = u64::from(h.callers);
        parts.push(format!(
            "{n} {}",
            plural_ru(n, "колл-менеджер", "колл-менеджера", "колл-менеджеров")
        ));
    }
    if h.sales_managers > 0 {
        parts.push(format!("{} МПП", h.sales_managers));
    }
    if h.client_managers > 0 {
        parts.push(format!("{} КМ", h.client_managers));
    }
    if h.universals > 0 {
        let n = u64::from(h.universals);
        parts.push(format!(
            "{n} {}",
            plural_ru(n, "универсал", "универсала", "универсалов")
        ));
    }
    if parts.is_empty() {
        "никого".into()
    } else {
        parts.join(" + ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_names() {
        assert_eq!(Scenario::universal(3).kind(), StructureKind::Universal);
        let c = Scenario::conveyor(2, 2, 1);
        assert_eq!(c.kind(), StructureKind::Conveyor);
        assert_eq!(c.name, "2 callers + 2 sales managers + 1 client manager");
        assert_eq!(c.describe_ru(), "2 колл-менеджера + 2 МПП + 1 КМ");
        assert_eq!(Scenario::universal(5).describe_ru(), "5 универсалов");
        assert_eq!(
            Scenario::callers_and_universals(1, 2).kind(),
            StructureKind::Hybrid
        );
    }

    #[test]
    fn validation_names_the_field() {
        let e = Scenario::conveyor(2, 0, 1)
            .validate()
            .expect_err("no closer");
        assert!(e.to_string().contains("headcount.callers"), "{e}");
        let e = Scenario::universal(2)
            .hiring(Headcount {
                universals: 3,
                ..Headcount::default()
            })
            .validate()
            .expect_err("more hires than people");
        assert!(e.to_string().contains("new_hires.universals"), "{e}");
    }
}
