package tableprinter

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var header = []string{"ID", "TITLE", "LEVEL", "TIME", "STATUS"}

var labs = [][]string{
	{"dockerfile", "Your first Dockerfile", "beginner", "30 min", "✓ passed"},
	{"compose-jp", "コンテナを組み合わせる", "beginner", "20 min", "• in progress"},
	{"ship-it", "🚀 Ship it without downtime", "advanced", "45 min", "· not started"},
	{"canary", "Canary release with automatic rollback", "intermediate", "5 min", "· not started"},
}

func TestRenderGolden(t *testing.T) {
	green := func(s string) string { return "\x1b[32m" + s + "\x1b[0m" }
	tests := []struct {
		name     string
		width    int
		overflow bool
		right    []int
		cutOnly  []int
		rows     [][]string
	}{
		{name: "wide-titles", rows: append([][]string{header}, labs...)},
		{name: "cut-to-60", width: 60, rows: append([][]string{header}, labs...)},
		{name: "cut-title-to-70", width: 70, cutOnly: []int{1}, rows: append([][]string{header}, labs...)},
		// Cut no narrower than minCut: a line too long wraps rather than
		// showing columns of "…".
		{name: "cut-to-30", width: 30, overflow: true, rows: append([][]string{header}, labs...)},
		{name: "coloured-marks", rows: [][]string{
			header,
			{"dockerfile", "Your first Dockerfile", "beginner", "30 min", green("✓") + " passed"},
			{"env-vars", "Configure a container", "beginner", "20 min", "· not started"},
		}},
		{name: "numbers-right", right: []int{1}, rows: [][]string{
			{"TOPIC", "BEST"}, {"containers", "100%"}, {"iac", "5%"}, {"scaling", "-"},
		}},
		{name: "ragged-rows", rows: [][]string{
			{"A", "B", "C"}, {"one"}, {"two", "second"}, {"three", "x", "last"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			tp := New(&out, tt.width)
			tp.CutOnly(tt.cutOnly...)
			for _, c := range tt.right {
				tp.AlignRight(c)
			}
			for _, r := range tt.rows {
				tp.AddRow(r...)
			}
			if err := tp.Render(); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			limit := tt.width
			if tt.overflow {
				limit = 0
			}
			if len(tt.right) == 0 { // right-aligned columns end, not start, together
				checkAligned(t, got, limit)
			}
			file := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/tableprinter -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("table differs from %s (rerun with -update if intended)\n--- got ---\n%s--- want ---\n%s", file, got, want)
			}
		})
	}
}

// checkAligned asserts what the golden files show: every column of every
// line starts at the same cell as in the header, and no line is wider than
// the limit.
func checkAligned(t *testing.T, out string, width int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	starts := columnStarts(lines[0])
	for i, l := range lines {
		if width > 0 && ansi.StringWidth(l) > width {
			t.Errorf("line %d is %d cells, limit %d: %q", i+1, ansi.StringWidth(l), width, l)
		}
		if strings.HasSuffix(l, " ") {
			t.Errorf("line %d ends in spaces: %q", i+1, l)
		}
		for j, s := range columnStarts(l) {
			if j < len(starts) && s != starts[j] {
				t.Errorf("line %d: column %d starts at cell %d, header's at %d:\n%s", i+1, j+1, s, starts[j], out)
			}
		}
	}
}

// columnStarts is the cell where each field of a line starts: after a gap
// of two spaces or more.
func columnStarts(line string) []int {
	plain := []rune(ansi.Strip(line))
	starts, cell, spaces := []int{0}, 0, 0
	for _, r := range plain {
		if r == ' ' {
			spaces++
		} else {
			if spaces >= 2 {
				starts = append(starts, cell)
			}
			spaces = 0
		}
		cell += ansi.StringWidth(string(r))
	}
	return starts
}
