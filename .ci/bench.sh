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

load() { cut -d' ' -f1-3 /proc/loadavg; }
{
  echo "# start: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# commit: $(git describe --always --dirty 2>/dev/null || echo unknown)"
  echo "# cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "# cores: $(nproc)"
  echo "# memory: $(awk '/MemTotal/ {printf "%.0f GB", $2/1024/1024}' /proc/meminfo)"
  echo "# go: $($GO env GOVERSION)"
  echo "# scales: ${DOORSTEP_BENCH_SCALES:-1,10}"
  echo "# load-start: $(load)"
} >"$tmp"

benches() { # every benchmark, each package's failure remembered
  local rc=0
  if [ -n "${DOORSTEP_TEST_PG:-}" ]; then
    echo "# postgres: $(psql "$DOORSTEP_TEST_PG" -Atc 'show server_version' 2>/dev/null || echo unknown)"
  else
    echo "# postgres: none"
  fi
  $GO test -run '^$' -bench . -benchtime 1x -count 1 -timeout 120m ./schema/... ./sync/... ./server/... || rc=1
  CGO_ENABLED=0 $GO test -run '^$' -bench . -count 1 -timeout 30m ./app/... || rc=1
  return $rc
}
export -f benches
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
{
  echo "# end: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# load-end: $(load)"
  echo "# wall-minutes: $(( (SECONDS - started + 30) / 60 ))"
} >>"$tmp"
cp "$tmp" "$out"
$GO run ./server/cmd/perfdoc -bench "$out"
