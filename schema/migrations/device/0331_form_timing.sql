-- Time spent in each section of a form, per record (app/kit SectionTimer,
-- app/records formtiming.go). Device-only, never synced: on submit the
-- record's first open time and its seconds per section go into its signed
-- evidence entry (sync/evidence Submit.OpenedAt, Sections). Kept across
-- closing and reopening a draft, so the time so far is never lost; dropped
-- with the record when the device purges it.
CREATE TABLE form_timing (
    record_table TEXT NOT NULL,  -- the form's record table, e.g. "spot_checks"
    record_id TEXT NOT NULL,
    section TEXT NOT NULL,       -- the section's title key, e.g. "spot.findings"
    ord INTEGER NOT NULL,        -- the section's place in the form
    seconds INTEGER NOT NULL DEFAULT 0,
    opened_at TEXT NOT NULL,     -- RFC 3339 UTC: when the form was first opened
    PRIMARY KEY (record_table, record_id, section)
) STRICT;
