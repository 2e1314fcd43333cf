// Package report turns a lab run into what people read: plain text for a
// terminal or a log, and JSON for machines. It runs nothing.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// Style decides how text output looks.
type Style struct {
	Color bool
	// MaxEvidence bounds the evidence lines shown per check (0: 8).
	MaxEvidence int
}

const (
	ansiReset  = "\x1b[0m"
	ansiGreen  = "\x1b[32m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
	ansiBold   = "\x1b[1m"
)

func (s Style) paint(code, text string) string {
	if !s.Color {
		return text
	}
	return code + text + ansiReset
}

// Icon is the one-character mark for a status.
func Icon(st checks.Status) string {
	switch st {
	case checks.Pass:
		return "✓"
	case checks.Fail:
		return "✗"
	case checks.Error:
		return "!"
	default:
		return "-"
	}
}

func (s Style) icon(st checks.Status) string {
	switch st {
	case checks.Pass:
		return s.paint(ansiGreen, Icon(st))
	case checks.Fail, checks.Error:
		return s.paint(ansiRed, Icon(st))
	default:
		return s.paint(ansiYellow, Icon(st))
	}
}

// CheckLine writes one check's outcome: the status line, then message, evidence
// and hint indented under it.
func (s Style) CheckLine(w io.Writer, r labs.CheckResult) {
	took := ""
	if r.Status != checks.Skip {
		took = " " + s.paint(ansiDim, fmt.Sprintf("(%s)", duration(r.DurationMS)))
	}
	fmt.Fprintf(w, "  %s %s%s\n", s.icon(r.Status), r.Title, took)
	if r.Message != "" {
		for _, l := range strings.Split(r.Message, "\n") {
			fmt.Fprintf(w, "      %s\n", l)
		}
	}
	max := s.MaxEvidence
	if max == 0 {
		max = 8
	}
	if r.Status != checks.Pass || findingsOnPass(r.Kind) {
		ev := r.Evidence
		if len(ev) > max {
			ev = append(ev[:max:max], fmt.Sprintf("… and %d more", len(r.Evidence)-max))
		}
		for _, e := range ev {
			fmt.Fprintf(w, "      %s\n", s.paint(ansiDim, "│ "+e))
		}
	}
	if r.Hint != "" {
		fmt.Fprintf(w, "      %s %s\n", s.paint(ansiBold, "hint:"), wrapHint(r.Hint))
	}
}

// findingsOnPass reports a kind whose evidence is shown even on a pass: a lint
// that passed "with 2 warnings" names them.
func findingsOnPass(kind string) bool {
	k, ok := checks.Lookup(kind)
	return ok && k.FindingsOnPass
}

func wrapHint(h string) string {
	return strings.ReplaceAll(strings.TrimSpace(h), "\n", "\n            ")
}

func duration(ms int64) string {
	return fmt.Sprintf("%.1fs", float64(ms)/1000)
}

// Text writes the whole report.
func Text(w io.Writer, lab *labs.Lab, rep *labs.Report, s Style) {
	fmt.Fprintf(w, "%s %s\n", s.paint(ansiBold, "Lab "+lab.ID+":"), lab.Title)
	for _, r := range rep.Checks {
		s.CheckLine(w, r)
	}
	fmt.Fprintln(w)
	Summary(w, lab, rep, s)
}

// Summary writes the closing lines of a report: the verdict and what to do next.
func Summary(w io.Writer, lab *labs.Lab, rep *labs.Report, s Style) {
	switch {
	case rep.Interrupted:
		fmt.Fprintln(w, s.paint(ansiYellow, "Interrupted: "+rep.Summary()+"."))
	case rep.Passed:
		fmt.Fprintln(w, s.paint(ansiGreen, "Well done: "+rep.Summary()+"!"))
		if len(lab.Learned) > 0 {
			fmt.Fprintln(w, "What you can now do:")
			for _, l := range lab.Learned {
				fmt.Fprintf(w, "  • %s\n", l)
			}
		}
	case rep.EngineMissing:
		fmt.Fprintln(w, s.paint(ansiYellow, "Not finished: "+rep.Summary()+"; the Docker checks need a running engine."))
		fmt.Fprintln(w, labs.StartDockerHint)
	default:
		fmt.Fprintln(w, s.paint(ansiRed, "Not yet: "+rep.Summary()+"."))
		fmt.Fprintln(w, "Fix the first problem above, save, and run devopsctl check again. Stuck? devopsctl lab hint")
	}
}

// JSON writes the report as one JSON document.
func JSON(w io.Writer, rep *labs.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if rep.Checks == nil {
		rep.Checks = []labs.CheckResult{}
	}
	return enc.Encode(rep)
}
