package rules

import (
	"testing"
	"time"
)

func TestAge(t *testing.T) {
	tests := []struct {
		name      string
		birth, on time.Time
		want      int
	}{
		{"DayBeforeBirthday", date(1955, 7, 1), date(2025, 6, 30), 69},
		{"OnBirthday", date(1955, 7, 1), date(2025, 7, 1), 70},
		{"DayAfterBirthday", date(1955, 7, 1), date(2025, 7, 2), 70},
		{"BornToday", date(2025, 6, 30), date(2025, 6, 30), 0},
		{"BeforeBirth", date(2025, 7, 1), date(2025, 6, 30), -1},
		{"LeapBornFeb28NonLeap", date(1956, 2, 29), date(2025, 2, 28), 68},
		{"LeapBornMar1NonLeap", date(1956, 2, 29), date(2025, 3, 1), 69},
		{"LeapBornFeb29Leap", date(1956, 2, 29), date(2024, 2, 29), 68},
		{"LeapBornFeb28Leap", date(1956, 2, 29), date(2024, 2, 28), 67},
		{"Dec31ToJan1", date(1955, 12, 31), date(2026, 1, 1), 70},
		{"OtherLocationUsesOwnCalendarDate",
			date(1955, 7, 1),
			time.Date(2025, 7, 1, 0, 30, 0, 0, time.FixedZone("CST", 8*3600)), 70},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Age(tt.birth, tt.on); got != tt.want {
				t.Errorf("Age(%s, %s) = %d, want %d", tt.birth.Format(time.DateOnly), tt.on.Format(time.DateOnly), got, tt.want)
			}
		})
	}
}
