-- Why a receiver was chosen, as a message catalog text (JSON: {"id", "args"}), rendered in the
-- reader's language. `explanation` keeps the English words for the API and old bundles;
-- handoffs made before this migration have no text and show their English words.
ALTER TABLE handoffs ADD COLUMN explanation_text TEXT;
