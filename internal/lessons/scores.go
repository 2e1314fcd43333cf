package lessons

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/devopsctl/devopsctl/internal/state"
)

// ScoresFile is the name of the quiz score record inside the state directory.
const ScoresFile = "quiz-scores.json"

// Attempt is one graded quiz run.
type Attempt struct {
	Correct int       `json:"correct"`
	Total   int       `json:"total"`
	Percent int       `json:"percent"`
	Passed  bool      `json:"passed"`
	At      time.Time `json:"at"`
}

// TopicScore is what is remembered about one lesson's quiz.
type TopicScore struct {
	Best     Attempt `json:"best"`
	Last     Attempt `json:"last"`
	Attempts int     `json:"attempts"`
}

// Scores is the whole record, keyed by lesson id.
type Scores struct {
	Version int                    `json:"version"`
	Topics  map[string]*TopicScore `json:"topics"`
}

const scoresVersion = 1

// CorruptScoresError says the scores file could not be read as scores. The
// file has been moved aside to Backup so the next run starts a fresh record
// and nothing is lost.
type CorruptScoresError struct {
	Path   string
	Backup string
	Err    error
}

func (e *CorruptScoresError) Error() string {
	if e.Backup == "" {
		return fmt.Sprintf("quiz scores file %s is corrupt (%v) and could not be moved aside; delete it and run the command again", e.Path, e.Err)
	}
	return fmt.Sprintf("quiz scores file %s is corrupt (%v); moved it to %s; run the command again to start a fresh record", e.Path, e.Err, e.Backup)
}

func (e *CorruptScoresError) Unwrap() error { return e.Err }

// ScoresPath is where the scores file lives in dir.
func ScoresPath(dir string) string { return filepath.Join(dir, ScoresFile) }

// LoadScores reads the record from dir. A missing file is an empty record. A
// file that is not valid scores JSON is renamed to <file>.corrupt-<unix time>
// and reported as a *CorruptScoresError.
func LoadScores(dir string, now time.Time) (*Scores, error) {
	p := ScoresPath(dir)
	raw, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &Scores{Version: scoresVersion, Topics: map[string]*TopicScore{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read quiz scores: %w", err)
	}
	s, perr := parseScores(raw)
	if perr == nil {
		return s, nil
	}
	backup := fmt.Sprintf("%s.corrupt-%d", p, now.Unix())
	if err := os.Rename(p, backup); err != nil {
		backup = ""
	}
	return nil, &CorruptScoresError{Path: p, Backup: backup, Err: perr}
}

func parseScores(raw []byte) (*Scores, error) {
	var s Scores
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, err
	}
	if s.Version != scoresVersion {
		return nil, fmt.Errorf("version %d, want %d", s.Version, scoresVersion)
	}
	if s.Topics == nil {
		s.Topics = map[string]*TopicScore{}
	}
	for id, t := range s.Topics {
		if t == nil {
			return nil, fmt.Errorf("topic %q has no score", id)
		}
	}
	return &s, nil
}

// Record adds a graded attempt for lesson id, keeping it as best when it
// scores higher than the best so far (ties keep the earlier best).
func (s *Scores) Record(id string, r Result, at time.Time) *TopicScore {
	a := Attempt{Correct: r.Correct, Total: r.Total, Percent: r.Percent, Passed: r.Passed, At: at.UTC()}
	t, ok := s.Topics[id]
	if !ok {
		t = &TopicScore{Best: a}
		s.Topics[id] = t
	}
	if a.Percent > t.Best.Percent {
		t.Best = a
	}
	t.Last = a
	t.Attempts++
	return t
}

// Save writes the record to dir atomically.
func (s *Scores) Save(dir string) error {
	s.Version = scoresVersion
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode quiz scores: %w", err)
	}
	if err := state.WriteFile(ScoresPath(dir), append(raw, '\n')); err != nil {
		return fmt.Errorf("save quiz scores: %w", err)
	}
	return nil
}
