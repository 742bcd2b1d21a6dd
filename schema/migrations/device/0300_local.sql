-- Device-only tables: never synced, never leave the device.

-- Form drafts, saved as the user types so nothing is lost if the app dies.
CREATE TABLE drafts (
    form TEXT NOT NULL,          -- form kind, e.g. "means_visit"
    record_id TEXT NOT NULL,     -- the record the draft edits (new UUID for a new record)
    data TEXT NOT NULL,          -- JSON of every field as typed
    updated_at TEXT NOT NULL,
    PRIMARY KEY (form, record_id)
) STRICT;

-- Local preferences: language, server address, idle lock, and the like.
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
