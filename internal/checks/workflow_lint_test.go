package checks

import (
	"strings"
	"testing"
)

func TestWorkflowLint(t *testing.T) {
	const ci = ".github/workflows/ci.yml"
	tests := []struct {
		name, fixture, at string
		reason            Reason
		msg               string
	}{
		{"solution", "github/solution.yml", ci, "", "no problem"},
		{"another name in the folder", "github/ok-names-list.yml", ".github/workflows/pipeline.yaml", "", "pipeline.yaml"},
		{"yaml syntax", "github/yaml-syntax.yml", ci, ReasonPipelineSyntax, "ci.yml:16:1: the file is not valid YAML"},
		{"needs a missing job", "github/needs-missing.yml", ci, ReasonLintNeedsMissingJob, `needs job "bulid", but this workflow has no job with that id (did you mean "build"?)`},
		{"unknown trigger", "github/unknown-trigger.yml", ci, ReasonLintUnknownTrigger, `(did you mean "pull_request"?)`},
		{"typo folder", "github/solution.yml", ".github/workfllows/ci.yml", ReasonPipelineWrongFolder, "spelled workfllows, not workflows"},
		{"other folder", "github/solution.yml", ".github/flows/ci.yml", ReasonPipelineWrongFolder, ".github/flows/ci.yml"},
		{"comma folder", "github/solution.yml", ",github/workflows/ci.yml", ReasonPipelineWrongFolder, "spelled ,github, not .github"},
		{"capitals", "github/solution.yml", ".GitHub/Workflows/ci.yml", ReasonPipelineWrongFolder, "case-sensitive"},
		{"missing", "", "", ReasonMissing, "no .github/workflows/ci.yml"},
	}
	c := mustCheck(t, "workflow_lint", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := pipelineWorkspace(t, tt.fixture, tt.at)
			r := run(t, c, &Env{Dir: dir})
			status := Fail
			if tt.reason == "" {
				status = Pass
			}
			wantStatus(t, r, status, tt.reason)
			if !strings.Contains(r.Message, tt.msg) {
				t.Errorf("message %q does not say %q", r.Message, tt.msg)
			}
			if status == Fail && r.Hint == "" {
				t.Errorf("no hint")
			}
		})
	}
}

func TestWorkflowLintIndentation(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, ".github/workflows/ci.yml", []byte("on: push\njobs:\n  test:\n  runs-on: ubuntu-latest\n  steps:\n    - run: go test ./...\n"))
	r := run(t, mustCheck(t, "workflow_lint", ""), &Env{Dir: dir})
	wantStatus(t, r, Fail, ReasonLintIndentation)
	if !strings.Contains(r.Message, `"runs-on" is read as a job of its own`) {
		t.Errorf("message: %s", r.Message)
	}
}
