// Package pgtest gives tests a real PostgreSQL database of their own: URL
// returns the server named by DOORSTEP_TEST_PG (or skips the test when it
// is unset), FreshSchema and FreshDatabase make a uniquely named schema or
// database for one test and drop it afterwards. `make test-pg` and
// .ci/postgres.sh start a throwaway cluster and set DOORSTEP_TEST_PG.
package pgtest
