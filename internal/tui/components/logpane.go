package components

import "strings"

// Log keeps the tail of a live build log: a build can print thousands of
// lines, and only the last ones fit on screen.
type Log struct {
	lines   []string
	partial string
	max     int
}

// NewLog keeps at most max lines.
func NewLog(max int) Log { return Log{max: max} }

// Write appends output as it arrives, joining a line split across writes.
func (l *Log) Write(text string) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	parts := strings.Split(l.partial+text, "\n")
	l.partial = parts[len(parts)-1]
	for _, p := range parts[:len(parts)-1] {
		// A carriage return redraws a progress line in place; keep its last state.
		if i := strings.LastIndex(p, "\r"); i >= 0 {
			p = p[i+1:]
		}
		l.lines = append(l.lines, strings.ReplaceAll(p, "\t", "    "))
	}
	if over := len(l.lines) - l.max; l.max > 0 && over > 0 {
		l.lines = append(l.lines[:0], l.lines[over:]...)
	}
}

// Reset forgets everything.
func (l *Log) Reset() { l.lines, l.partial = l.lines[:0], "" }

// Len is the number of lines kept, counting an unfinished last line.
func (l Log) Len() int {
	if l.partial != "" {
		return len(l.lines) + 1
	}
	return len(l.lines)
}

// Tail returns the last n lines.
func (l Log) Tail(n int) []string {
	all := l.lines
	if l.partial != "" {
		all = append(all[:len(all):len(all)], l.partial)
	}
	if len(all) > n {
		all = all[len(all)-n:]
	}
	return all
}
