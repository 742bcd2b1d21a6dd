-- Benefit history, monthly payout rolls, care institutions and medical
-- assistance (issue 11). Every table here is described in
-- schema/tables_history.go; schema_test.go checks the two agree.

-- A meeting may approve against the means test with an amount and a
-- reason, and may withdraw an earlier decision (a "withdraw" row naming it).
ALTER TABLE meeting_decisions ADD COLUMN amount_fen INTEGER;
ALTER TABLE meeting_decisions ADD COLUMN reason TEXT;
ALTER TABLE meeting_decisions ADD COLUMN withdraws_id TEXT;
CREATE INDEX meeting_decisions_withdraws_id ON meeting_decisions(withdraws_id);

-- Entitlement periods (append-only): every decision that takes effect on a
-- household's 低保 appends one; the household's status and amount are
-- derived from them.
CREATE TABLE entitlements (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    community_id TEXT,
    decision_id TEXT,
    kind TEXT,
    decided_on TEXT,
    effective_from TEXT,
    until TEXT,
    status TEXT,
    base_fen INTEGER,
    topup_fen INTEGER,
    covered INTEGER,
    subsidy_fen INTEGER,
    reason TEXT,
    note TEXT,
    recorded_by TEXT,
    recorded_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX entitlements_community_id ON entitlements(community_id);
CREATE INDEX entitlements_household_id ON entitlements(household_id);
CREATE INDEX entitlements_decision_id ON entitlements(decision_id);

-- The payee's bank or social-security card account (office data).
CREATE TABLE payee_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    community_id TEXT,
    holder_name TEXT,
    holder_id_number TEXT,
    bank TEXT,
    account TEXT,
    since TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX payee_accounts_community_id ON payee_accounts(community_id);
CREATE INDEX payee_accounts_household_id ON payee_accounts(household_id);

-- A closed monthly payout roll (低保金发放花名册) of one street, and its lines.
CREATE TABLE payout_rolls (
    id TEXT PRIMARY KEY NOT NULL,
    street_id TEXT,
    month TEXT,
    closed_on TEXT,
    closed_by TEXT,
    closed_at TEXT,
    households INTEGER,
    people INTEGER,
    base_fen INTEGER,
    topup_fen INTEGER,
    subsidy_fen INTEGER,
    adjust_fen INTEGER,
    total_fen INTEGER,
    note TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX payout_rolls_street_id ON payout_rolls(street_id);

CREATE TABLE payout_lines (
    id TEXT PRIMARY KEY NOT NULL,
    roll_id TEXT,
    street_id TEXT,
    month TEXT,
    household_id TEXT,
    community_id TEXT,
    kind TEXT,
    for_month TEXT,
    head_name TEXT,
    id_number TEXT,
    bank TEXT,
    account TEXT,
    covered INTEGER,
    base_fen INTEGER,
    topup_fen INTEGER,
    subsidy_fen INTEGER,
    total_fen INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX payout_lines_community_id ON payout_lines(community_id);
CREATE INDEX payout_lines_roll_id ON payout_lines(roll_id);

-- Care institutions (养老机构): the register, dated counts (beds,
-- residents, staff), dated finances (office only) and half-yearly
-- assessments (以奖代补考核).
CREATE TABLE care_institutions (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT,
    name TEXT,
    ownership TEXT,
    address TEXT,
    phone TEXT,
    opened_on TEXT,
    closed_on TEXT,
    note TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX care_institutions_community_id ON care_institutions(community_id);

CREATE TABLE institution_counts (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT,
    community_id TEXT,
    as_of TEXT,
    beds INTEGER,
    residents INTEGER,
    staff INTEGER,
    recorded_by TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX institution_counts_community_id ON institution_counts(community_id);
CREATE INDEX institution_counts_institution_id ON institution_counts(institution_id);

CREATE TABLE institution_finances (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT,
    community_id TEXT,
    as_of TEXT,
    total_assets_fen INTEGER,
    net_assets_fen INTEGER,
    recorded_by TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX institution_finances_community_id ON institution_finances(community_id);
CREATE INDEX institution_finances_institution_id ON institution_finances(institution_id);

CREATE TABLE institution_assessments (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT,
    community_id TEXT,
    half TEXT,
    assessed_on TEXT,
    assessors TEXT,
    scores TEXT,
    total INTEGER,
    band TEXT,
    award_fen INTEGER,
    note TEXT,
    author_id TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX institution_assessments_community_id ON institution_assessments(community_id);
CREATE INDEX institution_assessments_institution_id ON institution_assessments(institution_id);

-- Medical assistance (医疗救助): one-off amounts to people in hardship after
-- a sudden accident or a serious illness.
CREATE TABLE medical_assistance (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT,
    household_id TEXT,
    person_name TEXT,
    id_number TEXT,
    category TEXT,
    cause TEXT,
    hospital TEXT,
    medical_cost_fen INTEGER,
    amount_fen INTEGER,
    granted_on TEXT,
    note TEXT,
    recorded_by TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX medical_assistance_community_id ON medical_assistance(community_id);
