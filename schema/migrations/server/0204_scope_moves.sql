-- Scope moves: when a row's scope columns change (a household moved to
-- another community, a spot check made unannounced or reassigned), the
-- values it had before. A pull tells devices whose user could see the old
-- scope but not the new one that the row is gone (server/store/moves.go).
-- Filled by triggers that server/store generates from the registry.
CREATE TABLE scope_moves (
    n INTEGER PRIMARY KEY,             -- order of recording
    tbl TEXT NOT NULL,
    row_id TEXT NOT NULL,
    old TEXT NOT NULL,                 -- JSON object: scope column -> old value
    after_seq INTEGER NOT NULL         -- highest committed sync sequence when recorded
) STRICT;
CREATE INDEX scope_moves_after ON scope_moves(after_seq);
CREATE INDEX scope_moves_row ON scope_moves(tbl, row_id);
