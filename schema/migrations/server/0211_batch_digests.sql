-- A batch id names one content (issue 10): the fingerprints of a stored
-- batch's changes, so a replay is told apart from a different changeset
-- reusing the id. Sorted 8-byte fingerprints (server/store/digest.go); a
-- replay may hold fewer changes than the original (a device rewrote some
-- columns since), never others. Empty for batches stored before this
-- migration, whose replays are not compared.
ALTER TABLE push_batches ADD COLUMN digests BLOB NOT NULL DEFAULT x'';
