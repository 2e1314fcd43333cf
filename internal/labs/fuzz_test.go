package labs

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/state"
)

// shippedFiles returns the shipped labs' files matching pattern (relative to
// labs/), as fuzz seeds: the inputs a parser meets most.
func shippedFiles(f *testing.F, pattern string) [][]byte {
	f.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "..", "labs", pattern))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no shipped files match labs/%s (%v)", pattern, err)
	}
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// FuzzParseSpec proves that any lab.yaml either loads as a lab that keeps the
// rules the loader promises, or is refused with a *SpecError naming the file,
// never a panic.
func FuzzParseSpec(f *testing.F) {
	for _, seed := range shippedFiles(f, "*/lab.yaml") {
		f.Add(seed)
	}
	for _, seed := range []string{
		"",
		"id: x\n",
		"id: a\ntitle: A\nchecks:\n  - {id: c, kind: file_exists, with: {path: x}}\n",
		"id: a\ntitle: A\nchecks: [{id: c, kind: nope}]\n",
		"checks:\n  - id: c\n    timeout: soon\n",
		"a: &x [*x]\n",
		"- just\n- a list\n",
		"id: a\ntitle: A\nchecks:\n  - id: c\n    needs: [c]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "labs/fuzz/lab.yaml"
		s, err := parseWithin(t, file, data)
		if err != nil {
			var se *SpecError
			if !errors.As(err, &se) {
				t.Fatalf("error is %T, want *SpecError: %v", err, err)
			}
			if se.File != file || se.Msg == "" || se.Line < 0 || !strings.HasPrefix(err.Error(), file+":") {
				t.Fatalf("error does not say where and what: %#v", se)
			}
			return
		}
		if !idPattern.MatchString(s.ID) || s.Title == "" || len(s.Checks) == 0 || s.File != file {
			t.Fatalf("accepted a lab the rules refuse: id %q title %q, %d checks", s.ID, s.Title, len(s.Checks))
		}
		seen := map[string]bool{}
		for _, c := range s.Checks {
			if !idPattern.MatchString(c.ID) || seen[c.ID] || c.check == nil || c.Title == "" {
				t.Fatalf("accepted check %q (duplicate %t, built %t)", c.ID, seen[c.ID], c.check != nil)
			}
			for _, n := range c.Needs {
				if !seen[n] {
					t.Fatalf("check %s needs %q, which does not come before it", c.ID, n)
				}
			}
			seen[c.ID] = true
		}
		// Loading is a pure function of the bytes.
		again, err := ParseSpec(file, data)
		if err != nil || again.ID != s.ID || len(again.Checks) != len(s.Checks) {
			t.Fatalf("second load differs: %v", err)
		}
	})
}

// parseWithin loads a lab.yaml, failing the test when that takes longer than
// any lab file should: a loader that hangs on a file is as bad as one that
// panics.
func parseWithin(t *testing.T, file string, data []byte) (*Spec, error) {
	t.Helper()
	type result struct {
		s   *Spec
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := ParseSpec(file, data)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("ParseSpec still busy after 10s on %q", data)
		return nil, nil
	}
}

// FuzzProgressLoad proves that a progress file, however damaged, either loads
// into progress that saves and loads back unchanged, or is moved aside and
// reported as a *state.CorruptError.
func FuzzProgressLoad(f *testing.F) {
	for _, seed := range []string{
		`{"version":1,"labs":{}}`,
		`{"version":1,"labs":{"dockerfile":{"dir":"/w","started_at":"2026-01-02T03:04:05Z","passed_at":"2026-01-02T04:00:00Z","runs":3,"checks":{"build":"pass"},"hints_seen":1,"hint_check":"build"}}}`,
		`{"version":1,"labs":{"x":null}}`,
		`{"labs":{"x":{"last":{"lab":"x","passed":false,"checks":[{"id":"a","status":"fail"}]}}}}`,
		``,
		`null`,
		`{"version":1,"labs":{"x":{"started_at":"yesterday"}}}`,
		"{\"version\":1}\n{",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		store := &Store{Path: filepath.Join(dir, "progress.json")}
		if err := os.WriteFile(store.Path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := store.Load()
		if err != nil {
			var ce *state.CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("error is %T, want *state.CorruptError: %v", err, err)
			}
			if _, serr := os.Stat(store.Path); !errors.Is(serr, os.ErrNotExist) || ce.Backup == "" {
				t.Fatalf("damaged file not moved aside (backup %q): %v", ce.Backup, serr)
			}
			return
		}
		if p.Labs == nil {
			t.Fatal("loaded progress has no lab map")
		}
		for id := range p.Labs {
			_ = p.Labs[id].Status() // must hold for every entry, nil ones too
		}
		// An update that changes nothing writes back what it read.
		if err := store.Update(func(*Progress) {}); err != nil {
			t.Fatalf("save what was loaded: %v", err)
		}
		back, err := store.Load()
		if err != nil {
			t.Fatalf("load what was saved: %v", err)
		}
		if !reflect.DeepEqual(normalized(t, p), normalized(t, back)) {
			t.Fatalf("progress changed on a save and load:\n%+v\n%+v", p, back)
		}
	})
}

// normalized is progress as JSON sees it, so that times compare by instant and
// not by how they were parsed.
func normalized(t *testing.T, p *Progress) any {
	t.Helper()
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}
