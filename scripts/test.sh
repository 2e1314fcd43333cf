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

# engine_clean runs however the tests ended (trap on EXIT): a failed go test must
# not hide what it left on the engine. It keeps the script's exit status, and
# turns a pass into a failure when anything labelled io.devopsctl.managed=true is
# left: containers, networks, volumes or images. The base images made by
# offline-images.sh carry io.devopsctl.fixture=true instead, so they never count.
engine_clean() {
	local status=$?
	trap - EXIT
	if [[ "${DEVOPSCTL_SKIP_DOCKER:-}" == 1 ]]; then
		exit "$status"
	fi
	local filter=label=io.devopsctl.managed=true left=0 what
	for what in container network volume image; do
		local ids
		case $what in
		container) ids=$(docker ps -aq --filter "$filter") ;;
		network) ids=$(docker network ls -q --filter "$filter") ;;
		volume) ids=$(docker volume ls -q --filter "$filter") ;;
		image) ids=$(built_images) ;;
		esac
		if [[ -n "$ids" ]]; then
			left=1
			echo "test.sh: ${what}s labelled io.devopsctl.managed=true were left on the engine:" >&2
			case $what in
			container) docker ps -a --filter "$filter" >&2 ;;
			network) docker network ls --filter "$filter" >&2 ;;
			volume) docker volume ls --filter "$filter" >&2 ;;
			image) docker image inspect --format '{{.ID}} {{.RepoTags}} {{json .Config.Labels}}' $ids >&2 ;;
			esac
		fi
	done
	if [[ $left == 1 ]]; then
		echo "test.sh: a test did not remove what it made: remove it in the test (testenv.CleanupImages, docker.Cleanup)." >&2
		if [[ $status == 0 ]]; then
			status=1
		fi
	else
		echo "== engine clean: no labelled containers, networks, volumes or images left"
	fi
	exit "$status"
}
trap engine_clean EXIT

# built_images lists the labelled images a test built, leaving out base images
# that offline-images.sh marked as fixtures.
built_images() {
	local id
	for id in $(docker images -aq --no-trunc --filter label=io.devopsctl.managed=true | sort -u); do
		if [[ $(docker image inspect --format '{{index .Config.Labels "io.devopsctl.fixture"}}' "$id" 2>/dev/null) != true ]]; then
			echo "$id"
		fi
	done
}

echo "== go vet"
go vet ./...
echo "== go test"
# Two packages at a time: packages that build the same lab images at once
# can race on the engine's shared build cache (one removes an image whose
# parents another build is using), so they are not all run together.
go test -count=1 -p 2 -timeout 30m "$@" ./...
echo "== go fuzz"
./scripts/fuzz.sh
