//! How much work waits for a person (issue 18): the counts beside «Входящие», «Новые клиенты»
//! «Оповещения» and «Мой день» in the navigation, pushed to open pages as they change.

use serde::Serialize;

use crate::{Actor, App, AppResult};
use baton_store::Value;

/// The work waiting for one person. Zero where the person's roles do not have that queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Queues {
    /// Warm leads handed to this person and not yet accepted or rejected.
    pub incoming: i64,
    /// Clients handed over to this person, waiting for the first meeting.
    pub handovers: i64,
    /// For a head, the director and the admin: raised alerts nobody acknowledged (their region's
    /// or everyone's); for everyone else: raised alerts about their own work.
    pub alerts: i64,
    /// Open tasks of this person due by the end of today, company time (overdue included).
    pub tasks: i64,
    /// Notifications in Baton this person has not read.
    pub notes: i64,
    /// A sales manager's open deals whose expected closing day is today or past.
    pub deals_due: i64,
    /// A client manager's invoices past their due day and not paid in full.
    pub overdue_invoices: i64,
}

impl App {
    /// The queues of `actor`: two counts by index and the alert count of the alert log.
    pub fn queues(&self, actor: &Actor) -> AppResult<Queues> {
        let pending = |kind: &str| -> AppResult<i64> {
            self.db.read(|tx| {
                Ok(tx
                    .query_one(
                        "SELECT CAST(COUNT(*) AS BIGINT) FROM handoffs \
                         WHERE receiver_id = ? AND status = 'pending' AND kind = ?",
                        &[Value::from(actor.id.clone()), Value::from(kind.to_string())],
                    )?
                    .map_or(0, |r| r.int(0)))
            })
        };
        use baton_domain::Role;
        let sells = actor
            .roles
            .iter()
            .any(|r| matches!(r, Role::SalesManager | Role::UniversalManager));
        let serves = actor
            .roles
            .iter()
            .any(|r| matches!(r, Role::ClientManager | Role::UniversalManager));
        Ok(Queues {
            incoming: pending("lead")?,
            handovers: pending("client")?,
            alerts: self.open_alert_count(actor)?,
            tasks: self.tasks_due(actor)?,
            notes: self.unread_notes(&actor.id)?,
            deals_due: if sells { self.deals_due(actor)? } else { 0 },
            overdue_invoices: if serves {
                self.invoices(actor, None, true, crate::Paging::new(Some(1), Some(1)))?
                    .total
            } else {
                0
            },
        })
    }

    fn deals_due(&self, actor: &Actor) -> AppResult<i64> {
        let today = self.today(&self.config()?).to_string();
        self.db.read(|tx| {
            Ok(tx
                .query_one(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM leads WHERE owner_id = ? \
                     AND stage IN ('accepted', 'meeting', 'proposal', 'contract') \
                     AND expected_on IS NOT NULL AND expected_on <= ?",
                    &[Value::from(actor.id.clone()), Value::from(today)],
                )?
                .map_or(0, |r| r.int(0)))
        })
    }
}
