-- The audit trail as a hash chain (docs/operations.md, "The audit chain"). `seq` is the
-- event's place in the chain (1, 2, 3 …), `prev_hash` the hash of the event before it and
-- `hash` the SHA-256 of its canonical text (baton-store/src/chain.rs). An event is linked by
-- the transaction that writes it, just before COMMIT. Events written before this migration
-- are linked by `migrate` right after it, in (at, id) order.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN hash TEXT;
-- Two appends can never take one place, whatever the isolation level.
CREATE UNIQUE INDEX audit_seq ON audit_events(seq);
-- Finds the events still to link (normally only the committing transaction's own).
CREATE INDEX audit_unlinked ON audit_events(at, id) WHERE seq IS NULL;
-- The chain's head: the last linked event's place and hash. Its one row is updated by every
-- append, which row-locks it on PostgreSQL: concurrent writers append one after the other.
CREATE TABLE audit_chain (id TEXT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_chain (id, seq, hash)
  VALUES ('head', 0, '0000000000000000000000000000000000000000000000000000000000000000')
