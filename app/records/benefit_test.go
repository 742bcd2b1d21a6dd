package records

import (
	"context"
	"errors"
	"testing"
)

func TestMaskAccount(t *testing.T) {
	for in, want := range map[string]string{"6228480012345678901": "6228 **** 8901", "6228 4800 1234 5678 901": "6228 **** 8901",
		"12345678": "******78", "": ""} {
		if got := MaskAccount(in); got != want {
			t.Errorf("MaskAccount(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBenefitHistoryAndAccount: a worker sees the household's periods,
// latest first, and the account masked; a volunteer sees neither; a
// worker of another community gets not found.
func TestBenefitHistoryAndAccount(t *testing.T) {
	ctx := context.Background()
	s := mustStore(t)
	mustExec(t, s.db, `INSERT INTO households (id, community_id, status) VALUES ('hx', 'c1', 'active')`)
	mustExec(t, s.db, `INSERT INTO entitlements (id, household_id, community_id, kind, decided_on, effective_from, status, base_fen, topup_fen, covered, recorded_at)
		VALUES ('e1', 'hx', 'c1', 'approve', '2024-01-05', '2024-01-05', 'active', 30000, 1000, 2, '2024-01-05T02:00:00Z'),
		('e2', 'hx', 'c1', 'suspend', '2025-03-01', '2025-03-01', 'suspended', 0, 0, 0, '2025-03-01T02:00:00Z'),
		('e3', 'hx', 'c1', 'resume', '2025-04-01', '2025-04-01', 'active', 30000, 1000, 2, '2025-04-01T02:00:00Z')`)
	mustExec(t, s.db, `INSERT INTO payee_accounts (id, household_id, community_id, holder_name, bank, account, since)
		VALUES ('a1', 'hx', 'c1', '张大', '中国农业银行', '6228480012345678901', '2024-01-05')`)
	ps, cur, err := s.BenefitHistory(ctx, worker, "hx")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 3 || ps[0].Kind != "resume" || ps[2].Kind != "approve" || cur.Kind != "resume" || cur.BenefitFen != 31000 {
		t.Fatalf("history %+v, in force %+v", ps, cur)
	}
	a, err := s.PayeeAccount(ctx, worker, "hx")
	if err != nil || a.Masked != "6228 **** 8901" || a.Holder != "张大" {
		t.Fatalf("account %+v %v", a, err)
	}
	vol := worker
	vol.Role = "volunteer"
	if _, _, err := s.BenefitHistory(ctx, vol, "hx"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("volunteer history: %v", err)
	}
	if _, err := s.PayeeAccount(ctx, vol, "hx"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("volunteer account: %v", err)
	}
	other := worker
	other.Communities = []string{"c9"}
	if _, err := s.PayeeAccount(ctx, other, "hx"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other community: %v", err)
	}
}
