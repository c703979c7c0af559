-- Telling people and other systems (issue 18 §4–5). `outbox_events` is written by the use
-- case's own transaction, so an event exists exactly when its change does. The dispatcher
-- then fans each event out to `deliveries` (one per webhook or person and channel, never two:
-- the unique index) and marks it `fanned_out_at`. A delivery is pending until it is
-- delivered, or failed after its last attempt.
CREATE TABLE outbox_events (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL, payload TEXT NOT NULL,
  fanned_out_at TEXT);
CREATE INDEX outbox_events_waiting ON outbox_events(fanned_out_at);
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, events TEXT NOT NULL,
  active BIGINT NOT NULL, failures BIGINT NOT NULL, disabled_at TEXT,
  created_by TEXT NOT NULL REFERENCES employees(id), created_at TEXT NOT NULL);
CREATE TABLE deliveries (
  id TEXT PRIMARY KEY, event_id TEXT NOT NULL REFERENCES outbox_events(id),
  channel TEXT NOT NULL, target TEXT NOT NULL, status TEXT NOT NULL, attempts BIGINT NOT NULL,
  next_at TEXT NOT NULL, last_code BIGINT, last_error TEXT, delivered_at TEXT,
  created_at TEXT NOT NULL);
CREATE UNIQUE INDEX deliveries_once ON deliveries(event_id, channel, target);
CREATE INDEX deliveries_due ON deliveries(status, next_at);
CREATE TABLE notifications (
  id TEXT PRIMARY KEY, employee_id TEXT NOT NULL REFERENCES employees(id),
  event_id TEXT NOT NULL REFERENCES outbox_events(id), kind TEXT NOT NULL, payload TEXT NOT NULL,
  created_at TEXT NOT NULL, read_at TEXT);
CREATE UNIQUE INDEX notifications_once ON notifications(employee_id, event_id);
CREATE INDEX notifications_unread ON notifications(employee_id, read_at)
