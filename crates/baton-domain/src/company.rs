//! Companies: the duplicate rules, client protection (claims), permanent attribution and the
//! new-client / reactivation rule.

use crate::error::RuleError;
use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Normalizes a company name for duplicate search: case, quotes, punctuation and the legal
/// form are ignored, and the word order does not matter («ООО "Ромашка"» = «Ромашка ООО»).
pub fn normalize_name(name: &str) -> String {
    const FORMS: [&str; 14] = [
        "ооо", "оао", "зао", "пао", "ао", "ип", "нко", "ано", "гк", "ooo", "llc", "ltd", "inc",
        "jsc",
    ];
    let lowered = name.to_lowercase().replace('ё', "е");
    let cleaned: String = lowered
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = cleaned
        .split_whitespace()
        .filter(|w| !FORMS.contains(w))
        .collect();
    words.sort_unstable();
    words.join(" ")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WinKind {
    NewClient,
    Reactivation,
}

impl WinKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WinKind::NewClient => "new_client",
            WinKind::Reactivation => "reactivation",
        }
    }
}

/// Whether a contract signed on `signed_on` can win the company. `last_paid_on` is the company's
/// last payment before the signing. Never paid → a new client; paid, but not within
/// `dormancy_months` → a reactivation; otherwise the company is an active client and the
/// contract is a repeat sale (`None`).
pub fn win_kind(
    last_paid_on: Option<NaiveDate>,
    signed_on: NaiveDate,
    dormancy_months: u32,
) -> Option<WinKind> {
    match last_paid_on {
        None => Some(WinKind::NewClient),
        Some(last) => {
            let horizon = signed_on
                .checked_sub_months(Months::new(dormancy_months))
                .unwrap_or(signed_on);
            if last < horizon {
                Some(WinKind::Reactivation)
            } else {
                None
            }
        }
    }
}

/// Who won the company. Set once, on the first payment after the winning contract; never changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attribution {
    pub caller_id: Option<String>,
    pub seller_id: String,
    pub won_on: NaiveDate,
    pub kind: WinKind,
    pub lead_id: String,
}

pub fn attribute(
    current: &Option<Attribution>,
    new: Attribution,
) -> Result<Attribution, RuleError> {
    match current {
        Some(_) => Err(RuleError::AttributionFixed),
        None => Ok(new),
    }
}

/// A claim: the company belongs to one caller or sales manager while it is worked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub holder_id: String,
    pub until: DateTime<Utc>,
}

impl Claim {
    pub fn active_at(&self, now: DateTime<Utc>) -> bool {
        now < self.until
    }
}

/// Takes or renews a claim. Refused while someone else holds an active claim; an expired
/// claim is released to the pool and anyone may take it.
pub fn take_claim(
    current: &Option<Claim>,
    actor: &str,
    actor_name_of_holder: impl Fn(&str) -> String,
    now: DateTime<Utc>,
    claim_days: i64,
) -> Result<Claim, RuleError> {
    if let Some(c) = current
        && c.active_at(now)
        && c.holder_id != actor
    {
        return Err(RuleError::Claimed {
            holder_id: c.holder_id.clone(),
            holder_name: actor_name_of_holder(&c.holder_id),
            until: c.until.format("%Y-%m-%d").to_string(),
        });
    }
    Ok(Claim {
        holder_id: actor.to_string(),
        until: now + Duration::days(claim_days),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn names_match_whatever_the_form() {
        assert_eq!(
            normalize_name("ООО \"Ромашка\""),
            normalize_name("Ромашка ООО")
        );
        assert_eq!(normalize_name("«Ромашка», ООО"), "ромашка");
        assert_eq!(
            normalize_name("АО Северный Ветер"),
            normalize_name("ветер северный")
        );
        assert_ne!(normalize_name("Ромашка"), normalize_name("Ромашка-2"));
    }

    #[test]
    fn new_client_rule_by_dormancy() {
        assert_eq!(
            win_kind(None, d("2026-05-10"), 12),
            Some(WinKind::NewClient)
        );
        assert_eq!(
            win_kind(Some(d("2025-05-09")), d("2026-05-10"), 12),
            Some(WinKind::Reactivation)
        );
        // Paid exactly 12 months before: still inside the window, an existing client.
        assert_eq!(win_kind(Some(d("2025-05-10")), d("2026-05-10"), 12), None);
        assert_eq!(win_kind(Some(d("2026-04-01")), d("2026-05-10"), 12), None);
    }

    #[test]
    fn attribution_is_permanent() {
        let a = Attribution {
            caller_id: Some("c".into()),
            seller_id: "s".into(),
            won_on: d("2026-01-01"),
            kind: WinKind::NewClient,
            lead_id: "l".into(),
        };
        let set = attribute(&None, a.clone()).unwrap();
        let mut b = a.clone();
        b.seller_id = "intruder".into();
        assert_eq!(attribute(&Some(set), b), Err(RuleError::AttributionFixed));
    }

    proptest! {
        /// Whatever the sequence of attempts: at most one holder at a time, and a holder is
        /// displaced only after the claim has expired.
        #[test]
        fn one_active_claim(steps in proptest::collection::vec((0usize..3, 0i64..50), 1..60)) {
            let actors = ["a", "b", "c"];
            let mut now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
            let mut claim: Option<Claim> = None;
            for (who, days) in steps {
                now += Duration::days(days);
                let before = claim.clone();
                match take_claim(&claim, actors[who], |h| h.to_string(), now, 30) {
                    Ok(c) => {
                        if let Some(b) = &before {
                            prop_assert!(!b.active_at(now) || b.holder_id == actors[who]);
                        }
                        claim = Some(c);
                    }
                    Err(e) => {
                        let b = before.clone();
                        prop_assert!(b.is_some_and(|b| b.active_at(now) && b.holder_id != actors[who]));
                        prop_assert_eq!(e.code(), "company_claimed");
                    }
                }
            }
        }
    }
}
