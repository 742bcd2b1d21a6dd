//go:build !race

package evidence

// raceEnabled: see race_test.go.
const raceEnabled = false
