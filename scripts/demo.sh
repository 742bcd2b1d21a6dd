#!/usr/bin/env bash
# Builds Doorstep, creates the demo district, starts the sync server on it
# and opens the app. Usage: scripts/demo.sh [demo-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.demo}
mkdir -p "$dir" bin
echo "demo: building (the first build of the app takes ~3 minutes)"
go build -o bin/doorstep .
LANG=${LANG:-zh_CN.UTF-8} exec bin/doorstep
