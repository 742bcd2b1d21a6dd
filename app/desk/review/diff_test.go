package review

import (
	"reflect"
	"testing"
)

func TestDiff(t *testing.T) {
	prev, err := ParseSnapshot(snapshot("解放路1号", mLiu, iWage))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := ParseSnapshot(snapshot("解放路2号", mLiuS+","+mWang, ""))
	if err != nil {
		t.Fatal(err)
	}
	got := Diff(prev, cur)
	want := []Change{
		{Op: Changed, Section: SectionHousehold, Field: "address", Old: "解放路1号", New: "解放路2号"},
		{Op: Changed, Section: SectionMembers, RowID: "m1", Who: "刘大", Field: "health", Old: "chronic", New: "serious"},
		{Op: Added, Section: SectionMembers, RowID: "m2", Who: "王二"},
		{Op: Removed, Section: SectionIncomes, RowID: "i1", Who: "刘大", What: "wages"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("diff\n got %+v\nwant %+v", got, want)
	}
	keys := []string{got[0].Key(), got[1].Key(), got[2].Key(), got[3].Key()}
	if want := []string{"household.address", "members.m1.health", "members.m2", "incomes.i1"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("keys %q, want %q", keys, want)
	}
	if d := Diff(cur, cur); len(d) != 0 {
		t.Fatalf("no change should give no diff: %+v", d)
	}
	// Numbers stay exact; null equals absent.
	a, _ := ParseSnapshot(`{"household":{"benefit_fen":12345678901234,"note":null}}`)
	b, _ := ParseSnapshot(`{"household":{"benefit_fen":12345678901235}}`)
	if d := Diff(a, b); len(d) != 1 || d[0].Old != "12345678901234" || d[0].New != "12345678901235" {
		t.Fatalf("exact numbers: %+v", d)
	}
	if _, err := ParseSnapshot("{"); err == nil {
		t.Fatal("malformed snapshot accepted")
	}
}

func TestOpenVisit(t *testing.T) {
	o, _ := fixture(t)
	rec, err := Open(ctx, o, MeansVisit, "v2")
	if err != nil {
		t.Fatal(err)
	}
	v := rec.Visit
	if v.Baseline == nil || v.Baseline.VisitID != "v1" {
		t.Fatalf("baseline %+v", v.Baseline)
	}
	if len(v.Diff) != 4 || v.PerCapitaFen != 12000 || v.BenefitFen != 16000 || !v.Eligible {
		t.Fatalf("visit %+v", v)
	}
	if !reflect.DeepEqual(v.Photos, []string{"abc"}) || !reflect.DeepEqual(v.StaffSignatures, map[string]string{"s1": sigHash1, "s2": sigHash2}) {
		t.Fatalf("blobs %q %q", v.Photos, v.StaffSignatures)
	}
	if rec.Get("author_id") != "w2" || rec.Get("benefit_fen") != "16000" {
		t.Fatalf("fields %+v", rec.Fields)
	}
	// A first visit has no baseline: everything is new.
	rec, err = Open(ctx, o, MeansVisit, "v3")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Visit.Baseline != nil || len(rec.Visit.Diff) == 0 {
		t.Fatalf("first visit: %+v", rec.Visit)
	}
}
