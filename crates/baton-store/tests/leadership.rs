//! Of several servers on one PostgreSQL database one leads the alert watcher; when it stops,
//! another takes over. On SQLite every process leads.

use baton_store::scratch::ScratchDb;

#[test]
fn one_leader_at_a_time_and_a_successor_when_it_goes() {
    for scratch in ScratchDb::all() {
        let postgres = scratch.url.starts_with("postgres");
        // Two servers: two handles with pools of their own.
        let other = baton_store::Db::open(&scratch.url).expect("second handle");
        let mut a = scratch.db.leadership(7);
        let mut b = other.leadership(7);
        assert!(a.lead());
        assert_eq!(b.lead(), !postgres, "{}", scratch.url);
        assert!(a.lead(), "the leader keeps leading");
        // Another duty has its own leader.
        assert!(other.leadership(8).lead());
        drop(a);
        assert!(b.lead(), "a successor once the leader is gone");
    }
}
