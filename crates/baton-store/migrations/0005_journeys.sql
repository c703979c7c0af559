-- Instruments (issue 4): the funnel kept up to date as events arrive, so that it reads a few
-- thousand rows instead of grouping millions of activities (docs/reports.md, "Funnel").
-- A company's journey: the first local date it reached each step. id = the company's id.
CREATE TABLE journeys (
  id TEXT PRIMARY KEY, region_id TEXT NOT NULL, source TEXT NOT NULL, lead_source TEXT,
  lead_opened_at TEXT,
  first_call_on TEXT, first_dm_on TEXT, first_warm_on TEXT, first_accepted_on TEXT,
  first_meeting_on TEXT, first_contract_on TEXT, first_payment_on TEXT, second_order_on TEXT);
CREATE INDEX journeys_call ON journeys(first_call_on);
-- Events per local day, region, person, source and step (calls, dm_conversations, warm_leads,
-- accepted, meetings): the funnel's activity view. id = day|region|person|source|step. The
-- source is the company's when the event happened: its first lead's once it has one.
CREATE TABLE funnel_events (
  id TEXT PRIMARY KEY, day TEXT NOT NULL, region_id TEXT NOT NULL, person_id TEXT NOT NULL,
  source TEXT NOT NULL, step TEXT NOT NULL, events BIGINT NOT NULL);
CREATE INDEX funnel_events_day ON funnel_events(day, step);
-- When both were last rebuilt from the records (a database from before this migration, and
-- every import, is rebuilt once, and after that the writes keep them).
CREATE TABLE journey_builds (id TEXT PRIMARY KEY, built_at TEXT NOT NULL);
