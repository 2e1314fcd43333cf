package lessons

import (
	"bytes"
	"encoding/json"
	"fmt"
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

const scoresWhat = "quiz scores file"

// ScoresPath is where the scores file lives in dir.
func ScoresPath(dir string) string { return filepath.Join(dir, ScoresFile) }

// LoadScores reads the record from dir. A missing file is an empty record. A
// file that is not valid scores JSON is moved aside and reported as a
// *state.CorruptError.
func LoadScores(dir string) (*Scores, error) {
	var s *Scores
	found, err := state.ReadFile(ScoresPath(dir), scoresWhat, func(raw []byte) (err error) {
		s, err = parseScores(raw)
		return err
	})
	if err != nil || !found {
		return &Scores{Version: scoresVersion, Topics: map[string]*TopicScore{}}, err
	}
	return s, nil
}

func parseScores(raw []byte) (*Scores, error) {
	// The version first: a newer file may have fields this one does not know,
	// and must be refused as newer, not moved aside as damaged.
	var v struct {
		Version int `json:"version"`
	}
	if json.Unmarshal(raw, &v) == nil && v.Version > scoresVersion {
		return nil, state.NewerVersion(v.Version, scoresVersion)
	}
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

// Save writes the whole record to dir, replacing what is there. Adding an
// attempt goes through RecordAttempt, which keeps other writers' attempts.
func (s *Scores) Save(dir string) error {
	return state.Update(ScoresPath(dir), scoresWhat, func([]byte) error { return nil }, func(bool) ([]byte, error) {
		return s.encode()
	})
}

func (s *Scores) encode() ([]byte, error) {
	s.Version = scoresVersion
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode quiz scores: %w", err)
	}
	return append(raw, '\n'), nil
}

// RecordAttempt adds a graded attempt of lesson id to the record in dir as it
// is on disk now, under its lock, so that quizzes taken at the same time in
// other terminals all count. It returns the lesson's score after it.
func RecordAttempt(dir, id string, r Result, at time.Time) (*TopicScore, error) {
	s := &Scores{Version: scoresVersion, Topics: map[string]*TopicScore{}}
	var topic *TopicScore
	err := state.Update(ScoresPath(dir), scoresWhat, func(raw []byte) (err error) {
		s, err = parseScores(raw)
		return err
	}, func(bool) ([]byte, error) {
		topic = s.Record(id, r, at)
		return s.encode()
	})
	if err != nil {
		return nil, err
	}
	return topic, nil
}
