package checks

import (
	"strings"
	"testing"
)

func TestGitlabStructure(t *testing.T) {
	tests := []struct {
		fixture string
		reason  Reason
		msg     string
	}{
		{"solution.yml", "", "build → test → deploy"},
		{"ok-default-stages.yml", "", ".pre → build → test → deploy → .post"},
		{"ok-anchors.yml", "", "deploy-prod waits for test"},
		{"yaml-syntax.yml", ReasonPipelineSyntax, ".gitlab-ci.yml:17: the file is not valid YAML"},
		{"stage-order.yml", ReasonStageOrder, "order deploy, build, test"},
		{"script-string.yml", ReasonScriptNotList, `job "build-image" (.gitlab-ci.yml:9) is one string`},
		{"deploy-unrestricted.yml", ReasonDeployNotRestricted, "has no rules:, so it also deploys for a push to the branch feature-login"},
		{"deploy-only.yml", ReasonDeployOnlyExcept, "only:/except:"},
		{"deploy-needs-build.yml", ReasonDeployWithoutTest, `its needs: (.gitlab-ci.yml:21) leave out "unit-tests"`},
		{"latest-untested.yml", ReasonLatestUntested, "pushes registry.example.com/calc:latest with no test before it"},
		{"deploy-always.yml", ReasonDeployAfterFailure, "when: always"},
		{"needs-missing.yml", ReasonGitlabNeedsJob, `needs "unit-test", but there is no job of that name`},
	}
	c := mustCheck(t, "gitlab_structure", "")
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			dir := pipelineWorkspace(t, "gitlab/"+tt.fixture, ".gitlab-ci.yml")
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
