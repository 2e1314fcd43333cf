package checks

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/pipeline"
	"gopkg.in/yaml.v3"
)

var gitlabStructureKind = Kind{
	Name:    "gitlab_structure",
	Summary: "a .gitlab-ci.yml has stages build, test, deploy in order, scripts as lists, and a deploy job kept to the default branch by rules",
	Reasons: slices.Concat(pipelineFileReasons, []Reason{ReasonStagesMissing, ReasonStageOrder, ReasonUnknownStage,
		ReasonNoScript, ReasonScriptNotList, ReasonGitlabNeedsJob, ReasonNoTestJob, ReasonNoBuildJob, ReasonNoDeployJob,
		ReasonDeployWithoutTest, ReasonLatestUntested, ReasonDeployOnlyExcept, ReasonDeployNotRestricted,
		ReasonDeployNeverRuns, ReasonDeployAfterFailure, ReasonDeployConditionError}),
	New: newGitlabStructure,
}

// Failure reasons of gitlab_structure, beside those of reading the file
// (pipelineFileReasons), and the job-graph and deploy reasons it shares with
// workflow_structure (no-test-job, deploy-without-test, latest-untested,
// deploy-not-restricted, deploy-never-runs, deploy-after-failure,
// deploy-condition-unreadable).
const (
	ReasonStagesMissing    Reason = "stages-missing"
	ReasonStageOrder       Reason = "stage-order"
	ReasonUnknownStage     Reason = "unknown-stage"
	ReasonNoScript         Reason = "no-script"
	ReasonScriptNotList    Reason = "script-not-list"
	ReasonGitlabNeedsJob   Reason = "needs-missing-job"
	ReasonDeployOnlyExcept Reason = "deploy-only-except"
)

type gitlabStructure struct {
	pipelineParams `yaml:",inline"`
	testCmd        *regexp.Regexp
}

func newGitlabStructure(params *yaml.Node) (Check, error) {
	c := &gitlabStructure{}
	if err := Decode(params, c); err != nil {
		return nil, fmt.Errorf("gitlab_structure: %w", err)
	}
	re, err := c.validate(".gitlab-ci.yml")
	if err != nil {
		return nil, fmt.Errorf("gitlab_structure: %w", err)
	}
	c.testCmd = re
	return c, nil
}

func (c *gitlabStructure) Run(_ context.Context, env *Env) Result {
	rel, data, res := readPipeline(env.Dir, c.Path)
	if res != nil {
		return *res
	}
	g, err := pipeline.ParseGitLab(data)
	var se *pipeline.SyntaxError
	if errors.As(err, &se) {
		msg := fmt.Sprintf("%s:%d: the file is not valid YAML: %s", rel, se.Line, se.Msg)
		if line, why := yamlErrorLine(data); line > 0 {
			msg = fmt.Sprintf("%s:%d: the file is not valid YAML: %s (line %d: %s)", rel, line, why, line, strings.TrimSpace(sourceLine(data, line)))
		}
		return Failf(ReasonPipelineSyntax, "%s", msg).WithHint(indentationHint)
	}
	if err != nil {
		return Errorf("read %s: %v", rel, err)
	}
	probs := gitlabProblems(g, c.testCmd, rel)
	if len(probs) == 0 {
		r := g.FindRoles(c.testCmd)
		return Passf("%s: stages %s; %s waits for %s, and %s runs only on the default branch.", rel, strings.Join(g.Stages, " → "), r.Deploy, r.Test, r.Deploy)
	}
	return problemsResult(rel, probs)
}

func gitlabProblems(g *pipeline.GitLab, testCmd *regexp.Regexp, rel string) []pipelineProblem {
	var out []pipelineProblem
	where := func(line int) string { return fmt.Sprintf("%s:%d", rel, line) }
	var missing []string
	for _, s := range []string{"build", "test", "deploy"} {
		if g.StageIndex(s) < 0 {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		out = append(out, pipelineProblem{ReasonStagesMissing, fmt.Sprintf("stages: (%s) lacks %s", where(g.StagesLine), strings.Join(missing, ", ")),
			"List the stages in the order they run: `stages: [build, test, deploy]`."})
	} else if !(g.StageIndex("build") < g.StageIndex("test") && g.StageIndex("test") < g.StageIndex("deploy")) {
		out = append(out, pipelineProblem{ReasonStageOrder, fmt.Sprintf("stages: (%s) runs them in the order %s, so deploy does not come after the tests", where(g.StagesLine), strings.Join(g.Stages, ", ")),
			"Stages run in the order they are listed, each after the one before succeeded. Write `stages: [build, test, deploy]`."})
	}
	for _, j := range g.Jobs {
		if g.StageIndex(j.Stage) < 0 {
			out = append(out, pipelineProblem{ReasonUnknownStage, fmt.Sprintf("job %q (%s) is in stage %q, which stages: does not list; GitLab refuses such a file", j.Name, where(j.StageLine), j.Stage),
				"A job's stage must be one of the names under stages:. Check the spelling."})
		}
		if len(j.Script) == 0 {
			out = append(out, pipelineProblem{ReasonNoScript, fmt.Sprintf("job %q (%s) has no script:, so GitLab refuses the file", j.Name, where(j.Line)),
				"Every job needs `script:` with the commands it runs, as a list: `script:` then `- go test ./...` below it."})
		} else if !j.ScriptIsList {
			out = append(out, pipelineProblem{ReasonScriptNotList, fmt.Sprintf("the script of job %q (%s) is one string, not a list of commands", j.Name, where(j.ScriptLine)),
				"Write each command as a list item under script:, e.g.\n  script:\n    - go vet ./...\n    - go test ./..."})
		}
		for _, n := range j.Needs {
			if g.Job(n) == nil {
				out = append(out, pipelineProblem{ReasonGitlabNeedsJob, fmt.Sprintf("job %q (%s) needs %q, but there is no job of that name", j.Name, where(j.NeedsLine), n),
					"needs: lists the names of other jobs (the top-level keys), spelled exactly."})
			}
		}
	}
	roles := g.FindRoles(testCmd)
	if roles.Test == "" {
		out = append(out, pipelineProblem{ReasonNoTestJob, "no job runs the tests (go test)", "Add a job in stage test whose script runs `go test ./...`."})
	}
	if roles.Build == "" {
		out = append(out, pipelineProblem{ReasonNoBuildJob, "no job is in stage build", "Add a job with `stage: build` that builds the app or its image."})
	}
	if roles.Deploy == "" {
		out = append(out, pipelineProblem{ReasonNoDeployJob, "no job is in stage deploy", "Add a job with `stage: deploy` that deploys, kept to the default branch with rules:."})
		return out
	}
	deploy := g.Job(roles.Deploy)
	if roles.Test != "" && !g.WaitsFor(deploy, roles.Test) {
		why := "its stage does not come after the test job's"
		if deploy.Needs != nil {
			why = fmt.Sprintf("its needs: (%s) leave out %q, and needs: lets a job start as soon as the jobs it lists are done", where(deploy.NeedsLine), roles.Test)
		}
		if tag, ok := pipeline.PushesLatest(deploy.PushedTags()); ok {
			out = append(out, pipelineProblem{ReasonLatestUntested, fmt.Sprintf("job %q pushes %s with no test before it: %s", roles.Deploy, tag, why),
				fmt.Sprintf("Make %s wait for %s: add it to needs:, or remove needs: so the stage order holds.", roles.Deploy, roles.Test)})
		} else {
			out = append(out, pipelineProblem{ReasonDeployWithoutTest, fmt.Sprintf("job %q does not wait for %q: %s", roles.Deploy, roles.Test, why),
				fmt.Sprintf("Add %s to the needs: of %s, or remove needs: so the stage order holds.", roles.Test, roles.Deploy)})
		}
	}
	return append(out, gitlabDeployRestriction(g, deploy, where)...)
}

func gitlabDeployRestriction(g *pipeline.GitLab, deploy *pipeline.GitLabJob, where func(int) string) []pipelineProblem {
	hint := fmt.Sprintf("Give %s rules: that run it only on the default branch:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", deploy.Name)
	if deploy.Rules == nil && deploy.OnlyLine > 0 {
		return []pipelineProblem{{ReasonDeployOnlyExcept, fmt.Sprintf("job %q is limited with only:/except: (%s); this lab uses rules:, which replaced them", deploy.Name, where(deploy.OnlyLine)), hint}}
	}
	runs := func(p pipeline.GitLabPipeline) (bool, string, *pipelineProblem) {
		ok, when, err := g.Runs(deploy, p)
		if err != nil {
			return false, "", &pipelineProblem{ReasonDeployConditionError, fmt.Sprintf("a rule of job %q cannot be read: %v", deploy.Name, err), hint}
		}
		return ok, when, nil
	}
	ok, when, p := runs(pipeline.GLDefaultBranch)
	if p != nil {
		return []pipelineProblem{*p}
	}
	if !ok {
		return []pipelineProblem{{ReasonDeployNeverRuns, fmt.Sprintf("job %q never runs for a push to the default branch: no rule (%s) matches there", deploy.Name, where(deploy.RulesLine)),
			"Compare with the default branch: `if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH` (CI_COMMIT_BRANCH is the bare branch name, main)."}}
	}
	if when == "always" {
		line := deploy.WhenLine
		if line == 0 {
			line = deploy.RulesLine
		}
		return []pipelineProblem{{ReasonDeployAfterFailure, fmt.Sprintf("job %q has when: always (%s), so it deploys even when the tests failed", deploy.Name, where(line)),
			"Leave when: out (on_success is the default): then a failing test stops the deploy."}}
	}
	var leaks []string
	for _, s := range []pipeline.GitLabPipeline{pipeline.GLFeatureBranch, pipeline.GLMergeRequest} {
		ok, _, p := runs(s)
		if p != nil {
			return []pipelineProblem{*p}
		}
		if ok {
			leaks = append(leaks, s.Name)
		}
	}
	if len(leaks) == 0 {
		return nil
	}
	what := "has no rules:"
	if deploy.Rules != nil {
		what = fmt.Sprintf("has rules (%s) that match", where(deploy.RulesLine))
	}
	return []pipelineProblem{{ReasonDeployNotRestricted, fmt.Sprintf("job %q %s, so it also deploys for %s", deploy.Name, what, strings.Join(leaks, " and for ")), hint}}
}
