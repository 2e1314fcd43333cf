package tui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/devopsctl/devopsctl/internal/labs"
)

var update = flag.Bool("update", false, "rewrite the golden screens in testdata/golden")

// t0 is the fixed time of the test clock.
var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// harness is a model over a fresh workspace of a test-pack lab, with a clock
// the test moves by hand.
type harness struct {
	t     *testing.T
	m     *Model
	lab   *labs.Lab
	cat   *labs.Catalog
	dir   string
	now   time.Time
	store *labs.Store
}

func loadPack(t testing.TB) *labs.Catalog {
	t.Helper()
	cat, err := labs.LoadCatalog(filepath.Join("testdata", "pack"))
	if err != nil {
		t.Fatalf("load test pack: %v", err)
	}
	return cat
}

func newHarness(t *testing.T, labID string, prog *labs.Progress) *harness {
	t.Helper()
	cat := loadPack(t)
	lab, err := cat.Get(labID)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), labID)
	if _, err := labs.Scaffold(lab, dir, false); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, lab: lab, cat: cat, dir: dir, now: t0, store: &labs.Store{Path: filepath.Join(t.TempDir(), "progress.json")}}
	h.m = New(Options{
		Lab: lab, Dir: dir, Catalog: cat, Store: h.store, Progress: prog,
		Watch: WatchOff, Now: func() time.Time { return h.now },
	})
	return h
}

// start does what the program does first: Init, the window size, the
// instructions loaded and the watcher's first word. The commands are not run:
// the test plays their messages itself.
func (h *harness) start(w, height int) {
	h.t.Helper()
	h.m.Init()
	h.send(tea.WindowSizeMsg{Width: w, Height: height})
	text, err := h.lab.README()
	h.send(readmeLoadedMsg{labID: h.lab.ID, text: text, err: err})
	h.send(watchStatusMsg{watchID: h.m.watchID, Mode: WatchNotify})
}

func (h *harness) send(msg tea.Msg) tea.Cmd {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	return cmd
}

func (h *harness) key(k string) tea.Cmd {
	h.t.Helper()
	var msg tea.KeyMsg
	switch k {
	case "esc":
		msg = tea.KeyMsg{Type: tea.KeyEsc}
	case "ctrl+c":
		msg = tea.KeyMsg{Type: tea.KeyCtrlC}
	case "tab":
		msg = tea.KeyMsg{Type: tea.KeyTab}
	case "enter":
		msg = tea.KeyMsg{Type: tea.KeyEnter}
	case "down":
		msg = tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		msg = tea.KeyMsg{Type: tea.KeyUp}
	case "pgdown":
		msg = tea.KeyMsg{Type: tea.KeyPgDown}
	case "pgup":
		msg = tea.KeyMsg{Type: tea.KeyPgUp}
	case "home":
		msg = tea.KeyMsg{Type: tea.KeyHome}
	case "end":
		msg = tea.KeyMsg{Type: tea.KeyEnd}
	default:
		msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
	}
	return h.send(msg)
}

func (h *harness) write(rel, content string) {
	h.t.Helper()
	if err := os.WriteFile(filepath.Join(h.dir, rel), []byte(content), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// playRun runs the lab's checks for real on the workspace and feeds the
// model the messages the run goroutine would send, durations zeroed so the
// screen is stable.
func (h *harness) playRun() *labs.Report {
	h.t.Helper()
	id := h.m.runID
	r := &labs.Runner{Lab: h.lab, Dir: h.dir}
	rep := r.Run(context.Background())
	for i := range rep.Checks {
		rep.Checks[i].DurationMS = 0
		h.send(checkStartedMsg{runID: id, CheckID: rep.Checks[i].ID, At: h.now})
		h.send(checkDoneMsg{runID: id, Result: rep.Checks[i]})
	}
	h.send(runDoneMsg{runID: id, Report: rep})
	return rep
}

func (h *harness) view() string {
	return ansi.Strip(h.m.View())
}

// assertScreen checks the view fills exactly width x height cells.
func assertScreen(t *testing.T, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != height {
		t.Errorf("view has %d lines, want %d", len(lines), height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != width {
			t.Errorf("line %d is %d cells wide, want %d: %q", i+1, w, width, l)
		}
	}
}

// msgOf runs a command that must not block and returns its message.
func msgOf(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command returned")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("command did not return")
	}
	return nil
}
