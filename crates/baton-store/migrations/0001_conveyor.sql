-- Portable subset only: TEXT and BIGINT, TEXT ids, no dialect functions (see README.md here).
CREATE TABLE regions (id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL);

CREATE TABLE employees (
  id TEXT PRIMARY KEY, login TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  region_id TEXT REFERENCES regions(id), password_hash TEXT NOT NULL,
  open_lead_limit BIGINT, active BIGINT NOT NULL, created_at TEXT NOT NULL);

CREATE TABLE role_assignments (
  id TEXT PRIMARY KEY, employee_id TEXT NOT NULL REFERENCES employees(id), role TEXT NOT NULL,
  region_id TEXT REFERENCES regions(id), valid_from TEXT NOT NULL, valid_to TEXT);
CREATE INDEX role_assignments_emp ON role_assignments(employee_id);

CREATE TABLE absences (
  id TEXT PRIMARY KEY, employee_id TEXT NOT NULL REFERENCES employees(id),
  from_date TEXT NOT NULL, to_date TEXT NOT NULL, kind TEXT NOT NULL);

CREATE TABLE companies (
  id TEXT PRIMARY KEY, inn TEXT NOT NULL, kpp TEXT NOT NULL, name TEXT NOT NULL,
  name_norm TEXT NOT NULL, region_id TEXT NOT NULL REFERENCES regions(id), industry TEXT,
  source TEXT NOT NULL, status TEXT NOT NULL, claim_holder_id TEXT, claim_until TEXT,
  client_manager_id TEXT, att_caller_id TEXT, att_seller_id TEXT, att_won_on TEXT,
  att_kind TEXT, att_lead_id TEXT, first_paid_on TEXT, last_paid_on TEXT,
  version BIGINT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL,
  CONSTRAINT companies_inn_kpp UNIQUE (inn, kpp));
CREATE INDEX companies_norm ON companies(name_norm);
CREATE INDEX companies_cm ON companies(client_manager_id);
CREATE INDEX companies_region ON companies(region_id, name_norm);
CREATE INDEX companies_claim ON companies(claim_holder_id);

CREATE TABLE contacts (
  id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id), name TEXT NOT NULL,
  position TEXT, is_dm BIGINT NOT NULL, phone TEXT, email TEXT, created_at TEXT NOT NULL);
CREATE INDEX contacts_company ON contacts(company_id);
CREATE INDEX contacts_phone ON contacts(phone);

CREATE TABLE call_lists (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, owner_id TEXT NOT NULL REFERENCES employees(id),
  region_id TEXT NOT NULL REFERENCES regions(id), created_at TEXT NOT NULL);

CREATE TABLE call_list_items (
  id TEXT PRIMARY KEY, call_list_id TEXT NOT NULL REFERENCES call_lists(id),
  company_id TEXT NOT NULL REFERENCES companies(id), position BIGINT NOT NULL, done BIGINT NOT NULL);
CREATE INDEX call_list_items_list ON call_list_items(call_list_id, position);
CREATE INDEX call_list_items_company ON call_list_items(company_id);

CREATE TABLE leads (
  id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id),
  region_id TEXT NOT NULL REFERENCES regions(id), owner_id TEXT NOT NULL REFERENCES employees(id),
  caller_id TEXT, seller_id TEXT, stage TEXT NOT NULL, source TEXT NOT NULL, campaign TEXT,
  checklist TEXT NOT NULL, amount BIGINT, expected_on TEXT, last_rejection TEXT, lost_reason TEXT,
  version BIGINT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX leads_owner ON leads(owner_id, stage);
CREATE INDEX leads_company ON leads(company_id);
CREATE INDEX leads_seller ON leads(seller_id);
CREATE INDEX leads_caller ON leads(caller_id);
CREATE INDEX leads_region ON leads(region_id, created_at);

CREATE TABLE activities (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, company_id TEXT NOT NULL REFERENCES companies(id),
  lead_id TEXT, actor_id TEXT NOT NULL REFERENCES employees(id), outcome TEXT,
  duration_sec BIGINT NOT NULL, occurred_at TEXT NOT NULL, local_date TEXT NOT NULL, note TEXT);
CREATE INDEX activities_actor ON activities(actor_id, local_date);
CREATE INDEX activities_company ON activities(company_id);

CREATE TABLE handoffs (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, lead_id TEXT, company_id TEXT NOT NULL REFERENCES companies(id),
  sender_id TEXT NOT NULL, receiver_id TEXT NOT NULL, rule TEXT NOT NULL, explanation TEXT NOT NULL,
  snapshot TEXT NOT NULL, created_at TEXT NOT NULL, due_at TEXT NOT NULL, status TEXT NOT NULL,
  decided_at TEXT, reason TEXT, reason_text TEXT);
CREATE INDEX handoffs_lead ON handoffs(lead_id);
CREATE INDEX handoffs_receiver ON handoffs(receiver_id, status);
CREATE INDEX handoffs_company ON handoffs(company_id);

CREATE TABLE products (
  id TEXT PRIMARY KEY, sku TEXT NOT NULL UNIQUE, name TEXT NOT NULL, product_group TEXT NOT NULL,
  region_id TEXT REFERENCES regions(id), price BIGINT NOT NULL, active BIGINT NOT NULL);

CREATE TABLE contracts (
  id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, company_id TEXT NOT NULL REFERENCES companies(id),
  lead_id TEXT, signed_by TEXT NOT NULL, signed_on TEXT NOT NULL, amount BIGINT NOT NULL,
  win_kind TEXT, won_on TEXT, created_at TEXT NOT NULL);
CREATE INDEX contracts_company ON contracts(company_id);

CREATE TABLE contract_lines (
  id TEXT PRIMARY KEY, contract_id TEXT NOT NULL REFERENCES contracts(id),
  product_id TEXT NOT NULL REFERENCES products(id), qty BIGINT NOT NULL, price BIGINT NOT NULL,
  amount BIGINT NOT NULL);

CREATE TABLE orders (
  id TEXT PRIMARY KEY, company_id TEXT NOT NULL REFERENCES companies(id), contract_id TEXT,
  delivery_month TEXT NOT NULL, amount BIGINT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL);

CREATE TABLE order_lines (
  id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id),
  product_id TEXT NOT NULL REFERENCES products(id), qty BIGINT NOT NULL, price BIGINT NOT NULL,
  amount BIGINT NOT NULL);

CREATE TABLE invoices (
  id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, company_id TEXT NOT NULL REFERENCES companies(id),
  contract_id TEXT, order_id TEXT, issued_on TEXT NOT NULL, due_on TEXT NOT NULL,
  amount BIGINT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX invoices_company ON invoices(company_id);

CREATE TABLE credit_notes (
  id TEXT PRIMARY KEY, invoice_id TEXT NOT NULL REFERENCES invoices(id), issued_on TEXT NOT NULL,
  amount BIGINT NOT NULL, reason TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX credit_notes_invoice ON credit_notes(invoice_id);

CREATE TABLE payments (
  id TEXT PRIMARY KEY, invoice_id TEXT NOT NULL REFERENCES invoices(id),
  company_id TEXT NOT NULL REFERENCES companies(id), paid_on TEXT NOT NULL, amount BIGINT NOT NULL,
  credit_note_id TEXT, client_manager_id TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX payments_invoice ON payments(invoice_id);
CREATE INDEX credit_notes_inv ON credit_notes(invoice_id, amount);
CREATE INDEX payments_company ON payments(company_id, paid_on);

CREATE TABLE targets (
  id TEXT PRIMARY KEY, employee_id TEXT NOT NULL REFERENCES employees(id), period TEXT NOT NULL,
  metric TEXT NOT NULL, value TEXT NOT NULL, CONSTRAINT targets_unique UNIQUE (employee_id, period, metric));

CREATE TABLE audit_events (
  id TEXT PRIMARY KEY, at TEXT NOT NULL, actor_id TEXT, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
  action TEXT NOT NULL, before_json TEXT, after_json TEXT);
CREATE INDEX audit_entity ON audit_events(entity, entity_id);
CREATE INDEX audit_at ON audit_events(at);

CREATE TABLE settings (id TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY, employee_id TEXT NOT NULL REFERENCES employees(id), kind TEXT NOT NULL,
  created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
