//! A small company for use-case tests: a scratch SQLite database, a simulated clock, seeded
//! ids, an admin, the Moscow region, and people made on demand.
#![allow(dead_code)]

use baton_app::clock::{SeededIds, SimClock};
use baton_app::conveyor::people::NewEmployee;
use baton_app::{Actor, App, PasswordCost};
use baton_store::scratch::ScratchDb;
use std::sync::Arc;

pub struct World {
    pub app: App,
    pub clock: Arc<SimClock>,
    pub admin: Actor,
    pub region: String,
    pub scratch: ScratchDb,
}

impl World {
    /// `start` is an RFC 3339 instant, e.g. "2026-11-27T12:00:00Z".
    pub fn new(start: &str, seed: u64) -> World {
        let scratch = ScratchDb::sqlite().expect("sqlite");
        let clock = Arc::new(SimClock::new(start.parse().expect("start instant")));
        let mut app = App::with(
            scratch.db.clone(),
            clock.clone(),
            Arc::new(SeededIds::new(seed)),
        );
        app.password_cost = PasswordCost::Fast;
        let admin_id = app
            .create_employee(None, employee("admin", "admin", None))
            .expect("admin")
            .id;
        let admin = app.actor(&admin_id).expect("admin actor");
        let region = app
            .create_region(&admin, "msk", "Москва")
            .expect("region")
            .id;
        World {
            app,
            clock,
            admin,
            region,
            scratch,
        }
    }

    /// A person in the Moscow region holding `role` since 2020; the name is the login.
    pub fn person(&self, login: &str, role: &str) -> Actor {
        let e = self
            .app
            .create_employee(
                Some(&self.admin),
                employee(login, role, Some(self.region.clone())),
            )
            .expect("employee");
        self.app.actor(&e.id).expect("actor")
    }
}

fn employee(login: &str, role: &str, region_id: Option<String>) -> NewEmployee {
    NewEmployee {
        login: login.into(),
        name: login.into(),
        password: "secret1".into(),
        region_id,
        role: role.into(),
        valid_from: Some("2020-01-01".into()),
        open_lead_limit: None,
    }
}

/// Every warm-lead checklist item answered.
pub fn full_checklist() -> baton_domain::lead::Answers {
    ["decision_maker", "need", "budget", "timing", "next_step"]
        .iter()
        .map(|k| (k.to_string(), "да".to_string()))
        .collect()
}
