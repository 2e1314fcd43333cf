package lab

import (
	"fmt"
	"time"

	"github.com/devopsctl/devopsctl/internal/iostreams"
)

// byteProgress shows how far a long copy (saving or loading images) is. On a
// terminal one line is redrawn at most five times a second; elsewhere a line
// is printed when a stage starts and at most every ten seconds, so a CI log
// shows the work is moving without filling up.
type byteProgress struct {
	io    *iostreams.IOStreams
	tty   bool
	what  string
	last  time.Time
	drawn bool
}

func newProgress(io *iostreams.IOStreams) *byteProgress {
	return &byteProgress{io: io, tty: io.IsStdoutTTY()}
}

func (p *byteProgress) update(what string, done, total int64) {
	every := 10 * time.Second
	if p.tty {
		every = 200 * time.Millisecond
	}
	if what == p.what && time.Since(p.last) < every {
		return
	}
	p.what, p.last = what, time.Now()
	line := fmt.Sprintf("%s: %s", what, humanBytes(done))
	if total > 0 {
		line += fmt.Sprintf(" of %s (%d%%)", humanBytes(total), done*100/total)
	}
	if p.tty {
		fmt.Fprintf(p.io.ErrOut, "\r\033[K%s", line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.io.ErrOut, line)
}

// done ends the progress line on a terminal.
func (p *byteProgress) done() {
	if p.drawn {
		fmt.Fprintln(p.io.ErrOut)
		p.drawn = false
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
