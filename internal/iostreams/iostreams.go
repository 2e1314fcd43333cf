// Package iostreams decides how devopsctl talks to the person in front of it:
// whether stdin/stdout are terminals, whether colour is wanted (NO_COLOR,
// --no-color), and gives tests a constructor with plain buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"github.com/creack/pty"
	"github.com/mattn/go-isatty"
)

// IOStreams bundles the standard streams with what is known about them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	colour    bool
	width     int
}

// System returns the process's streams.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.stdinTTY = isTerminal(os.Stdin)
	s.stdoutTTY = isTerminal(os.Stdout)
	_, noColour := os.LookupEnv("NO_COLOR")
	s.colour = s.stdoutTTY && !noColour && os.Getenv("TERM") != "dumb"
	if s.stdoutTTY {
		// Asked once: a listing is printed in one go, not redrawn on resize.
		if _, cols, err := pty.Getsize(os.Stdout); err == nil && cols > 0 {
			s.width = cols
		}
	}
	return s
}

// Test returns streams over buffers: input, output and error output.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// IsStdinTTY and IsStdoutTTY report whether the streams are terminals.
func (s *IOStreams) IsStdinTTY() bool  { return s.stdinTTY }
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// SetTTY marks both streams as terminals or not (for tests).
func (s *IOStreams) SetTTY(tty bool) { s.stdinTTY, s.stdoutTTY = tty, tty }

// CanPrompt reports whether an interactive UI may be shown.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stdoutTTY }

// ColorEnabled reports whether output may carry colour.
func (s *IOStreams) ColorEnabled() bool { return s.colour }

// TerminalWidth is the width of the terminal stdout writes to, in cells, and
// 0 when stdout is not a terminal or its size is unknown: tables then keep
// every field whole.
func (s *IOStreams) TerminalWidth() int { return s.width }

// SetTerminalWidth overrides the width (tests).
func (s *IOStreams) SetTerminalWidth(w int) { s.width = w }

// SetColorEnabled overrides colour (--no-color, tests).
func (s *IOStreams) SetColorEnabled(on bool) { s.colour = on }
