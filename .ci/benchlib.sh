# Sourced by .ci/bench.sh and .ci/bench-scaling.sh: the "# key: value"
# lines that say when a recorded benchmark run ran, on what code and
# machine, and how loaded the machine was (server/cmd/perfdoc reads them).

bench_load() { cut -d' ' -f1-3 /proc/loadavg; }

# bench_header SCALES: the lines before the run.
bench_header() {
  echo "# start: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# commit: $(git describe --always --dirty 2>/dev/null || echo unknown)"
  echo "# cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1 | sed 's/[[:space:]]*$//')"
  echo "# cores: $(nproc)"
  echo "# memory: $(awk '/MemTotal/ {printf "%.0f GB", $2/1024/1024}' /proc/meminfo)"
  echo "# go: $(${GO:-go} env GOVERSION)"
  echo "# scales: $1"
  echo "# load-start: $(bench_load)"
}

# bench_postgres: the PostgreSQL line (inside the run, where
# DOORSTEP_TEST_PG names the throwaway cluster if there is one).
bench_postgres() {
  if [ -n "${DOORSTEP_TEST_PG:-}" ]; then
    echo "# postgres: $(psql "$DOORSTEP_TEST_PG" -Atc 'show server_version' 2>/dev/null || echo unknown)"
  else
    echo "# postgres: none"
  fi
}

# bench_footer STARTED: the lines after the run; STARTED is $SECONDS at its start.
bench_footer() {
  echo "# end: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# load-end: $(bench_load)"
  echo "# wall-minutes: $(( (SECONDS - $1 + 30) / 60 ))"
}
