package care

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"doorstep/app/desk/internal/testdb"
	"doorstep/sync/evidence"
)

// TestAssessSignsInItsTransaction: an assessment is signed as the field
// forms' records are — the signer runs inside the submit's transaction,
// sees the row as written, and gets the form's open time; a signer that
// fails leaves no assessment behind (no record without its evidence).
func TestAssessSignsInItsTransaction(t *testing.T) {
	db := testdb.Open(t)
	testdb.Org(t, db)
	o, _ := testdb.Office(db, "sup", time.Date(2025, 7, 20, 2, 0, 0, 0, time.UTC))
	o.Street = "s1"
	in, err := Register(ctx, o, Institution{Name: "康乐老年公寓", Ownership: "private", CommunityID: "c1", OpenedOn: day("2020-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	opened := o.Clock().Add(-40 * time.Minute)
	a := Assessment{InstitutionID: in.ID, Half: "2025H1", AssessedOn: day("2025-07-15"),
		Assessors: []string{"周主任", "王一"}, Scores: fullScores(o, 8), OpenedAt: opened}

	o.Sign = func(ctx context.Context, tx *sql.Tx, sub evidence.Submit) error { return errors.New("no key") }
	if _, err := Assess(ctx, o, a); err == nil {
		t.Fatal("assessed although signing failed")
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM institution_assessments`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d assessments left by a failed sign (%v)", n, err)
	}

	var signed []evidence.Submit
	o.Sign = func(ctx context.Context, tx *sql.Tx, sub evidence.Submit) error {
		var total int
		if err := tx.QueryRowContext(ctx, `SELECT total FROM institution_assessments WHERE id = ?`, sub.ID).Scan(&total); err != nil {
			return err
		}
		if total != 92 {
			t.Errorf("signer sees total %d", total)
		}
		signed = append(signed, sub)
		return nil
	}
	got, err := Assess(ctx, o, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(signed) != 1 || signed[0].Table != "institution_assessments" || signed[0].ID != got.ID || !signed[0].OpenedAt.Equal(opened) {
		t.Fatalf("signed %+v for assessment %s", signed, got.ID)
	}
	if _, ok := evidence.KindOf("institution_assessments"); !ok {
		t.Error("no evidence kind for institution assessments")
	}
}
