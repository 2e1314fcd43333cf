package app_test

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs/labtest"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// runChecks runs `devopsctl check` once per workspace in dirs, all at once, and
// returns each run's exit code and output.
func runChecks(t *testing.T, bin string, dirs []string) ([]int, []string) {
	t.Helper()
	codes, outs := make([]int, len(dirs)), make([]string, len(dirs))
	var wg sync.WaitGroup
	for i, dir := range dirs {
		wg.Go(func() {
			cmd := exec.Command(bin, "check", "--dir", dir)
			cmd.Env = append(os.Environ(), "DEVOPSCTL_HOME="+t.TempDir(), "NO_COLOR=1")
			out, _ := cmd.CombinedOutput()
			codes[i], outs[i] = cmd.ProcessState.ExitCode(), string(out)
		})
	}
	wg.Wait()
	return codes, outs
}

// TestParallelChecksOfOneWorkspace runs five checks of one solved workspace at
// once: they take turns, and each sees its own container through to the end.
func TestParallelChecksOfOneWorkspace(t *testing.T) {
	eng := testenv.Engine(t)
	bin := buildBinary(t)
	ws := labtest.Workspace(t, labtest.ShippedLab(t, "dockerfile"), true)
	t.Cleanup(func() { docker.CleanWorkspace(eng, ws) })
	codes, outs := runChecks(t, bin, []string{ws, ws, ws, ws, ws})
	for i, code := range codes {
		if code != 0 {
			t.Errorf("run %d exited %d:\n%s", i, code, outs[i])
		}
	}
	assertWorkspaceClean(t, eng, ws)
}

// TestParallelChecksOfThreeWorkspaces checks three solved workspaces at once.
func TestParallelChecksOfThreeWorkspaces(t *testing.T) {
	eng := testenv.Engine(t)
	bin := buildBinary(t)
	lab := labtest.ShippedLab(t, "dockerfile")
	var dirs []string
	for range 3 {
		ws := labtest.Workspace(t, lab, true)
		t.Cleanup(func() { docker.CleanWorkspace(eng, ws) })
		dirs = append(dirs, ws)
	}
	codes, outs := runChecks(t, bin, dirs)
	for i, code := range codes {
		if code != 0 {
			t.Errorf("workspace %d exited %d:\n%s", i, code, outs[i])
		}
	}
	for _, ws := range dirs {
		assertWorkspaceClean(t, eng, ws)
	}
}

// assertWorkspaceClean fails if a container, network or volume of the workspace
// is still on the engine.
func assertWorkspaceClean(t *testing.T, eng docker.Engine, ws string) {
	t.Helper()
	res, err := eng.ListManaged(t.Context(), map[string]string{docker.LabelWorkspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Containers) + len(res.Networks) + len(res.Volumes); n > 0 {
		t.Errorf("%s left on the engine: %s", ws, fmt.Sprint(res.Containers, res.Networks, res.Volumes))
	}
}
