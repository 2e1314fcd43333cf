package tui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// session is what the goroutines of one TUI share: the channel they report
// on, and the bookkeeping that lets the program wait for every check run to
// clean up its engine resources before it exits.
type session struct {
	events chan tea.Msg
	done   chan struct{}

	mu     sync.Mutex
	closed bool
	runs   sync.WaitGroup
}

func newSession() *session {
	return &session{events: make(chan tea.Msg, 256), done: make(chan struct{})}
}

// send delivers msg unless the session has ended; it never blocks a run that
// is cleaning up after the program quit.
func (s *session) send(msg tea.Msg) bool {
	select {
	case s.events <- msg:
		return true
	case <-s.done:
		return false
	}
}

// listen waits for the next message on the channel.
func (s *session) listen() tea.Cmd {
	return func() tea.Msg {
		select {
		case msg := <-s.events:
			return channelMsg{msg: msg}
		case <-s.done:
			return nil
		}
	}
}

// begin registers a run; false means the session is over and nothing may start.
func (s *session) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.runs.Add(1)
	return true
}

// shutdown stops accepting runs, unblocks senders and waits for the runs in
// flight (already cancelled by the caller) to finish their cleanup.
func (s *session) shutdown() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
	s.mu.Unlock()
	s.runs.Wait()
}

// EngineFunc reaches the Docker engine, or says why it cannot.
type EngineFunc func(ctx context.Context) (docker.Engine, error)

// runRequest is one run of a lab's checks.
type runRequest struct {
	id     int
	lab    *labs.Lab
	dir    string
	engine docker.Engine
	reach  EngineFunc
	now    func() time.Time
}

// runChecks runs the lab's checks, streaming each start, result and build
// output, and ends with runDoneMsg once the Runner has returned — that is,
// after it removed whatever the run created on the engine.
func (s *session) runChecks(ctx context.Context, req runRequest) tea.Cmd {
	return func() tea.Msg {
		if !s.begin() {
			return nil
		}
		defer s.runs.Done()
		eng, engErr := req.engine, error(nil)
		if eng == nil && req.lab.NeedsEngine() && req.reach != nil {
			// Reached again on every run until it answers, so starting Docker
			// mid-lab is noticed without restarting devopsctl.
			if eng, engErr = req.reach(ctx); engErr != nil {
				eng = nil
			}
		}
		r := &labs.Runner{
			Lab: req.lab, Dir: req.dir, Engine: eng, EngineErr: engErr,
			Progress: logWriter{s: s, runID: req.id},
			OnStart: func(c *labs.CheckSpec) {
				s.send(checkStartedMsg{runID: req.id, CheckID: c.ID, At: req.now()})
			},
			OnResult: func(_ *labs.CheckSpec, res labs.CheckResult) {
				s.send(checkDoneMsg{runID: req.id, Result: res})
			},
		}
		rep := r.Run(ctx)
		s.send(runDoneMsg{runID: req.id, Report: rep, Engine: eng, EngineErr: engErr})
		return nil
	}
}

// logWriter feeds the Runner's live output to the build-log pane.
type logWriter struct {
	s     *session
	runID int
}

func (w logWriter) Write(p []byte) (int, error) {
	w.s.send(buildLogMsg{runID: w.runID, Text: string(p)})
	return len(p), nil
}

// saveProgress applies fn to the record of the workspace of lab at dir as it
// is on disk now, so that a `devopsctl check` run in another terminal
// meanwhile is not overwritten.
func saveProgress(store *labs.Store, lab, dir string, fn func(*labs.LabProgress)) tea.Cmd {
	if store == nil {
		return nil
	}
	return func() tea.Msg {
		if err := store.UpdateWorkspace(lab, dir, fn); err != nil && !errors.Is(err, labs.ErrNotWorkspaceOf) {
			return progressSavedMsg{err: fmt.Errorf("save progress: %w", err)}
		}
		return progressSavedMsg{}
	}
}

// cloneReport copies a report so the goroutine saving it shares nothing with
// the model.
func cloneReport(r *labs.Report) *labs.Report {
	data, err := json.Marshal(r)
	if err != nil {
		return r
	}
	var c labs.Report
	if json.Unmarshal(data, &c) != nil {
		return r
	}
	return &c
}
