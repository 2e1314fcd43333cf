package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as a writer process: with STATE_TEST_WRITE set it
// adds its name to the record at STATE_TEST_FILE, once or (with
// STATE_TEST_LOOP) until it is killed.
func TestMain(m *testing.M) {
	if name := os.Getenv("STATE_TEST_WRITE"); name != "" {
		path := os.Getenv("STATE_TEST_FILE")
		for i := 0; ; i++ {
			if err := addWriter(path, fmt.Sprintf("%s-%d", name, i)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			if os.Getenv("STATE_TEST_LOOP") == "" {
				os.Exit(0)
			}
		}
	}
	os.Exit(m.Run())
}

type record struct {
	Version int      `json:"version"`
	Writers []string `json:"writers"`
	// Padding makes each write big enough to be caught half-way by a kill.
	Padding string `json:"padding"`
}

func parseRecord(r *record) func([]byte) error {
	return func(b []byte) error {
		if err := json.Unmarshal(b, r); err != nil {
			return err
		}
		if r.Version > 1 {
			return NewerVersion(r.Version, 1)
		}
		return nil
	}
}

func addWriter(path, name string) error {
	var r record
	return Update(path, "test record", parseRecord(&r), func(bool) ([]byte, error) {
		r.Version = 1
		r.Writers = append(r.Writers, name)
		r.Padding = strings.Repeat("x", 64<<10)
		return json.Marshal(r)
	})
}

func readRecord(t *testing.T, path string) record {
	t.Helper()
	var r record
	found, err := ReadFile(path, "test record", parseRecord(&r))
	if err != nil || !found {
		t.Fatalf("read %s: found=%v err=%v", path, found, err)
	}
	return r
}

func writerCmd(t *testing.T, path, name string, loop bool) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "STATE_TEST_WRITE="+name, "STATE_TEST_FILE="+path)
	if loop {
		cmd.Env = append(cmd.Env, "STATE_TEST_LOOP=1")
	}
	cmd.Stderr = os.Stderr
	return cmd
}

func TestUpdateKeepsEveryParallelWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "record.json")
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		// Half the writers are goroutines of this process, half other processes:
		// the lock must hold between both.
		if i%2 == 0 {
			wg.Go(func() {
				if err := addWriter(path, fmt.Sprintf("g%d", i)); err != nil {
					t.Error(err)
				}
			})
			continue
		}
		wg.Go(func() {
			if err := writerCmd(t, path, fmt.Sprintf("p%d", i), false).Run(); err != nil {
				t.Errorf("writer process %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	r := readRecord(t, path)
	if len(r.Writers) != n {
		slices.Sort(r.Writers)
		t.Fatalf("%d of %d updates kept: %v", len(r.Writers), n, r.Writers)
	}
}

func TestKillDuringWritesNeverCorrupts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "record.json")
	for round := range 15 {
		before := 0
		if _, err := os.Stat(path); err == nil {
			before = len(readRecord(t, path).Writers)
		}
		cmd := writerCmd(t, path, fmt.Sprintf("r%d", round), true)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill it once it has written at least once more, mid-way through the next.
		deadline := time.Now().Add(30 * time.Second)
		for {
			if _, err := os.Stat(path); err == nil && len(readRecord(t, path).Writers) > before {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the writer wrote nothing in 30s")
			}
			time.Sleep(time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		readRecord(t, path) // parses, or the test fails
	}
	if left, _ := filepath.Glob(path + ".corrupt-*"); len(left) > 0 {
		t.Errorf("a killed write left a damaged file: %v", left)
	}
	// The next write clears what killed writes left half-done.
	if err := addWriter(path, "after"); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".record.json.*")); len(left) > 0 {
		t.Errorf("temporary files of killed writes are still there: %v", left)
	}
}

func TestDamagedFilesGetTheirOwnBackups(t *testing.T) {
	path := filepath.Join(t.TempDir(), "record.json")
	var backups []string
	for i := range 3 {
		if err := os.WriteFile(path, []byte(fmt.Sprintf("{damaged %d", i)), 0o644); err != nil {
			t.Fatal(err)
		}
		var r record
		_, err := ReadFile(path, "test record", parseRecord(&r))
		var ce *CorruptError
		if !errors.As(err, &ce) || ce.Backup == "" {
			t.Fatalf("ReadFile = %v, want a *CorruptError with a backup", err)
		}
		backups = append(backups, ce.Backup)
	}
	for i, b := range backups {
		data, err := os.ReadFile(b)
		if err != nil || string(data) != fmt.Sprintf("{damaged %d", i) {
			t.Errorf("backup %s holds %q (%v), want damaged file %d", b, data, err, i)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the damaged file is still at %s", path)
	}
}

func TestNewerVersionIsRefusedAndKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "record.json")
	newer := `{"version": 7, "writers": ["future"]}`
	if err := os.WriteFile(path, []byte(newer), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"read":   func() error { var r record; _, err := ReadFile(path, "test record", parseRecord(&r)); return err }(),
		"update": addWriter(path, "now"),
	} {
		var ve *VersionError
		if !errors.As(err, &ve) || ve.Path != path || ve.Version != 7 {
			t.Fatalf("%s: err = %v, want a *VersionError for version 7 of %s", name, err, path)
		}
		if !strings.Contains(err.Error(), "newer devopsctl") {
			t.Errorf("%s: %q does not say a newer devopsctl wrote it", name, err)
		}
	}
	if data, _ := os.ReadFile(path); string(data) != newer {
		t.Errorf("the newer file was changed to %q", data)
	}
}

func TestUnwritableFolderIsAFolderError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A folder under a regular file cannot be created, even by root.
	err := addWriter(filepath.Join(file, "state", "record.json"), "x")
	var we *FolderError
	if !errors.As(err, &we) || we.Dir != filepath.Join(file, "state") {
		t.Fatalf("err = %v, want a *FolderError naming %s", err, filepath.Join(file, "state"))
	}
}
