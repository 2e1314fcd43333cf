package check

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/grade"
)

func TestProgressView(t *testing.T) {
	events := func(p *progressView) {
		start := time.Now().Add(-3 * time.Second)
		p.event(grade.Event{Kind: grade.SubmissionStarted, Learner: "ada", Started: start})
		p.event(grade.Event{Kind: grade.CheckStarted, Learner: "ada", Check: "Your image builds", Started: start})
		p.event(grade.Event{Kind: grade.SubmissionStarted, Learner: "bob", Started: start})
		res := &grade.Result{Learner: "ada", Verdict: grade.Failed, Score: 2, MaxScore: 5, DurationMS: 3200,
			Checks: []grade.CheckGrade{{ID: "image-builds", Status: "fail", Reason: "run-failed"}}}
		p.event(grade.Event{Kind: grade.SubmissionEnded, Learner: "ada", Result: res})
	}
	for _, tt := range []struct {
		name    string
		tty     bool
		want    []string
		notWant string
	}{
		{name: "plain lines for a log", tty: false, want: []string{"[1/2] ada: failed, 2/5 points, 3.2s (image-builds (run-failed))\n"}, notWant: "\r"},
		{name: "a line redrawn on a terminal", tty: true, want: []string{"0/2 · ada: Your image builds 3s", "1/2 · bob: copying", "[1/2] ada: failed"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			p := newProgressView(&out, 2, tt.tty, 100)
			events(p)
			got := out.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%q", w, got)
				}
			}
			if tt.notWant != "" && strings.Contains(got, tt.notWant) {
				t.Errorf("output has %q:\n%q", tt.notWant, got)
			}
		})
	}
}
