// Package testenv gives tests the real Docker engine, or a loud skip when the
// run asked for none, and checks that tests leave nothing behind on it.
package testenv

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// SkipEnv, set to 1, skips the tests that need a Docker engine.
const SkipEnv = "DEVOPSCTL_SKIP_DOCKER"

// Engine returns a reachable engine. Without one the test fails, unless
// DEVOPSCTL_SKIP_DOCKER=1 asked to skip engine tests, which is said loudly.
func Engine(t testing.TB) *docker.Client {
	t.Helper()
	if os.Getenv(SkipEnv) == "1" {
		t.Skipf("SKIPPED: %s=1, so this test does not run on the Docker engine", SkipEnv)
	}
	c, err := docker.New()
	if err != nil {
		t.Fatalf("docker client: %v (set %s=1 to skip engine tests)", err, SkipEnv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.Ping(ctx); err != nil {
		t.Fatalf("no Docker engine: %v (set %s=1 to skip engine tests)", err, SkipEnv)
	}
	return c
}

// NoLeftovers fails the test if containers, networks or volumes labelled for lab
// are still on the engine.
func NoLeftovers(t testing.TB, e docker.Engine, lab string) {
	t.Helper()
	res, err := e.ListManaged(context.Background(), docker.LabMatch(lab))
	if err != nil {
		t.Fatalf("list managed resources: %v", err)
	}
	if len(res.Containers)+len(res.Networks)+len(res.Volumes) > 0 {
		t.Errorf("left on the engine for lab %q: %d containers, %d networks, %d volumes", lab, len(res.Containers), len(res.Networks), len(res.Volumes))
	}
}

var (
	serverOnce sync.Once
	serverPath string
	serverErr  error
)

// ServerBinary builds the static test server once per test process and returns
// its path.
func ServerBinary(t testing.TB) string {
	t.Helper()
	serverOnce.Do(func() {
		dir, err := os.MkdirTemp("", "devopsctl-testserver-")
		if err != nil {
			serverErr = err
			return
		}
		serverPath = filepath.Join(dir, "server")
		_, file, _, _ := runtime.Caller(0)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", serverPath, ".")
		cmd.Dir = filepath.Join(filepath.Dir(file), "testserver")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			serverErr = &buildErr{out: string(out), err: err}
		}
	})
	if serverErr != nil {
		t.Fatalf("build test server: %v", serverErr)
	}
	return serverPath
}

type buildErr struct {
	out string
	err error
}

func (e *buildErr) Error() string { return e.err.Error() + ": " + e.out }

// ServerWorkspace makes a workspace holding the test server and the given
// Dockerfile.
func ServerWorkspace(t testing.TB, dockerfile string) string {
	t.Helper()
	dir := t.TempDir()
	bin, err := os.ReadFile(ServerBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "server"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// NoLeftoversIn is NoLeftovers for the resources of one workspace, for tests
// whose lab label other tests on the same engine may also use.
func NoLeftoversIn(t testing.TB, e docker.Engine, workspace string) {
	t.Helper()
	res, err := e.ListManaged(context.Background(), map[string]string{docker.LabelWorkspace: workspace})
	if err != nil {
		t.Fatalf("list managed resources: %v", err)
	}
	if len(res.Containers)+len(res.Networks)+len(res.Volumes) > 0 {
		t.Errorf("left on the engine for workspace %s: %d containers, %d networks, %d volumes", workspace, len(res.Containers), len(res.Networks), len(res.Volumes))
	}
}
