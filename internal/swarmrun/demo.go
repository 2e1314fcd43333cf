// Package swarmrun performs real rolling updates on Docker Swarm and records what a
// steady stream of clients saw, second by second, so that a simulated rollout can be
// held against the real thing.
//
// The demo service is built on the engine, so that devopsctl needs no Go toolchain:
// its source (demoapp/main.go, standard library only) is compiled in a golang:1.26
// build stage, the offline base image the labs use, and the static binary is
// packaged FROM scratch. The build stage is the same for every version, so the
// engine's build cache compiles it once.
package swarmrun

import (
	"archive/tar"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

//go:embed demoapp/main.go
var demoSource []byte

// ImageRepo is the repository the demo versions are tagged under.
const ImageRepo = "devopsctl-demo"

// BuildBase is the image the demo is compiled in.
const BuildBase = "golang:1.26"

// LabelVersion names the demo version a task runs.
const LabelVersion = "io.devopsctl.demo-version"

// Versions the demo ships in. v3 is the broken release.
const (
	V1 = "v1"
	V2 = "v2"
	V3 = "v3"
)

// Bad modes of v3.
const (
	BadCrash  = "crash"  // exits half a second after starting
	BadErrors = "errors" // runs, but answers 500 to four requests in five
)

// ImageTag is the tag of one demo version.
func ImageTag(version string) string { return ImageRepo + ":" + version }

// demoGoMod makes the source a module of its own; the floor is the release that
// brought method patterns to ServeMux.
const demoGoMod = "module demoapp\n\ngo 1.22\n"

// dockerfile is the recipe of one demo version. The build stage does not depend on
// the version, so every version after the first reuses its cached layers; the final
// stage has as few instructions as can be, since each costs the classic builder a
// container commit. The binary serves when given no arguments, and the service sets
// the user.
func dockerfile(version string) string {
	env := "VERSION=" + version
	if version == V3 {
		env += " BAD_MODE=" + BadCrash
	}
	return "FROM " + BuildBase + " AS build\n" +
		"WORKDIR /src\n" +
		"COPY go.mod main.go ./\n" +
		"RUN CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS= go build -trimpath -ldflags='-s -w' -o /demoapp .\n" +
		"FROM scratch\n" +
		"COPY --from=build /demoapp /demoapp\n" +
		"ENV " + env + "\n" +
		"ENTRYPOINT [\"/demoapp\"]\n"
}

// contextTime is the modification time of every file in the build context: fixed,
// so that the same source always makes the same context and the cache holds.
var contextTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// buildContext is the in-memory tar the engine builds one version from.
func buildContext(version string) (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	entries := []struct {
		name string
		data []byte
	}{
		{"Dockerfile", []byte(dockerfile(version))},
		{"go.mod", []byte(demoGoMod)},
		{"main.go", demoSource},
	}
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.data)), ModTime: contextTime, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("pack %s: %w", e.name, err)
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, fmt.Errorf("pack %s: %w", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("pack build context: %w", err)
	}
	return &buf, nil
}

// ErrNoBuildBase says the engine lacks the image the demo is compiled in.
var ErrNoBuildBase = errors.New("the demo service is compiled in the base image " + BuildBase +
	", which this Docker engine does not have and cannot pull without a registry: make it with scripts/offline-images.sh (or `docker pull " + BuildBase + "` where a registry is reachable), then try again")

// BuildImages builds the given demo versions on the engine, tagged
// ImageTag(version) and carrying labels, and returns the tags it built.
func BuildImages(ctx context.Context, eng docker.Engine, labels map[string]string, versions []string, progress io.Writer) ([]string, error) {
	if _, err := eng.InspectImage(ctx, BuildBase); err != nil {
		if errors.Is(err, docker.ErrNotFound) {
			return nil, ErrNoBuildBase
		}
		return nil, fmt.Errorf("look for the build image %s: %w", BuildBase, err)
	}
	var built []string
	for _, v := range versions {
		bctx, err := buildContext(v)
		if err != nil {
			return built, err
		}
		imgLabels := map[string]string{LabelVersion: v}
		for k, val := range labels {
			imgLabels[k] = val
		}
		tag := ImageTag(v)
		if _, err := eng.Build(ctx, docker.BuildRequest{
			Context:    bctx,
			Dockerfile: "Dockerfile",
			Tag:        tag,
			Labels:     imgLabels,
			// The compiler needs room for net/http and crypto/tls on a cold cache.
			Memory: 1 << 30,
			CPUs:   1,
		}, progress); err != nil {
			return built, fmt.Errorf("build image %s: %w", tag, err)
		}
		built = append(built, tag)
	}
	return built, nil
}
