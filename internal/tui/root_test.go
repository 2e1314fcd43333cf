package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestLabScreenRunsBehindThePager opens a document over the lab screen while
// a run is going: the run's results still reach the lab screen, the pager
// stays in front, and closing it shows them.
func TestLabScreenRunsBehindThePager(t *testing.T) {
	h := newHarness(t, "tui-static", nil)
	h.start(80, 24)
	h.send(docLoadedMsg{title: "A document", render: func(int) (string, error) { return "some text", nil }})
	if h.m.screen != screenPager || !strings.Contains(h.view(), "some text") {
		t.Fatalf("the document is not in front:\n%s", h.view())
	}
	h.playRun()
	if h.m.screen != screenPager {
		t.Fatal("a finished run took the pager away")
	}
	if h.m.last == nil || h.m.running {
		t.Fatalf("the lab screen missed its run: last=%v running=%v", h.m.last, h.m.running)
	}
	h.send(msgOf(t, h.key("q")))
	if v := h.view(); h.m.screen != screenLab || !strings.Contains(v, "1 of 2 checks passed") {
		t.Errorf("back on the lab screen:\n%s", v)
	}
	// The pager follows the terminal's size while it is in front, leaving
	// the last column free.
	h.send(docLoadedMsg{title: "A document", render: func(w int) (string, error) { return strings.Repeat("x", w), nil }})
	h.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	assertScreen(t, h.m.View(), 60, 20)
	if !strings.Contains(h.view(), strings.Repeat("x", 59)) || strings.Contains(h.view(), strings.Repeat("x", 60)) {
		t.Errorf("the pager did not draw again for 60 columns:\n%s", h.view())
	}
}
