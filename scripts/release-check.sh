#!/usr/bin/env bash
# release-check.sh checks .goreleaser.yml with goreleaser itself. goreleaser is
# built from the Go module proxy the first time and kept in a cache folder of
# its own version, so later runs start it at once.
#
# Usage: scripts/release-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

readonly GORELEASER_VERSION=v2.15.1
bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/devopsctl-ci/goreleaser-${GORELEASER_VERSION}"
goreleaser="$bin_dir/goreleaser"

if [[ ! -x $goreleaser ]]; then
	echo "release-check: building goreleaser ${GORELEASER_VERSION} (once; cached in $bin_dir)"
	mkdir -p "$bin_dir"
	GOBIN="$bin_dir" go install "github.com/goreleaser/goreleaser/v2@${GORELEASER_VERSION}"
fi
"$goreleaser" check
