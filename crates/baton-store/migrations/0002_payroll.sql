-- Motivation engine: plan versions, payroll periods and their frozen statements.

CREATE TABLE plan_versions (
  id TEXT PRIMARY KEY, role TEXT NOT NULL, employee_id TEXT REFERENCES employees(id),
  version BIGINT NOT NULL, effective_from TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL,
  status TEXT NOT NULL, created_by TEXT, created_at TEXT NOT NULL);
CREATE INDEX plan_versions_role ON plan_versions(role, effective_from);

CREATE TABLE pay_periods (
  id TEXT PRIMARY KEY, status TEXT NOT NULL, end_on TEXT NOT NULL,
  calculated_at TEXT, calculated_by TEXT, approved_at TEXT, approved_by TEXT,
  paid_at TEXT, paid_by TEXT, changes BIGINT NOT NULL, checked BIGINT NOT NULL,
  version BIGINT NOT NULL);

CREATE TABLE pay_statements (
  id TEXT PRIMARY KEY, period TEXT NOT NULL REFERENCES pay_periods(id),
  employee_id TEXT NOT NULL REFERENCES employees(id), total BIGINT NOT NULL, body TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE INDEX pay_statements_period ON pay_statements(period, employee_id);

-- The day an invoice was paid in full for good: a period reads only invoices open in it.
ALTER TABLE invoices ADD COLUMN settled_on TEXT;
CREATE INDEX invoices_settled ON invoices(settled_on);
CREATE INDEX contracts_lead ON contracts(lead_id);

-- A period's facts are read by date.
CREATE INDEX payments_paid_on ON payments(paid_on);
CREATE INDEX payments_cm ON payments(client_manager_id, paid_on);
CREATE INDEX handoffs_created ON handoffs(created_at);
CREATE INDEX handoffs_decided ON handoffs(decided_at);
CREATE INDEX handoffs_sender ON handoffs(sender_id, created_at);
CREATE INDEX contracts_won ON contracts(won_on);
CREATE INDEX invoices_issued ON invoices(issued_on);
CREATE INDEX credit_notes_issued ON credit_notes(issued_on);
CREATE INDEX activities_date ON activities(local_date, actor_id);
CREATE INDEX companies_seller ON companies(att_seller_id);
-- The rights scope of sales and universal managers reads companies they created: without this
-- index every check scanned the whole table (found by profiling a 1 000-person department).
CREATE INDEX companies_created_by ON companies(created_by);
CREATE INDEX call_lists_owner ON call_lists(owner_id);
