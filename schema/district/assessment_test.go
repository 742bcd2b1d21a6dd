package district

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultAssessment(t *testing.T) {
	a := Default().Institutions.Assessment
	if len(a.Categories) != 8 || len(a.Items()) != 26 || a.MaxScore() != 100 {
		t.Fatalf("standard: %d categories, %d items, %d points; want 8, 26, 100", len(a.Categories), len(a.Items()), a.MaxScore())
	}
	if a.Categories[0].NameZh != "内部管理状况" || a.Categories[1].NameZh != "环境卫生状况" {
		t.Fatalf("the seed's two named categories: %q, %q", a.Categories[0].NameZh, a.Categories[1].NameZh)
	}
	for _, c := range []struct {
		total int
		band  string
		fen   int64
	}{{100, "excellent", 600000}, {90, "excellent", 600000}, {89, "good", 480000}, {70, "fair", 360000}, {60, "pass", 240000}, {59, "", 0}} {
		b, ok := a.Band(c.total)
		if b.Key != c.band || b.AwardFen != c.fen || ok != (c.band != "") {
			t.Errorf("Band(%d) = %+v %v, want %s %d", c.total, b, ok, c.band, c.fen)
		}
	}
}

func TestAssessmentValidation(t *testing.T) {
	c := Default()
	c.Institutions.Assessment.Categories[1].Items[0].Key = c.Institutions.Assessment.Categories[0].Items[0].Key
	c.Institutions.Assessment.Categories[2].Items[1].Max = 0
	c.Institutions.Assessment.Bands[1].MinScore = 95
	err := c.Validate()
	for _, field := range []string{"categories[1].items[0].key", "categories[2].items[1].max", "bands[1].min_score"} {
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("Validate() = %v, want a complaint about %s", err, field)
		}
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("not a FieldError: %v", err)
	}
	c = Default()
	c.Institutions.Assessment.Categories = nil
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "institutions.assessment.categories") {
		t.Fatalf("empty standard accepted: %v", err)
	}
}
