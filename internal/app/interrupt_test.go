package app_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// buildBinary builds devopsctl once for the tests that drive it as a process.
func buildBinary(t *testing.T) string {
	t.Helper()
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "devopsctl-app-test-")
		if err != nil {
			builtErr = err
			return
		}
		builtBin = filepath.Join(dir, "devopsctl")
		out, err := exec.Command("go", "build", "-o", builtBin, "../../cmd/devopsctl").CombinedOutput()
		if err != nil {
			builtErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if builtErr != nil {
		t.Fatalf("build devopsctl: %v", builtErr)
	}
	return builtBin
}

// The tests that run the real binary share one build of it; TestMain removes it.
var (
	builtOnce sync.Once
	builtBin  string
	builtErr  error
)

// TestInterruptMidBuild sends SIGINT while the engine runs a slow build step and
// expects exit 130 and nothing left on the engine: no labelled resource and no
// build step container.
func TestInterruptMidBuild(t *testing.T) {
	t.Parallel()
	eng := testenv.Engine(t)
	bin := buildBinary(t)
	home, ws := t.TempDir(), filepath.Join(t.TempDir(), "ws")
	testenv.CleanupImages(t, eng, testenv.WorkspaceMatch(ws))
	env := append(os.Environ(), "DEVOPSCTL_HOME="+home, "NO_COLOR=1")

	start := exec.Command(bin, "lab", "start", "dockerfile", "--dir", ws, "--no-tui")
	start.Env = env
	if out, err := start.CombinedOutput(); err != nil {
		t.Fatalf("lab start: %v\n%s", err, out)
	}
	const marker = "devopsctl-interrupt-test"
	dockerfile := "FROM golang:1.26\nRUN echo " + marker + " && sleep 120\nCMD [\"sh\"]\n"
	if err := os.WriteFile(filepath.Join(ws, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin, "check", "--dir", ws)
	cmd.Env = env
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sawStep := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := false
		for sc.Scan() {
			if !once && strings.Contains(sc.Text(), marker) && !strings.Contains(sc.Text(), "RUN") {
				once = true
				close(sawStep)
			}
		}
	}()
	select {
	case <-sawStep:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("the slow build step never started")
	}
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("after SIGINT: %v, want exit status 130", err)
	}
	if d := time.Since(sent); d > 30*time.Second {
		t.Errorf("took %s to stop after SIGINT", d)
	}
	waitNoStepContainers(t, eng, marker)
	res, err := eng.ListManaged(context.Background(), map[string]string{docker.LabelWorkspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Containers) > 0 {
		t.Errorf("labelled containers of the workspace left: %v", res.Containers)
	}
}

// waitNoStepContainers waits (briefly) until no container runs the marked step:
// the engine removes a cancelled build's step container on its own.
func waitNoStepContainers(t *testing.T, eng *docker.Client, marker string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		all, err := eng.ListAllContainers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var left []string
		for _, c := range all {
			if strings.Contains(c.Command, marker) {
				left = append(left, c.ID[:12]+" ("+c.State+")")
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("build step containers left after the interrupt: %v", left)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
