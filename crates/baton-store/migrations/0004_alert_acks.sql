-- Instruments (issue 4): acknowledged alerts. The id is the alert's stable key
-- (rule:person:…:month or date it fired), with who acknowledged it and when.
CREATE TABLE alert_acks (
  id TEXT PRIMARY KEY, rule TEXT NOT NULL, region_id TEXT,
  acknowledged_by TEXT NOT NULL, acknowledged_at TEXT NOT NULL);
