#!/usr/bin/env bash
# make bench: every benchmark once, in one run, into docs/make-bench.txt, and
# docs/PERFORMANCE.md rewritten from it (server/cmd/perfdoc), so that every
# figure of the document comes from this run.
#
# The run's header and footer lines ("# key: value") say when it ran, on what
# code and machine, and how loaded the machine was. The PostgreSQL
# benchmarks run on a throwaway cluster (.ci/postgres.sh, installed if
# missing); DOORSTEP_BENCH_PG=0 leaves them out (the document then says so).
# DOORSTEP_BENCH_SCALES (default 1,10) sets the scaling benchmarks' sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
GO=${GO:-go}
out=${BENCH_OUT:-docs/make-bench.txt}
tmp=.bench.txt # the run as it goes; copied to $out only when every benchmark passed

# shellcheck source=.ci/benchlib.sh
. .ci/benchlib.sh
bench_header "${DOORSTEP_BENCH_SCALES:-1,10}" >"$tmp"

benches() { # every benchmark, each package's failure remembered
  local rc=0
  bench_postgres
  $GO test -p 1 -run '^$' -bench . -benchtime 1x -count 1 -timeout 120m ./schema/... ./sync/... ./server/... || rc=1
  CGO_ENABLED=0 $GO test -run '^$' -bench . -count 1 -timeout 30m ./app/... || rc=1
  return $rc
}
export -f benches bench_postgres
export GO
started=$SECONDS
if [ "${DOORSTEP_BENCH_PG:-1}" = 0 ]; then
  run=(bash -c benches)
else
  run=(.ci/postgres.sh run bash -c benches)
fi
if ! "${run[@]}" 2>&1 | tee -a "$tmp"; then
  echo "bench: a benchmark failed (output in $tmp); $out and docs/PERFORMANCE.md are left as they were" >&2
  exit 1
fi
bench_footer "$started" >>"$tmp"
cp "$tmp" "$out"
$GO run ./server/cmd/perfdoc -bench "$out"
