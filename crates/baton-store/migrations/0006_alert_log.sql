-- Instruments (issue 4): alerts as they are raised. After each write (and once a minute, for
-- the rules the clock trips) the standing rules are evaluated and every alert that appears is
-- written here with when and after what it was raised, and when it stopped holding.
-- id = the alert's stable key (as in alert_acks). records is a JSON array of record ids.
CREATE TABLE alert_log (
  id TEXT PRIMARY KEY, rule TEXT NOT NULL, person_id TEXT NOT NULL, region_id TEXT,
  message TEXT NOT NULL, action TEXT NOT NULL, message_ru TEXT NOT NULL, action_ru TEXT NOT NULL,
  records TEXT NOT NULL,
  raised_at TEXT NOT NULL, raised_after TEXT NOT NULL, cleared_at TEXT);
CREATE INDEX alert_log_open ON alert_log(cleared_at, raised_at);
-- The stale-deal rule reads each open lead's last activity: without this index every
-- evaluation scanned all activities once per open lead (40 s at 150 people, 0.08 s with it).
CREATE INDEX activities_lead ON activities(lead_id, occurred_at);
