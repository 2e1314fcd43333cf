package labs

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"

	"github.com/devopsctl/devopsctl/internal/state"
)

// Progress is what the learner has done, per lab.
type Progress struct {
	Version int                     `json:"version"`
	Labs    map[string]*LabProgress `json:"labs"`
}

// LabProgress is one lab's progress.
type LabProgress struct {
	Dir       string            `json:"dir,omitempty"`
	StartedAt time.Time         `json:"started_at"`
	PassedAt  *time.Time        `json:"passed_at,omitempty"`
	LastRunAt *time.Time        `json:"last_run_at,omitempty"`
	Runs      int               `json:"runs"`
	Checks    map[string]string `json:"checks,omitempty"` // check id -> last status
	HintsSeen int               `json:"hints_seen"`
	// HintCheck is the check the hints seen were for; a new first problem
	// starts the ladder again.
	HintCheck string  `json:"hint_check,omitempty"`
	Last      *Report `json:"last,omitempty"`
}

// Status is "not started", "in progress" or "passed".
func (p *LabProgress) Status() string {
	switch {
	case p == nil:
		return "not started"
	case p.PassedAt != nil:
		return "passed"
	default:
		return "in progress"
	}
}

// Store reads and writes the progress file.
type Store struct {
	Path string
}

// DefaultStore is the progress file in the state directory.
func DefaultStore() (*Store, error) {
	dir, err := state.Dir()
	if err != nil {
		return nil, err
	}
	return &Store{Path: filepath.Join(dir, "progress.json")}, nil
}

// Load reads the progress file; a missing file is empty progress. A damaged file
// is moved aside and reported as a *state.CorruptError, so the next run starts
// fresh and the old data is still there to recover.
func (s *Store) Load() (*Progress, error) {
	p := &Progress{Version: 1, Labs: map[string]*LabProgress{}}
	if _, err := state.ReadFile(s.Path, "progress file", func(b []byte) error { return json.Unmarshal(b, p) }); err != nil {
		return nil, err
	}
	if p.Labs == nil {
		p.Labs = map[string]*LabProgress{}
	}
	return p, nil
}

// Save writes the progress file atomically.
func (s *Store) Save(p *Progress) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("encode progress: %w", err)
	}
	return state.WriteFile(s.Path, append(data, '\n'))
}

// Update loads, applies fn and saves.
func (s *Store) Update(fn func(*Progress)) error {
	p, err := s.Load()
	if err != nil {
		return err
	}
	fn(p)
	return s.Save(p)
}

// Lab returns the progress of lab id, creating it.
func (p *Progress) Lab(id string) *LabProgress {
	lp := p.Labs[id]
	if lp == nil {
		lp = &LabProgress{StartedAt: time.Now().UTC()}
		p.Labs[id] = lp
	}
	return lp
}

// Record stores the outcome of a check run.
func (p *Progress) Record(rep *Report) {
	lp := p.Lab(rep.Lab)
	now := time.Now().UTC()
	lp.LastRunAt = &now
	lp.Runs++
	if lp.Dir == "" {
		lp.Dir = rep.Dir
	}
	if lp.Checks == nil {
		lp.Checks = map[string]string{}
	}
	for _, r := range rep.Checks {
		lp.Checks[r.ID] = string(r.Status)
	}
	lp.Last = rep
	if rep.Passed && lp.PassedAt == nil {
		lp.PassedAt = &now
	}
}
