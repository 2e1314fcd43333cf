package pipeline

import "testing"

func TestEvalIf(t *testing.T) {
	tests := []struct {
		cond                      string
		main, feature, pr, failed bool
	}{
		{"", true, true, true, false},
		{"github.ref == 'refs/heads/main'", true, false, false, false},
		{"${{ github.ref == 'refs/heads/main' }}", true, false, false, false},
		{"github.ref_name == 'main'", true, false, false, false},
		{"github.ref == 'refs/heads/MAIN'", true, false, false, false},
		{"github.event_name == 'push' && github.ref == 'refs/heads/main'", true, false, false, false},
		{"github.ref == 'refs/heads/main' || github.event_name == 'pull_request'", true, false, true, false},
		{"startsWith(github.ref, 'refs/heads/main')", true, false, false, false},
		{"always() && github.ref == 'refs/heads/main'", true, false, false, true},
		{"success() && github.ref_name == 'main'", true, false, false, false},
		{"github.ref == format('refs/heads/{0}', 'main')", true, false, false, false},
		{"github['ref'] == 'refs/heads/main'", true, false, false, false},
		{"github.event_name == 'push'", true, true, false, false},
		{"github.ref == 'main'", false, false, false, false},
		{"!contains(github.ref, 'feature')", true, false, true, false},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			e    GitHubEvent
			want bool
		}{{PushMain, tt.main}, {PushFeature, tt.feature}, {PullRequest, tt.pr}, {MainFailed, tt.failed}} {
			got, err := EvalIf(tt.cond, c.e)
			if err != nil || got != c.want {
				t.Errorf("EvalIf(%q) for %s = %v, %v; want %v", tt.cond, c.e.Name, got, err, c.want)
			}
		}
	}
	if _, err := EvalIf("github.ref ==", PushMain); err == nil {
		t.Error("a broken condition gave no error")
	}
}

func TestEvalGitLab(t *testing.T) {
	tests := []struct {
		expr              string
		main, feature, mr bool
	}{
		{`$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`, true, false, false},
		{`$CI_COMMIT_BRANCH == "main"`, true, false, false},
		{`$CI_COMMIT_REF_NAME == 'main' && $CI_PIPELINE_SOURCE == "push"`, true, false, false},
		{`$CI_COMMIT_BRANCH =~ /^ma/`, true, false, false},
		{`$CI_COMMIT_BRANCH !~ /^feature/`, true, false, true},
		{`$CI_COMMIT_BRANCH`, true, true, false},
		{`$CI_MERGE_REQUEST_IID`, false, false, true},
		{`$CI_COMMIT_TAG == null`, true, true, true},
		{`($CI_COMMIT_BRANCH == "main" || $CI_PIPELINE_SOURCE == "merge_request_event") && $CI_DEFAULT_BRANCH`, true, false, true},
		{`${CI_COMMIT_BRANCH} != "main"`, false, true, true},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			p    GitLabPipeline
			want bool
		}{{GLDefaultBranch, tt.main}, {GLFeatureBranch, tt.feature}, {GLMergeRequest, tt.mr}} {
			got, err := EvalGitLab(tt.expr, c.p.Vars)
			if err != nil || got != c.want {
				t.Errorf("EvalGitLab(%s) for %s = %v, %v; want %v", tt.expr, c.p.Name, got, err, c.want)
			}
		}
	}
	for _, bad := range []string{`$A ==`, `($A == "x"`, `$A =~ "x"`, `$A = "x"`} {
		if _, err := EvalGitLab(bad, nil); err == nil {
			t.Errorf("EvalGitLab(%s) gave no error", bad)
		}
	}
}

func TestSwallows(t *testing.T) {
	for script, want := range map[string]int{
		"go test ./...":                   0,
		"go test ./... || true":           1,
		"go test ./... || :":              1,
		"go test ./... || echo failed":    1,
		"go test ./... || find . -name x": 1,
		"go test ./...; exit 0":           1,
		"set +e\ngo test ./...":           1,
		"go vet ./...\ngo test ./...":     0,
	} {
		if got := len(Swallows(script)); got != want {
			t.Errorf("Swallows(%q) found %d, want %d", script, got, want)
		}
	}
}

func TestNearWorkflowsDir(t *testing.T) {
	for folder, near := range map[string]bool{
		".github/workfllows": true, ".github/flows": true, ",github/workflows": true,
		".GitHub/Workflows": true, ".github/workflow": true, "github/workflows": true,
		".github": true, "workflows": true, "docs": false, "src/app": false, ".gitlab": false,
	} {
		if got := nearWorkflowsDir(folder) != ""; got != near {
			t.Errorf("nearWorkflowsDir(%q) = %v, want %v", folder, got, near)
		}
	}
}
