-- Server-only tables: users and what they may see. A user's scope is
-- resolved from these plus the synced communities and volunteer_pairings
-- tables (server/store/access.go).

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,        -- also the staff row id synced to devices
    name TEXT NOT NULL,
    role TEXT NOT NULL,                  -- worker, volunteer, supervisor, admin
    street_id TEXT NOT NULL DEFAULT '',  -- supervisors: their street; '' = whole district
    created_at TEXT NOT NULL
) STRICT;

-- Communities a community worker (or a street supervisor) covers.
CREATE TABLE user_communities (
    user_id TEXT NOT NULL,
    community_id TEXT NOT NULL,
    PRIMARY KEY (user_id, community_id)
) STRICT;

-- Volunteer pairings a volunteer belongs to.
CREATE TABLE user_pairings (
    user_id TEXT NOT NULL,
    pairing_id TEXT NOT NULL,
    PRIMARY KEY (user_id, pairing_id)
) STRICT;
