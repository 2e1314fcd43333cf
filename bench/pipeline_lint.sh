#!/usr/bin/env bash
# pipeline_lint.sh compares `devopsctl check` on the pipeline lab, with its
# engine check (pipeline_gate) taken out through a lab pack, against the
# actionlint binary on the same workflow file, in the same run. Both read the
# lab's solution workflow. Not part of the test suite.
#
# Usage: bench/pipeline_lint.sh [runs]   (needs farm-bench on PATH)
set -euo pipefail
runs=${1:-20}
repo=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pipeline-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

(cd "$repo" && go build -o "$tmp/devopsctl" ./cmd/devopsctl)
GOBIN="$tmp/bin" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.7

# A pack holding the pipeline lab without its gate check.
mkdir -p "$tmp/pack"
cp -r "$repo/labs/pipeline" "$tmp/pack/pipeline"
awk '/^  - id: test-job-gates/{skip=1} skip && /^  - id: / && !/test-job-gates/{skip=0} !skip' \
	"$repo/labs/pipeline/lab.yaml" >"$tmp/pack/pipeline/lab.yaml"

export DEVOPSCTL_HOME="$tmp/home" DEVOPSCTL_LABS="$tmp/pack"
"$tmp/devopsctl" lab start pipeline --dir "$tmp/ws" --no-tui >/dev/null
cp -r "$repo/labs/pipeline/solution/." "$tmp/ws/"
cd "$tmp/ws"
"$tmp/devopsctl" check >/dev/null
"$tmp/bin/actionlint" .github/workflows/ci.yml

farm-bench -n "$runs" --vs "$tmp/bin/actionlint .github/workflows/ci.yml" -- "$tmp/devopsctl" check
