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
