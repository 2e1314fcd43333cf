#!/usr/bin/env bash
# test.sh runs devopsctl's whole test suite: it makes the offline base images the
# lab solutions build on, runs go vet and every test (the Docker-backed ones on
# the real engine), and then proves that nothing devopsctl labelled is left on it.
#
# Usage: scripts/test.sh [go test flags]
# DEVOPSCTL_SKIP_DOCKER=1 skips the tests that need a Docker engine (loudly).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${DEVOPSCTL_SKIP_DOCKER:-}" == 1 ]]; then
	echo "!!! DEVOPSCTL_SKIP_DOCKER=1: every test that needs the Docker engine is SKIPPED !!!" >&2
else
	if ! docker info >/dev/null 2>&1; then
		echo "test.sh: no Docker engine answers. Start it (sudo systemctl start docker), or set DEVOPSCTL_SKIP_DOCKER=1 to skip the engine tests." >&2
		exit 3
	fi
	./scripts/offline-images.sh
fi

echo "== go vet"
go vet ./...
echo "== go test"
go test -count=1 -timeout 30m "$@" ./...

if [[ "${DEVOPSCTL_SKIP_DOCKER:-}" != 1 ]]; then
	left=$(docker ps -aq --filter label=io.devopsctl.managed=true)
	if [[ -n "$left" ]]; then
		echo "test.sh: containers labelled io.devopsctl.managed=true were left on the engine:" >&2
		docker ps -a --filter label=io.devopsctl.managed=true >&2
		exit 1
	fi
	echo "== engine clean: no labelled containers left"
fi
