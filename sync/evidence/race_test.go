//go:build race

package evidence

// raceEnabled: the race detector slows modernc's SQLite about twenty-fold,
// so property tests run fewer, shorter cases.
const raceEnabled = true
