// Package swarmrun performs real rolling updates on Docker Swarm and records what a
// steady stream of clients saw, second by second, so that a simulated rollout can be
// held against the real thing.
//
// The demo service is built on the host: its source (demoapp/main.go, standard
// library only) is compiled with the local Go toolchain (CGO_ENABLED=0) and packaged
// FROM scratch, so no base image and no registry are needed.
package swarmrun

import (
	"archive/tar"
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

//go:embed demoapp/main.go
var demoSource []byte

// ImageRepo is the repository the demo versions are tagged under.
const ImageRepo = "devopsctl-demo"

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

// binary caches the compiled demo: its source is fixed for the life of the process.
var binary struct {
	sync.Mutex
	data []byte
}

// demoBinary returns the compiled demo, compiling it on first use.
func demoBinary(ctx context.Context) ([]byte, error) {
	binary.Lock()
	defer binary.Unlock()
	if binary.data == nil {
		bin, err := buildBinary(ctx)
		if err != nil {
			return nil, err
		}
		binary.data = bin
	}
	return binary.data, nil
}

// buildBinary compiles the demo for Linux on the engine's architecture (the local
// engine runs on this machine, so that is ours) in a scratch module of its own.
func buildBinary(ctx context.Context) ([]byte, error) {
	goTool, err := findGo()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "devopsctl-demo-*")
	if err != nil {
		return nil, fmt.Errorf("make a build directory for the demo service: %w", err)
	}
	defer os.RemoveAll(dir)
	files := map[string][]byte{
		"main.go": demoSource,
		// The floor is the release that brought method patterns to ServeMux.
		"go.mod": []byte("module demoapp\n\ngo 1.22\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return nil, fmt.Errorf("write demo source: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", "demoapp", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH, "GOTOOLCHAIN=local", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("build the demo service: %w", ctx.Err())
		}
		return nil, fmt.Errorf("build the demo service with %s: %v\n%s", goTool, err, strings.TrimSpace(string(out)))
	}
	bin, err := os.ReadFile(filepath.Join(dir, "demoapp"))
	if err != nil {
		return nil, fmt.Errorf("read the built demo service: %w", err)
	}
	return bin, nil
}

func findGo() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	for _, p := range []string{filepath.Join(runtime.GOROOT(), "bin", "go"), "/usr/local/go/bin/go"} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("the demo service is built with the Go toolchain, and no `go` was found: install Go 1.22 or later and put it on PATH")
}

// dockerfile is the recipe of one demo version. Every instruction costs the
// classic builder a container commit, so there are as few as can be: the binary
// serves when given no arguments, and the service sets the user.
func dockerfile(version string) string {
	env := "VERSION=" + version
	if version == V3 {
		env += " BAD_MODE=" + BadCrash
	}
	return "FROM scratch\nCOPY demoapp /demoapp\nENV " + env + "\nENTRYPOINT [\"/demoapp\"]\n"
}

// buildContext is the in-memory tar the engine builds one version from.
func buildContext(version string, bin []byte) (io.Reader, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now()
	entries := []struct {
		name string
		mode int64
		data []byte
	}{
		{"Dockerfile", 0o644, []byte(dockerfile(version))},
		{"demoapp", 0o755, bin},
	}
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.data)), ModTime: now, Typeflag: tar.TypeReg}
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

// BuildImages builds the given demo versions, tagged ImageTag(version) and carrying
// labels, and returns the tags it built.
func BuildImages(ctx context.Context, eng docker.Engine, labels map[string]string, versions []string, progress io.Writer) ([]string, error) {
	bin, err := demoBinary(ctx)
	if err != nil {
		return nil, err
	}
	var built []string
	for _, v := range versions {
		bctx, err := buildContext(v, bin)
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
			Memory:     256 << 20,
			CPUs:       1,
		}, progress); err != nil {
			return built, fmt.Errorf("build image %s: %w", tag, err)
		}
		built = append(built, tag)
	}
	return built, nil
}
