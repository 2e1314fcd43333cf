package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/tui/components"
)

const validDockerfile = "FROM golang:1.26\nCMD [\"app\"]\n"

func TestRunLifecycle(t *testing.T) {
	tests := []struct {
		name string
		play func(h *harness) tea.Cmd
		// check looks at the model after play.
		check func(t *testing.T, h *harness, cmd tea.Cmd)
	}{
		{
			name: "a save during a run waits for it to end, then runs again",
			play: func(h *harness) tea.Cmd {
				h.send(workspaceChangedMsg{watchID: h.m.watchID, Paths: []string{"Dockerfile"}})
				if !h.m.pendingRun || h.m.runID != 1 {
					h.t.Fatalf("during a run a save must be queued: pending=%v runID=%d", h.m.pendingRun, h.m.runID)
				}
				return h.send(runDoneMsg{runID: 1, Report: &labs.Report{Lab: h.lab.ID, Interrupted: true}})
			},
			check: func(t *testing.T, h *harness, cmd tea.Cmd) {
				if !h.m.running || h.m.runID != 2 || h.m.pendingRun {
					t.Errorf("after the cancelled run ends a new one must start: running=%v runID=%d pending=%v", h.m.running, h.m.runID, h.m.pendingRun)
				}
				if cmd == nil {
					t.Error("no command to start the new run")
				}
				if h.m.last != nil {
					t.Error("a superseded run must not become the shown result")
				}
			},
		},
		{
			name: "a stale run's messages are ignored",
			play: func(h *harness) tea.Cmd {
				h.send(checkDoneMsg{runID: 7, Result: labs.CheckResult{ID: "dockerfile-exists", Status: checks.Fail}})
				return h.send(runDoneMsg{runID: 7, Report: &labs.Report{Lab: h.lab.ID, Passed: true}})
			},
			check: func(t *testing.T, h *harness, _ tea.Cmd) {
				if !h.m.running || len(h.m.live) != 0 || h.m.last != nil {
					t.Errorf("stale messages changed the model: running=%v live=%v last=%v", h.m.running, h.m.live, h.m.last)
				}
			},
		},
		{
			name: "esc cancels the run and its interrupted report is not recorded",
			play: func(h *harness) tea.Cmd {
				h.key("esc")
				if !h.m.cancelling || !strings.Contains(h.view(), "stopping") {
					h.t.Fatalf("esc must say the run is stopping:\n%s", h.view())
				}
				return h.send(runDoneMsg{runID: 1, Report: &labs.Report{Lab: h.lab.ID, Interrupted: true}})
			},
			check: func(t *testing.T, h *harness, cmd tea.Cmd) {
				if h.m.running || cmd != nil {
					t.Errorf("after a cancelled run nothing more must run: running=%v cmd=%v", h.m.running, cmd != nil)
				}
				if lp := h.m.opts.Progress.Labs[h.lab.ID]; lp != nil && lp.Runs > 0 {
					t.Errorf("an interrupted run was recorded: %+v", lp)
				}
				if !strings.Contains(h.view(), "check cancelled") {
					t.Errorf("the screen does not say the check was cancelled:\n%s", h.view())
				}
			},
		},
		{
			name: "q during a run quits once the run has cleaned up",
			play: func(h *harness) tea.Cmd {
				if cmd := h.key("q"); cmd != nil {
					h.t.Fatal("q during a run must wait for the run to end")
				}
				return h.send(runDoneMsg{runID: 1, Report: &labs.Report{Lab: h.lab.ID, Interrupted: true}})
			},
			check: func(t *testing.T, h *harness, cmd tea.Cmd) {
				if _, ok := msgOf(t, cmd).(tea.QuitMsg); !ok {
					t.Error("the end of the run did not quit")
				}
			},
		},
		{
			name: "a finished run is recorded and saved",
			play: func(h *harness) tea.Cmd {
				h.write("Dockerfile", validDockerfile)
				id := h.m.runID
				rep := (&labs.Runner{Lab: h.lab, Dir: h.dir}).Run(context.Background())
				return h.send(runDoneMsg{runID: id, Report: rep})
			},
			check: func(t *testing.T, h *harness, cmd tea.Cmd) {
				if msg, ok := msgOf(t, cmd).(progressSavedMsg); !ok || msg.err != nil {
					t.Fatalf("saving progress: %#v", msg)
				}
				p, err := h.store.Load()
				if err != nil {
					t.Fatal(err)
				}
				lp := p.Labs[h.lab.ID]
				if lp == nil || lp.PassedAt == nil || lp.Runs != 1 || lp.Last == nil || !lp.Last.Passed {
					t.Errorf("progress on disk does not show the pass: %+v", lp)
				}
				v := h.view()
				for _, want := range []string{"Well done: all 2 checks passed!", "What you can now do", "read a lint message", "Next: lab tui-build"} {
					if !strings.Contains(v, want) {
						t.Errorf("finished screen lacks %q:\n%s", want, v)
					}
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "tui-static", nil)
			h.start(80, 24)
			cmd := tt.play(h)
			tt.check(t, h, cmd)
		})
	}
}

func TestHintLadder(t *testing.T) {
	h := newHarness(t, "tui-static", nil)
	h.start(100, 30)
	h.playRun() // the starter Dockerfile has only comments
	wants := []string{
		"Hint 1 of 3: Only comments so far.",
		"Hint 2 of 3: Each line that is not a comment",
		"Hint 3 of 3: Start with FROM and end with CMD.",
		"Hint 3 of 3: Start with FROM and end with CMD.",
	}
	for i, want := range wants {
		h.key("h")
		if got := h.m.hint; !strings.HasPrefix(got, want) {
			t.Errorf("press %d: hint %q, want it to start with %q", i+1, got, want)
		}
		if !strings.Contains(h.view(), strings.SplitN(want, ":", 2)[0]) {
			t.Errorf("press %d: the hint is not on screen:\n%s", i+1, h.view())
		}
	}
	if lp := h.m.opts.Progress.Labs[h.lab.ID]; lp.HintsSeen != 3 || lp.HintCheck != "dockerfile-valid" {
		t.Errorf("hints seen not kept: %d for %q", lp.HintsSeen, lp.HintCheck)
	}
}

func TestSolutionOnlyAfterPass(t *testing.T) {
	h := newHarness(t, "tui-static", nil)
	h.start(80, 24)
	h.playRun()
	if cmd := h.key("s"); cmd != nil || !strings.Contains(h.view(), "opens once every check has passed") {
		t.Fatalf("s before a pass must explain, not open:\n%s", h.view())
	}
	h.write("Dockerfile", validDockerfile)
	h.key("c")
	h.playRun()
	msg := msgOf(t, h.key("s"))
	h.send(msg)
	if h.m.screen != screenPager {
		t.Fatalf("s after a pass did not open the solution: %#v", msg)
	}
	if v := h.view(); !strings.Contains(v, "Model solution of lab tui-static") || !strings.Contains(v, "CMD [\"app\"]") {
		t.Errorf("solution screen:\n%s", v)
	}
	h.send(msgOf(t, h.key("esc")))
	if h.m.screen != screenLab {
		t.Error("esc did not close the solution")
	}
}

func TestResetAsksThenRestoresStarter(t *testing.T) {
	h := newHarness(t, "tui-static", nil)
	h.start(80, 24)
	h.playRun()
	h.write("Dockerfile", validDockerfile)

	if cmd := h.key("r"); cmd != nil || !strings.Contains(h.view(), "[y/N]") {
		t.Fatalf("r must ask first:\n%s", h.view())
	}
	if cmd := h.key("n"); cmd != nil || !strings.Contains(h.view(), "nothing changed") {
		t.Fatalf("n must cancel the reset:\n%s", h.view())
	}
	h.key("r")
	msg := msgOf(t, h.key("y"))
	done, ok := msg.(resetDoneMsg)
	if !ok || done.err != nil || done.backup == "" {
		t.Fatalf("reset: %#v", msg)
	}
	got, _ := os.ReadFile(filepath.Join(h.dir, "Dockerfile"))
	if strings.Contains(string(got), "FROM") {
		t.Errorf("starter not restored: %q", got)
	}
	saved, err := os.ReadFile(filepath.Join(done.backup, "Dockerfile"))
	if err != nil || string(saved) != validDockerfile {
		t.Errorf("the learner's file was not backed up: %q, %v", saved, err)
	}
	h.send(done)
	if !strings.Contains(h.view(), "the starter files are back") {
		t.Errorf("screen after reset:\n%s", h.view())
	}
}

func TestResumeShowsLastResultsAtOnce(t *testing.T) {
	last := &labs.Report{Lab: "tui-static", Checks: []labs.CheckResult{
		{ID: "dockerfile-exists", Title: "There is a Dockerfile", Status: checks.Pass},
		{ID: "dockerfile-valid", Title: "The Dockerfile is a valid recipe", Status: checks.Fail, Message: "line 3: unknown instruction FORM"},
	}}
	prog := &labs.Progress{Version: 1, Labs: map[string]*labs.LabProgress{"tui-static": {Last: last, Runs: 4}}}
	h := newHarness(t, "tui-static", prog)
	h.start(80, 24)
	v := h.view()
	for _, want := range []string{"Your last results", "unknown instruction FORM", "✗ 2. The Dockerfile", "checking again"} {
		if !strings.Contains(v, want) {
			t.Errorf("resumed screen lacks %q:\n%s", want, v)
		}
	}
	if !h.m.running {
		t.Error("reopening must re-run the checks")
	}
}

func TestNextLabOpensBesideTheWorkspace(t *testing.T) {
	h := newHarness(t, "tui-static", nil)
	h.start(80, 24)
	h.playRun()
	msg := msgOf(t, h.key("n"))
	opened, ok := msg.(labOpenedMsg)
	if !ok || opened.err != nil || !opened.created {
		t.Fatalf("n: %#v", msg)
	}
	want := filepath.Join(filepath.Dir(h.dir), "tui-build")
	if opened.dir != want {
		t.Errorf("next lab in %s, want %s", opened.dir, want)
	}
	if ws, err := labs.OpenWorkspace(want); err != nil || ws.Marker.Lab != "tui-build" {
		t.Fatalf("no workspace made for the next lab: %v", err)
	}
	cmd := h.send(opened)
	if cmd == nil || h.m.lab.ID != "tui-build" || !h.m.running {
		t.Fatalf("the model did not switch to the next lab: %s running=%v", h.m.lab.ID, h.m.running)
	}
	if !strings.Contains(h.view(), "devopsctl · lab tui-build") {
		t.Errorf("header after switching:\n%s", h.view())
	}
	if h.m.opts.Progress.Labs["tui-build"].Dir != want {
		t.Error("the new workspace was not recorded")
	}
}

func TestLabListPicksALab(t *testing.T) {
	h := newHarness(t, "tui-static", nil)
	h.start(80, 24)
	h.key("l")
	if h.m.screen != screenPicker || !strings.Contains(h.view(), "tui-build") {
		t.Fatalf("l did not list the labs:\n%s", h.view())
	}
	for h.m.picker.Items[h.m.picker.Cursor].ID != "tui-build" {
		h.key("down")
	}
	picked := msgOf(t, h.key("enter"))
	if p, ok := picked.(components.PickedMsg); !ok || p.ID != "tui-build" {
		t.Fatalf("enter: %#v", picked)
	}
	if _, ok := msgOf(t, h.send(picked)).(labOpenedMsg); !ok {
		t.Error("picking a lab did not open it")
	}
}

func TestLessonKey(t *testing.T) {
	h := newHarness(t, "tui-static", nil)
	h.start(80, 24)
	msg := msgOf(t, h.key("o"))
	doc, ok := msg.(docLoadedMsg)
	if !ok || doc.err != nil {
		t.Fatalf("o: %#v", msg)
	}
	body, err := doc.render(78)
	if !strings.Contains(doc.title, "containers") || err != nil || strings.TrimSpace(body) == "" {
		t.Errorf("lesson document: %q, %d bytes, %v", doc.title, len(body), err)
	}
	// The lab screen opens it in the lessons' own pager: search included.
	h.send(doc)
	if h.m.screen != screenPager {
		t.Fatal("the lesson did not open")
	}
	for _, k := range []string{"/", "i", "m", "a", "g", "e", "enter"} {
		h.key(k)
	}
	v := h.view()
	if !strings.Contains(v, "match 1/") || !strings.Contains(v, "q back") {
		t.Errorf("search in the lesson pager:\n%s", v)
	}
	assertScreen(t, h.m.View(), 80, 24)
	if rawHeading.MatchString(v) {
		t.Errorf("a heading is shown raw in the lesson:\n%s", v)
	}
	h.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	assertScreen(t, h.m.View(), 60, 20)
}

func TestViewFitsEverySize(t *testing.T) {
	sizes := []struct{ w, h int }{{60, 20}, {80, 24}, {100, 30}, {120, 40}, {200, 60}, {40, 12}}
	for _, s := range sizes {
		h := newHarness(t, "tui-static", nil)
		h.start(s.w, s.h)
		h.playRun()
		assertScreen(t, h.m.View(), s.w, s.h)
		h.key("?")
		assertScreen(t, h.m.View(), s.w, s.h)
		if !strings.Contains(h.view(), "cancel check") && s.h >= 20 {
			t.Errorf("%dx%d: ? does not list every key:\n%s", s.w, s.h, h.view())
		}
	}
}

func TestEngineMissingIsSaid(t *testing.T) {
	h := newHarness(t, "tui-build", nil)
	h.start(80, 24)
	rep := &labs.Report{Lab: "tui-build", EngineMissing: true, Checks: []labs.CheckResult{
		{ID: "dockerfile-exists", Title: "There is a Dockerfile", Status: checks.Pass},
		{ID: "image-builds", Title: "Your image builds", Status: checks.Skip, Message: "skipped: this check needs a running Docker engine", Hint: labs.StartDockerHint},
	}}
	h.send(runDoneMsg{runID: h.m.runID, Report: rep})
	v := h.view()
	for _, want := range []string{"no Docker engine answered", "- 2. Your image builds", "Start Docker"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen lacks %q:\n%s", want, v)
		}
	}
}

func TestElapsedUsesTheClock(t *testing.T) {
	h := newHarness(t, "tui-build", nil)
	h.start(80, 24)
	h.send(checkStartedMsg{runID: h.m.runID, CheckID: "image-builds", At: t0})
	h.now = t0.Add(75 * time.Second)
	if v := h.view(); !strings.Contains(v, "Your image builds 1m15s") {
		t.Errorf("elapsed time not shown:\n%s", v)
	}
}
