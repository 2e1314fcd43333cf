package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/tui/components"
)

// setLab puts a lab in view. The learner's last results, if any, are shown
// straight away; the run that Init or switchLab starts replaces them.
func (m *labScreen) setLab(lab *labs.Lab, dir string) {
	m.lab, m.dir = lab, dir
	m.readme, m.readmeOK, m.rendered, m.renderedWidth = "", false, "", 0
	m.last, m.lastFromDisk, m.hint, m.live = nil, false, "", nil
	m.note = ""
	if lp := m.opts.Progress.At(lab.ID, dir); lp.Last != nil {
		m.last, m.lastFromDisk = lp.Last, true
		m.note = "showing your last results; checking again…"
	}
	m.instr.GotoTop()
	m.results.GotoTop()
	m.layout()
}

func (m *labScreen) startWatch() tea.Cmd {
	if m.watchCancel != nil {
		m.watchCancel()
	}
	m.watchID++
	ctx, cancel := context.WithCancel(context.Background())
	m.watchCancel = cancel
	m.watchMode, m.watchNote = "", ""
	cfg := watchConfig{id: m.watchID, dir: m.dir, mode: m.opts.Watch, debounce: m.opts.Debounce, pollEvery: m.opts.PollEvery, send: m.s.send}
	return func() tea.Msg {
		watch(ctx, cfg)
		return nil
	}
}

// requestRun starts a run of the checks. A run in progress is cancelled
// first, and the new one starts once it has returned: the Runner removes
// every engine resource labelled for the lab on its way out, which would
// take the new run's containers with it if both overlapped.
func (m *labScreen) requestRun(why string) tea.Cmd {
	if m.running {
		if !m.pendingRun {
			m.pendingRun = true
			m.cancelRun()
		}
		m.note = why
		return nil
	}
	m.runID++
	ctx, cancel := context.WithCancel(context.Background())
	m.cancelRun = cancel
	m.running, m.cancelling = true, false
	m.current = ""
	m.started = map[string]time.Time{}
	m.live = map[string]labs.CheckResult{}
	m.log.Reset()
	m.note = why
	m.refreshResults(false)
	req := runRequest{id: m.runID, lab: m.lab, dir: m.dir, engine: m.engine, reach: m.opts.Engine, now: m.opts.Now}
	return tea.Batch(m.s.runChecks(ctx, req), m.spin.Tick)
}

// handleEvent deals with what the session's goroutines and commands report.
func (m *labScreen) handleEvent(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case readmeLoadedMsg:
		if msg.labID == m.lab.ID {
			m.readme, m.readmeOK = msg.text, msg.err == nil
			if msg.err != nil {
				m.readme = fmt.Sprintf("The instructions could not be read: %v", msg.err)
			}
			m.renderedWidth = 0
			m.layout()
		}
	case watchStatusMsg:
		if msg.watchID == m.watchID {
			m.watchMode, m.watchNote = msg.Mode, msg.Note
		}
	case workspaceChangedMsg:
		if msg.watchID == m.watchID {
			return m.requestRun("saved " + describePaths(msg.Paths) + " — checking…")
		}
	case checkStartedMsg:
		if msg.runID == m.runID {
			m.current = msg.CheckID
			m.started[msg.CheckID] = msg.At
		}
	case checkDoneMsg:
		if msg.runID == m.runID {
			m.live[msg.Result.ID] = msg.Result
			if m.current == msg.Result.ID {
				m.current = ""
			}
			m.refreshResults(false)
		}
	case buildLogMsg:
		if msg.runID == m.runID {
			m.log.Write(msg.Text)
		}
	case runDoneMsg:
		if msg.runID == m.runID {
			return m.runDone(msg)
		}
	case progressSavedMsg:
		if msg.err != nil {
			m.note = msg.err.Error()
		}
	case resetDoneMsg:
		return m.resetDone(msg)
	case labOpenedMsg:
		return m.labOpened(msg)
	}
	return nil
}

func (m *labScreen) runDone(msg runDoneMsg) tea.Cmd {
	m.running, m.current = false, ""
	m.cancelRun()
	if msg.Engine != nil {
		m.engine = msg.Engine
	}
	switch {
	case m.quitting:
		return tea.Quit
	case m.switchTo != nil:
		to := *m.switchTo
		m.switchTo = nil
		return m.switchLab(to)
	case m.pendingRun:
		m.pendingRun = false
		return m.requestRun(m.note)
	}
	rep := msg.Report
	if rep.Interrupted {
		m.live = nil
		m.note = "check cancelled; whatever it started on the engine was removed. Press c to run it again"
		m.refreshResults(false)
		return nil
	}
	lp := m.opts.Progress.At(m.lab.ID, m.dir)
	wasPassed := lp.PassedAt != nil
	if problem(m.last) != problem(rep) {
		m.hint = ""
	}
	lp.Record(rep)
	m.last, m.lastFromDisk, m.live = rep, false, nil
	m.note = ""
	switch {
	case rep.Passed && !wasPassed:
		m.note = "lab finished — well done!"
	case rep.EngineMissing:
		m.note = "no Docker engine answered: its checks were skipped, and run once it does"
	}
	m.refreshResults(rep.Passed)
	saved := cloneReport(rep)
	return saveProgress(m.opts.Store, m.lab.ID, m.dir, func(lp *labs.LabProgress) { lp.Record(saved) })
}

// problem is the id of the first check that did not pass, "" for none.
func problem(r *labs.Report) string {
	if r == nil {
		return ""
	}
	if p := r.FirstProblem(); p != nil {
		return p.ID
	}
	return ""
}

func (m *labScreen) labKey(msg tea.KeyMsg) tea.Cmd {
	if m.confirmReset {
		m.confirmReset = false
		if s := msg.String(); s == "y" || s == "Y" {
			m.note = "putting the starter files back…"
			return resetWorkspace(m.lab, m.dir)
		}
		m.note = "reset cancelled; nothing changed"
		return nil
	}
	k := m.keys
	switch {
	case keyMatches(msg, k.Quit):
		return m.quit()
	case keyMatches(msg, k.Check):
		return m.requestRun("")
	case keyMatches(msg, k.Cancel):
		if m.running && !m.cancelling {
			m.cancelling, m.pendingRun = true, false
			m.cancelRun()
			m.note = "stopping the check and removing what it started…"
		}
	case keyMatches(msg, k.Hint):
		return m.nextHint()
	case keyMatches(msg, k.Next):
		next := m.opts.Catalog.Next(m.lab.ID)
		if next == nil {
			m.note = "this is the last lab; l lists them all"
			return nil
		}
		return m.pick(next.ID)
	case keyMatches(msg, k.Reset):
		m.confirmReset = true
	case keyMatches(msg, k.Solution):
		if m.opts.Progress.Labs[m.lab.ID].Status() != "passed" {
			m.note = "the model solution opens once every check has passed; h gives a hint"
			return nil
		}
		return loadSolution(m.lab)
	case keyMatches(msg, k.Lesson):
		if len(m.lab.Lessons) == 0 {
			m.note = "this lab links no lesson; devopsctl lesson list shows them all"
			return nil
		}
		return loadLessons(m.lab, m.opts.Colour)
	case keyMatches(msg, k.Log):
		if m.logVisible() {
			m.logMode = logHidden
		} else {
			m.logMode = logShown
		}
		m.layout()
	case keyMatches(msg, k.Focus):
		m.focusResults = !m.focusResults
	case keyMatches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
		m.layout()
	default:
		m.scroll(msg)
	}
	return nil
}

// scroll moves the pane in focus for a scroll key; other keys do nothing.
func (m *labScreen) scroll(msg tea.KeyMsg) {
	vp := &m.instr
	if m.focusResults {
		vp = &m.results
	}
	k := m.keys
	switch {
	case keyMatches(msg, k.Up):
		vp.ScrollUp(1)
	case keyMatches(msg, k.Down):
		vp.ScrollDown(1)
	case keyMatches(msg, k.PageUp):
		vp.PageUp()
	case keyMatches(msg, k.PageDown):
		vp.PageDown()
	case keyMatches(msg, k.Top):
		vp.GotoTop()
	case keyMatches(msg, k.Bottom):
		vp.GotoBottom()
	}
}

// quit leaves at once, unless a run is going: it is cancelled and the program
// ends when the run has cleaned up. A second ctrl+c does not wait.
func (m *labScreen) quit() tea.Cmd {
	if !m.running || m.quitting {
		return tea.Quit
	}
	m.quitting, m.pendingRun = true, false
	m.cancelRun()
	m.note = "stopping the check and removing what it started, then quitting…"
	return nil
}

// nextHint climbs the hint ladder one step, starting again when the first
// problem changed since the last hint.
func (m *labScreen) nextHint() tea.Cmd {
	ladder := labs.Hints(m.lab, m.last)
	if len(ladder) == 0 {
		m.note = "this lab has no hints; the instructions walk through every step"
		return nil
	}
	lp := m.opts.Progress.At(m.lab.ID, m.dir)
	cur := problem(m.last)
	if cur != lp.HintCheck {
		lp.HintCheck, lp.HintsSeen = cur, 0
	}
	i := min(max(lp.HintsSeen, 0), len(ladder)-1)
	lp.HintsSeen = i + 1
	m.hint = fmt.Sprintf("Hint %d of %d: %s", i+1, len(ladder), ladder[i])
	if i+1 < len(ladder) {
		m.hint += "\n(h again for a more specific one)"
	}
	m.refreshResults(true)
	m.focusResults = true
	seen := i + 1
	return saveProgress(m.opts.Store, m.lab.ID, m.dir, func(q *labs.LabProgress) {
		q.HintCheck, q.HintsSeen = cur, seen
	})
}

func (m *labScreen) resetDone(msg resetDoneMsg) tea.Cmd {
	if msg.err != nil {
		m.note = msg.err.Error()
		return nil
	}
	id, dir := m.lab.ID, m.dir
	m.opts.Progress.At(id, dir).Restart()
	m.last, m.hint = nil, ""
	note := "the starter files are back"
	if msg.backup != "" {
		note += "; your previous files are in " + msg.backup
	}
	save := saveProgress(m.opts.Store, id, dir, (*labs.LabProgress).Restart)
	run := m.requestRun(note)
	m.note = note
	return tea.Batch(save, run)
}

// pick opens the lab with id, unless it is the one in view.
func (m *labScreen) pick(id string) tea.Cmd {
	if id == m.lab.ID {
		return nil
	}
	lab, err := m.opts.Catalog.Get(id)
	if err != nil {
		m.note = err.Error()
		return nil
	}
	m.note = "opening lab " + id + "…"
	recorded := ""
	if lp := m.opts.Progress.Labs[id]; lp != nil {
		recorded = lp.Dir
	}
	return openLab(lab, recorded, m.dir)
}

func (m *labScreen) labOpened(msg labOpenedMsg) tea.Cmd {
	if msg.err != nil {
		m.note = msg.err.Error()
		return nil
	}
	if m.running {
		m.switchTo = &msg
		m.pendingRun = false
		m.cancelRun()
		m.note = "stopping the running check before opening lab " + msg.lab.ID + "…"
		return nil
	}
	return m.switchLab(msg)
}

// switchLab puts another lab in view: new watcher, new instructions, a run.
func (m *labScreen) switchLab(to labOpenedMsg) tea.Cmd {
	m.setLab(to.lab, to.dir)
	m.opts.Progress.At(to.lab.ID, to.dir)
	id, dir := to.lab.ID, to.dir
	verb := "opened"
	if to.created {
		verb = "started"
	}
	save := saveProgress(m.opts.Store, id, dir, func(*labs.LabProgress) {})
	run := m.requestRun(fmt.Sprintf("%s lab %s in %s", verb, id, dir))
	return tea.Batch(save, loadReadme(to.lab), m.startWatch(), run)
}

func (m *labScreen) pickItems() []components.PickItem {
	var items []components.PickItem
	for _, l := range m.opts.Catalog.Labs() {
		lp := m.opts.Progress.Labs[l.ID]
		items = append(items, components.PickItem{
			ID: l.ID, Title: l.Title, Done: lp.Status() == "passed",
			Detail: fmt.Sprintf("%s · %d min · %s", l.Difficulty, l.Minutes, lp.Status()),
		})
	}
	return items
}

// describePaths names the saved files briefly for the status bar.
func describePaths(paths []string) string {
	switch len(paths) {
	case 0:
		return "a file"
	case 1:
		return paths[0]
	case 2:
		return paths[0] + " and " + paths[1]
	}
	return fmt.Sprintf("%s and %d more files", strings.Join(paths[:2], ", "), len(paths)-2)
}
