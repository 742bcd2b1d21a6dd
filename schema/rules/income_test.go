package rules

import (
	"errors"
	"testing"

	"doorstep/schema/district"
)

func counted(ids ...string) []Member {
	ms := make([]Member, len(ids))
	for i, id := range ids {
		ms[i] = Member{ID: id, Counted: true}
	}
	return ms
}

func TestPerCapitaIncome(t *testing.T) {
	cfg := district.Default()
	three := counted("a", "b", "c")
	withAway := append(counted("a", "b"), Member{ID: "p", Counted: false})
	tests := []struct {
		name    string
		members []Member
		rows    []IncomeRow
		want    IncomeSummary
	}{
		{"NoIncome", three, nil, IncomeSummary{CountedMembers: 3}},
		{"EvenSplit", three, []IncomeRow{{"a", IncomeWages, 30000}, {"b", IncomePension, 15000}},
			IncomeSummary{CountedIncomeFen: 45000, CountedMembers: 3, PerCapitaFen: 15000}},
		{"RoundsDown", three, []IncomeRow{{"a", IncomeWages, 20000}},
			IncomeSummary{CountedIncomeFen: 20000, CountedMembers: 3, PerCapitaFen: 6666}},
		{"RoundsDownJustUnder", counted("a", "b"), []IncomeRow{{"a", IncomeWages, 39999}},
			IncomeSummary{CountedIncomeFen: 39999, CountedMembers: 2, PerCapitaFen: 19999}},
		{"ExcludedKinds", three, []IncomeRow{
			{"a", IncomeWages, 30000}, {"a", IncomeMartyrPension, 50000}, {"b", IncomeScholarship, 10000},
			{"c", IncomeOneChildReward, 1000}, {"c", IncomeBraveryReward, 1000}, {"c", IncomeTemporaryRelief, 1000}},
			IncomeSummary{CountedIncomeFen: 30000, ExcludedIncomeFen: 63000, CountedMembers: 3, PerCapitaFen: 10000}},
		{"UncountedMemberIgnored", withAway, []IncomeRow{{"a", IncomeWages, 10000}, {"p", IncomeWages, 99999}},
			IncomeSummary{CountedIncomeFen: 10000, UncountedMembersIncomeFen: 99999, CountedMembers: 2, PerCapitaFen: 5000}},
		{"UnknownKindCounts", counted("a"), []IncomeRow{{"a", "gift", 700}},
			IncomeSummary{CountedIncomeFen: 700, CountedMembers: 1, PerCapitaFen: 700}},
		{"ZeroRow", counted("a"), []IncomeRow{{"a", IncomeBusiness, 0}},
			IncomeSummary{CountedMembers: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PerCapitaIncome(tt.members, tt.rows, cfg)
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestPerCapitaIncomeNoExclusions(t *testing.T) {
	cfg := district.Default()
	cfg.Dibao.ExcludedIncomeKinds = nil
	got, err := PerCapitaIncome(counted("a"), []IncomeRow{{"a", IncomeScholarship, 500}}, cfg)
	if err != nil || got.PerCapitaFen != 500 {
		t.Fatalf("got %+v, %v; want scholarship counted", got, err)
	}
}

func TestPerCapitaIncomeErrors(t *testing.T) {
	cfg := district.Default()
	tests := []struct {
		name    string
		members []Member
		rows    []IncomeRow
		want    error
	}{
		{"ErrNoMembers", nil, nil, ErrNoCountedMembers},
		{"ErrNoCountedMembers", []Member{{ID: "a"}}, []IncomeRow{{"a", IncomeWages, 100}}, ErrNoCountedMembers},
		{"ErrUnknownMember", counted("a"), []IncomeRow{{"z", IncomeWages, 100}}, ErrUnknownMember},
		{"ErrNegativeIncome", counted("a"), []IncomeRow{{"a", IncomeBusiness, -100}}, ErrNegativeIncome},
		{"ErrIncomeKind", counted("a"), []IncomeRow{{"a", "", 100}}, ErrIncomeKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PerCapitaIncome(tt.members, tt.rows, cfg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if _, ok := MessageOf(err); !ok {
				t.Errorf("MessageOf(%v) not ok", err)
			}
		})
	}
}
