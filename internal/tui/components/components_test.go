package components

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func TestFit(t *testing.T) {
	tests := []struct {
		in   string
		w, h int
		want string
	}{
		{"ab", 4, 2, "ab  \n    "},
		{"abcdef\nx\ny\nz", 4, 2, "abc…\nx   "},
		{"✓ ok", 5, 1, "✓ ok "},
	}
	for _, tt := range tests {
		if got := Fit(tt.in, tt.w, tt.h); got != tt.want {
			t.Errorf("Fit(%q, %d, %d) = %q, want %q", tt.in, tt.w, tt.h, got, tt.want)
		}
	}
}

func TestLogKeepsTheTail(t *testing.T) {
	l := NewLog(3)
	l.Write("one\ntw")
	l.Write("o\nthree\nfour\nfi")
	l.Write("ve 10%\rfive 100%\n")
	if got := strings.Join(l.Tail(10), "|"); got != "three|four|five 100%" {
		t.Errorf("tail %q", got)
	}
	l.Write("six")
	if got := strings.Join(l.Tail(2), "|"); got != "five 100%|six" {
		t.Errorf("tail with partial line %q", got)
	}
	l.Reset()
	if l.Len() != 0 {
		t.Error("reset kept lines")
	}
}

func TestStepsView(t *testing.T) {
	s := Steps{Spinner: "*", Items: []Step{
		{Title: "There is a Dockerfile", State: StepPass},
		{Title: "Your image builds", State: StepRunning, Elapsed: 12 * time.Second},
		{Title: "A very long title that cannot possibly fit", State: StepPending},
		{Title: "Quick", State: StepRunning, Elapsed: 300 * time.Millisecond},
	}}
	got := strings.Split(s.View(30), "\n")
	want := []string{
		"✓ 1. There is a Dockerfile    ",
		"* 2. Your image builds 12s    ",
		"· 3. A very long title that c…",
		"* 4. Quick                    ",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %q, want %q", i+1, got[i], want[i])
		}
		if w := ansi.StringWidth(got[i]); w != 30 {
			t.Errorf("line %d is %d wide", i+1, w)
		}
	}
}

// TestPickerColumnsLineUp lists labs with wide titles: the details start at
// the same cell on every line, and a title too long is cut, not the details.
func TestPickerColumnsLineUp(t *testing.T) {
	items := []PickItem{
		{ID: "dockerfile", Title: "Your first Dockerfile", Detail: "beginner · 30 min", Done: true},
		{ID: "bluegreen-vs-rolling", Title: "Blue/green or rolling? Ship a release without users noticing", Detail: "intermediate · 40 min"},
		{ID: "compose-jp", Title: "コンテナを組み合わせる", Detail: "beginner · 20 min"},
		{ID: "ship", Title: "🚀 Ship it", Detail: "advanced · 45 min"},
	}
	for _, width := range []int{120, 80} {
		view := Picker{Items: items}.View(width, 10)
		lines := strings.Split(view, "\n")[3:7]
		at := -1
		for i, l := range lines {
			if w := ansi.StringWidth(l); w != width {
				t.Errorf("width %d: line %d is %d cells", width, i+1, w)
			}
			cut := strings.Index(l, "  "+strings.Fields(items[i].Detail)[0])
			if cut < 0 {
				t.Fatalf("width %d: line %d lost its detail: %q", width, i+1, l)
			}
			if c := ansi.StringWidth(l[:cut]); at < 0 {
				at = c
			} else if c != at {
				t.Errorf("width %d: line %d has its detail at cell %d, line 1 at %d:\n%s", width, i+1, c, at, view)
			}
		}
	}
}
