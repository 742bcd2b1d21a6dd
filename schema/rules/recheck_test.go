package rules

import (
	"errors"
	"testing"
	"time"

	"doorstep/schema/district"
)

func TestAddMonths(t *testing.T) {
	tests := []struct {
		in   time.Time
		n    int
		want time.Time
	}{
		{date(2025, 1, 15), 1, date(2025, 2, 15)},
		{date(2025, 1, 31), 1, date(2025, 2, 28)},
		{date(2024, 1, 31), 1, date(2024, 2, 29)},
		{date(2025, 3, 31), 1, date(2025, 4, 30)},
		{date(2025, 8, 31), 6, date(2026, 2, 28)},
		{date(2025, 11, 30), 3, date(2026, 2, 28)},
		{date(2024, 2, 29), 12, date(2025, 2, 28)},
		{date(2025, 12, 31), 12, date(2026, 12, 31)},
		{date(2025, 3, 31), -1, date(2025, 2, 28)},
		{date(2025, 1, 10), -13, date(2023, 12, 10)},
		{date(2025, 5, 31), 0, date(2025, 5, 31)},
	}
	for _, tt := range tests {
		if got := AddMonths(tt.in, tt.n); !got.Equal(tt.want) {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tt.in.Format(time.DateOnly), tt.n,
				got.Format(time.DateOnly), tt.want.Format(time.DateOnly))
		}
	}
	cst := time.FixedZone("CST", 8*3600)
	in := time.Date(2025, 1, 31, 9, 30, 0, 0, cst)
	got := AddMonths(in, 1)
	if want := time.Date(2025, 2, 28, 9, 30, 0, 0, cst); !got.Equal(want) || got.Location() != cst {
		t.Errorf("AddMonths keeps time and zone: got %v, want %v", got, want)
	}
}

func TestRecheckDue(t *testing.T) {
	cfg := district.Default()
	last := date(2025, 1, 31)
	tests := []struct {
		name    string
		class   string
		setting district.Setting
		flags   []string
		want    time.Time
	}{
		{"AYearly", "A", "", nil, date(2026, 1, 31)},
		{"BHalfYearly", "B", "", nil, date(2025, 7, 31)},
		{"CQuarterlyUrban", "C", district.SettingUrban, nil, date(2025, 4, 30)},
		{"CHalfYearlyRural", "C", district.SettingRural, nil, date(2025, 7, 31)},
		{"AIrregularIncome", "A", "", []string{FlagIrregularIncomeWorkingAge}, date(2025, 7, 31)},
		{"CIrregularKeepsShorter", "C", "", []string{FlagIrregularIncomeWorkingAge}, date(2025, 4, 30)},
		{"UnknownFlagIgnored", "A", "", []string{"likes_tea"}, date(2026, 1, 31)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RecheckDue(tt.class, tt.setting, last, tt.flags, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %s, want %s", got.Format(time.DateOnly), tt.want.Format(time.DateOnly))
			}
		})
	}
	_, err := RecheckDue("D", "", last, nil, cfg)
	if !errors.Is(err, ErrUnknownClass) {
		t.Fatalf("class D: error = %v", err)
	}
	if m, _ := MessageOf(err); m.Text("zh-CN") != "复核规则表中没有家庭类别“D”" {
		t.Errorf("message %q", m.Text("zh-CN"))
	}
}

func TestOverdue(t *testing.T) {
	due := date(2025, 4, 30)
	cst := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name  string
		today time.Time
		want  bool
	}{
		{"DayBefore", date(2025, 4, 29), false},
		{"OnDueDate", date(2025, 4, 30), false},
		{"OnDueDateEvening", time.Date(2025, 4, 30, 23, 59, 0, 0, cst), false},
		{"DayAfter", date(2025, 5, 1), true},
		{"JustAfterMidnightLocal", time.Date(2025, 5, 1, 0, 1, 0, 0, cst), true},
		{"YearLater", date(2026, 4, 30), true},
	}
	for _, tt := range tests {
		if got := Overdue(due, tt.today); got != tt.want {
			t.Errorf("%s: Overdue = %v, want %v", tt.name, got, tt.want)
		}
	}
}
