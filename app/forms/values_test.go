package forms

import "testing"

func TestParseYuan(t *testing.T) {
	for _, c := range []struct {
		in      string
		fen     int64
		present bool
		bad     bool
	}{
		{"", 0, false, false},
		{"  ", 0, false, false},
		{"1200", 120000, true, false},
		{"1,200.5", 120050, true, false},
		{"1200.05元", 120005, true, false},
		{"¥80", 8000, true, false},
		{"０.５", 50, true, false},
		{".5", 50, true, false},
		{"0", 0, true, false},
		{"-5", 0, true, true},
		{"1.234", 0, true, true},
		{"abc", 0, true, true},
		{"1.2.3", 0, true, true},
	} {
		fen, present, err := ParseYuan(c.in)
		if (err != nil) != c.bad || present != c.present || fen != c.fen {
			t.Errorf("ParseYuan(%q) = %d, %v, %v; want %d, %v, bad=%v", c.in, fen, present, err, c.fen, c.present, c.bad)
		}
	}
}

func TestFormatYuanRoundTrips(t *testing.T) {
	for _, fen := range []int64{0, 5, 50, 100, 12345, 120000, 120050} {
		got, _, err := ParseYuan(FormatYuan(fen))
		if err != nil || got != fen {
			t.Errorf("ParseYuan(FormatYuan(%d) = %q) = %d, %v", fen, FormatYuan(fen), got, err)
		}
	}
}

func TestParseDateAndClock(t *testing.T) {
	for _, s := range []string{"2025-06-01", "2025/6/1", "2025.06.01", "２０２５-06-01"} {
		if d, ok := ParseDate(s); !ok || d.Format(DateLayout) != "2025-06-01" {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, ok)
		}
	}
	if _, ok := ParseDate("2025-02-30"); ok {
		t.Error("ParseDate accepted 30 February")
	}
	if h, m, ok := ParseClock("9：05"); !ok || h != 9 || m != 5 {
		t.Errorf("ParseClock(9：05) = %d, %d, %v", h, m, ok)
	}
	if _, _, ok := ParseClock("25:00"); ok {
		t.Error("ParseClock accepted 25:00")
	}
}
