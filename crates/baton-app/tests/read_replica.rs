//! Reports and dashboards can read a replica (issue 19 §7, `baton serve --read-db`): an app
//! whose reports read another database shows that database's figures in its reports, while
//! its writes still go to its own. Two databases made by the same steps (same seeded ids)
//! stand for a primary and its replica; only the "replica" holds a cost of 1 000 ₽.

mod common;

use baton_app::insight::costs::NewCost;
use baton_domain::Money;
use baton_store::scratch::ScratchDb;
use common::World;
use std::str::FromStr;

fn cost() -> NewCost {
    NewCost {
        month: "2026-11".into(),
        region: "msk".into(),
        kind: "ads".into(),
        amount: Money::from_str("1000").unwrap(),
        note: None,
    }
}

#[test]
fn reports_read_the_replica_and_writes_go_to_the_primary() {
    let primary = World::on(ScratchDb::sqlite().unwrap(), "2026-12-07T12:00:00Z", 7);
    let replica = World::on(ScratchDb::sqlite().unwrap(), "2026-12-07T12:00:00Z", 7);
    assert_eq!(
        primary.admin.id, replica.admin.id,
        "the same steps made the same ids"
    );
    replica.app.add_cost(Some(&replica.admin), cost()).unwrap();

    let entered = |app: &baton_app::App| {
        app.costs(Some(&primary.admin), "2026-11", "2026-11", None, None)
            .unwrap()
            .entered
            .len()
    };
    assert_eq!(entered(&primary.app), 0);
    let split = primary.app.clone().with_reports(replica.scratch.db.clone());
    assert_eq!(entered(&split), 1, "the report read the replica");
    // A write through the split app lands in the primary, not the replica.
    split.add_cost(Some(&primary.admin), cost()).unwrap();
    assert_eq!(entered(&primary.app), 1);
    assert_eq!(entered(&replica.app), 1);
}
