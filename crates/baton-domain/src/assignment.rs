//! Who receives a warm lead (handoff 1) or a new client (handoff 2). Region first, then the
//! configured rule; absent people and people at their open-lead limit are skipped.

use crate::config::AssignmentRule;
use crate::error::RuleError;
use baton_catalog::Text;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub region_id: Option<String>,
    pub absent: bool,
    pub open_leads: i64,
    pub limit: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub receiver_id: String,
    pub rule: String,
    /// Who got it and why, as a catalog text (`assign-*`).
    pub explanation: Text,
}

/// Chooses a receiver. `candidates` must be in a stable order (the store sorts by name, id);
/// `last_receiver` is whoever received the previous lead in the region, for round-robin.
pub fn choose_receiver(
    rule: AssignmentRule,
    region_id: &str,
    candidates: &[Candidate],
    last_receiver: Option<&str>,
    manual: Option<&str>,
) -> Result<Assignment, RuleError> {
    let eligible = |c: &&Candidate| !c.absent && c.open_leads < c.limit;
    if let Some(m) = manual {
        let c = candidates
            .iter()
            .find(|c| c.id == m)
            .ok_or_else(|| RuleError::NoReceiver {
                why: Text::new("err-receiver-not-seller").arg("id", m),
            })?;
        if c.absent {
            return Err(RuleError::NoReceiver {
                why: Text::new("err-receiver-absent").arg("name", &c.name),
            });
        }
        if c.open_leads >= c.limit {
            return Err(RuleError::NoReceiver {
                why: Text::new("err-receiver-at-limit")
                    .arg("name", &c.name)
                    .num("limit", c.limit),
            });
        }
        return Ok(Assignment {
            receiver_id: c.id.clone(),
            rule: "manual".into(),
            explanation: Text::new("assign-manual").arg("name", c.name.clone()),
        });
    }
    if rule == AssignmentRule::Manual {
        return Err(RuleError::NoReceiver {
            why: Text::new("err-receiver-manual"),
        });
    }
    let local: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.region_id.as_deref() == Some(region_id))
        .filter(eligible)
        .collect();
    let (pool, scope) = if local.is_empty() {
        (
            candidates.iter().filter(eligible).collect::<Vec<_>>(),
            "assign-scope-other",
        )
    } else {
        (local, "assign-scope-region")
    };
    if pool.is_empty() {
        return Err(RuleError::NoReceiver {
            why: Text::new("err-receiver-everyone-busy"),
        });
    }
    let start = last_receiver
        .and_then(|l| pool.iter().position(|c| c.id == l))
        .map(|p| p + 1)
        .unwrap_or(0);
    let rotated: Vec<&Candidate> = pool
        .iter()
        .cycle()
        .skip(start)
        .take(pool.len())
        .copied()
        .collect();
    let (chosen, why) = match rule {
        AssignmentRule::LeastLoaded => {
            let min = rotated.iter().map(|c| c.open_leads).min().unwrap_or(0);
            let c = rotated
                .iter()
                .find(|c| c.open_leads == min)
                .copied()
                .unwrap_or(rotated[0]);
            (c, Text::new("assign-fewest").num("n", c.open_leads))
        }
        _ => (rotated[0], Text::new("assign-next")),
    };
    Ok(Assignment {
        receiver_id: chosen.id.clone(),
        rule: rule.as_str().into(),
        explanation: why
            .arg("name", chosen.name.clone())
            .text("scope", Text::new(scope)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, region: &str, open: i64) -> Candidate {
        Candidate {
            id: id.into(),
            name: id.to_uppercase(),
            region_id: Some(region.into()),
            absent: false,
            open_leads: open,
            limit: 10,
        }
    }

    #[test]
    fn round_robin_rotates_within_region_and_skips() {
        let mut cs = vec![
            c("a", "msk", 0),
            c("b", "msk", 0),
            c("c", "msk", 0),
            c("x", "spb", 0),
        ];
        let pick = |cs: &[Candidate], last| {
            choose_receiver(AssignmentRule::RoundRobin, "msk", cs, last, None)
                .unwrap()
                .receiver_id
        };
        assert_eq!(pick(&cs, None), "a");
        assert_eq!(pick(&cs, Some("a")), "b");
        assert_eq!(pick(&cs, Some("c")), "a");
        cs[1].absent = true;
        assert_eq!(pick(&cs, Some("a")), "c");
        cs[2].open_leads = 10;
        assert_eq!(pick(&cs, Some("a")), "a");
        cs[0].absent = true;
        // Nobody free in Moscow: falls back to another region, and says so.
        let a = choose_receiver(AssignmentRule::RoundRobin, "msk", &cs, Some("a"), None).unwrap();
        assert_eq!(a.receiver_id, "x");
        assert!(
            a.explanation
                .render(baton_catalog::Lang::En)
                .contains("another region")
        );
        assert!(
            a.explanation
                .render(baton_catalog::Lang::Ru)
                .contains("в другом регионе")
        );
        cs[3].absent = true;
        assert_eq!(
            choose_receiver(AssignmentRule::RoundRobin, "msk", &cs, None, None)
                .unwrap_err()
                .code(),
            "no_receiver"
        );
    }

    #[test]
    fn least_loaded_and_manual() {
        let cs = vec![c("a", "msk", 5), c("b", "msk", 2), c("c", "msk", 2)];
        let a = choose_receiver(AssignmentRule::LeastLoaded, "msk", &cs, None, None).unwrap();
        assert_eq!(a.receiver_id, "b");
        // Ties go to the next in turn after the last receiver.
        let a = choose_receiver(AssignmentRule::LeastLoaded, "msk", &cs, Some("b"), None).unwrap();
        assert_eq!(a.receiver_id, "c");
        assert!(choose_receiver(AssignmentRule::Manual, "msk", &cs, None, None).is_err());
        let a = choose_receiver(AssignmentRule::Manual, "msk", &cs, None, Some("a")).unwrap();
        assert_eq!((a.receiver_id.as_str(), a.rule.as_str()), ("a", "manual"));
    }
}
