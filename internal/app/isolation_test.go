package app_test

import (
	"cmp"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs/labtest"
	"github.com/devopsctl/devopsctl/internal/testenv"
	"github.com/devopsctl/devopsctl/internal/watchdog"
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
	t.Parallel()
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
	t.Parallel()
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

// holdPack is an instructor pack whose one lab runs the workspace's image and
// waits a minute for it to answer.
func holdPack(t *testing.T) string {
	t.Helper()
	pack := t.TempDir()
	files := map[string]string{
		"hold/lab.yaml": `id: hold
title: A container that never answers
summary: The check waits for it.
difficulty: beginner
minutes: 1
checks:
  - id: build
    title: The image builds
    kind: image_build
  - id: serve
    title: The container answers
    kind: container_http
    needs: [build]
    with:
      startup: 60s
      body: ready
`,
		"hold/README.md":      "# Hold\n",
		"hold/starter/.keep":  "",
		"hold/solution/.keep": "",
	}
	for name, body := range files {
		p := filepath.Join(pack, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return pack
}

// TestKilledCheckIsReaped kills a check with SIGKILL while its container runs:
// the container outlives it, and the next devopsctl command, whatever it is,
// removes it.
func TestKilledCheckIsReaped(t *testing.T) {
	t.Parallel()
	eng := testenv.Engine(t)
	bin := buildBinary(t)
	ws := filepath.Join(t.TempDir(), "ws")
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, "Dockerfile"), []byte("FROM busybox:1.36\nCMD [\"sleep\", \"300\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docker.CleanWorkspace(eng, ws) })
	env := append(os.Environ(), "DEVOPSCTL_HOME="+t.TempDir(), "NO_COLOR=1")

	cmd := exec.Command(bin, "check", "hold", "--dir", ws, "--labs", holdPack(t))
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The app container, not a build step's: only it carries the run label.
	waitFor(t, 2*time.Minute, "the check's container to run", func() bool {
		res, err := eng.ListManaged(t.Context(), map[string]string{docker.LabelWorkspace: ws})
		if err != nil {
			t.Fatal(err)
		}
		for _, labels := range res.ContainerLabels {
			if labels[docker.LabelRun] != "" {
				return true
			}
		}
		return false
	})
	cmd.Process.Kill()
	cmd.Wait()
	if left := workspaceContainers(t, eng, ws); len(left) == 0 {
		t.Fatal("the container went with its check; nothing was left to reap")
	}

	list := exec.Command(bin, "lab", "list")
	list.Env = env
	if out, err := list.CombinedOutput(); err != nil {
		t.Fatalf("lab list: %v\n%s", err, out)
	}
	if left := workspaceContainers(t, eng, ws); len(left) > 0 {
		t.Errorf("after the next command, the killed check's containers are still there: %v", left)
	}
}

func workspaceContainers(t *testing.T, eng docker.Engine, ws string) []string {
	t.Helper()
	res, err := eng.ListManaged(t.Context(), map[string]string{docker.LabelWorkspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	return res.Containers
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", limit, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestCleanOneWorkspaceDuringAnothersCheck runs lab clean in one workspace
// while a check of another is waiting for its container to answer: the check
// still passes.
func TestCleanOneWorkspaceDuringAnothersCheck(t *testing.T) {
	t.Parallel()
	eng := testenv.Engine(t)
	bin := buildBinary(t)
	pack := holdPack(t)
	env := append(os.Environ(), "DEVOPSCTL_HOME="+t.TempDir(), "NO_COLOR=1")
	mk := func(dockerfile string) string {
		ws := filepath.Join(t.TempDir(), "ws")
		if err := os.MkdirAll(ws, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ws, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { docker.CleanWorkspace(eng, ws) })
		return ws
	}
	// The server starts a few seconds late, so the clean lands while the check waits.
	slow := mk("FROM busybox:1.36\nRUN mkdir /www && echo ready > /www/index.html\nCMD [\"sh\", \"-c\", \"sleep 4; exec httpd -f -p 8080 -h /www\"]\n")
	other := mk("FROM busybox:1.36\nRUN mkdir /www && echo ready > /www/index.html\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n")

	first := exec.Command(bin, "check", "hold", "--dir", other, "--labs", pack)
	first.Env = env
	first.Run() // leaves an image of the other workspace to clean

	cmd := exec.Command(bin, "check", "hold", "--dir", slow, "--labs", pack)
	cmd.Env = env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 2*time.Minute, "the check's container to run", func() bool {
		res, err := eng.ListManaged(t.Context(), map[string]string{docker.LabelWorkspace: slow, docker.LabelManaged: "true"})
		if err != nil {
			t.Fatal(err)
		}
		for _, labels := range res.ContainerLabels {
			if labels[docker.LabelRun] != "" {
				return true
			}
		}
		return false
	})
	clean := exec.Command(bin, "lab", "clean", "--dir", other)
	clean.Env = env
	cleanOut, err := clean.CombinedOutput()
	if err != nil || !strings.Contains(string(cleanOut), "for "+other) {
		t.Fatalf("lab clean --dir: %v\n%s", err, cleanOut)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the check beside the clean: %v\n%s", err, out.String())
	}
	if imgs, _ := eng.ListManaged(t.Context(), map[string]string{docker.LabelWorkspace: other}); len(imgs.Images) > 0 {
		t.Errorf("lab clean --dir %s left its images: %v", other, imgs.Images)
	}
}

// TestKilledCheckEndsWithItsLease kills a check with SIGKILL while its
// container runs, and runs no other devopsctl command: the watch the check
// started beside itself removes the container when its (shortened) lease
// ends, then exits.
func TestKilledCheckEndsWithItsLease(t *testing.T) {
	t.Parallel()
	eng := testenv.Engine(t)
	bin := buildBinary(t)
	ws := filepath.Join(t.TempDir(), "ws")
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, "Dockerfile"), []byte("FROM busybox:1.36\nCMD [\"sleep\", \"300\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docker.CleanWorkspace(eng, ws) })
	const lease = 15 * time.Second
	cmd := exec.Command(bin, "check", "hold", "--dir", ws, "--labs", holdPack(t))
	cmd.Env = append(os.Environ(), "DEVOPSCTL_HOME="+t.TempDir(), "NO_COLOR=1", docker.LeaseEnv+"="+lease.String())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var run string
	waitFor(t, 2*time.Minute, "the check's container to run", func() bool {
		res, err := eng.ListManaged(t.Context(), map[string]string{docker.LabelWorkspace: ws})
		if err != nil {
			t.Fatal(err)
		}
		for _, labels := range res.ContainerLabels {
			run = cmp.Or(run, labels[docker.LabelRun])
		}
		return run != ""
	})
	cmd.Process.Kill()
	cmd.Wait()
	killed := time.Now()
	watch := watchProcess(run)
	if watch == 0 {
		t.Fatalf("no watch process runs for run %s", run)
	}
	waitFor(t, lease+time.Minute, "the container to go at the end of its lease", func() bool {
		return len(workspaceContainers(t, eng, ws)) == 0
	})
	t.Logf("the container went %.1fs after its check was killed (lease %s)", time.Since(killed).Seconds(), lease)
	waitFor(t, docker.WatchPoll+30*time.Second, "the watch to exit", func() bool {
		return watchProcess(run) == 0
	})
	assertWorkspaceClean(t, eng, ws)
}

// watchProcess is the pid of the watch process of run, 0 when there is none.
func watchProcess(run string) int {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		args := strings.Split(string(b), "\x00")
		if slices.Contains(args, watchdog.Command) && slices.Contains(args, run) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			return pid
		}
	}
	return 0
}
