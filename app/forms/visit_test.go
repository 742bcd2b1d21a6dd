package forms

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"doorstep/schema/rules"
)

// newApplicant builds a new household in c1 with two adult members and
// their incomes (100 and 80 yuan a month).
func newApplicant(t *testing.T, env Env) *Visit {
	t.Helper()
	v, err := NewVisit(ctx, env, "v1", "", "c1")
	if err != nil {
		t.Fatal(err)
	}
	v.Household.Address = "建设路8号"
	a := v.AddMember("ma")
	a.Name, a.IDNumber = "李四", rules.MakeID("410802", date("1975-05-05"), 31)
	a.FillFromID(env.Today())
	b := v.AddMember("mb")
	b.Name, b.IDNumber, b.Relationship = "王芳", rules.MakeID("410802", date("1978-08-08"), 42), "spouse"
	b.FillFromID(env.Today())
	v.AddIncome("ia", "ma").Kind = "wages"
	v.Incomes[0].Amount = "100"
	v.AddIncome("ib", "mb").Kind = "pension"
	v.Incomes[1].Amount = "80"
	return v
}

func TestVisitComputeLive(t *testing.T) {
	env := mustEnv(t)
	v := newApplicant(t, env)
	live := v.Compute(env.Today(), env.Config)
	if live.Err != nil {
		t.Fatalf("Compute: %v", live.Err.Text("en"))
	}
	// (100 + 80) / 2 = 90 yuan per capita; standard 200 urban:
	// (200 − 90) × 2 = 220 yuan, price subsidy 15 × 2 = 30 yuan.
	if got, want := live.Income.PerCapitaFen, int64(9000); got != want {
		t.Errorf("per capita = %d, want %d", got, want)
	}
	if !live.Eligibility.Eligible || live.BenefitFen != 22000 || live.PriceSubsidyFen != 3000 {
		t.Errorf("eligible %v benefit %d subsidy %d, want true 22000 3000 (reasons %v)",
			live.Eligibility.Eligible, live.BenefitFen, live.PriceSubsidyFen, live.Eligibility.Reasons)
	}

	// A car disqualifies: the reason is given and nothing is paid.
	car := v.AddAsset("car", "vehicle")
	car.VehicleType, car.Value = "car", "30000"
	live = v.Compute(env.Today(), env.Config)
	if live.Eligibility.Eligible || live.BenefitFen != 0 || len(live.Eligibility.Reasons) != 1 ||
		live.Eligibility.Reasons[0].Code != rules.CodeVehicle {
		t.Errorf("with a car: eligible %v benefit %d reasons %v", live.Eligibility.Eligible, live.BenefitFen, live.Eligibility.Reasons)
	}
	car.DisabilityVehicle = true
	if live = v.Compute(env.Today(), env.Config); !live.Eligibility.Eligible {
		t.Errorf("a disability vehicle disqualified: %v", live.Eligibility.Reasons)
	}

	// An amount still being typed wrongly is skipped, not fatal.
	v.Incomes[1].Amount = "8o"
	live = v.Compute(env.Today(), env.Config)
	if live.Skipped != 1 || live.Income.PerCapitaFen != 5000 {
		t.Errorf("with a bad amount: skipped %d per capita %d, want 1 5000", live.Skipped, live.Income.PerCapitaFen)
	}

	// No counted member: the rules' message explains.
	for i := range v.Members {
		v.Members[i].Counted = false
	}
	if live = v.Compute(env.Today(), env.Config); live.Err == nil || live.Err.Code != rules.CodeNoCountedMembers {
		t.Errorf("no counted member: Err = %v", live.Err)
	}
}

func TestMemberValidation(t *testing.T) {
	env := mustEnv(t)
	ref := env.Today()
	good := rules.MakeID("410802", date("1975-05-05"), 31) // male
	bad := good[:17] + string("0123456789X"[(1+indexOf("0123456789X", good[17]))%11])
	for _, c := range []struct {
		name   string
		m      Member
		field  string
		code   rules.Code
		key    string
		incomp bool
	}{
		{"checksum", Member{ID: "x", Name: "甲", IDNumber: bad, Sex: "male", BirthDate: "1975-05-05", Relationship: "self", Counted: true}, FieldIDNumber, rules.CodeIDChecksum, "", false},
		{"short", Member{ID: "x", Name: "甲", IDNumber: good[:10], Sex: "male", BirthDate: "1975-05-05", Relationship: "self", Counted: true}, FieldIDNumber, rules.CodeIDLength, "", true},
		{"birth", Member{ID: "x", Name: "甲", IDNumber: good, BirthDate: "1975-05-06", Relationship: "self", Counted: true}, FieldBirthDate, "", MsgBirthMismatch, false},
		{"sex", Member{ID: "x", Name: "甲", IDNumber: good, Sex: "female", Relationship: "self", Counted: true}, FieldSex, "", MsgSexMismatch, false},
		{"name", Member{ID: "x", IDNumber: good, Relationship: "self", Counted: true}, FieldName, "", MsgRequired, true},
		{"not counted", Member{ID: "x", Name: "甲", IDNumber: good, Relationship: "self"}, FieldNotCountedReason, "", MsgNotCountedReason, true},
		{"grade", Member{ID: "x", Name: "甲", IDNumber: good, Relationship: "self", Counted: true, DisabilityCategory: "physical", DisabilityGrade: "7"}, FieldDisabilityGrade, "", MsgDisabilityGrade, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var is issues
			c.m.validate(ref, &is)
			got := is.list.For(MemberField("x", c.field))
			if len(is.list) != 1 || len(got) != 1 {
				t.Fatalf("issues %v, want one on %s", fields(is.list), c.field)
			}
			if c.code != "" && (got[0].Rule == nil || got[0].Rule.Code != c.code) {
				t.Errorf("rule %v, want %s", got[0].Rule, c.code)
			}
			if c.key != "" && got[0].Key != c.key {
				t.Errorf("key %q, want %q", got[0].Key, c.key)
			}
			if got[0].Incomplete != c.incomp {
				t.Errorf("incomplete = %v, want %v", got[0].Incomplete, c.incomp)
			}
			text := got[0].Text("zh-CN", func(k string, _ map[string]any) string { return k })
			if text == "" {
				t.Error("empty message")
			}
		})
	}
	ok := Member{ID: "x", Name: "甲", IDNumber: good, Relationship: "self", Counted: true}
	var is issues
	ok.validate(ref, &is)
	if len(is.list) != 0 {
		t.Errorf("valid member has issues %v", fields(is.list))
	}
}

func indexOf(s string, b byte) int {
	for i := range len(s) {
		if s[i] == b {
			return i
		}
	}
	return -1
}

func TestVisitSubmitNeedsStaffAndSignatures(t *testing.T) {
	env := mustEnv(t)
	v := newApplicant(t, env)
	_, err := v.Save(ctx, env, true)
	is, ok := AsIssues(err)
	if !ok {
		t.Fatalf("Save = %v, want issues", err)
	}
	for _, f := range []string{FieldStaff, FieldApplicantSig, StaffSigField("w1")} {
		if !is.Has(f) {
			t.Errorf("no issue on %s in %v", f, fields(is))
		}
	}
	if n := one[int](t, env.DB, `SELECT count(*) FROM households WHERE id = ?`, v.Household.ID); n != 0 {
		t.Error("an invalid submission wrote the household")
	}
	// A draft save needs neither.
	if _, err := v.Save(ctx, env, false); err != nil {
		t.Fatalf("draft save: %v", err)
	}
	if st := one[string](t, env.DB, `SELECT state FROM means_visits WHERE id = 'v1'`); st != StateDraft {
		t.Errorf("state %q, want draft", st)
	}
}

func TestVisitSubmitWritesEverythingInOneTransaction(t *testing.T) {
	env := mustEnv(t)
	v := newApplicant(t, env)
	v.SetStaff("w2", true)
	v.ApplicantSig = hashOf("applicant")
	v.SetStaffSignature("w1", hashOf("w1"))
	v.SetStaffSignature("w2", hashOf("w2"))
	v.Photos = []string{hashOf("photo")}
	exec(t, env.DB, `INSERT INTO drafts(form, record_id, data, updated_at) VALUES (?, 'v1', '{}', 'x')`, FormMeansVisit)

	live, err := v.Save(ctx, env, true)
	if err != nil {
		t.Fatal(err)
	}
	if live.BenefitFen != 22000 {
		t.Errorf("benefit %d, want 22000", live.BenefitFen)
	}
	hh := v.Household.ID
	if got := one[string](t, env.DB, `SELECT status || '|' || head_name || '|' || applied_on || '|' || caseworker_id FROM households WHERE id = ?`, hh); got != "applicant|李四|2025-06-15|w1" {
		t.Errorf("household = %s", got)
	}
	if n := one[int](t, env.DB, `SELECT count(*) FROM members WHERE household_id = ? AND deleted = 0`, hh); n != 2 {
		t.Errorf("%d members, want 2", n)
	}
	if got := one[string](t, env.DB, `SELECT sex || birth_date FROM members WHERE id = 'mb'`); got != "female1978-08-08" {
		t.Errorf("member mb = %s (sex and birth date from the ID number)", got)
	}
	if n := one[int](t, env.DB, `SELECT sum(monthly_fen) FROM incomes WHERE household_id = ?`, hh); n != 18000 {
		t.Errorf("incomes sum %d, want 18000", n)
	}
	var state, submitted, staff, sigs, reasons, snap string
	var perCapita, benefit, eligible int64
	err = env.DB.QueryRow(`SELECT state, submitted_at, staff_ids, staff_signatures, reasons, snapshot,
		per_capita_fen, benefit_fen, eligible FROM means_visits WHERE id = 'v1'`).Scan(&state, &submitted,
		&staff, &sigs, &reasons, &snap, &perCapita, &benefit, &eligible)
	if err != nil {
		t.Fatal(err)
	}
	if state != StateSubmitted || submitted != refNow.UTC().Format(time.RFC3339) {
		t.Errorf("state %q submitted_at %q", state, submitted)
	}
	if staff != `["w1","w2"]` || perCapita != 9000 || benefit != 22000 || eligible != 1 || reasons != "[]" {
		t.Errorf("staff %s per capita %d benefit %d eligible %d reasons %s", staff, perCapita, benefit, eligible, reasons)
	}
	var s Snapshot
	if err := json.Unmarshal([]byte(snap), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Members) != 2 || s.IncomeTotal() != 18000 || s.CountedMembers() != 2 || s.Household.Address != "建设路8号" || s.Household.HeadName != "李四" {
		t.Errorf("snapshot %+v", s)
	}
	if n := one[int](t, env.DB, `SELECT count(*) FROM drafts`); n != 0 {
		t.Error("the draft was not removed")
	}
	if got := one[string](t, env.DB, `SELECT coalesce(last_visit_id,'') FROM households WHERE id = ?`, hh); got != "" {
		t.Errorf("last_visit_id %q: only an approval sets it", got)
	}
	// A submitted visit is read-only.
	again, err := LoadVisit(ctx, env, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if !again.ReadOnly() || !reflect.DeepEqual(again.StaffSigs, v.StaffSigs) || !slices.Equal(again.Photos, v.Photos) {
		t.Errorf("reloaded: read-only %v sigs %v photos %v", again.ReadOnly(), again.StaffSigs, again.Photos)
	}
	if _, err := again.Save(ctx, env, true); err == nil {
		t.Error("a submitted visit saved again")
	}
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestVisitEditOnlyWritesChanges(t *testing.T) {
	env := mustEnv(t)
	exec(t, env.DB, `CREATE TABLE log(tbl TEXT, id TEXT)`)
	for _, tbl := range []string{"households", "members", "incomes", "assets"} {
		exec(t, env.DB, `CREATE TRIGGER log_`+tbl+` AFTER UPDATE ON `+tbl+` BEGIN INSERT INTO log VALUES ('`+tbl+`', NEW.id); END`)
	}
	v, err := NewVisit(ctx, env, "v2", "h1", "")
	if err != nil {
		t.Fatal(err)
	}
	if v.Purpose != "recheck" || len(v.Members) != 2 || v.Incomes[0].Amount != "180" {
		t.Fatalf("loaded %+v", v)
	}
	// Saving unchanged rows writes none of them.
	if _, err := v.Save(ctx, env, false); err != nil {
		t.Fatal(err)
	}
	if n := one[int](t, env.DB, `SELECT count(*) FROM log WHERE tbl <> 'households'`); n != 0 {
		t.Errorf("%d unchanged rows were updated", n)
	}
	// Remove the spouse and change the income: two updates plus the
	// spouse's delete.
	v.RemoveMember("m2")
	v.Incomes[0].Amount = "190"
	if _, err := v.Save(ctx, env, false); err != nil {
		t.Fatal(err)
	}
	if got := one[int](t, env.DB, `SELECT deleted FROM members WHERE id = 'm2'`); got != 1 {
		t.Error("removed member not deleted")
	}
	if got := one[int](t, env.DB, `SELECT monthly_fen FROM incomes WHERE id = 'i1'`); got != 19000 {
		t.Errorf("income %d", got)
	}
	if n := one[int](t, env.DB, `SELECT count(*) FROM log WHERE tbl = 'members'`); n != 1 {
		t.Errorf("%d member updates, want 1 (the delete)", n)
	}
}

func TestVisitDraftRoundTrip(t *testing.T) {
	env := mustEnv(t)
	v := newApplicant(t, env)
	v.Members[1].IDNumber = "12345" // half typed
	v.Incomes[0].Amount = "1oo"     // mistyped
	v.NeighbourNotes = "邻居说：常年在家"
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var back Visit
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*v, back) {
		t.Errorf("draft round trip lost data:\n got %+v\nwant %+v", back, *v)
	}
}

func TestVisitCorrectionSupersedes(t *testing.T) {
	env := mustEnv(t)
	v := newApplicant(t, env)
	if _, err := v.Save(ctx, env, false); err != nil {
		t.Fatal(err)
	}
	c, err := Correction(ctx, env, "v1", "v1b")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "v1b" || c.SupersedesID != "v1" || c.ReadOnly() || len(c.Members) != 2 {
		t.Fatalf("correction %+v", c)
	}
	if _, err := c.Save(ctx, env, false); err != nil {
		t.Fatal(err)
	}
	if got := one[string](t, env.DB, `SELECT supersedes_id FROM means_visits WHERE id = 'v1b'`); got != "v1" {
		t.Errorf("supersedes_id %q", got)
	}
	if _, err := LoadVisit(ctx, env, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("LoadVisit(nope) = %v", err)
	}
}

func TestVisitDuplicateIDNumber(t *testing.T) {
	env := mustEnv(t)
	v := newApplicant(t, env)
	v.Members[1].IDNumber = v.Members[0].IDNumber
	is := v.Validate(env.Today(), env.Config, false)
	if !is.Has(MemberField("mb", FieldIDNumber)) {
		t.Errorf("duplicate ID number not reported: %v", fields(is))
	}
}
