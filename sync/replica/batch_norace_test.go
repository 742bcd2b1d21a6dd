//go:build !race

package replica

// batchChecks is how many cases TestBatchedMergeEqualsOneByOne runs per
// target by default.
const batchChecks = 100
