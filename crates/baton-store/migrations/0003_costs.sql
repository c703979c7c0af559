-- Instruments (issue 4): acquisition costs other than pay (telephony, call lists, ads …),
-- entered per month and region, for the cost per client. Money is BIGINT kopecks.
CREATE TABLE acquisition_costs (
  id TEXT PRIMARY KEY, month TEXT NOT NULL, region_id TEXT NOT NULL REFERENCES regions(id),
  kind TEXT NOT NULL, amount BIGINT NOT NULL, note TEXT, created_by TEXT, created_at TEXT NOT NULL);
CREATE INDEX acquisition_costs_month ON acquisition_costs(month, region_id);
