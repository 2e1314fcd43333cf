package lessons

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/state"
)

// FuzzLoadScores proves that a quiz scores file, however damaged, either loads
// into a record that saves and loads back unchanged and takes a new attempt, or
// is moved aside and reported as a *state.CorruptError; never a panic.
func FuzzLoadScores(f *testing.F) {
	for _, seed := range []string{
		`{"version":1,"topics":{}}`,
		`{"version":1,"topics":{"iac":{"best":{"correct":5,"total":5,"percent":100,"passed":true,"at":"2025-03-01T10:00:00Z"},"last":{"correct":2,"total":5,"percent":40,"passed":false,"at":"2025-03-01T12:00:00Z"},"attempts":3}}}`,
		`{"version":1,"topics":{"iac":null}}`,
		`{"version":2,"topics":{}}`,
		`{"version":1,"topics":{},"extra":1}`,
		`{"version":1}`,
		``,
		`[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := ScoresPath(dir)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := LoadScores(dir)
		var ve *state.VersionError
		if errors.As(err, &ve) {
			// A newer format is refused and left where it is, for the newer
			// devopsctl that wrote it.
			if _, serr := os.Stat(path); serr != nil {
				t.Fatalf("a newer file must be left alone: %v", serr)
			}
			return
		}
		if err != nil {
			var ce *state.CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("error is %T, want *state.CorruptError: %v", err, err)
			}
			if _, serr := os.Stat(path); !errors.Is(serr, os.ErrNotExist) || ce.Backup == "" {
				t.Fatalf("damaged file not moved aside (backup %q): %v", ce.Backup, serr)
			}
			if s == nil || s.Topics == nil {
				t.Fatal("a damaged file must still give an empty record to go on with")
			}
			return
		}
		for id, ts := range s.Topics {
			if ts == nil {
				t.Fatalf("topic %q loaded without a score", id)
			}
		}
		if err := s.Save(dir); err != nil {
			t.Fatalf("save what was loaded: %v", err)
		}
		back, err := LoadScores(dir)
		if err != nil {
			t.Fatalf("load what was saved: %v", err)
		}
		// Compared as JSON, so that times compare by instant, not by the
		// zone value they were parsed into.
		if a, b := mustJSON(t, s), mustJSON(t, back); a != b {
			t.Fatalf("scores changed on a save and load:\n%+v\n%+v", s, back)
		}
		before := back.Topics["fuzz"]
		ts := back.Record("fuzz", Result{Correct: 1, Total: 2, Percent: 50}, time.Unix(0, 0))
		if ts.Last.Percent != 50 || (before == nil && ts.Attempts != 1) {
			t.Fatalf("new attempt not recorded: %+v", ts)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
