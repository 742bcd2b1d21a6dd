-- Synced data tables. Every table here is described in schema/tables.go;
-- schema_test.go checks the two agree. STRICT tables, UUID text keys,
-- money in integer fen. No NOT NULL or foreign keys beyond id/deleted:
-- rows arrive column by column from other devices, in any order.

CREATE TABLE streets (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT,
    district_code TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE communities (
    id TEXT PRIMARY KEY NOT NULL,
    street_id TEXT,
    name TEXT,
    urban INTEGER,
    region_code TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE staff (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT,
    role TEXT,
    street_id TEXT,
    community_id TEXT,
    phone TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE households (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT,
    ref_code TEXT,
    address TEXT,
    urban INTEGER,
    head_name TEXT,
    hardship_cause TEXT,
    staff_relative INTEGER,
    hukou_local INTEGER,
    class TEXT,
    status TEXT,
    applied_on TEXT,
    approved_on TEXT,
    cancelled_on TEXT,
    cancel_reason TEXT,
    benefit_fen INTEGER,
    covered_members INTEGER,
    caseworker_id TEXT,
    last_visit_id TEXT,
    recheck_due TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX households_community_id ON households(community_id);

CREATE TABLE members (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    community_id TEXT,
    name TEXT,
    id_number TEXT,
    sex TEXT,
    birth_date TEXT,
    relationship TEXT,
    marital TEXT,
    health TEXT,
    disability_category TEXT,
    disability_grade INTEGER,
    labour_capacity TEXT,
    employment TEXT,
    counted INTEGER,
    not_counted_reason TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX members_community_id ON members(community_id);
CREATE INDEX members_household_id ON members(household_id);

CREATE TABLE incomes (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    member_id TEXT,
    community_id TEXT,
    kind TEXT,
    monthly_fen INTEGER,
    note TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX incomes_community_id ON incomes(community_id);
CREATE INDEX incomes_household_id ON incomes(household_id);

CREATE TABLE assets (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    community_id TEXT,
    kind TEXT,
    owner_member_id TEXT,
    description TEXT,
    floor_area REAL,
    dwelling_type TEXT,
    renovation TEXT,
    vehicle_type TEXT,
    disability_vehicle INTEGER,
    value_fen INTEGER,
    employs_others INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX assets_community_id ON assets(community_id);
CREATE INDEX assets_household_id ON assets(household_id);

CREATE TABLE means_visits (
    id TEXT PRIMARY KEY NOT NULL,
    household_id TEXT,
    community_id TEXT,
    ref_code TEXT,
    purpose TEXT,
    method TEXT,
    started_at TEXT,
    ended_at TEXT,
    staff_ids TEXT,
    observations TEXT,
    living_conditions TEXT,
    neighbour_notes TEXT,
    location TEXT,
    photos TEXT,
    applicant_signature TEXT,
    staff_signatures TEXT,
    per_capita_fen INTEGER,
    benefit_fen INTEGER,
    eligible INTEGER,
    reasons TEXT,
    snapshot TEXT,
    state TEXT,
    submitted_at TEXT,
    author_id TEXT,
    supersedes_id TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX means_visits_community_id ON means_visits(community_id);
CREATE INDEX means_visits_household_id ON means_visits(household_id);

CREATE TABLE spot_batches (
    id TEXT PRIMARY KEY NOT NULL,
    street_id TEXT,
    method TEXT,
    rate_pct INTEGER,
    sample_size INTEGER,
    seed INTEGER,
    options TEXT,
    drawn_at TEXT,
    drawn_by TEXT,
    note TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX spot_batches_street_id ON spot_batches(street_id);

CREATE TABLE spot_checks (
    id TEXT PRIMARY KEY NOT NULL,
    batch_id TEXT,
    household_id TEXT,
    community_id TEXT,
    caseworker_id TEXT,
    inspector_ids TEXT,
    unannounced INTEGER,
    planned_on TEXT,
    checked_at TEXT,
    found INTEGER,
    living_there INTEGER,
    makeup_matches INTEGER,
    assets_fit INTEGER,
    recomputed_income_fen INTEGER,
    benefit_paid_full INTEGER,
    fees_charged INTEGER,
    neighbour_interview TEXT,
    outcome TEXT,
    deadline TEXT,
    notes TEXT,
    state TEXT,
    author_id TEXT,
    risk_reasons TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX spot_checks_community_id ON spot_checks(community_id);
CREATE INDEX spot_checks_household_id ON spot_checks(household_id);

CREATE TABLE elders (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT,
    name TEXT,
    sex TEXT,
    birth_date TEXT,
    address TEXT,
    phone TEXT,
    needs TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX elders_community_id ON elders(community_id);

CREATE TABLE elder_screenings (
    id TEXT PRIMARY KEY NOT NULL,
    elder_id TEXT,
    community_id TEXT,
    id_number TEXT,
    screened_on TEXT,
    reason TEXT,
    living_arrangement TEXT,
    single_child INTEGER,
    income_band TEXT,
    three_no INTEGER,
    diagnoses TEXT,
    medications TEXT,
    risk_events TEXT,
    b_feeding INTEGER,
    b_bathing INTEGER,
    b_grooming INTEGER,
    b_dressing INTEGER,
    b_bowels INTEGER,
    b_bladder INTEGER,
    b_toilet INTEGER,
    b_transfers INTEGER,
    b_mobility INTEGER,
    b_stairs INTEGER,
    barthel_version TEXT,
    barthel_total INTEGER,
    barthel_grade TEXT,
    gbt_items TEXT,
    gbt_total INTEGER,
    gbt_level TEXT,
    dementia INTEGER,
    needs TEXT,
    home_care INTEGER,
    care_group INTEGER,
    care_groups TEXT,
    pairing_advice TEXT,
    state TEXT,
    submitted_at TEXT,
    author_id TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX elder_screenings_community_id ON elder_screenings(community_id);
CREATE INDEX elder_screenings_elder_id ON elder_screenings(elder_id);

CREATE TABLE volunteer_pairings (
    id TEXT PRIMARY KEY NOT NULL,
    elder_id TEXT,
    community_id TEXT,
    mode TEXT,
    volunteer_ids TEXT,
    started_on TEXT,
    ended_on TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX volunteer_pairings_community_id ON volunteer_pairings(community_id);
CREATE INDEX volunteer_pairings_elder_id ON volunteer_pairings(elder_id);

CREATE TABLE volunteer_visits (
    id TEXT PRIMARY KEY NOT NULL,
    pairing_id TEXT,
    elder_id TEXT,
    community_id TEXT,
    volunteer_id TEXT,
    need TEXT,
    started_at TEXT,
    ended_at TEXT,
    services TEXT,
    wellbeing TEXT,
    feedback TEXT,
    risk_flags TEXT,
    next_visit TEXT,
    state TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX volunteer_visits_community_id ON volunteer_visits(community_id);
CREATE INDEX volunteer_visits_pairing_id ON volunteer_visits(pairing_id);
CREATE INDEX volunteer_visits_elder_id ON volunteer_visits(elder_id);

CREATE TABLE group_activities (
    id TEXT PRIMARY KEY NOT NULL,
    community_id TEXT,
    kind TEXT,
    theme TEXT,
    held_on TEXT,
    venue TEXT,
    headcount INTEGER,
    note TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX group_activities_community_id ON group_activities(community_id);

CREATE TABLE review_events (
    id TEXT PRIMARY KEY NOT NULL,
    record_table TEXT,
    record_id TEXT,
    household_id TEXT,
    community_id TEXT,
    action TEXT,
    comment TEXT,
    field_comments TEXT,
    reviewer_id TEXT,
    at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX review_events_community_id ON review_events(community_id);
CREATE INDEX review_events_record_id ON review_events(record_id);
CREATE INDEX review_events_household_id ON review_events(household_id);

CREATE TABLE approval_meetings (
    id TEXT PRIMARY KEY NOT NULL,
    street_id TEXT,
    held_on TEXT,
    attendees TEXT,
    notice_days INTEGER,
    notice_start TEXT,
    note TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX approval_meetings_street_id ON approval_meetings(street_id);

CREATE TABLE meeting_decisions (
    id TEXT PRIMARY KEY NOT NULL,
    meeting_id TEXT,
    household_id TEXT,
    visit_id TEXT,
    community_id TEXT,
    decision TEXT,
    votes_for INTEGER,
    votes_against INTEGER,
    votes_abstain INTEGER,
    note TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX meeting_decisions_community_id ON meeting_decisions(community_id);
CREATE INDEX meeting_decisions_household_id ON meeting_decisions(household_id);

CREATE TABLE conflicts (
    id TEXT PRIMARY KEY NOT NULL,
    tbl TEXT,
    row_id TEXT,
    col TEXT,
    community_id TEXT,
    winner_value TEXT,
    loser_value TEXT,
    winner_hlc INTEGER,
    loser_hlc INTEGER,
    winner_site TEXT,
    loser_site TEXT,
    winner_user TEXT,
    loser_user TEXT,
    detected_at TEXT,
    resolved INTEGER,
    resolved_by TEXT,
    resolved_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX conflicts_community_id ON conflicts(community_id);
