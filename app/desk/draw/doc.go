// Package draw is the spot-check draw (抽查): which active households of a
// street are re-visited, by whom, and how the results compare with the
// households' last approved data.
//
// A draw is reproducible: each household's place in the lottery is
// SHA-256(seed, household id), so the stored seed and options give the
// same sample again (Verify). Staff-relative households are always drawn;
// inspectors are never the household's own caseworker.
package draw
