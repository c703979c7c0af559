-- A head approves their region's part of a calculated period, and the period is approved
-- (frozen) when every region with statements is, or when the director approves the whole.
CREATE TABLE period_approvals (
  id TEXT PRIMARY KEY,
  period TEXT NOT NULL REFERENCES pay_periods(id),
  region_id TEXT NOT NULL REFERENCES regions(id),
  approved_at TEXT NOT NULL,
  approved_by TEXT NOT NULL REFERENCES employees(id)
);
CREATE INDEX period_approvals_period ON period_approvals (period);
