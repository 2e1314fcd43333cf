package tui

import (
	"regexp"
	"strings"
	"testing"
)

// TestScrollKeysMoveTheResults plays every scroll key on a results pane too
// short for its text and follows the offset; the instructions stay put until
// tab turns the keys to them.
func TestScrollKeysMoveTheResults(t *testing.T) {
	h := newHarness(t, "tui-static", nil)
	h.start(80, 12)
	h.playRun()
	h.key("h") // the hint makes the results longer than their pane
	res := &h.m.results
	height, bottom := res.Height, res.TotalLineCount()-res.Height
	if bottom < 2 {
		t.Fatalf("the results fit their pane (%d lines in %d rows); the test needs them to overflow", res.TotalLineCount(), height)
	}
	h.key("g")
	steps := []struct {
		key  string
		want int
	}{
		{"j", 1},
		{"down", 2},
		{"k", 1},
		{"up", 0},
		{"k", 0}, // already at the top
		{"G", bottom},
		{"j", bottom}, // already at the bottom
		{"g", 0},
		{"pgdown", min(height, bottom)},
		{"pgup", 0},
		{"end", bottom},
		{"home", 0},
	}
	for i, s := range steps {
		h.key(s.key)
		if res.YOffset != s.want {
			t.Fatalf("step %d (%s): results at line %d, want %d", i+1, s.key, res.YOffset, s.want)
		}
		if h.m.instr.YOffset != 0 {
			t.Fatalf("step %d (%s): the instructions moved to line %d", i+1, s.key, h.m.instr.YOffset)
		}
	}

	h.key("tab")
	h.key("j")
	if h.m.instr.YOffset != 1 || res.YOffset != 0 {
		t.Errorf("after tab, j moved instructions to %d and results to %d; want 1 and 0", h.m.instr.YOffset, res.YOffset)
	}
	h.key("tab")
	h.key("j")
	if res.YOffset != 1 {
		t.Errorf("after a second tab, j left the results at %d", res.YOffset)
	}
}

// TestScrollShowsOnScreen checks what the learner sees: the first results
// line goes out of view, and the pane titles say how far and how to scroll.
func TestScrollShowsOnScreen(t *testing.T) {
	h := newHarness(t, "tui-static", nil)
	h.start(80, 12)
	h.playRun()
	h.key("h")
	h.key("g")
	before := h.view()
	if !strings.Contains(before, "Hint 1 of 3") || !strings.Contains(before, "Results 0% · j/k to scroll") {
		t.Fatalf("results pane before scrolling:\n%s", before)
	}
	if !strings.Contains(before, "Instructions") || !strings.Contains(before, "tab, then j/k to scroll") {
		t.Errorf("the instructions do not say how to scroll them:\n%s", before)
	}
	h.key("G")
	after := h.view()
	if strings.Contains(after, "Hint 1 of 3") || !strings.Contains(after, "Results 100% · j/k to scroll") {
		t.Errorf("results pane after G:\n%s", after)
	}
	assertScreen(t, h.m.View(), 80, 12)
}

func TestHelpListsTheScrollKeys(t *testing.T) {
	h := newHarness(t, "tui-static", nil)
	h.start(80, 30)
	h.key("?")
	v := h.view()
	lines := strings.Split(v, "\n")
	if help := strings.Join(lines[len(lines)-5:], "\n"); strings.Contains(help, "…") {
		t.Errorf("the full help is cut at 80 columns:\n%s", help)
	}
	for _, b := range []struct{ key, does string }{
		{"↑/k", "scroll up"}, {"↓/j", "scroll down"}, {"pgup", "page up"}, {"pgdn", "page down"},
		{"g", "top"}, {"G", "bottom"}, {"tab", "switch pane"},
	} {
		// The help bubble pads keys to line up its columns.
		if !regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(b.key) + ` +` + regexp.QuoteMeta(b.does)).MatchString(v) {
			t.Errorf("full help lacks %s %s:\n%s", b.key, b.does, v)
		}
	}
}
