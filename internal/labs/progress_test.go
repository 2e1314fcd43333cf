package labs

import (
	"encoding/json"
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

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/state"
)

// The test binary doubles as a `check` process: with LABS_TEST_RECORD set to a
// workspace it records one run there in the progress file LABS_TEST_STORE.
func TestMain(m *testing.M) {
	if dir := os.Getenv("LABS_TEST_RECORD"); dir != "" {
		s := &Store{Path: os.Getenv("LABS_TEST_STORE")}
		for {
			if err := s.UpdateWorkspace("demo", dir, func(lp *LabProgress) { lp.Record(&Report{Lab: "demo", Dir: dir}) }); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			if os.Getenv("LABS_TEST_LOOP") == "" {
				os.Exit(0)
			}
		}
	}
	os.Exit(m.Run())
}

func scaffolded(t *testing.T) *Workspace {
	t.Helper()
	ws, err := Scaffold(testLab(t), filepath.Join(t.TempDir(), "ws"), false)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func record(t *testing.T, s *Store, dir string, passed bool) error {
	t.Helper()
	status := checks.Fail
	if passed {
		status = checks.Pass
	}
	return s.UpdateWorkspace("demo", dir, func(lp *LabProgress) {
		lp.Record(&Report{Lab: "demo", Dir: dir, Passed: passed, Checks: []CheckResult{{ID: "has-a", Status: status}}})
	})
}

func TestProgressIsKeptPerWorkspace(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	mine, other := scaffolded(t), scaffolded(t)
	if mine.Marker.ID == "" || mine.Marker.ID == other.Marker.ID {
		t.Fatalf("workspace ids %q and %q, want two different ones", mine.Marker.ID, other.Marker.ID)
	}
	if err := record(t, s, mine.Dir, true); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(s.Path)
	// A folder that is not a workspace of the lab leaves every record alone.
	for _, dir := range []string{t.TempDir(), filepath.Join(mine.Dir, "sub")} {
		if err := record(t, s, dir, false); !errors.Is(err, ErrNotWorkspaceOf) {
			t.Errorf("recording for %s: %v, want ErrNotWorkspaceOf", dir, err)
		}
	}
	if after, _ := os.ReadFile(s.Path); string(after) != string(before) {
		t.Errorf("a check of another folder changed the progress file:\n%s", after)
	}
	if err := record(t, s, other.Dir, false); err != nil {
		t.Fatal(err)
	}
	p, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.For("demo", mine); got.Status() != "passed" || got.Runs != 1 || got.Dir != mine.Dir {
		t.Errorf("my workspace's record = %+v, want passed after 1 run in %s", got, mine.Dir)
	}
	if got := p.For("demo", other); got.Status() != "in progress" || got.Runs != 1 {
		t.Errorf("the other workspace's record = %+v, want in progress after 1 run", got)
	}
	if got := p.For("demo", nil); got.Dir != other.Dir {
		t.Errorf("the lab's latest record is for %s, want the last one checked, %s", got.Dir, other.Dir)
	}
}

// oldWorkspace is a workspace made by a devopsctl whose markers had no id.
func oldWorkspace(t *testing.T) string {
	t.Helper()
	ws := scaffolded(t)
	marker := `{"lab": "demo", "source": "embedded", "created": "2025-01-01T00:00:00Z", "version": 1}`
	if err := os.WriteFile(filepath.Join(ws.Dir, MarkerPath), []byte(marker), 0o644); err != nil {
		t.Fatal(err)
	}
	return ws.Dir
}

func TestVersion1ProgressIsMigrated(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	dir := oldWorkspace(t)
	v1 := fmt.Sprintf(`{"version": 1, "labs": {
  "demo": {"dir": %q, "started_at": "2025-01-01T00:00:00Z", "runs": 4, "hints_seen": 2, "hint_check": "has-a"},
  "env-vars": {"dir": "/elsewhere", "started_at": "2025-01-01T00:00:00Z", "runs": 1}}}`, dir)
	if err := os.WriteFile(s.Path, []byte(v1), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	ws, _ := OpenWorkspace(dir)
	if got := p.For("demo", ws); got == nil || got.Runs != 4 || got.HintsSeen != 2 {
		t.Fatalf("an old workspace reads its version 1 record as %+v", got)
	}
	if p.Labs["env-vars"].Status() != "in progress" {
		t.Errorf("another lab's version 1 record is lost: %+v", p.Labs)
	}
	if err := record(t, s, dir, false); err != nil {
		t.Fatal(err)
	}
	ws, _ = OpenWorkspace(dir)
	if ws.Marker.ID == "" {
		t.Fatal("the old workspace was given no id on its first write")
	}
	p, err = s.Load()
	if err != nil {
		t.Fatal(err)
	}
	got := p.Workspaces[ws.Marker.ID]
	if got == nil || got.Runs != 5 || got.HintsSeen != 2 {
		t.Errorf("the migrated record = %+v, want the 4 old runs plus this one", got)
	}
	if _, ok := p.Legacy["demo"]; ok {
		t.Error("the version 1 record of the lab was kept beside its workspace's")
	}
	if p.Legacy["env-vars"] == nil {
		t.Error("the version 1 record of a lab without a workspace here was dropped")
	}
}

func TestNewerProgressIsRefusedAndKept(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	newer := `{"version": 3, "learners": {}}`
	os.WriteFile(s.Path, []byte(newer), 0o644)
	_, lerr := s.Load()
	werr := record(t, s, scaffolded(t).Dir, true)
	for _, err := range []error{lerr, werr} {
		var ve *state.VersionError
		if !errors.As(err, &ve) || ve.Version != 3 || !strings.Contains(err.Error(), "newer devopsctl") {
			t.Errorf("err = %v, want a *state.VersionError naming version 3", err)
		}
	}
	if data, _ := os.ReadFile(s.Path); string(data) != newer {
		t.Errorf("the newer progress file was changed to %q", data)
	}
}

func TestParseProgressRepairsImpossibleValues(t *testing.T) {
	p, err := ParseProgress([]byte(`{"version": 2, "workspaces": {"a": {"lab": "demo", "hints_seen": -5, "runs": -1}, "b": null}}`))
	if err != nil {
		t.Fatal(err)
	}
	if lp := p.Workspaces["a"]; lp.HintsSeen != 0 || lp.Runs != 0 {
		t.Errorf("negative counts kept: %+v", lp)
	}
	if _, ok := p.Workspaces["b"]; ok {
		t.Error("a null record was kept")
	}
	for _, bad := range []string{`{"version": 1, "workspaces": {"a": {}}}`, `[]`, `{"version": "2"}`} {
		if _, err := ParseProgress([]byte(bad)); err == nil {
			t.Errorf("ParseProgress(%s) accepted it", bad)
		}
	}
}

func TestParallelWritersKeepEveryUpdate(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	// An old workspace, so that the writers also race to give it its id.
	dir := oldWorkspace(t)
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		if i%2 == 0 {
			wg.Go(func() {
				if err := record(t, s, dir, false); err != nil {
					t.Error(err)
				}
			})
			continue
		}
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "LABS_TEST_RECORD="+dir, "LABS_TEST_STORE="+s.Path)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("writer process: %v\n%s", err, out)
			}
		})
	}
	wg.Wait()
	p, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Workspaces) != 1 {
		data, _ := json.MarshalIndent(p.Workspaces, "", " ")
		t.Fatalf("one workspace got %d records (ids assigned twice?):\n%s", len(p.Workspaces), data)
	}
	ws, _ := OpenWorkspace(dir)
	if got := p.Workspaces[ws.Marker.ID]; got == nil || got.Runs != n {
		t.Errorf("the record has %+v, want %d runs", got, n)
	}
}

func TestKilledWritersNeverDamageProgress(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	dir := oldWorkspace(t)
	runs := func() int {
		t.Helper()
		p, err := s.Load()
		if err != nil {
			t.Fatalf("after a kill: %v", err)
		}
		if lp := p.For("demo", nil); lp != nil {
			return lp.Runs
		}
		return 0
	}
	for range 10 {
		before := runs()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "LABS_TEST_RECORD="+dir, "LABS_TEST_STORE="+s.Path, "LABS_TEST_LOOP=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it mid-stream, once it has written at least once more.
		deadline := time.Now().Add(30 * time.Second)
		for runs() <= before {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatal("the writer wrote nothing in 30s")
			}
			time.Sleep(time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	ws, err := OpenWorkspace(dir)
	if err != nil || ws.Marker.ID == "" {
		t.Fatalf("the marker after the kills: %+v, %v", ws, err)
	}
	if left, _ := filepath.Glob(s.Path + ".corrupt-*"); len(left) > 0 {
		t.Errorf("a killed write left a damaged file: %v", left)
	}
}

func TestAtIsTheWorkspaceInUse(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "progress.json")}
	mine, other := scaffolded(t), scaffolded(t)
	record(t, s, mine.Dir, true)
	record(t, s, other.Dir, false)
	p, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.At("demo", mine.Dir); got.Status() != "passed" || p.Labs["demo"] != got {
		t.Errorf("At(mine) = %+v, and Labs does not point at it", got)
	}
	fresh := p.At("demo", "/new")
	if fresh.Runs != 0 || fresh.Dir != "/new" || p.Labs["demo"] != fresh {
		t.Errorf("At(new folder) = %+v", fresh)
	}
	if again := p.At("demo", "/new"); again != fresh {
		t.Error("At made a second record for the same folder")
	}
}
