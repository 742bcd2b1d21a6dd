package rules

import (
	"errors"
	"testing"
	"time"
)

var refDate = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseIDOK(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want IDInfo
		ref  time.Time
	}{
		{
			name: "GBExampleUpperX",
			in:   "11010519491231002X",
			ref:  refDate,
			want: IDInfo{Number: "11010519491231002X", Region: "110105", Birth: date(1949, 12, 31), Sequence: 2, Sex: SexFemale, Age: 75},
		},
		{
			name: "LowerXAndSpaces",
			in:   "  11010519491231002x ",
			ref:  refDate,
			want: IDInfo{Number: "11010519491231002X", Region: "110105", Birth: date(1949, 12, 31), Sequence: 2, Sex: SexFemale, Age: 75},
		},
		{
			name: "MaleOddDigit17",
			in:   MakeID("410802", date(1955, 7, 1), 17),
			ref:  refDate,
			want: IDInfo{Region: "410802", Birth: date(1955, 7, 1), Sequence: 17, Sex: SexMale, Age: 69},
		},
		{
			name: "BornOnReferenceDay",
			in:   MakeID("410802", refDate, 2),
			ref:  refDate,
			want: IDInfo{Region: "410802", Birth: refDate, Sequence: 2, Sex: SexFemale, Age: 0},
		},
		{
			name: "LeapDay",
			in:   MakeID("410802", date(1956, 2, 29), 999),
			ref:  date(2026, 2, 28),
			want: IDInfo{Region: "410802", Birth: date(1956, 2, 29), Sequence: 999, Sex: SexMale, Age: 69},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseID(tt.in, tt.ref)
			if err != nil {
				t.Fatalf("ParseID(%q) error = %v", tt.in, err)
			}
			if tt.want.Number == "" {
				tt.want.Number = tt.in
			}
			if got != tt.want {
				t.Errorf("ParseID(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseIDErrors(t *testing.T) {
	valid := "11010519491231002X"
	tests := []struct {
		name string
		in   string
		ref  time.Time
		want error
	}{
		{"ErrIDLengthEmpty", "", refDate, ErrIDLength},
		{"ErrIDLength17", valid[:17], refDate, ErrIDLength},
		{"ErrIDLength19", valid + "1", refDate, ErrIDLength},
		{"ErrIDLength15Old", "110105491231002", refDate, ErrIDLength},
		{"ErrIDCharsLetter", "1101051949123100AX", refDate, ErrIDChars},
		{"ErrIDCharsXInside", "1101051949123100X2", refDate, ErrIDChars},
		{"ErrIDCharsFullWidth", "１" + valid[1:], refDate, ErrIDChars},
		{"ErrIDCharsInnerSpace", "110105 9491231002X", refDate, ErrIDChars},
		{"ErrIDChecksum", "110105194912310021", refDate, ErrIDChecksum},
		{"ErrIDChecksumTransposed", "11010519491213002X", refDate, ErrIDChecksum},
		{"ErrIDBirthDateFeb30", withCheck("410802" + "19900230" + "001"), refDate, ErrIDBirthDate},
		{"ErrIDBirthDateNotLeap", withCheck("410802" + "19000229" + "001"), refDate, ErrIDBirthDate},
		{"ErrIDBirthDateMonth13", withCheck("410802" + "19901301" + "001"), refDate, ErrIDBirthDate},
		{"ErrIDBirthDateFuture", MakeID("410802", refDate.AddDate(0, 0, 1), 1), refDate, ErrIDBirthDate},
		{"ErrIDBirthDateTooOld", withCheck("410802" + "18991231" + "001"), refDate, ErrIDBirthDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseID(tt.in, tt.ref)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseID(%q) error = %v, want %v", tt.in, err, tt.want)
			}
			m, ok := MessageOf(err)
			if !ok || m.Text("zh-CN") == "" || m.Text("en") == "" {
				t.Errorf("MessageOf(%v) = %+v, %v", err, m, ok)
			}
		})
	}
}

func TestParseIDChecksumMessage(t *testing.T) {
	_, err := ParseID("110105194912310021", refDate)
	m, _ := MessageOf(err)
	if got, want := m.Text("en"), "The ID number's check character is 1 but should be X; please check the number"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func withCheck(first17 string) string { return first17 + string(idCheckChar(first17)) }

func TestMakeIDRoundTrip(t *testing.T) {
	for seq := 0; seq <= 999; seq += 37 {
		birth := date(1930, 1, 1).AddDate(0, 0, seq*29)
		id := MakeID("410802", birth, seq)
		info, err := ParseID(id, refDate)
		if err != nil {
			t.Fatalf("MakeID(%d) = %q: %v", seq, id, err)
		}
		if !info.Birth.Equal(birth) || info.Sequence != seq {
			t.Errorf("MakeID(%d) round trip: %+v", seq, info)
		}
		wantSex := SexFemale
		if seq%2 == 1 {
			wantSex = SexMale
		}
		if info.Sex != wantSex {
			t.Errorf("seq %d: sex %s, want %s", seq, info.Sex, wantSex)
		}
	}
	// Check characters 0..10 all occur, X included.
	seen := map[byte]bool{}
	for seq := 0; seq < 200; seq++ {
		id := MakeID("410802", date(1950, 1, 1), seq)
		seen[id[17]] = true
	}
	if len(seen) != 11 || !seen['X'] {
		t.Errorf("check characters seen: %d, X %v", len(seen), seen['X'])
	}
}

func TestMakeIDPanics(t *testing.T) {
	tests := []struct {
		name   string
		region string
		birth  time.Time
		seq    int
	}{
		{"ShortRegion", "41080", date(1950, 1, 1), 1},
		{"LetterRegion", "41080A", date(1950, 1, 1), 1},
		{"SeqNegative", "410802", date(1950, 1, 1), -1},
		{"Seq1000", "410802", date(1950, 1, 1), 1000},
		{"Year10000", "410802", date(10000, 1, 1), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("MakeID(%q, %v, %d) did not panic", tt.region, tt.birth, tt.seq)
				}
			}()
			MakeID(tt.region, tt.birth, tt.seq)
		})
	}
}
