package checks

import (
	"bytes"
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/devopsctl/devopsctl/internal/plural"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// buildOutput relays the classic builder's log with the learner's own step
// count. The engine turns each image label devopsctl sets into a LABEL step of
// its own at the end of the build, so a 7-instruction Dockerfile would show
// "Step 1/10": the counter is rewritten to the Dockerfile's instructions, and
// the injected steps are left out.
type buildOutput struct {
	w       io.Writer
	own     int // instructions in the learner's Dockerfile; 0 relays as is
	hiding  bool
	partial []byte
	// step is the last step line relayed, renumbered: the step running now.
	step string
}

var stepLine = regexp.MustCompile(`^Step (\d+)/(\d+) : `)

// newBuildOutput counts the instructions of dockerfile as the classic builder
// numbers its steps: every instruction of every stage, ARGs before FROM included.
func newBuildOutput(w io.Writer, dockerfile []byte) *buildOutput {
	own := 0
	if res, err := parser.Parse(bytes.NewReader(dockerfile)); err == nil {
		own = len(res.AST.Children)
	}
	return &buildOutput{w: w, own: own}
}

func (b *buildOutput) Write(p []byte) (int, error) {
	b.partial = append(b.partial, p...)
	for {
		i := bytes.IndexByte(b.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(b.partial[:i+1])
		b.partial = b.partial[i+1:]
		if out, ok := b.line(line); ok {
			if _, err := io.WriteString(b.w, out); err != nil {
				return len(p), err
			}
		}
	}
}

// Flush writes a last line that had no newline.
func (b *buildOutput) Flush() {
	if len(b.partial) > 0 {
		if out, ok := b.line(string(b.partial)); ok {
			io.WriteString(b.w, out)
		}
		b.partial = nil
	}
}

func (b *buildOutput) line(l string) (string, bool) {
	if b.own == 0 {
		if stepLine.MatchString(l) {
			b.step = strings.TrimSpace(l)
		}
		return l, true
	}
	if m := stepLine.FindStringSubmatch(l); m != nil {
		n, _ := strconv.Atoi(m[1])
		total, _ := strconv.Atoi(m[2])
		if total <= b.own {
			b.step = strings.TrimSpace(l)
			return l, true
		}
		b.hiding = n > b.own
		if b.hiding {
			return "", false
		}
		out := fmt.Sprintf("Step %d/%d : ", n, b.own) + l[len(m[0]):]
		b.step = strings.TrimSpace(out)
		return out, true
	}
	if strings.HasPrefix(l, "Successfully ") {
		b.hiding = false
	}
	return l, !b.hiding
}

// renumber applies buildOutput to a whole log.
func renumber(log string, dockerfile []byte) string {
	var buf bytes.Buffer
	out := newBuildOutput(&buf, dockerfile)
	out.Write([]byte(log))
	out.Flush()
	return buf.String()
}

// maxExplaining bounds the output lines shown under the failing step: the
// explanation is at the end of what the step printed.
const maxExplaining = 6

// failingStep picks the evidence of a failed build: the step that failed and
// the last lines it printed, without the builder's bookkeeping or blank lines.
func failingStep(log string) []string {
	lines := strings.Split(log, "\n")
	start := -1
	for i, l := range lines {
		if stepLine.MatchString(l) {
			start = i
		}
	}
	var head []string
	if start >= 0 {
		head = []string{strings.TrimSpace(lines[start])}
		lines = lines[start+1:]
	}
	var said []string
	for _, l := range lines {
		// The builder colours what a step wrote to stderr; evidence is plain text.
		l = ansi.Strip(l)
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "---> ") || strings.HasPrefix(t, "Removing intermediate container") {
			continue
		}
		said = append(said, strings.TrimRight(l, " \r"))
	}
	if len(said) > maxExplaining {
		skipped := len(said) - maxExplaining
		said = append([]string{fmt.Sprintf("(%s before these are in the build output above)", plural.N(skipped, "line"))}, said[skipped:]...)
	}
	return append(head, said...)
}
