-- A universal manager's winning payment was stored with the company's client manager from
-- before the payment (nobody), so it never counted in their own collections (issue 15). It
-- is the client manager's as the company stood after it: the seller who won and kept the
-- client. Approved periods keep their statements: every closed period that ends on or after
-- a repaired payment is marked changed, and the next calculation pays the difference as
-- adjustments (docs/plans.md, "Repairs").
UPDATE pay_periods SET changes = changes + 1
WHERE status <> 'open' AND EXISTS (
    SELECT 1 FROM payments p
      JOIN contracts c ON c.company_id = p.company_id AND c.won_on = p.paid_on
      JOIN leads l ON l.id = c.lead_id
      JOIN companies co ON co.id = p.company_id
    WHERE p.client_manager_id IS NULL AND p.amount > 0
      AND co.client_manager_id IS NOT NULL
      AND co.client_manager_id = COALESCE(l.seller_id, l.owner_id)
      AND p.paid_on <= pay_periods.end_on);

UPDATE payments SET client_manager_id = (
    SELECT co.client_manager_id FROM companies co WHERE co.id = payments.company_id)
WHERE client_manager_id IS NULL AND amount > 0
  AND EXISTS (
    SELECT 1 FROM contracts c
      JOIN leads l ON l.id = c.lead_id
      JOIN companies co ON co.id = c.company_id
    WHERE c.company_id = payments.company_id AND c.won_on = payments.paid_on
      AND co.client_manager_id IS NOT NULL
      AND co.client_manager_id = COALESCE(l.seller_id, l.owner_id))
