-- Field app additions to the device-only tables.

-- What a draft is about, so the Today screen can list unfinished drafts by
-- name without decoding each form's JSON: the household or elder it edits
-- (subject_id) and a human label (title, e.g. the head of household's name).
ALTER TABLE drafts ADD COLUMN subject_id TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN title TEXT NOT NULL DEFAULT '';
