#!/usr/bin/env bash
# offline-images.sh makes the base images the shipped lab solutions start FROM
# (and the redis image the compose lab runs) available on a machine that cannot
# reach any image registry. It builds them from what is already installed here
# (Debian's static busybox, the local Go toolchain, and miniredis from the Go
# module cache) and labels them io.devopsctl.fixture=true: they are test
# fixtures, not resources devopsctl created, so its janitor leaves them alone.
#
# Usage: scripts/offline-images.sh [--force]
#   --force   rebuild the images even when they already exist
#
# Needs: a running Docker engine, Go 1.26 on PATH (or in /usr/local/go), and
# /bin/busybox from Debian's busybox-static package (installed when missing and
# running as root).
set -euo pipefail

readonly BUSYBOX_TAG="busybox:1.36"
readonly GOLANG_TAG="golang:1.26"
readonly GO_SERIES="go1.26"
readonly REDIS_TAG="redis:7"
# The redis stand-in says what it is, so nobody mistakes it for the real server.
readonly STANDIN_LABEL="io.devopsctl.fixture.standin=miniredis: a Redis-protocol server in memory, not Redis"
readonly FIXTURE_LABEL="io.devopsctl.fixture=true"
readonly BASE_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
readonly GO_PATH_ENV="/usr/local/go/bin:/go/bin:${BASE_PATH}"

force=false
for arg in "$@"; do
	case "$arg" in
	--force) force=true ;;
	-h | --help)
		sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "offline-images: unknown argument '$arg' (try --help)" >&2
		exit 2
		;;
	esac
done

started=$(date +%s)
workdir=$(mktemp -d "${TMPDIR:-/tmp}/offline-images.XXXXXX")
trap 'rm -rf "$workdir"' EXIT

log() { printf 'offline-images: %s\n' "$*"; }
die() {
	printf 'offline-images: %s\n' "$*" >&2
	exit 1
}

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# needed reports whether an image must be (re)built, saying why it is skipped.
needed() {
	if [[ $force == true ]] || ! have_image "$1"; then
		return 0
	fi
	log "$1 is already present, skipping (use --force to rebuild)"
	return 1
}

preflight() {
	command -v docker >/dev/null || die "the docker command is not installed"
	docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
		die "cannot reach the Docker engine: is it running, and may this user use it?"
}

ensure_busybox() {
	if [[ -x /bin/busybox ]]; then
		return
	fi
	if [[ $(id -u) -ne 0 ]]; then
		die "/bin/busybox is missing: install it with 'sudo apt-get install -y busybox-static', or run this script as root"
	fi
	log "installing busybox-static…"
	DEBIAN_FRONTEND=noninteractive apt-get install -y busybox-static >/dev/null ||
		die "could not install busybox-static; try 'apt-get update' first"
	[[ -x /bin/busybox ]] || die "busybox-static is installed but /bin/busybox is missing"
}

# busybox_rootfs lays out a minimal root filesystem in $1: the static busybox,
# a symlink for every applet it provides, two users and a world-writable /tmp.
busybox_rootfs() {
	local root=$1 applet
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,tmp,var/tmp,home}
	cp /bin/busybox "$root/bin/busybox"
	while read -r applet; do
		# linuxrc is for booting a kernel, which a container never does.
		[[ -z $applet || $applet == bin/busybox || $applet == linuxrc ]] && continue
		mkdir -p "$root/$(dirname "$applet")"
		ln -sf /bin/busybox "$root/$applet"
	done < <(/bin/busybox --list-full)
	chmod 1777 "$root/tmp" "$root/var/tmp"
	chmod 0700 "$root/root"
	cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
	cat >"$root/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
EOF
}

# import_rootfs turns the directory $1 into an image tagged $2; the remaining
# arguments are extra --change instructions.
import_rootfs() {
	local root=$1 tag=$2
	shift 2
	local changes=(--change 'CMD ["sh"]' --change "LABEL ${FIXTURE_LABEL}")
	local c
	for c in "$@"; do
		changes+=(--change "$c")
	done
	tar --numeric-owner --owner=0 --group=0 -C "$root" -cf - . |
		docker import "${changes[@]}" - "$tag" >/dev/null
}

build_busybox() {
	needed "$BUSYBOX_TAG" || return 0
	log "building $BUSYBOX_TAG from Debian's busybox-static…"
	ensure_busybox
	local root="$workdir/busybox"
	busybox_rootfs "$root"
	import_rootfs "$root" "$BUSYBOX_TAG" "ENV PATH=${BASE_PATH}"
}

find_go() {
	if command -v go >/dev/null; then
		command -v go
	elif [[ -x /usr/local/go/bin/go ]]; then
		echo /usr/local/go/bin/go
	else
		die "Go is not installed (looked on PATH and in /usr/local/go)"
	fi
}

# copy_goroot copies the toolchain at $1 to $2 without what building programs
# does not need: tests, API lists, docs, the toolchain's own sources.
copy_goroot() {
	local src=$1 dst=$2
	mkdir -p "$dst"
	tar -C "$src" -cf - \
		--exclude=./test --exclude=./api --exclude=./doc --exclude=./misc \
		--exclude=./src/cmd --exclude=testdata --exclude='*_test.go' \
		. | tar -C "$dst" -xf -
	local keep
	for keep in bin/go pkg/tool src/runtime lib go.env VERSION; do
		[[ -e $dst/$keep ]] || die "the Go toolchain at $src has no $keep; is it a complete install?"
	done
}

# A program importing what the labs' app imports: building it once fills the
# image's build cache, so a learner's `go build` only compiles their own file.
readonly WARM_GO='package main

import (
	_ "context"
	_ "errors"
	_ "fmt"
	_ "html/template"
	_ "log"
	_ "net/http"
	_ "os"
	_ "os/signal"
	_ "strings"
	_ "syscall"
	_ "time"
)

func main() {}
'

build_golang() {
	needed "$GOLANG_TAG" || return 0
	local go goroot version
	go=$(find_go)
	goroot=$("$go" env GOROOT)
	version=$("$go" env GOVERSION)
	if [[ $version != "$GO_SERIES" && $version != "$GO_SERIES".* ]]; then
		die "$GOLANG_TAG needs a local ${GO_SERIES}.x toolchain, found $version at $goroot"
	fi
	log "building $GOLANG_TAG from the local Go toolchain ($version at $goroot)…"
	ensure_busybox
	local root="$workdir/golang"
	busybox_rootfs "$root"
	copy_goroot "$goroot" "$root/usr/local/go"
	mkdir -p "$root/go/bin" "$root/go/src" "$root/root/.cache/go-build"
	chmod -R 0777 "$root/go"

	local toolchain="devopsctl-fixture/golang-toolchain:${version#go}"
	import_rootfs "$root" "$toolchain" \
		"ENV PATH=${GO_PATH_ENV}" \
		"ENV GOPATH=/go" \
		"ENV GOTOOLCHAIN=local" \
		"ENV CGO_ENABLED=0" \
		"ENV GOCACHE=/root/.cache/go-build" \
		"WORKDIR /go"

	log "warming the build cache of $GOLANG_TAG for the standard packages the labs use…"
	local ctx="$workdir/warm" t0
	mkdir -p "$ctx"
	printf '%s' "$WARM_GO" >"$ctx/warm.go"
	cat >"$ctx/Dockerfile" <<EOF
FROM ${toolchain}
COPY warm.go /tmp/warm/warm.go
RUN go build -o /dev/null /tmp/warm/warm.go && rm -rf /tmp/warm
EOF
	t0=$(date +%s)
	# The classic builder needs no extra plugin; its deprecation notice is noise
	# here, so stderr is shown only when the build fails.
	if ! DOCKER_BUILDKIT=0 docker build -q --force-rm --label "$FIXTURE_LABEL" -t "$GOLANG_TAG" "$ctx" >/dev/null 2>"$workdir/build.log"; then
		cat "$workdir/build.log" >&2
		die "warming the build cache failed (output above)"
	fi
	log "build cache warmed in $(($(date +%s) - t0))s"
	# The toolchain image stays as the parent layer; only its tag goes.
	docker image rm "$toolchain" >/dev/null
}

# build_redis makes a stand-in for the redis image from scripts/redis-fixture
# (miniredis): one static binary, called redis-server (the command) or
# redis-cli (for `redis-cli ping` health checks), on top of busybox.
build_redis() {
	needed "$REDIS_TAG" || return 0
	local go root
	go=$(find_go)
	log "building $REDIS_TAG as a miniredis stand-in…"
	root="$workdir/redis"
	mkdir -p "$root/bin"
	(cd "$(dirname "$0")/.." && CGO_ENABLED=0 "$go" build -trimpath -ldflags='-s -w' \
		-o "$root/bin/redis-server" ./scripts/redis-fixture) ||
		die "could not build scripts/redis-fixture (is its module in the Go module cache, or the module proxy reachable?)"
	ln "$root/bin/redis-server" "$root/bin/redis-cli"
	printf '%s\n' "FROM ${BUSYBOX_TAG}" 'COPY bin/ /usr/local/bin/' 'USER 65534' 'EXPOSE 6379' 'CMD ["redis-server"]' >"$root/Dockerfile"
	if ! DOCKER_BUILDKIT=0 docker build -q --force-rm --label "$FIXTURE_LABEL" --label "$STANDIN_LABEL" \
		-t "$REDIS_TAG" "$root" >/dev/null 2>"$workdir/redis.log"; then
		cat "$workdir/redis.log" >&2
		die "building $REDIS_TAG failed (output above)"
	fi
}

preflight
build_busybox
build_golang
build_redis
for tag in "$BUSYBOX_TAG" "$GOLANG_TAG" "$REDIS_TAG"; do
	size=$(docker image inspect --format '{{.Size}}' "$tag")
	log "$tag ready ($((size / 1000000)) MB)"
done
log "done in $(($(date +%s) - started))s"
