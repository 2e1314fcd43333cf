package checks

import (
	"strings"
	"testing"
)

func TestWorkflowStructure(t *testing.T) {
	tests := []struct {
		fixture string
		reason  Reason
		msg     string
	}{
		{"solution.yml", "", "deploys only from main"},
		{"ok-ref-name.yml", "", ""},
		{"ok-names-list.yml", "", "unit → image → release"},
		{"ok-branch-filter.yml", "", ""},
		{"no-pr.yml", ReasonNoPRTrigger, "does not run on pull_request"},
		{"deploy-unrestricted.yml", ReasonDeployNotRestricted, "has no if: condition, so it also deploys for a push to the branch feature-login and for a pull request"},
		{"deploy-or.yml", ReasonDeployNotRestricted, "for a pull request"},
		{"deploy-always.yml", ReasonDeployAfterFailure, "even when a job it needs failed"},
		{"deploy-never.yml", ReasonDeployNeverRuns, "never runs for a push to main"},
		{"deploy-without-test.yml", ReasonBuildWithoutTest, `job "build" does not need "test"`},
		{"build-not-needed.yml", ReasonDeployWithoutBuild, `job "deploy" does not need "build"`},
		{"latest-untested.yml", ReasonBuildWithoutTest, `job "build" does not need "test"`},
	}
	c := mustCheck(t, "workflow_structure", "")
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			dir := pipelineWorkspace(t, "github/"+tt.fixture, ".github/workflows/ci.yml")
			r := run(t, c, &Env{Dir: dir})
			status := Fail
			if tt.reason == "" {
				status = Pass
			}
			wantStatus(t, r, status, tt.reason)
			if !strings.Contains(r.Message, tt.msg) {
				t.Errorf("message %q does not say %q", r.Message, tt.msg)
			}
		})
	}
}

// TestWorkflowStructureLatest: a deploy pushing :latest without waiting for
// the tests is named as such, beside the build that does not wait either.
func TestWorkflowStructureLatest(t *testing.T) {
	dir := pipelineWorkspace(t, "github/latest-untested.yml", ".github/workflows/ci.yml")
	r := run(t, mustCheck(t, "workflow_structure", ""), &Env{Dir: dir})
	if !strings.Contains(strings.Join(r.Evidence, "\n"), "pushes registry.example.com/calc:latest with no test before it") {
		t.Errorf("evidence does not name the untested :latest push: %v", r.Evidence)
	}
}
