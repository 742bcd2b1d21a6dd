package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"doorstep/app"
	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/replica"
)

// stageConflict makes a real concurrent edit through the sync engine and
// merges its outcome into the supervisor's device, so the Conflicts screen
// shows what it would after a sync: a server replica (the hub every change
// passes through) holds one household of the supervisor's street; two
// workers of its community pull it to their tablets, both correct its
// address while offline, and push; the hub sees the second edit was made
// without the first (its base is not the current clock), keeps the later
// one and records the conflict; the supervisor's device then merges what
// the hub holds. clock is the shared physical clock, moved along by
// stageConflict from its current time.
func stageConflict(x *app.App, clock *time.Time) error {
	ctx := context.Background()
	db := x.Store().DB()
	var hh, comm, address string
	err := db.QueryRow(`SELECT h.id, h.community_id, h.address FROM households h
		WHERE h.status = 'active' AND h.deleted = 0
		AND (SELECT count(*) FROM staff s WHERE s.role = 'worker' AND s.community_id = h.community_id) >= 2
		ORDER BY h.ref_code LIMIT 1`).Scan(&hh, &comm, &address)
	if err != nil {
		return fmt.Errorf("stage conflict: pick a household: %w", err)
	}
	var workers []string
	rows, err := db.Query(`SELECT id FROM staff WHERE role = 'worker' AND community_id = ? ORDER BY id LIMIT 2`, comm)
	if err != nil {
		return fmt.Errorf("stage conflict: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("stage conflict: %w", err)
		}
		workers = append(workers, id)
	}
	rows.Close()

	dir, err := os.MkdirTemp("", "doorstep-conflict-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	now := func() time.Time { return *clock }
	open := func(name string, target schema.Target) (*replica.Replica, error) {
		return replica.Open(ctx, filepath.Join(dir, name), replica.Options{Target: target, Now: now})
	}
	hub, err := open("hub.db", schema.Server)
	if err != nil {
		return fmt.Errorf("stage conflict: %w", err)
	}
	defer hub.Close()
	tablets := make([]*replica.Replica, 2)
	for i := range tablets {
		if tablets[i], err = open(fmt.Sprintf("tablet%d.db", i), schema.Device); err != nil {
			return fmt.Errorf("stage conflict: %w", err)
		}
		defer tablets[i].Close()
		if err := tablets[i].SetUser(ctx, workers[i]); err != nil {
			return fmt.Errorf("stage conflict: %w", err)
		}
	}

	// The hub has the household as the supervisor's device has it.
	if err := copyRow(ctx, x, hub, "households", hh); err != nil {
		return err
	}
	all, err := everything(ctx, hub)
	if err != nil {
		return err
	}
	for _, t := range tablets {
		if _, err := t.Apply(ctx, all, replica.ApplyOptions{}); err != nil {
			return fmt.Errorf("stage conflict: pull: %w", err)
		}
	}
	// Both correct the address, minutes apart, neither having synced.
	edits := []string{address + "（东单元）", strings.Replace(address, "号院", "号院东侧", 1)}
	if edits[1] == address {
		edits[1] = address + "（东侧）"
	}
	for i, t := range tablets {
		*clock = clock.Add(7 * time.Minute)
		if _, err := t.DB().ExecContext(ctx, `UPDATE households SET address = ? WHERE id = ?`, edits[i], hh); err != nil {
			return fmt.Errorf("stage conflict: edit: %w", err)
		}
	}
	conflicts := 0
	for _, t := range tablets {
		*clock = clock.Add(20 * time.Minute)
		out, err := t.Outbox(ctx, 100)
		if err != nil {
			return fmt.Errorf("stage conflict: outbox: %w", err)
		}
		res, err := hub.Apply(ctx, out, replica.ApplyOptions{})
		if err != nil {
			return fmt.Errorf("stage conflict: push: %w", err)
		}
		conflicts += res.Conflicts
		if err := t.Ack(ctx, out.Batch); err != nil {
			return fmt.Errorf("stage conflict: ack: %w", err)
		}
	}
	if conflicts != 1 {
		return fmt.Errorf("stage conflict: the hub recorded %d conflicts, want 1", conflicts)
	}
	all, err = everything(ctx, hub)
	if err != nil {
		return err
	}
	return x.MergeChanges(ctx, all)
}

// copyRow writes row id of table, as the app's device holds it, into r.
func copyRow(ctx context.Context, x *app.App, r *replica.Replica, table, id string) error {
	t, _ := schema.Reg.Table(table)
	cols := t.ColumnNames()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	q := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + table + ` WHERE id = ?`
	if err := x.Store().DB().QueryRowContext(ctx, q, id).Scan(ptrs...); err != nil {
		return fmt.Errorf("copy %s %s: %w", table, id, err)
	}
	ins := `INSERT INTO ` + table + ` (id, ` + strings.Join(cols, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(cols)) + `)`
	if _, err := r.DB().ExecContext(ctx, ins, append([]any{id}, vals...)...); err != nil {
		return fmt.Errorf("copy %s %s: %w", table, id, err)
	}
	return nil
}

// everything returns every change r holds, as one changeset from r.
func everything(ctx context.Context, r *replica.Replica) (*change.Set, error) {
	set := &change.Set{Site: r.Site()}
	var cur replica.Cursor
	for {
		page, err := r.Changes(ctx, cur, 1000)
		if err != nil {
			return nil, fmt.Errorf("list changes: %w", err)
		}
		set.Changes = append(set.Changes, page.Changes()...)
		cur = page.Next
		if page.Done {
			return set, nil
		}
	}
}
