-- Audit events: who revealed which masked personal data, when. Append-only:
-- a device writes one row per reveal and never edits it.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT,
    user_id TEXT,
    action TEXT,
    subject_table TEXT,
    subject_id TEXT,
    household_id TEXT,
    at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX audit_events_community_id ON audit_events(community_id);
CREATE INDEX audit_events_subject_id ON audit_events(subject_id);

-- The 低保 case number (证号), given where a household is approved.
ALTER TABLE households ADD COLUMN case_no TEXT;

-- Co-volunteers of a two-to-one or many-to-one visit (JSON list of staff ids).
ALTER TABLE volunteer_visits ADD COLUMN co_volunteer_ids TEXT;

-- Why a volunteer pairing ended (forms.PairingEndReasons) and a note.
ALTER TABLE volunteer_pairings ADD COLUMN end_reason TEXT;
ALTER TABLE volunteer_pairings ADD COLUMN end_note TEXT;

-- The volunteers who ran a 三小 group activity (JSON list of staff ids).
ALTER TABLE group_activities ADD COLUMN volunteer_ids TEXT;
