#!/usr/bin/env bash
# fuzz.sh fuzzes every parser and loader briefly: each target for a few seconds
# (default 5), one after the other. `go test` already replays the seed corpora
# and testdata/fuzz/<Name>/ entries; this only adds new inputs. A failing input
# is written to testdata/fuzz/<Name>/ of its package: fix the parser, and keep
# the file as a regression case.
#
# Usage: scripts/fuzz.sh [seconds per target]
# FUZZ_PARALLEL sets the fuzzing workers per target (default 1, a shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-5}
if ! [[ $secs =~ ^[0-9]+$ ]] || ((secs < 1)); then
	echo "fuzz.sh: seconds per target must be a whole number of at least 1, got \"$secs\"" >&2
	exit 2
fi

# Every Fuzz function in the module, found rather than listed, so that a new
# parser's target runs without anyone remembering to add it here.
mapfile -t targets < <(grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' internal cmd bench 2>/dev/null |
	sed -E 's#^(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*)$#./\1 \2#' | sort -u)
if ((${#targets[@]} == 0)); then
	echo "fuzz.sh: no Fuzz targets found" >&2
	exit 1
fi

start=$SECONDS
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "== fuzz $name ($pkg, ${secs}s)"
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "${secs}s" -parallel "${FUZZ_PARALLEL:-1}" "$pkg"
done
echo "== fuzz: ${#targets[@]} targets in $((SECONDS - start))s"
