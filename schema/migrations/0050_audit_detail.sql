-- What an audited office correction changed and why (JSON: the reason and
-- the values before and after; app/desk/audit.go). Empty for reveals.
ALTER TABLE audit_events ADD COLUMN detail TEXT;
