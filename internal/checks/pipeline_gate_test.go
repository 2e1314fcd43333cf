package checks

import (
	"strings"
	"testing"

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
		fixture, at, reason, msg string
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

// TestPipelineGateEngine runs test jobs on the engine: all cases share the
// image's warm-up layer, and run side by side.
func TestPipelineGateEngine(t *testing.T) {
	eng := testenv.Engine(t)
	tests := []struct {
		fixture, at, reason, msg string
	}{
		{"github/solution.yml", ".github/workflows/ci.yml", "", "Your pipeline would have caught this bug"},
		{"github/ok-names-list.yml", ".github/workflows/ci.yml", "", "job \"unit\" failed"},
		{"gitlab/solution.yml", ".gitlab-ci.yml", "", "job \"unit-tests\" failed"},
		{"gitlab/ok-anchors.yml", ".gitlab-ci.yml", "", "job \"test\" failed"},
		{"github/only-echoes.yml", ".github/workflows/ci.yml", ReasonGateNoTests, "only print text"},
		{"gitlab/only-echoes.yml", ".gitlab-ci.yml", ReasonGateNoTests, "only print text"},
		{"github/or-true.yml", ".github/workflows/ci.yml", ReasonGateSwallowed, "cannot fail, so it gates nothing"},
		{"github/or-echo.yml", ".github/workflows/ci.yml", ReasonGateSwallowed, "cannot fail"},
		{"github/or-find.yml", ".github/workflows/ci.yml", ReasonGateSwallowed, "cannot fail"},
		{"github/exit-zero.yml", ".github/workflows/ci.yml", ReasonGateSwallowed, "cannot fail"},
		{"gitlab/or-true.yml", ".gitlab-ci.yml", ReasonGateSwallowed, "cannot fail"},
	}
	// The first case runs alone and builds the warm-up layer the others reuse.
	for i, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			dir := pipelineWorkspace(t, tt.fixture, tt.at)
			testenv.CleanupImages(t, eng, testenv.WorkspaceMatch(dir))
			env := engineEnv(dir, "pipeline-test", eng)
			env.RunID = "gate-" + strings.ReplaceAll(tt.fixture, "/", "-")
			c := gateCheck(t, tt.at)
			if i > 0 {
				t.Parallel()
			}
			r := run(t, c, env)
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
