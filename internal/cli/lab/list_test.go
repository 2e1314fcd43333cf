package lab

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/devopsctl/devopsctl/internal/iostreams"
)

// TestLabTableAligned lists labs with wide titles and every progress mark and
// checks the level column starts at the same cell on every line, whole or
// cut to a narrow terminal.
func TestLabTableAligned(t *testing.T) {
	rows := []listedLab{
		{ID: "dockerfile", Title: "Your first Dockerfile", Difficulty: "beginner", Minutes: 30, Status: "passed"},
		{ID: "compose-jp", Title: "コンテナを組み合わせる", Difficulty: "beginner", Minutes: 20, Status: "in progress"},
		{ID: "ship-it", Title: "🚀 Ship it", Difficulty: "advanced", Minutes: 45, Status: "not started"},
		{ID: "canary", Title: "Canary release with automatic rollback", Difficulty: "intermediate", Minutes: 5, Status: "not started"},
	}
	for _, width := range []int{0, 80, 60} {
		io, _, out, _ := iostreams.Test()
		io.SetTerminalWidth(width)
		if err := writeLabTable(io, rows); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != len(rows)+1 {
			t.Fatalf("width %d: %d lines:\n%s", width, len(lines), out)
		}
		levelAt := -1
		for i, l := range lines {
			word := "LEVEL"
			if i > 0 {
				word = rows[i-1].Difficulty
			}
			cut := strings.Index(l, "  "+word+"  ")
			if cut < 0 {
				t.Fatalf("width %d: line %d lacks %q: %q", width, i+1, word, l)
			}
			at := ansi.StringWidth(l[:cut])
			if levelAt < 0 {
				levelAt = at
			}
			if at != levelAt {
				t.Errorf("width %d: line %d has its level at cell %d, the header at %d:\n%s", width, i+1, at, levelAt, out)
			}
			if width > 0 && ansi.StringWidth(l) > width {
				t.Errorf("width %d: line %d is %d cells: %q", width, i+1, ansi.StringWidth(l), l)
			}
		}
		for _, want := range []string{"✓ passed", "• in progress", "· not started"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("width %d: no %q:\n%s", width, want, out)
			}
		}
		if width == 0 && !strings.Contains(out.String(), rows[3].Title) {
			t.Errorf("piped output cut a title:\n%s", out)
		}
		if width == 60 && !strings.Contains(out.String(), "…") {
			t.Errorf("a 60-cell terminal got whole titles:\n%s", out)
		}
	}
}

func TestListRunText(t *testing.T) {
	f := testFactory(t)
	io, _, out, _ := iostreams.Test()
	io.SetTerminalWidth(80)
	f.IOStreams = io
	if err := listRun(&ListOptions{IO: io, Factory: f, Output: "text"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ID  ", "dockerfile", "· not started", "Start one with: devopsctl lab start <id>"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for i, l := range strings.Split(out.String(), "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line %d is %d cells on an 80-cell terminal: %q", i+1, w, l)
		}
	}
}
