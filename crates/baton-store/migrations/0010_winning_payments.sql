-- A universal manager's winning payment was stored with the company's client manager from
-- before the payment (nobody), so it never counted in their own collections (issue 15). It
-- is the client manager's as the company stood after it: the seller who won and kept the
-- client. Approved periods are not touched here: the next calculation pays the difference
-- as adjustments (docs/plans.md, "Repairs").
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
