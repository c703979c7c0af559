-- Payments imported from bank statements (issue 17): one row per statement document recorded
-- as a payment. `id` is the document's key (number|date|payer ИНН|kopecks), so that the same
-- document in the next statement, or the same file imported again, is never recorded twice.
CREATE TABLE bank_documents (
  id TEXT PRIMARY KEY, payment_id TEXT NOT NULL REFERENCES payments(id),
  imported_at TEXT NOT NULL, imported_by TEXT NOT NULL REFERENCES employees(id));
CREATE INDEX bank_documents_payment ON bank_documents(payment_id)
