package labs

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/devopsctl/devopsctl/internal/state"
)

// ProgressVersion is the format of progress.json this devopsctl writes.
// Version 1 kept one record per lab id; version 2 keeps one per workspace.
const ProgressVersion = 2

// Progress is what the learner has done, per workspace.
type Progress struct {
	Version int `json:"version"`
	// Workspaces holds each workspace's record, keyed by the id in its marker,
	// so that two folders of one lab never share (or overwrite) a record.
	Workspaces map[string]*LabProgress `json:"workspaces,omitempty"`
	// Legacy holds the records of a version 1 file, by lab id, until the
	// lab's workspace is next written to and claims its record.
	Legacy map[string]*LabProgress `json:"labs,omitempty"`
	// Labs is, per lab id, the record of its most recently used workspace.
	// It is built on load for commands that show one line per lab.
	Labs map[string]*LabProgress `json:"-"`
}

// LabProgress is one workspace's progress.
type LabProgress struct {
	Lab       string            `json:"lab,omitempty"`
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

// lastUsed is when the workspace was last started or checked.
func (p *LabProgress) lastUsed() time.Time {
	if p.LastRunAt != nil && p.LastRunAt.After(p.StartedAt) {
		return *p.LastRunAt
	}
	return p.StartedAt
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

const progressWhat = "progress file"

// NewProgress is empty progress.
func NewProgress() *Progress {
	p := &Progress{Version: ProgressVersion, Workspaces: map[string]*LabProgress{}, Legacy: map[string]*LabProgress{}}
	p.index()
	return p
}

// ParseProgress decodes a progress file of any version this devopsctl knows.
// A newer version is a *state.VersionError. Values no devopsctl writes (a
// missing record, negative counts) are repaired rather than trusted.
func ParseProgress(data []byte) (*Progress, error) {
	p := NewProgress()
	if err := json.Unmarshal(data, p); err != nil {
		return nil, err
	}
	if p.Version > ProgressVersion {
		return nil, state.NewerVersion(p.Version, ProgressVersion)
	}
	if p.Version < 2 && len(p.Workspaces) > 0 {
		return nil, fmt.Errorf("version %d has no workspaces", p.Version)
	}
	p.Version = ProgressVersion
	for _, m := range []map[string]*LabProgress{p.Workspaces, p.Legacy} {
		for key, lp := range m {
			if lp == nil {
				delete(m, key)
				continue
			}
			lp.HintsSeen, lp.Runs = max(lp.HintsSeen, 0), max(lp.Runs, 0)
		}
	}
	for id, lp := range p.Legacy {
		lp.Lab = id // a version 1 record is keyed by its lab
	}
	if p.Workspaces == nil {
		p.Workspaces = map[string]*LabProgress{}
	}
	if p.Legacy == nil {
		p.Legacy = map[string]*LabProgress{}
	}
	p.index()
	return p, nil
}

// index builds Labs: per lab, its most recently used record.
func (p *Progress) index() {
	p.Labs = map[string]*LabProgress{}
	for _, m := range []map[string]*LabProgress{p.Legacy, p.Workspaces} {
		for _, lp := range m {
			if cur := p.Labs[lp.Lab]; lp.Lab != "" && (cur == nil || lp.lastUsed().After(cur.lastUsed())) {
				p.Labs[lp.Lab] = lp
			}
		}
	}
}

// Load reads the progress file; a missing file is empty progress. A damaged file
// is moved aside and reported as a *state.CorruptError, so the next run starts
// fresh and the old data is still there to recover.
func (s *Store) Load() (*Progress, error) {
	p := NewProgress()
	_, err := state.ReadFile(s.Path, progressWhat, func(b []byte) (err error) {
		p, err = ParseProgress(b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// ErrNotWorkspaceOf is returned (wrapped) when progress is to be recorded for a
// folder that is not a workspace of the lab: its record stays untouched.
var ErrNotWorkspaceOf = errors.New("not a workspace of the lab")

// UpdateWorkspace changes the record of the workspace of lab at dir, under the
// progress file's lock, so that no other devopsctl's update is lost. A
// workspace whose marker has no id yet (made by an older devopsctl) is given
// one first, under the same lock.
func (s *Store) UpdateWorkspace(lab, dir string, change func(*LabProgress)) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", dir, err)
	}
	p := NewProgress()
	return state.Update(s.Path, progressWhat, func(b []byte) (err error) {
		p, err = ParseProgress(b)
		return err
	}, func(bool) ([]byte, error) {
		ws, err := OpenWorkspace(abs)
		if errors.Is(err, ErrNoWorkspace) || (err == nil && ws.Marker.Lab != lab) {
			return nil, fmt.Errorf("%w: %s has no %s naming lab %s", ErrNotWorkspaceOf, abs, MarkerPath, lab)
		}
		if err != nil {
			return nil, err
		}
		if err := ws.ensureID(); err != nil {
			return nil, err
		}
		change(p.claim(ws))
		return encodeProgress(p)
	})
}

// Update changes the whole progress under the file's lock.
func (s *Store) Update(change func(*Progress)) error {
	p := NewProgress()
	return state.Update(s.Path, progressWhat, func(b []byte) (err error) {
		p, err = ParseProgress(b)
		return err
	}, func(bool) ([]byte, error) {
		change(p)
		return encodeProgress(p)
	})
}

func encodeProgress(p *Progress) ([]byte, error) {
	p.Version = ProgressVersion
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode progress: %w", err)
	}
	return append(data, '\n'), nil
}

// claim returns the record of ws, creating it. A version 1 record of the same
// lab becomes this workspace's when it was made in this folder (or names none).
func (p *Progress) claim(ws *Workspace) *LabProgress {
	lab, id := ws.Marker.Lab, ws.Marker.ID
	lp := p.Workspaces[id]
	if lp == nil {
		if old := p.Legacy[lab]; old != nil && (old.Dir == "" || old.Dir == ws.Dir) {
			lp = old
			delete(p.Legacy, lab)
		} else {
			lp = &LabProgress{StartedAt: time.Now().UTC()}
		}
		p.Workspaces[id] = lp
	}
	lp.Lab, lp.Dir = lab, ws.Dir
	p.index()
	return lp
}

// For returns the record of lab's workspace ws, or with ws nil the lab's most
// recently used one; nil when there is none.
func (p *Progress) For(lab string, ws *Workspace) *LabProgress {
	if ws == nil {
		return p.Labs[lab]
	}
	if lp := p.Workspaces[ws.Marker.ID]; ws.Marker.ID != "" && lp != nil {
		return lp
	}
	abs, _ := filepath.Abs(ws.Dir)
	for _, lp := range p.Workspaces {
		if lp.Lab == lab && lp.Dir == abs && ws.Marker.ID == "" {
			return lp
		}
	}
	if old := p.Legacy[lab]; old != nil && (old.Dir == "" || old.Dir == abs) {
		return old
	}
	return nil
}

// At returns the record of lab's workspace at dir in memory, creating it
// there, and makes it the lab's current one in Labs: it is the workspace in
// use. What is changed on it is saved only through UpdateWorkspace.
func (p *Progress) At(lab, dir string) *LabProgress {
	if p.Workspaces == nil {
		p.Workspaces = map[string]*LabProgress{}
	}
	if p.Labs == nil {
		p.Labs = map[string]*LabProgress{}
	}
	lp := p.find(lab, dir)
	if lp == nil {
		lp = &LabProgress{Lab: lab, Dir: dir, StartedAt: time.Now().UTC()}
		p.Workspaces["unsaved:"+dir] = lp
	}
	p.Labs[lab] = lp
	return lp
}

func (p *Progress) find(lab, dir string) *LabProgress {
	for _, m := range []map[string]*LabProgress{p.Workspaces, p.Legacy} {
		for _, lp := range m {
			if lp.Lab == lab && lp.Dir == dir {
				return lp
			}
		}
	}
	if lp := p.Labs[lab]; lp != nil && (lp.Dir == "" || lp.Dir == dir) {
		return lp
	}
	return nil
}

// Record stores the outcome of a check run of this workspace.
func (lp *LabProgress) Record(rep *Report) {
	now := time.Now().UTC()
	lp.LastRunAt = &now
	lp.Runs++
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

// Restart forgets the workspace's progress, as after a reset.
func (lp *LabProgress) Restart() {
	*lp = LabProgress{Lab: lp.Lab, Dir: lp.Dir, StartedAt: time.Now().UTC()}
}
