package kittest

import (
	"context"
	"database/sql"
	"testing"

	"doorstep/app/desk"
)

// DeskFixture is a small street for the supervisor screens: street s1
// with community c1, workers w1 and w2, supervisor sup; household h1 with
// an approved first visit v1 and a pending re-check v2 by w1 (its address
// and a member's health changed, a member added); household h2 with a
// pending application v3 by w2.
func DeskFixture(t testing.TB, db *sql.DB) {
	t.Helper()
	snap := func(addr, members string) string {
		return `{"household":{"id":"h1","address":"` + addr + `"},"members":[` + members + `],"incomes":[],"assets":[]}`
	}
	const m1 = `{"id":"m1","name":"刘大","health":"chronic","counted":true}`
	const m1s = `{"id":"m1","name":"刘大","health":"serious","counted":true}`
	const m2 = `{"id":"m2","name":"刘小","health":"healthy","counted":true}`
	rows := []struct {
		table, id string
		v         map[string]any
	}{
		{"streets", "s1", map[string]any{"name": "焦北街道"}},
		{"communities", "c1", map[string]any{"street_id": "s1", "name": "东社区", "urban": 1}},
		{"staff", "w1", map[string]any{"name": "王一", "role": "worker", "community_id": "c1", "street_id": "s1"}},
		{"staff", "w2", map[string]any{"name": "李二", "role": "worker", "community_id": "c1", "street_id": "s1"}},
		{"staff", "sup", map[string]any{"name": "周主任", "role": "supervisor", "street_id": "s1"}},
		{"households", "h1", map[string]any{"community_id": "c1", "head_name": "刘大", "address": "解放路2号",
			"status": "active", "caseworker_id": "w1", "approved_on": "2024-01-10", "benefit_fen": 30000, "covered_members": 1}},
		{"households", "h2", map[string]any{"community_id": "c1", "head_name": "陈五", "status": "applicant", "caseworker_id": "w2"}},
		{"means_visits", "v1", map[string]any{"household_id": "h1", "community_id": "c1", "author_id": "w1",
			"state": "submitted", "submitted_at": "2024-01-05T02:00:00Z", "purpose": "application", "snapshot": snap("解放路1号", m1)}},
		{"review_events", "e1", map[string]any{"record_table": "means_visits", "record_id": "v1", "household_id": "h1",
			"community_id": "c1", "action": "approve", "reviewer_id": "sup", "at": "2024-01-06T02:00:00Z"}},
		{"means_visits", "v2", map[string]any{"household_id": "h1", "community_id": "c1", "author_id": "w1",
			"state": "submitted", "submitted_at": "2025-06-20T02:00:00Z", "purpose": "recheck", "eligible": 1,
			"per_capita_fen": 9000, "benefit_fen": 31000, "reasons": "[]", "snapshot": snap("解放路2号", m1s+","+m2)}},
		{"means_visits", "v3", map[string]any{"household_id": "h2", "community_id": "c1", "author_id": "w2",
			"state": "submitted", "submitted_at": "2025-06-25T02:00:00Z", "purpose": "application", "eligible": 1,
			"per_capita_fen": 5000, "benefit_fen": 15000, "reasons": "[]", "snapshot": `{"household":{"id":"h2","address":"民主路9号"},"members":[]}`}},
	}
	for _, r := range rows {
		if err := desk.Insert(context.Background(), db, r.table, r.id, r.v); err != nil {
			t.Fatal(err)
		}
	}
}
