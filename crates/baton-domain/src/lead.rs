//! Leads and their stages. Every transition is a pure function that returns the new lead and
//! the name of the event it produces; the app writes both in one transaction.

use crate::config::{ChecklistItem, ConveyorConfig};
use crate::error::RuleError;
use crate::money::Money;
use baton_catalog::Text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadStage {
    /// With the caller, being qualified.
    Working,
    /// Handed to a sales manager, waiting for acceptance.
    Handed,
    Accepted,
    Meeting,
    Proposal,
    /// First contract signed, waiting for the first payment.
    Contract,
    Won,
    Lost,
}

impl LeadStage {
    pub const ALL: [LeadStage; 8] = [
        LeadStage::Working,
        LeadStage::Handed,
        LeadStage::Accepted,
        LeadStage::Meeting,
        LeadStage::Proposal,
        LeadStage::Contract,
        LeadStage::Won,
        LeadStage::Lost,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            LeadStage::Working => "working",
            LeadStage::Handed => "handed",
            LeadStage::Accepted => "accepted",
            LeadStage::Meeting => "meeting",
            LeadStage::Proposal => "proposal",
            LeadStage::Contract => "contract",
            LeadStage::Won => "won",
            LeadStage::Lost => "lost",
        }
    }
    pub fn parse(s: &str) -> Option<LeadStage> {
        LeadStage::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn is_open(self) -> bool {
        !matches!(self, LeadStage::Won | LeadStage::Lost)
    }
    /// Stages a sales manager moves a deal between by hand (the pipeline board).
    pub fn is_board_stage(self) -> bool {
        matches!(
            self,
            LeadStage::Accepted | LeadStage::Meeting | LeadStage::Proposal
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeadSource {
    ColdCall,
    Inbound,
    Referral,
    Campaign,
}

impl LeadSource {
    pub fn as_str(self) -> &'static str {
        match self {
            LeadSource::ColdCall => "cold_call",
            LeadSource::Inbound => "inbound",
            LeadSource::Referral => "referral",
            LeadSource::Campaign => "campaign",
        }
    }
    pub fn parse(s: &str) -> Option<LeadSource> {
        [
            LeadSource::ColdCall,
            LeadSource::Inbound,
            LeadSource::Referral,
            LeadSource::Campaign,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// Checklist answers by item key. An item is met when its answer has visible text.
pub type Answers = BTreeMap<String, String>;

pub fn missing_items(items: &[ChecklistItem], answers: &Answers) -> Vec<String> {
    items
        .iter()
        .filter(|i| i.required)
        .filter(|i| answers.get(&i.key).is_none_or(|a| a.trim().is_empty()))
        .map(|i| i.key.clone())
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub id: String,
    pub company_id: String,
    pub region_id: String,
    /// Exactly one owner at every moment: the caller while qualifying and while the handoff
    /// waits, the sales (or universal) manager from acceptance on.
    pub owner_id: String,
    pub caller_id: Option<String>,
    pub seller_id: Option<String>,
    pub stage: LeadStage,
    pub source: LeadSource,
    pub campaign: Option<String>,
    pub checklist: Answers,
    pub amount: Option<Money>,
    pub expected_on: Option<NaiveDate>,
    pub last_rejection: Option<String>,
    pub lost_reason: Option<String>,
    pub version: i64,
}

/// A transition's result: the new state and the event name to record with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub lead: Lead,
    pub event: &'static str,
}

fn wrong(lead: &Lead, action: &str) -> RuleError {
    RuleError::WrongStage {
        stage: lead.stage.as_str().into(),
        action: action.into(),
    }
}

impl Lead {
    fn next(&self, event: &'static str, f: impl FnOnce(&mut Lead)) -> Transition {
        let mut lead = self.clone();
        f(&mut lead);
        lead.version += 1;
        Transition { lead, event }
    }

    /// Handoff 1: the caller hands a warm lead to `receiver`. Refused while a required
    /// checklist item is missing; the refusal names every missing item.
    pub fn hand_off(
        &self,
        actor: &str,
        receiver: &str,
        answers: &Answers,
        cfg: &ConveyorConfig,
    ) -> Result<Transition, RuleError> {
        if self.stage != LeadStage::Working {
            return Err(wrong(self, "hand_off"));
        }
        if self.caller_id.as_deref() != Some(actor) || self.owner_id != actor {
            return Err(RuleError::NotYours {
                who: Text::new("who-lead-caller"),
            });
        }
        let missing = missing_items(&cfg.warm_lead_checklist, answers);
        if !missing.is_empty() {
            return Err(RuleError::ChecklistIncomplete { missing });
        }
        let receiver = receiver.to_string();
        let answers = answers.clone();
        Ok(self.next("lead.handed", |l| {
            l.stage = LeadStage::Handed;
            l.checklist = answers;
            l.seller_id = Some(receiver);
        }))
    }

    /// A head hands a lead over although required checklist items are empty: the override
    /// the `checklist_overridden` alert watches. Who may override is the application's rule;
    /// the lead keeps its caller.
    pub fn hand_off_overriding(
        &self,
        receiver: &str,
        answers: &Answers,
    ) -> Result<Transition, RuleError> {
        if self.stage != LeadStage::Working {
            return Err(wrong(self, "hand_off"));
        }
        let receiver = receiver.to_string();
        let answers = answers.clone();
        Ok(self.next("lead.handed", |l| {
            l.stage = LeadStage::Handed;
            l.checklist = answers;
            l.seller_id = Some(receiver);
        }))
    }

    pub fn accept(&self, actor: &str) -> Result<Transition, RuleError> {
        if self.stage != LeadStage::Handed {
            return Err(wrong(self, "accept"));
        }
        if self.seller_id.as_deref() != Some(actor) {
            return Err(RuleError::NotYours {
                who: Text::new("who-lead-seller"),
            });
        }
        let actor = actor.to_string();
        Ok(self.next("lead.accepted", |l| {
            l.stage = LeadStage::Accepted;
            l.owner_id = actor;
            l.last_rejection = None;
        }))
    }

    /// Rejection returns the lead to its caller with the reason.
    pub fn reject(
        &self,
        actor: &str,
        reason: &str,
        text: Option<&str>,
        cfg: &ConveyorConfig,
    ) -> Result<Transition, RuleError> {
        if self.stage != LeadStage::Handed {
            return Err(wrong(self, "reject"));
        }
        if self.seller_id.as_deref() != Some(actor) {
            return Err(RuleError::NotYours {
                who: Text::new("who-lead-seller"),
            });
        }
        let r = cfg
            .reason(reason)
            .ok_or_else(|| RuleError::UnknownReason(reason.into()))?;
        let text = text.map(str::trim).filter(|t| !t.is_empty());
        if r.needs_text && text.is_none() {
            return Err(RuleError::ReasonTextRequired);
        }
        let note = match text {
            Some(t) => format!("{reason}: {t}"),
            None => reason.to_string(),
        };
        Ok(self.next("lead.rejected", |l| {
            l.stage = LeadStage::Working;
            l.seller_id = None;
            l.last_rejection = Some(note);
            if let Some(c) = l.caller_id.clone() {
                l.owner_id = c;
            }
        }))
    }

    /// The SLA passed and the head reassigns the pending handoff to another sales manager.
    pub fn reassign(&self, receiver: &str) -> Result<Transition, RuleError> {
        if self.stage != LeadStage::Handed {
            return Err(wrong(self, "reassign"));
        }
        let receiver = receiver.to_string();
        Ok(self.next("lead.reassigned", |l| l.seller_id = Some(receiver)))
    }

    /// Moves on the pipeline board. Contract and Won are reached only by signing a contract
    /// and by the first payment, so the board refuses them with an explanation.
    pub fn move_to(&self, actor: &str, to: LeadStage) -> Result<Transition, RuleError> {
        if self.owner_id != actor {
            return Err(RuleError::NotYours {
                who: Text::new("who-deal-owner"),
            });
        }
        if !self.stage.is_board_stage() {
            return Err(wrong(self, "move"));
        }
        match to {
            LeadStage::Contract => Err(RuleError::Invalid(Text::new(
                "err-deal-contract-by-signing",
            ))),
            LeadStage::Won => Err(RuleError::Invalid(Text::new("err-deal-won-by-payment"))),
            s if s.is_board_stage() => Ok(self.next("lead.stage_changed", |l| l.stage = to)),
            _ => Err(RuleError::Invalid(
                Text::new("err-deal-cannot-move")
                    .term("stage", "stage", to.as_str())
                    .arg("stage_code", to.as_str()),
            )),
        }
    }

    pub fn lose(&self, actor: &str, reason: &str) -> Result<Transition, RuleError> {
        if !self.stage.is_open() {
            return Err(wrong(self, "lose"));
        }
        if self.owner_id != actor {
            return Err(RuleError::NotYours {
                who: Text::new("who-lead-owner"),
            });
        }
        if reason.trim().is_empty() {
            return Err(RuleError::Invalid(Text::new("err-lost-reason-required")));
        }
        let reason = reason.trim().to_string();
        Ok(self.next("lead.lost", |l| {
            l.stage = LeadStage::Lost;
            l.lost_reason = Some(reason);
        }))
    }

    /// The first contract is signed by the deal's owner (a sales or universal manager).
    pub fn sign_contract(&self, actor: &str, amount: Money) -> Result<Transition, RuleError> {
        let self_sourced_open = self.caller_id.is_none() && self.stage == LeadStage::Working;
        if !(self.stage.is_board_stage() || self_sourced_open) {
            return Err(wrong(self, "sign_contract"));
        }
        if self.owner_id != actor {
            return Err(RuleError::NotYours {
                who: Text::new("who-deal-owner"),
            });
        }
        Ok(self.next("lead.contract_signed", |l| {
            l.stage = LeadStage::Contract;
            l.amount = Some(amount);
        }))
    }

    pub fn win(&self) -> Result<Transition, RuleError> {
        if self.stage != LeadStage::Contract {
            return Err(wrong(self, "win"));
        }
        Ok(self.next("lead.won", |l| l.stage = LeadStage::Won))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lead() -> Lead {
        Lead {
            id: "l1".into(),
            company_id: "c1".into(),
            region_id: "msk".into(),
            owner_id: "caller".into(),
            caller_id: Some("caller".into()),
            seller_id: None,
            stage: LeadStage::Working,
            source: LeadSource::ColdCall,
            campaign: None,
            checklist: Answers::new(),
            amount: None,
            expected_on: None,
            last_rejection: None,
            lost_reason: None,
            version: 0,
        }
    }

    fn full() -> Answers {
        ["decision_maker", "need", "budget", "timing", "next_step"]
            .iter()
            .map(|k| (k.to_string(), "yes".to_string()))
            .collect()
    }

    #[test]
    fn incomplete_checklist_names_every_missing_item() {
        let cfg = ConveyorConfig::default();
        let mut a = full();
        a.remove("budget");
        a.insert("timing".into(), "   ".into());
        let err = lead().hand_off("caller", "sm", &a, &cfg).unwrap_err();
        assert_eq!(
            err,
            RuleError::ChecklistIncomplete {
                missing: vec!["budget".into(), "timing".into()]
            }
        );
        assert_eq!(err.code(), "checklist_incomplete");
    }

    #[test]
    fn relay_reject_then_accept() {
        let cfg = ConveyorConfig::default();
        let t = lead().hand_off("caller", "sm", &full(), &cfg).unwrap();
        assert_eq!(t.lead.stage, LeadStage::Handed);
        assert_eq!(t.lead.owner_id, "caller");
        assert!(t.lead.accept("other").is_err());
        let r = t.lead.reject("sm", "no_budget", None, &cfg).unwrap();
        assert_eq!(r.lead.stage, LeadStage::Working);
        assert_eq!(r.lead.owner_id, "caller");
        assert_eq!(r.lead.last_rejection.as_deref(), Some("no_budget"));
        assert_eq!(
            r.lead.reject("sm", "other", None, &cfg).unwrap_err().code(),
            "wrong_stage"
        );
        let again = r.lead.hand_off("caller", "sm", &full(), &cfg).unwrap();
        assert_eq!(
            again.lead.reject("sm", "other", Some(" "), &cfg),
            Err(RuleError::ReasonTextRequired)
        );
        let acc = again.lead.accept("sm").unwrap();
        assert_eq!(acc.lead.owner_id, "sm");
        assert_eq!(acc.lead.stage, LeadStage::Accepted);
        assert_eq!(acc.lead.version, 4);
        let m = acc.lead.move_to("sm", LeadStage::Meeting).unwrap();
        assert_eq!(
            m.lead.move_to("sm", LeadStage::Won).unwrap_err().code(),
            "invalid"
        );
        let c = m
            .lead
            .sign_contract("sm", Money::from_rubles(100_000))
            .unwrap();
        assert_eq!(c.lead.win().unwrap().lead.stage, LeadStage::Won);
    }

    #[derive(Debug, Clone)]
    enum Op {
        HandOff(bool),
        Accept(bool),
        Reject(usize),
        Move(usize),
        Sign,
        Win,
        Lose,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            any::<bool>().prop_map(Op::HandOff),
            any::<bool>().prop_map(Op::Accept),
            (0usize..8).prop_map(Op::Reject),
            (0usize..8).prop_map(Op::Move),
            Just(Op::Sign),
            Just(Op::Win),
            Just(Op::Lose),
        ]
    }

    proptest! {
        /// Whatever the sequence: exactly one owner who is a participant, one event per
        /// successful change, version counts the events, and a refused step changes nothing.
        #[test]
        fn lead_invariants(ops in proptest::collection::vec(op(), 0..40)) {
            let cfg = ConveyorConfig::default();
            let mut l = lead();
            let mut events = 0i64;
            let actors = ["caller", "sm", "other"];
            for o in ops {
                let before = l.clone();
                let owner = l.owner_id.clone();
                let r = match o {
                    Op::HandOff(complete) => {
                        let mut a = full();
                        if !complete { a.remove("need"); }
                        l.hand_off("caller", "sm", &a, &cfg)
                    }
                    Op::Accept(right) => l.accept(if right { "sm" } else { "other" }),
                    Op::Reject(i) => l.reject("sm", &cfg.rejection_reasons[i].code.clone(), Some("x"), &cfg),
                    Op::Move(i) => l.move_to(&owner, LeadStage::ALL[i]),
                    Op::Sign => l.sign_contract(&owner, Money::from_rubles(1)),
                    Op::Win => l.win(),
                    Op::Lose => l.lose(actors[events as usize % 3], "gone"),
                };
                match r {
                    Ok(t) => { events += 1; l = t.lead; }
                    Err(_) => prop_assert_eq!(&l, &before),
                }
                prop_assert!(l.owner_id == "caller" || l.owner_id == "sm");
                prop_assert_eq!(l.version, events);
                if l.stage == LeadStage::Handed || l.stage == LeadStage::Working {
                    prop_assert_eq!(l.owner_id.as_str(), "caller");
                }
            }
        }
    }
}
