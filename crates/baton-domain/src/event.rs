//! Events other systems and people are told about (issue 18 §4–5): which changes are events,
//! who is told of each, when a failed delivery is tried again, and quiet hours.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

macro_rules! kinds {
    ($($name:ident => $id:literal, $notify:literal;)*) => {
        /// An event's kind; `id()` is its name in webhooks, settings and the catalog.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        pub enum EventKind { $(#[serde(rename = $id)] $name),* }
        impl EventKind {
            pub const ALL: &'static [EventKind] = &[$(EventKind::$name),*];
            pub fn id(self) -> &'static str { match self { $(EventKind::$name => $id),* } }
            pub fn parse(s: &str) -> Option<EventKind> {
                match s { $($id => Some(EventKind::$name),)* _ => None }
            }
            /// Whether a person can be notified of it (the others are for integrators only).
            pub fn notifies(self) -> bool { match self { $(EventKind::$name => $notify),* } }
        }
    };
}

kinds! {
    LeadHanded => "lead.handed", true;
    LeadAccepted => "lead.accepted", false;
    LeadRejected => "lead.rejected", true;
    LeadSlaSoon => "lead.sla_soon", true;
    ContractSigned => "contract.signed", false;
    PaymentRecorded => "payment.recorded", false;
    ClientHandedOver => "client.handed_over", true;
    TaskDue => "task.due", true;
    AlertRaised => "alert.raised", true;
    PeriodApproved => "period.approved", true;
    PeriodPaid => "period.paid", true;
    WebhookDisabled => "webhook.disabled", true;
}

impl EventKind {
    /// The event a use case's audit action makes, if it is one (`kind` is the handoff's kind:
    /// a client handed to a client manager is a handoff too).
    pub fn of_action(action: &str, handoff_kind: Option<&str>) -> Option<EventKind> {
        Some(match action {
            "handoff.created" if handoff_kind == Some("client") => EventKind::ClientHandedOver,
            "handoff.created" => EventKind::LeadHanded,
            "handoff.accepted" if handoff_kind != Some("client") => EventKind::LeadAccepted,
            "handoff.rejected" if handoff_kind != Some("client") => EventKind::LeadRejected,
            "contract.signed" => EventKind::ContractSigned,
            "payment.recorded" => EventKind::PaymentRecorded,
            "period.approved" => EventKind::PeriodApproved,
            "period.paid" => EventKind::PeriodPaid,
            _ => return None,
        })
    }
}

/// The people an event concerns, read from its data (the record as the change left it):
/// the sales manager a lead was handed to, the caller whose lead was refused, the client
/// manager a client was handed to, a task's owner, an alert's person.
pub fn recipients(kind: EventKind, data: &serde_json::Value) -> Vec<String> {
    let field = |k: &str| data.get(k).and_then(|v| v.as_str()).map(str::to_string);
    match kind {
        EventKind::LeadHanded | EventKind::ClientHandedOver | EventKind::LeadSlaSoon => {
            field("receiver_id").into_iter().collect()
        }
        EventKind::LeadRejected => field("sender_id").into_iter().collect(),
        EventKind::TaskDue => field("owner_id").into_iter().collect(),
        EventKind::AlertRaised => field("person_id").into_iter().collect(),
        // Everyone paid in the period, or the directors and admins: listed in the event's data.
        EventKind::PeriodApproved | EventKind::PeriodPaid | EventKind::WebhookDisabled => data
            .get("employees")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        EventKind::LeadAccepted | EventKind::ContractSigned | EventKind::PaymentRecorded => {
            Vec::new()
        }
    }
}

/// When failed deliveries are tried again and when a receiver is given up on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure; each further failure doubles it.
    pub first: Duration,
    /// The longest wait.
    pub cap: Duration,
    /// Attempts after which one delivery is given up (`failed`).
    pub attempts: i64,
    /// Failed attempts in a row after which a webhook is disabled.
    pub disable_after: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            first: Duration::seconds(30),
            cap: Duration::hours(6),
            attempts: 12,
            disable_after: 20,
        }
    }
}

impl RetryPolicy {
    /// When the next attempt is due after `attempts` failed ones (exponential backoff); `None`:
    /// give up.
    pub fn next_after(&self, attempts: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if attempts >= self.attempts {
            return None;
        }
        let doublings = u32::try_from((attempts - 1).clamp(0, 30)).unwrap_or(30);
        let wait = self
            .first
            .checked_mul(1i32 << doublings.min(30))
            .unwrap_or(self.cap)
            .min(self.cap);
        Some(now + wait)
    }
}

/// A person's quiet hours in the company's time zone: nothing but in-app notes arrives
/// between `from` and `to` (which may wrap past midnight, 21:00–09:00).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuietHours {
    #[schema(value_type = String, example = "21:00")]
    pub from: NaiveTime,
    #[schema(value_type = String, example = "09:00")]
    pub to: NaiveTime,
}

impl QuietHours {
    /// `now` itself when it is outside the quiet hours, else when they end.
    pub fn release(&self, now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        use chrono::TimeZone;
        if self.from == self.to {
            return now;
        }
        let local = now.with_timezone(&tz);
        let t = local.time();
        let quiet = if self.from < self.to {
            t >= self.from && t < self.to
        } else {
            t >= self.from || t < self.to
        };
        if !quiet {
            return now;
        }
        let day = if self.from > self.to && t >= self.from {
            local.date_naive().succ_opt().unwrap_or(local.date_naive())
        } else {
            local.date_naive()
        };
        tz.from_local_datetime(&day.and_time(self.to))
            .earliest()
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, h, m, 0).unwrap()
    }

    #[test]
    fn backoff_doubles_to_the_cap_then_gives_up() {
        let p = RetryPolicy::default();
        let now = at(12, 0);
        assert_eq!(p.next_after(1, now), Some(now + Duration::seconds(30)));
        assert_eq!(p.next_after(2, now), Some(now + Duration::seconds(60)));
        assert_eq!(p.next_after(5, now), Some(now + Duration::seconds(480)));
        // 30 s · 2^10 = 8.5 h, past the 6 h cap.
        assert_eq!(p.next_after(11, now), Some(now + Duration::hours(6)));
        assert_eq!(p.next_after(12, now), None);
    }

    #[test]
    fn quiet_hours_wrap_past_midnight_in_the_company_zone() {
        let q = QuietHours {
            from: NaiveTime::from_hms_opt(21, 0, 0).unwrap(),
            to: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        };
        let msk = chrono_tz::Europe::Moscow;
        // 12:00 UTC is 15:00 in Moscow: not quiet.
        assert_eq!(q.release(at(12, 0), msk), at(12, 0));
        // 19:30 UTC is 22:30 in Moscow: held until 09:00 Moscow tomorrow, 06:00 UTC.
        assert_eq!(
            q.release(at(19, 30), msk),
            Utc.with_ymd_and_hms(2026, 12, 8, 6, 0, 0).unwrap()
        );
        // 03:00 UTC is 06:00 in Moscow: held until 09:00 Moscow today.
        assert_eq!(q.release(at(3, 0), msk), at(6, 0));
    }

    #[test]
    fn actions_map_to_events_by_handoff_kind() {
        assert_eq!(
            EventKind::of_action("handoff.created", Some("lead")),
            Some(EventKind::LeadHanded)
        );
        assert_eq!(
            EventKind::of_action("handoff.created", Some("client")),
            Some(EventKind::ClientHandedOver)
        );
        assert_eq!(
            EventKind::of_action("handoff.accepted", Some("client")),
            None
        );
        assert_eq!(EventKind::of_action("call.logged", None), None);
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.id()), Some(*k));
        }
    }
}
