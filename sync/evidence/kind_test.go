package evidence

import (
	"context"
	"database/sql"
	"testing"

	"doorstep/schema"
)

func TestRegisterKindChecksTheRegistry(t *testing.T) {
	for name, k := range map[string]Kind{
		"NoName":         {Table: "group_activities"},
		"UnknownTable":   {Name: "x", Table: "institutions_not_yet"},
		"TakenTable":     {Name: "x", Table: "means_visits"},
		"TakenName":      {Name: "means_visit", Table: "group_activities"},
		"UnknownColumn":  {Name: "x", Table: "group_activities", Household: "household_id"},
		"UnknownChild":   {Name: "x", Table: "group_activities", Children: []Child{{Table: "nope", Column: "id", Via: "id"}}},
		"BadVia":         {Name: "x", Table: "group_activities", Children: []Child{{Table: "staff", Column: "id", Via: "staff_id"}}},
		"BadExclude":     {Name: "x", Table: "group_activities", Exclude: map[string][]string{"group_activities": {"nope"}}},
		"BlobNotText":    {Name: "x", Table: "group_activities", Blobs: []BlobColumn{{"headcount", RolePhoto}}},
		"BlobWithNoRole": {Name: "x", Table: "group_activities", Blobs: []BlobColumn{{"note", ""}}},
		"ChildIsRecord":  {Name: "x", Table: "group_activities", Children: []Child{{Table: "group_activities", Column: "id", Via: "id"}}},
	} {
		if err := RegisterKind(k); err == nil {
			t.Errorf("%s: registered", name)
		}
	}
	if _, ok := KindOf("group_activities"); ok {
		t.Fatal("a refused kind was registered")
	}
	for _, k := range Kinds() {
		if _, ok := schema.Reg.Table(k.Table); !ok {
			t.Errorf("kind %s: table %s not synced", k.Name, k.Table)
		}
	}
}

// A record returned and submitted again in place (a screening) rests on
// its latest entry; the first one's content is superseded, not tampered.
func TestResubmittedInPlace(t *testing.T) {
	d := newDevice(t, t.TempDir(), "w1", 1, &idGen{})
	_, id := d.screening()
	d.submit("elder_screenings", id, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(context.Background(), `UPDATE elder_screenings SET b_feeding = 5, barthel_total = 80 WHERE id = ?`, id)
		return err
	})
	for _, v := range []Verifier{d.verifier(), {Keys: keysOf(d), Clocks: ReplicaClocks{d.rep}}} {
		got := audit(t, d.rep.DB(), v)[id]
		if got.Status != Verified || got.Entries != 2 || got.Index != 1 || len(got.Reasons) != 0 {
			t.Errorf("resubmitted screening: %+v", got)
		}
	}
	d.exec(`UPDATE elder_screenings SET barthel_total = 100 WHERE id = ?`, id)
	got := audit(t, d.rep.DB(), d.verifier())[id]
	if !hasReason(got, Reason{Code: CodeChanged, Column: "barthel_total", Signed: "80", Current: "100"}) {
		t.Errorf("edited after the second submit: %v", got.Reasons)
	}
}
