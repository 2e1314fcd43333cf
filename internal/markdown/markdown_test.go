package markdown

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

const doc = `# A Dockerfile that parses

Docker reads a Dockerfile **line by line, each
line** an instruction.

## Steps

1. Open Dockerfile.

### Why it matters

#### Deeper

A recipe that does not parse never builds.
`

// rawHeading is a line that still starts with markdown's heading marker.
var rawHeading = regexp.MustCompile(`(?m)^\s*#{1,6}\s`)

func TestRenderDropsMarkdownMarkers(t *testing.T) {
	for _, colour := range []bool{false, true} {
		out, err := Render(doc, 60, colour)
		if err != nil {
			t.Fatal(err)
		}
		plain := ansi.Strip(out)
		if m := rawHeading.FindString(plain); m != "" {
			t.Errorf("colour %v: a heading is shown raw (%q):\n%s", colour, m, plain)
		}
		if strings.Contains(plain, "**") {
			t.Errorf("colour %v: bold markers shown:\n%s", colour, plain)
		}
		for _, want := range []string{"A Dockerfile that parses", "Steps", "Why it matters", "Deeper", "1. Open Dockerfile."} {
			if !strings.Contains(plain, want) {
				t.Errorf("colour %v: %q missing:\n%s", colour, want, plain)
			}
		}
		if hasEsc := strings.Contains(out, "\x1b["); hasEsc != colour {
			t.Errorf("colour %v: escape codes present = %v", colour, hasEsc)
		}
	}
}

func TestRenderWrapsAtWidth(t *testing.T) {
	for _, width := range []int{30, 50, 80} {
		out, err := Render(doc, width, false)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(out, "\n") {
			if w := ansi.StringWidth(line); w > width {
				t.Errorf("width %d: line %d is %d cells: %q", width, i+1, w, line)
			}
			if strings.HasSuffix(line, " ") {
				t.Errorf("width %d: line %d keeps trailing padding: %q", width, i+1, line)
			}
		}
	}
}
