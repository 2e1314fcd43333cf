package checks

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

const gateWith = `
path: %s
bug:
  description: a tax calculation that returns only the tax
  replace:
    - file: main.go
      old: "cents := total * (1 + TaxRate) * 100"
      new: "cents := total * TaxRate * 100"
`

func gateCheck(t *testing.T, path string) Check {
	return mustCheck(t, "pipeline_gate", strings.Replace(gateWith, "%s", path, 1))
}

// TestPipelineGateStructural covers the reasons found before anything runs:
// no engine is given, so a call to it would fail the test.
func TestPipelineGateStructural(t *testing.T) {
	tests := []struct {
		fixture, at string
		reason      Reason
		msg         string
	}{
		{"github/continue-step.yml", ".github/workflows/ci.yml", ReasonGateContinueOnError, "the step that runs the tests has continue-on-error: true (line 17)"},
		{"github/continue-job.yml", ".github/workflows/ci.yml", ReasonGateContinueOnError, `job "test" has continue-on-error: true (line 10)`},
		{"github/uses-only.yml", ".github/workflows/ci.yml", ReasonGateNoCommands, "runs no commands of its own"},
		{"gitlab/allow-failure.yml", ".gitlab-ci.yml", ReasonGateAllowFailure, `job "unit-tests" has allow_failure (line 15)`},
		{"github/yaml-syntax.yml", ".github/workflows/ci.yml", ReasonPipelineSyntax, "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			dir := pipelineWorkspace(t, tt.fixture, tt.at)
			r := run(t, gateCheck(t, tt.at), &Env{Dir: dir})
			wantStatus(t, r, Fail, tt.reason)
			if !strings.Contains(r.Message, tt.msg) {
				t.Errorf("message %q does not say %q", r.Message, tt.msg)
			}
		})
	}
}

func TestPipelineGateAppChanged(t *testing.T) {
	dir := pipelineWorkspace(t, "github/solution.yml", ".github/workflows/ci.yml")
	writeFile(t, dir, "main.go", []byte("package main\n\nfunc main() {}\n"))
	r := run(t, gateCheck(t, ".github/workflows/ci.yml"), &Env{Dir: dir})
	wantStatus(t, r, Fail, ReasonGateAppChanged)
}

func TestPipelineGateParams(t *testing.T) {
	k, _ := Lookup("pipeline_gate")
	for _, with := range []string{
		"bug: {description: x}",
		"bug: {replace: [{file: main.go, old: a, new: b}]}",
		"bug: {description: x, replace: [{file: ../main.go, old: a, new: b}]}",
		"bug: {description: x, replace: [{file: main.go, old: a, new: a}]}",
		"format: jenkins\nbug: {description: x, replace: [{file: main.go, old: a, new: b}]}",
	} {
		if _, err := k.New(nodeOf(t, with)); err == nil {
			t.Errorf("with %q: no error", with)
		}
	}
}

// TestPipelineGateEngine runs test jobs on the engine: a passing job of each
// format and one case of each reason only a run can tell. All cases share the
// image's warm-up layer, and run side by side. How a passing run on broken
// code is explained is tested without the engine (TestGateCannotFail).
func TestPipelineGateEngine(t *testing.T) {
	// Runs beside the package's other long engine tests.
	t.Parallel()
	eng := testenv.Engine(t)
	tests := []struct {
		fixture, at string
		reason      Reason
		msg         string
	}{
		{"github/solution.yml", ".github/workflows/ci.yml", "", `Your pipeline would have caught this bug (a tax calculation that returns only the tax): job "test" failed`},
		{"gitlab/ok-anchors.yml", ".gitlab-ci.yml", "", `job "test" failed on the broken copy`},
		{"github/only-echoes.yml", ".github/workflows/ci.yml", ReasonGateNoTests, "only print text"},
		{"github/or-true.yml", ".github/workflows/ci.yml", ReasonGateSwallowed, "cannot fail, so it gates nothing"},
		{"github/fails-on-good.yml", ".github/workflows/ci.yml", ReasonGateFailsOnGoodCode, "step 3 (.github/workflows/ci.yml:15) exited with code 1"},
	}
	// The first case runs alone and builds the warm-up layer the others reuse.
	for i, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			dir := pipelineWorkspace(t, tt.fixture, tt.at)
			testenv.CleanupImages(t, eng, testenv.WorkspaceMatch(dir))
			env := engineEnv(dir, "pipeline-test", eng)
			env.RunID = "gate-test:" + dir
			c := gateCheck(t, tt.at)
			if i > 0 {
				t.Parallel()
			}
			// A shared engine under load can take minutes to start and
			// run containers whose own work is a second or two of CPU.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			env.Timeout = 10 * time.Minute
			r := c.Run(ctx, env)
			// As the runner does after every run: a container whose creation
			// a cancelled call left unanswered is found by its run label.
			if err := docker.Cleanup(eng, map[string]string{docker.LabelRun: env.RunID}); err != nil {
				t.Errorf("clean up the run: %v", err)
			}
			status := Fail
			if tt.reason == "" {
				status = Pass
			}
			wantStatus(t, r, status, tt.reason)
			if !strings.Contains(r.Message, tt.msg) {
				t.Errorf("message %q does not say %q\nevidence: %v", r.Message, tt.msg, r.Evidence)
			}
			testenv.NoLeftoversIn(t, eng, testenv.WorkspaceMatch(dir))
		})
	}
}

// TestGateCannotFail: a test job that passed on the broken app is explained
// by what its scripts do; each fixture names its own cause.
func TestGateCannotFail(t *testing.T) {
	tests := []struct {
		fixture, at string
		reason      Reason
		evidence    string
	}{
		{"github/or-true.yml", ".github/workflows/ci.yml", ReasonGateSwallowed, "ci.yml:16: || true: `|| true` turns any failure"},
		{"github/or-echo.yml", ".github/workflows/ci.yml", ReasonGateSwallowed, "`|| echo` prints a message"},
		{"github/or-find.yml", ".github/workflows/ci.yml", ReasonGateSwallowed, "`|| command` runs another command"},
		{"github/exit-zero.yml", ".github/workflows/ci.yml", ReasonGateSwallowed, "`; exit 0` makes the step succeed"},
		{"gitlab/or-true.yml", ".gitlab-ci.yml", ReasonGateSwallowed, ".gitlab-ci.yml:17: || true"},
		{"github/only-echoes.yml", ".github/workflows/ci.yml", ReasonGateNoTests, ""},
		{"gitlab/only-echoes.yml", ".gitlab-ci.yml", ReasonGateNoTests, ""},
		{"github/solution.yml", ".github/workflows/ci.yml", ReasonGateCannotFail, ""},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			dir := pipelineWorkspace(t, tt.fixture, tt.at)
			c := gateCheck(t, tt.at).(*pipelineGate)
			rel, data, res := readPipeline(dir, c.Path)
			if res != nil {
				t.Fatal(res.Message)
			}
			job, res := c.testJob(rel, data)
			if res != nil {
				t.Fatal(res.Message)
			}
			r := c.cannotFail(rel, job, data, gateRun{logs: "==> every step passed"})
			wantStatus(t, r, Fail, tt.reason)
			if ev := strings.Join(r.Evidence, "\n"); !strings.Contains(ev, tt.evidence) {
				t.Errorf("evidence does not say %q:\n%s", tt.evidence, ev)
			}
		})
	}
}
