-- A universal manager's own lead now counts in the funnel as a warm lead handed to themselves
-- and accepted. A database with leads rebuilds its tallies once, on its next funnel: the
-- marker of the last build goes. An empty database keeps its marker (nothing to count yet).
DELETE FROM journey_builds WHERE id = 'funnel' AND EXISTS (SELECT 1 FROM leads)
