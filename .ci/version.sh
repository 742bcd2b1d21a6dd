#!/usr/bin/env bash
# Prints the version every build is stamped with: `git describe` when the
# history has a v* tag, else v<FyneApp.toml Version>-g<commit>[-dirty].
set -euo pipefail
cd "$(dirname "$0")/.."
if v=$(git describe --tags --dirty --match 'v[0-9]*' 2>/dev/null); then
  echo "$v"
  exit 0
fi
base=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml | head -n 1)
if ! rev=$(git rev-parse --short=10 HEAD 2>/dev/null); then
  echo "v$base"
  exit 0
fi
dirty=""
git diff --quiet HEAD -- 2>/dev/null || dirty="-dirty"
echo "v$base-g$rev$dirty"
