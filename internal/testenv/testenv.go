// Package testenv gives tests the real Docker engine, or a loud skip when the
// run asked for none, and checks that tests leave nothing behind on it.
package testenv

import (
	"context"
	"fmt"
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
// are still on the engine. Other runs of the same test on the engine carry the
// same lab label: where the test has its own workspace, use NoLeftoversIn.
func NoLeftovers(t testing.TB, e docker.Engine, lab string) {
	t.Helper()
	NoLeftoversIn(t, e, docker.LabMatch(lab))
}

// NoLeftoversIn fails the test if containers, networks or volumes carrying
// every label in match are still on the engine.
func NoLeftoversIn(t testing.TB, e docker.Engine, match map[string]string) {
	t.Helper()
	res, err := e.ListManaged(context.Background(), match)
	if err != nil {
		t.Fatalf("list managed resources: %v", err)
	}
	if len(res.Containers)+len(res.Networks)+len(res.Volumes) > 0 {
		t.Errorf("left on the engine for %v: %d containers, %d networks, %d volumes", match, len(res.Containers), len(res.Networks), len(res.Volumes))
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

// WorkspaceMatch matches what devopsctl made for one workspace. A test's
// workspace is its own temporary folder, so this scope never reaches the
// resources of other tests running on the same engine.
func WorkspaceMatch(dir string) map[string]string {
	return map[string]string{docker.LabelWorkspace: dir}
}

// CleanupImages removes, when the test ends, every image devopsctl built that
// carries all the labels in match, and then fails the test if any is left.
// Removing an image by ID also removes the untagged parents the classic builder
// committed for its steps, unless another image still builds on them; images
// whose tag a rebuild moved on keep their labels, so they are found too. match
// must name labels only this test's images carry (its workspace, its run):
// a lab's label alone would reach other tests' images.
func CleanupImages(t testing.TB, e docker.Engine, match map[string]string) {
	t.Helper()
	if match[docker.LabelWorkspace] == "" && match[docker.LabelRun] == "" {
		t.Fatalf("CleanupImages needs a workspace or run label to scope it, got %v", match)
	}
	t.Cleanup(func() {
		if err := RemoveImages(e, match); err != nil {
			t.Errorf("clean up images labelled %v: %v", match, err)
		}
	})
}

// RemoveImages removes the labelled images matching match, with their
// containers, networks and volumes. An image the engine will not remove yet
// because a younger matching image builds on it goes in a later round, once
// that one is gone.
func RemoveImages(e docker.Engine, match map[string]string) error {
	var lastErr error
	for round := 0; round < 5; round++ {
		res, err := docker.CleanMatching(e, match)
		if err == nil && res.Empty() {
			return nil
		}
		lastErr = err
	}
	left, err := e.ListManaged(context.Background(), match)
	if err != nil {
		return fmt.Errorf("list what is left: %w", err)
	}
	if !left.Empty() {
		return fmt.Errorf("%d images, %d containers still there after 5 rounds: %w", len(left.Images), len(left.Containers), lastErr)
	}
	return nil
}
