//go:build race

package replica

// batchChecks is how many cases TestBatchedMergeEqualsOneByOne runs per
// target by default: fewer under the race detector, where SQLite is about
// twenty times slower.
const batchChecks = 15
