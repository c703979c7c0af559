-- The funnel's tallies (0005) are rebuilt from the records once, on the first funnel of a
-- database that has records from before them. A database that has no company yet has nothing
-- to rebuild: its tallies are complete from the start and the writes keep them, so it is
-- marked built here (built_at 'migration': no record was read).
INSERT INTO journey_builds (id, built_at)
  SELECT 'funnel', 'migration' WHERE NOT EXISTS (SELECT 1 FROM companies)
  AND NOT EXISTS (SELECT 1 FROM journey_builds WHERE id = 'funnel')
