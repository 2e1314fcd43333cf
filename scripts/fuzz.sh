#!/usr/bin/env bash
# fuzz.sh fuzzes every parser and loader briefly: each target for a few seconds
# (default 4), one after the other. `go test` already replays the seed corpora
# and testdata/fuzz/<Name>/ entries; this only adds new inputs. A failing input
# is written to testdata/fuzz/<Name>/ of its package: fix the parser, and keep
# the file as a regression case.
#
# Usage: scripts/fuzz.sh [seconds per target]
# FUZZ_PARALLEL sets the fuzzing workers per target (default 1, a shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-4}
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

# Each package's test binary is built once, instrumented for fuzzing, and run
# once per target in the package's folder, where testdata/fuzz lives. The
# corpus grows in the same cache `go test -fuzz` uses.
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
cache=$(go env GOCACHE)/fuzz
start=$SECONDS
failed=0
for pkg in $(printf '%s\n' "${targets[@]}" | cut -d' ' -f1 | sort -u); do
	names=$(printf '%s\n' "${targets[@]}" | awk -v p="$pkg" '$1 == p {print $2}')
	exe="$bin/$(basename "$pkg").test"
	go test -c -o "$exe" -fuzz "^($(echo $names | tr ' ' '|'))\$" "$pkg"
	importpath=$(go list -f '{{.ImportPath}}' "$pkg")
	for name in $names; do
		echo "== fuzz $name ($pkg, ${secs}s)"
		log="$bin/$name.log"
		if (cd "$pkg" && "$exe" -test.run '^$' -test.fuzz "^${name}\$" -test.fuzztime "${secs}s" \
			-test.parallel "${FUZZ_PARALLEL:-1}" -test.fuzzcachedir "$cache/$importpath") >"$log" 2>&1; then
			grep -v '^fuzz: elapsed' "$log" | tail -n 3
			continue
		fi
		# The fuzzing coordinator can report its own deadline as a failure when
		# the time runs out under a loaded CPU (Go issue 75804). A real failure
		# always writes its input to testdata/fuzz; that one does not, and its
		# log is left out so that no FAIL line stands in the output for a pass.
		if grep -qx '    context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
			echo "fuzz.sh: $name: the coordinator's deadline race, not a failing input; counted as a pass"
			continue
		fi
		cat "$log" >&2
		failed=1
	done
done
echo "== fuzz: ${#targets[@]} targets in $((SECONDS - start))s"
exit "$failed"
