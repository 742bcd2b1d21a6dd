package evidence

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"doorstep/schema"
)

func TestDeviceKeyIsKept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "d.db")
	rep := openReplica(t, path, schema.Device, "0195b000-0000-7000-8000-000000000009", nil)
	k1, err := DeviceKey(ctx, rep.DB(), newSeedReader(1), epoch)
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Close(); err != nil {
		t.Fatal(err)
	}
	rep = openReplica(t, filepath.Join(dir, "d2.db"), schema.Device, "0195b000-0000-7000-8000-00000000000a", nil)
	defer rep.Close()
	other, err := DeviceKey(ctx, rep.DB(), newSeedReader(2), epoch)
	if err != nil {
		t.Fatal(err)
	}
	again, err := DeviceKey(ctx, rep.DB(), newSeedReader(3), epoch)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Public().Equal(other.Public()) || other.Public().Equal(k1.Public()) {
		t.Error("a device's key must stay the same and differ from another device's")
	}
}

func TestAppendRefuses(t *testing.T) {
	ids := &idGen{}
	d := newDevice(t, t.TempDir(), "w1", 1, ids)
	other := newDevice(t, t.TempDir(), "w2", 2, ids)
	ctx := context.Background()
	try := func(s Signer, sub Submit) error {
		tx, err := d.rep.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback() //nolint:errcheck // test
		_, err = s.Append(ctx, tx, sub)
		return err
	}
	_, visit, _ := d.visit()
	for name, c := range map[string]struct {
		s    Signer
		sub  Submit
		want string
	}{
		"ForeignKey": {Signer{Key: other.key, Site: d.rep.Site(), NewID: ids.next}, Submit{Table: "means_visits", ID: visit}, "not the device's"},
		"NoKind":     {d.signer, Submit{Table: "households", ID: visit}, "no evidence kind"},
		"NoRecord":   {d.signer, Submit{Table: "means_visits", ID: "nope"}, "not found"},
		"NoSite":     {Signer{Key: d.key, NewID: ids.next}, Submit{Table: "means_visits", ID: visit}, "site"},
	} {
		if err := try(c.s, c.sub); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.want)
		}
	}
	// A rolled-back submit leaves the chain where it was.
	var next int64
	if err := d.rep.DB().QueryRow(`SELECT next_index FROM evidence_device`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	tx, err := d.rep.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.signer.Append(ctx, tx, Submit{Table: "means_visits", ID: visit}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	var after int64
	if err := d.rep.DB().QueryRow(`SELECT next_index FROM evidence_device`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != next {
		t.Errorf("rolled-back submit moved the chain head from %d to %d", next, after)
	}
}
