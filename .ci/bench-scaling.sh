#!/usr/bin/env bash
# make bench-scaling: BenchmarkScaling at sizes too long for make bench
# (default 1, 10 and 100 times the demo district), into
# docs/bench-scaling.txt, and docs/PERFORMANCE.md rewritten from it and the
# recorded make bench run (server/cmd/perfdoc). The 100× row takes about
# half an hour on SQLite on 2 cores; PostgreSQL much longer.
#   DOORSTEP_BENCH_SCALES  sizes (1,10,100)
#   DOORSTEP_BENCH_PG      0: SQLite only (default); 1: PostgreSQL too, on a
#                          throwaway cluster (.ci/postgres.sh)
#   DOORSTEP_BENCH_IMPORT_MAX  the import phase runs only at scales up to
#                          this (default: at every scale)
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
GO=${GO:-go}
export DOORSTEP_BENCH_SCALES=${DOORSTEP_BENCH_SCALES:-1,10,100}
out=docs/bench-scaling.txt
tmp=.bench-scaling.txt # copied to $out only when the run passed
# shellcheck source=.ci/benchlib.sh
. .ci/benchlib.sh
bench_header "$DOORSTEP_BENCH_SCALES" >"$tmp"
run() {
  bench_postgres
  $GO test -run '^$' -bench 'Scaling' -benchtime 1x -count 1 -timeout 6h ./server/store/
}
export -f run bench_postgres
export GO
started=$SECONDS
if [ "${DOORSTEP_BENCH_PG:-0}" = 1 ]; then
  cmd=(.ci/postgres.sh run bash -c run)
else
  cmd=(env -u DOORSTEP_TEST_PG bash -c run)
fi
if ! "${cmd[@]}" 2>&1 | tee -a "$tmp"; then
  echo "bench-scaling: the run failed (output in $tmp); $out and docs/PERFORMANCE.md are left as they were" >&2
  exit 1
fi
bench_footer "$started" >>"$tmp"
cp "$tmp" "$out"
$GO run ./server/cmd/perfdoc -bench docs/make-bench.txt -scaling "$out"
