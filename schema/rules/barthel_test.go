package rules

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"doorstep/schema/district"
)

func fullBarthel() Barthel {
	return Barthel{Feeding: 10, Bathing: 5, Grooming: 5, Dressing: 10, Bowels: 10,
		Bladder: 10, Toilet: 10, Transfers: 15, Mobility: 15, Stairs: 10}
}

func TestBarthelItems(t *testing.T) {
	items := BarthelItems()
	keys := make([]string, len(items))
	maxTotal := 0
	for i, it := range items {
		keys[i] = it.Key
		maxTotal += slices.Max(it.Allowed)
		if !slices.IsSorted(it.Allowed) || it.Allowed[0] != 0 {
			t.Errorf("%s: allowed %v not ascending from 0", it.Key, it.Allowed)
		}
	}
	wantKeys := []string{"feeding", "bathing", "grooming", "dressing", "bowels", "bladder", "toilet", "transfers", "mobility", "stairs"}
	if !slices.Equal(keys, wantKeys) {
		t.Errorf("keys %v, want %v", keys, wantKeys)
	}
	if maxTotal != 100 {
		t.Errorf("maximum total %d, want 100", maxTotal)
	}
	// The JSON keys match the item keys.
	b, _ := json.Marshal(fullBarthel())
	var m map[string]int
	_ = json.Unmarshal(b, &m)
	for _, k := range wantKeys {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks key %q: %s", k, b)
		}
	}
	// Callers get a copy.
	items[0].Allowed[0] = 99
	if BarthelItems()[0].Allowed[0] != 0 {
		t.Error("BarthelItems shares its slices")
	}
}

func TestBarthelValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Barthel)
		bad    int
	}{
		{"OKFull", func(*Barthel) {}, 0},
		{"OKZero", func(b *Barthel) { *b = Barthel{} }, 0},
		{"BathingTen", func(b *Barthel) { b.Bathing = 10 }, 1},
		{"GroomingTen", func(b *Barthel) { b.Grooming = 10 }, 1},
		{"FeedingFifteen", func(b *Barthel) { b.Feeding = 15 }, 1},
		{"StairsFifteen", func(b *Barthel) { b.Stairs = 15 }, 1},
		{"TransfersSeven", func(b *Barthel) { b.Transfers = 7 }, 1},
		{"MobilityTwenty", func(b *Barthel) { b.Mobility = 20 }, 1},
		{"Negative", func(b *Barthel) { b.Bowels = -5 }, 1},
		{"TwoBad", func(b *Barthel) { b.Bladder = 3; b.Toilet = 15 }, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := fullBarthel()
			tt.mutate(&b)
			err := b.Validate()
			if tt.bad == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if !errors.Is(err, ErrBarthelValue) {
				t.Fatalf("Validate() = %v, want ErrBarthelValue", err)
			}
			if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != tt.bad {
				t.Errorf("%d problems, want %d: %v", n, tt.bad, err)
			}
		})
	}
}

func TestBarthelGetSet(t *testing.T) {
	var b Barthel
	if err := b.Set("transfers", 15); err != nil {
		t.Fatal(err)
	}
	if v, err := b.Get("transfers"); err != nil || v != 15 || b.Transfers != 15 {
		t.Errorf("Get = %d, %v; field %d", v, err, b.Transfers)
	}
	if err := b.Set("transfers", 20); !errors.Is(err, ErrBarthelValue) || b.Transfers != 15 {
		t.Errorf("Set bad value: %v, field now %d", err, b.Transfers)
	}
	if err := b.Set("walking", 5); !errors.Is(err, ErrBarthelItem) {
		t.Errorf("Set unknown: %v", err)
	}
	if _, err := b.Get("walking"); !errors.Is(err, ErrBarthelItem) {
		t.Errorf("Get unknown: %v", err)
	}
}

func TestBarthelGrade(t *testing.T) {
	cfg := district.Default()
	tests := []struct {
		version string
		total   int
		want    Code
	}{
		{"", 100, CodeBarthelIndependent},
		{"common-2010", 95, CodeBarthelMild},
		{"common-2010", 65, CodeBarthelMild},
		{"common-2010", 60, CodeBarthelModerate},
		{"common-2010", 45, CodeBarthelModerate},
		{"common-2010", 40, CodeBarthelSevere},
		{"common-2010", 0, CodeBarthelSevere},
		{"mzt039-2013", 100, CodeBarthelIntact},
		{"mzt039-2013", 95, CodeBarthelMildImpairment},
		{"mzt039-2013", 65, CodeBarthelMildImpairment},
		{"mzt039-2013", 60, CodeBarthelModerateImpairment},
		{"mzt039-2013", 45, CodeBarthelModerateImpairment},
		{"mzt039-2013", 40, CodeBarthelSevereImpairment},
		{"mzt039-2013", 0, CodeBarthelSevereImpairment},
	}
	for _, tt := range tests {
		b := barthelWithTotal(t, tt.total)
		g, err := b.Grade(tt.version, cfg)
		if err != nil {
			t.Fatalf("%s %d: %v", tt.version, tt.total, err)
		}
		if g.Grade != tt.want || g.Total != tt.total {
			t.Errorf("Grade(%q) of %d = %s (%d), want %s", tt.version, tt.total, g.Grade, g.Total, tt.want)
		}
		if g.Version == "" || g.Grade.Text("en") == string(g.Grade) {
			t.Errorf("grade %+v lacks version or text", g)
		}
	}
	if _, err := fullBarthel().Grade("katz", cfg); !errors.Is(err, ErrBarthelVersion) {
		t.Errorf("unknown version: %v", err)
	}
	bad := fullBarthel()
	bad.Feeding = 7
	if _, err := bad.Grade("", cfg); !errors.Is(err, ErrBarthelValue) {
		t.Errorf("invalid items: %v", err)
	}
}

// barthelWithTotal builds a valid record with the given total (a multiple of 5).
func barthelWithTotal(t *testing.T, total int) Barthel {
	t.Helper()
	var b Barthel
	left := total
	for _, it := range BarthelItems() {
		v := min(left, slices.Max(it.Allowed))
		if err := b.Set(it.Key, v); err != nil {
			t.Fatalf("total %d: %v", total, err)
		}
		left -= v
	}
	if left != 0 || b.Total() != total {
		t.Fatalf("could not build total %d", total)
	}
	return b
}
