// Package tableprinter writes rows as aligned columns for a terminal.
//
// Widths are terminal cells, measured with charmbracelet/x/ansi: a CJK
// character or an emoji takes two, an escape code none. text/tabwriter counts
// runes instead, so a wide title or a coloured mark pushed every column after
// it out of line. lipgloss/table measures the same way but draws borders and
// wraps cells; a listing to read, grep and paste wants neither.
package tableprinter

import (
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// gap is the space between two columns.
const gap = "  "

// minCut is the narrowest a column is cut to when the table is too wide.
const minCut = 8

// Table collects rows and writes them aligned.
type Table struct {
	out      io.Writer
	maxWidth int
	rows     [][]string
	right    map[int]bool
	cut      map[int]bool
}

// New writes to out. A maxWidth above zero (a terminal's width) cuts the
// widest columns with "…" until each line fits; zero never cuts, for output
// that goes to a file or another program.
func New(out io.Writer, maxWidth int) *Table {
	return &Table{out: out, maxWidth: maxWidth, right: map[int]bool{}, cut: map[int]bool{}}
}

// CutOnly names the columns (from 0) that may be cut to fit maxWidth, such as
// a title, so that an id or a status stays whole. Without it any column may be.
func (t *Table) CutOnly(cols ...int) {
	for _, c := range cols {
		t.cut[c] = true
	}
}

// AlignRight right-aligns column col (from 0), for numbers.
func (t *Table) AlignRight(col int) { t.right[col] = true }

// AddRow adds one row; the first row added is usually the header. Rows may
// have fewer fields than others.
func (t *Table) AddRow(fields ...string) {
	t.rows = append(t.rows, append([]string(nil), fields...))
}

// Render writes the rows, each line without trailing spaces.
func (t *Table) Render() error {
	widths := t.widths()
	var b strings.Builder
	for _, row := range t.rows {
		var line strings.Builder
		for i, f := range row {
			if i > 0 {
				line.WriteString(gap)
			}
			w := widths[i]
			if ansi.StringWidth(f) > w {
				f = ansi.Truncate(f, w, "…")
			}
			pad := strings.Repeat(" ", w-ansi.StringWidth(f))
			if t.right[i] {
				line.WriteString(pad + f)
			} else {
				line.WriteString(f + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	_, err := io.WriteString(t.out, b.String())
	return err
}

// widths is each column's width: its widest field, then, while the table is
// wider than maxWidth, the widest column that may be cut, one cell at a time.
func (t *Table) widths() []int {
	var widths []int
	for _, row := range t.rows {
		for i, f := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(f))
		}
	}
	if t.maxWidth <= 0 {
		return widths
	}
	total := func() int {
		n := len(gap) * max(len(widths)-1, 0)
		for _, w := range widths {
			n += w
		}
		return n
	}
	for over := total() - t.maxWidth; over > 0; over-- {
		widest := -1
		for i, w := range widths {
			if (len(t.cut) == 0 || t.cut[i]) && (widest < 0 || w > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 || widths[widest] <= minCut {
			break // every column is as narrow as it may be; let the line wrap
		}
		widths[widest]--
	}
	return widths
}
