-- Records imported from a CRM's export (issue 17): `id` is the source's key
-- (`amocrm|deal|4711`), so the same file imported again changes nothing.
CREATE TABLE crm_records (
  id TEXT PRIMARY KEY, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
  imported_at TEXT NOT NULL, imported_by TEXT NOT NULL REFERENCES employees(id))
