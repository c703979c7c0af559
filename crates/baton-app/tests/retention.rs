//! Retention over windows the history holds (issue 16 §5). A universal manager's clients, paid
//! (all amounts in rubles, due dates the 20th):
//!
//! | client | Jan | Feb | Mar | Apr |
//! |---|---|---|---|---|
//! | «Альфа» (won in January) | 100 000 | 100 000 | 100 000 | 60 000 |
//! | «Бета» (won in January) | 100 000 | — | — | — |
//! | «Гамма» (won in April) | — | — | — | 100 000 |
//!
//! Four months of payments up to April, so without `months` the windows are two months each:
//! base January–February, current March–April.
//!
//! - «Альфа»: base 200 000, current 160 000 → contraction 40 000.
//! - «Бета»: base 100 000, current 0 → churn 100 000 (lost).
//! - «Гамма»: nothing in the base → a new client, outside the ratios (100 000).
//! - NRR = (300 000 − 40 000 − 100 000) / 300 000 = 160 000 / 300 000 = 53.3 %; GRR the same
//!   (no expansion); logo churn 1 of 2.
//!
//! Asked for three-month windows, the base (October–December 2025) lies before the history:
//! `base_covered` is false.

mod common;

use baton_domain::Money;
use common::{World, at, invoice, pay, won_in};

#[test]
fn retention_windows_fit_the_history() {
    for scratch in baton_store::scratch::ScratchDb::all() {
        let w = World::on(scratch, "2026-01-01T07:00:00Z", 170);
        let app = &w.app;
        let um = w.person("u1", "universal_manager");
        let alfa = won_in(&w, "2026-01", &um, "7707083893", "Альфа", "2026-01-10");
        won_in(&w, "2026-01", &um, "7736207543", "Бета", "2026-01-12");
        for (month, rubles) in [
            ("2026-02", 100_000),
            ("2026-03", 100_000),
            ("2026-04", 60_000),
        ] {
            at(&w.clock, &format!("{month}-05"));
            let inv = invoice(app, &um, &alfa, None, rubles, &format!("{month}-20"));
            at(&w.clock, &format!("{month}-10"));
            pay(app, &um, &inv, rubles);
        }
        won_in(&w, "2026-04", &um, "7702070139", "Гамма", "2026-04-12");
        at(&w.clock, "2026-05-02");

        let r = app.retention(None, "2026-04", None, None).unwrap();
        assert_eq!((r.history_months, r.months, r.base_covered), (4, 2, true));
        assert_eq!(
            (r.base_from.to_string(), r.current_to.to_string()),
            ("2026-01-01".to_string(), "2026-04-30".to_string())
        );
        let t = &r.retention.total;
        assert_eq!(
            (t.clients_at_start, t.clients_kept, t.clients_lost),
            (2, 1, 1)
        );
        assert_eq!(t.start_revenue, Money::from_rubles(300_000));
        assert_eq!(t.contraction, Money::from_rubles(40_000));
        assert_eq!(t.churn, Money::from_rubles(100_000));
        assert_eq!(t.expansion, Money::from_rubles(0));
        assert_eq!(
            (t.new_clients, t.new_revenue),
            (1, Money::from_rubles(100_000))
        );
        let nrr = t.nrr.unwrap();
        assert!((nrr - 160_000.0 / 300_000.0).abs() < 1e-12, "{nrr}");
        assert_eq!(t.grr, t.nrr);
        assert_eq!(t.logo_churn, Some(0.5));

        let wide = app.retention(None, "2026-04", Some(3), None).unwrap();
        assert_eq!((wide.months, wide.base_covered), (3, false));
    }
}
