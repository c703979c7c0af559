-- Tasks and reminders (issue 18): dated work one person owes a client. `due_at` is an RFC 3339
-- UTC instant, and an open task has no `closed_at`. «Мой день» reads a person's open tasks by due
-- time, a company's card reads its tasks.
CREATE TABLE tasks (
  id TEXT PRIMARY KEY, owner_id TEXT NOT NULL REFERENCES employees(id), kind TEXT NOT NULL,
  due_at TEXT NOT NULL, company_id TEXT NOT NULL REFERENCES companies(id),
  lead_id TEXT REFERENCES leads(id), invoice_id TEXT REFERENCES invoices(id), note TEXT,
  created_by TEXT NOT NULL REFERENCES employees(id), created_at TEXT NOT NULL,
  closed_at TEXT, outcome TEXT, result TEXT);
CREATE INDEX tasks_owner_open ON tasks(owner_id, closed_at, due_at);
CREATE INDEX tasks_company ON tasks(company_id, closed_at)
