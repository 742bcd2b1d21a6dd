package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"doorstep/schema"
)

// TestProtocolDocUpToDate fails when the registry changed and
// docs/PROTOCOL.md was not regenerated (go run ./server/cmd/protodoc).
func TestProtocolDocUpToDate(t *testing.T) {
	path := filepath.Join("..", "..", "..", "docs", "PROTOCOL.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Splice(doc, Render(schema.Reg))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, want) {
		t.Fatalf("docs/PROTOCOL.md is out of date with the registry: run go run ./server/cmd/protodoc")
	}
}

// TestRenderFollowsRegistry: a registry with another table, column or
// right renders differently, so the check above catches every change.
func TestRenderFollowsRegistry(t *testing.T) {
	base := Render(schema.Reg)
	for _, tb := range schema.Reg.Tables() {
		if !strings.Contains(base, "| `"+tb.Name+"` |") {
			t.Errorf("table %s missing from the rights table", tb.Name)
		}
		for _, c := range tb.Columns {
			if !strings.Contains(base, "`"+c.Name+"` "+c.Type.String()) {
				t.Errorf("%s.%s missing from the columns", tb.Name, c.Name)
			}
		}
	}
	variants := map[string][]schema.Table{
		"ExtraTable": {{Name: "streets", Scope: schema.ScopeDistrict, Columns: []schema.Column{{Name: "deleted", Type: schema.TypeInt}}},
			{Name: "benefit_periods", Scope: schema.ScopeDistrict, Columns: []schema.Column{{Name: "deleted", Type: schema.TypeInt}}}},
		"ExtraColumn": {{Name: "streets", Scope: schema.ScopeDistrict, Columns: []schema.Column{{Name: "name", Type: schema.TypeText}, {Name: "deleted", Type: schema.TypeInt}}}},
		"OtherRights": {{Name: "streets", Scope: schema.ScopeDistrict, Read: []schema.Role{schema.RoleWorker}, Columns: []schema.Column{{Name: "deleted", Type: schema.TypeInt}}}},
	}
	one, err := schema.NewRegistry([]schema.Table{{Name: "streets", Scope: schema.ScopeDistrict, Columns: []schema.Column{{Name: "deleted", Type: schema.TypeInt}}}})
	if err != nil {
		t.Fatal(err)
	}
	plain := Render(one)
	for name, tables := range variants {
		reg, err := schema.NewRegistry(tables)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if Render(reg) == plain {
			t.Errorf("%s: rendered the same as the plain registry", name)
		}
	}
}

func TestSplice(t *testing.T) {
	doc := []byte("intro\n" + Begin + "\nold\n" + End + "\noutro\n")
	got, err := Splice(doc, "new\n")
	if err != nil || string(got) != "intro\n"+Begin+"\nnew\n"+End+"\noutro\n" {
		t.Errorf("Splice = %q, %v", got, err)
	}
	if _, err := Splice([]byte("no markers"), "x"); err == nil {
		t.Error("Splice without markers succeeded")
	}
}
