package checks

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/pipeline"
	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"
)

var workflowStructureKind = Kind{
	Name:    "workflow_structure",
	Summary: "a GitHub Actions workflow runs on push and pull_request, tests before it builds, builds before it deploys, and deploys only from main",
	Reasons: slices.Concat(pipelineFileReasons, []Reason{ReasonPipelineWrongFolder, ReasonNoPushTrigger, ReasonNoPRTrigger,
		ReasonNoTestJob, ReasonNoBuildJob, ReasonNoDeployJob, ReasonBuildWithoutTest, ReasonDeployWithoutBuild,
		ReasonDeployWithoutTest, ReasonLatestUntested, ReasonDeployNotRestricted, ReasonDeployNeverRuns,
		ReasonDeployAfterFailure, ReasonDeployConditionError}),
	New: newWorkflowStructure,
}

// Failure reasons of workflow_structure, beside those of reading the workflow
// (pipelineFileReasons and wrong-folder). Each missing piece is its own
// reason; the first one found is the check's, the others are evidence.
const (
	ReasonNoPushTrigger        Reason = "no-push-trigger"
	ReasonNoPRTrigger          Reason = "no-pr-trigger"
	ReasonNoTestJob            Reason = "no-test-job"
	ReasonNoBuildJob           Reason = "no-build-job"
	ReasonNoDeployJob          Reason = "no-deploy-job"
	ReasonBuildWithoutTest     Reason = "build-without-test"
	ReasonDeployWithoutBuild   Reason = "deploy-without-build"
	ReasonDeployWithoutTest    Reason = "deploy-without-test"
	ReasonLatestUntested       Reason = "latest-untested"
	ReasonDeployNotRestricted  Reason = "deploy-not-restricted"
	ReasonDeployNeverRuns      Reason = "deploy-never-runs"
	ReasonDeployAfterFailure   Reason = "deploy-after-failure"
	ReasonDeployConditionError Reason = "deploy-condition-unreadable"
)

type workflowStructure struct {
	pipelineParams `yaml:",inline"`
	testCmd        *regexp.Regexp
}

func newWorkflowStructure(params *yaml.Node) (Check, error) {
	c := &workflowStructure{}
	if err := Decode(params, c); err != nil {
		return nil, fmt.Errorf("workflow_structure: %w", err)
	}
	re, err := c.validate(pipeline.WorkflowsDir + "/ci.yml")
	if err != nil {
		return nil, fmt.Errorf("workflow_structure: %w", err)
	}
	c.testCmd = re
	return c, nil
}

// pipelineProblem is one missing piece of a pipeline.
type pipelineProblem struct {
	reason    Reason
	msg, hint string
}

func (c *workflowStructure) Run(_ context.Context, env *Env) Result {
	rel, data, res := readPipeline(env.Dir, c.Path)
	if res != nil {
		return *res
	}
	g, errs := pipeline.ParseGitHub(data)
	if g == nil {
		msg := "it cannot be read as YAML"
		if len(errs) > 0 {
			msg = errs[0].Message
		}
		return Failf(ReasonPipelineSyntax, "%s cannot be read: %s.", rel, msg).WithHint(indentationHint)
	}
	probs := githubProblems(g, c.testCmd)
	if len(probs) == 0 {
		roles := g.FindRoles(c.testCmd)
		return Passf("%s runs on push and pull_request; %s → %s → %s, and %s deploys only from main.", rel, roles.Test, roles.Build, roles.Deploy, roles.Deploy)
	}
	return problemsResult(rel, probs)
}

func problemsResult(rel string, probs []pipelineProblem) Result {
	r := Failf(probs[0].reason, "%s: %s", rel, probs[0].msg).WithHint(probs[0].hint)
	for _, p := range probs[1:] {
		r = r.WithEvidence("also: " + p.msg)
	}
	return r
}

func githubProblems(g *pipeline.GitHub, testCmd *regexp.Regexp) []pipelineProblem {
	var out []pipelineProblem
	push, pr := g.Trigger("push"), g.Trigger("pull_request")
	if push == nil {
		out = append(out, pipelineProblem{ReasonNoPushTrigger, "the workflow does not run on push, so a pushed commit is never tested",
			"Add push to the events under on:, e.g. `on: [push, pull_request]`."})
	}
	if pr == nil {
		out = append(out, pipelineProblem{ReasonNoPRTrigger, "the workflow does not run on pull_request, so a change is not tested before it is merged",
			"Add pull_request to the events under on:, e.g. `on: [push, pull_request]`."})
	}
	roles := g.FindRoles(testCmd)
	jobs := jobIDs(g)
	if roles.Test == "" {
		out = append(out, pipelineProblem{ReasonNoTestJob, "no job runs the tests (go test)",
			"Add a job, e.g. `test:`, with a step `run: go test ./...`. Jobs now: " + jobs + "."})
	}
	if roles.Build == "" {
		out = append(out, pipelineProblem{ReasonNoBuildJob, "no job builds the image (docker build)",
			"Add a job, e.g. `build:`, with a step `run: docker build -t app .` Jobs now: " + jobs + "."})
	}
	if roles.Deploy == "" {
		out = append(out, pipelineProblem{ReasonNoDeployJob, "no job deploys (a job named deploy)",
			"Add a job `deploy:` that needs build and runs only for main. Jobs now: " + jobs + "."})
	}
	if roles.Test != "" && roles.Build != "" && !g.NeedsClosure(roles.Build)[strings.ToLower(roles.Test)] {
		out = append(out, pipelineProblem{ReasonBuildWithoutTest, fmt.Sprintf("job %q does not need %q, so the image is built even when the tests fail", roles.Build, roles.Test),
			fmt.Sprintf("Jobs run side by side unless one needs another. Add `needs: %s` to the %s job.", roles.Test, roles.Build)})
	}
	if roles.Deploy == "" {
		return out
	}
	deploy := g.Job(roles.Deploy)
	closure := g.NeedsClosure(roles.Deploy)
	if roles.Test != "" && !closure[strings.ToLower(roles.Test)] {
		if tag, ok := pipeline.PushesLatest(pipeline.PushedTags(deploy)); ok {
			out = append(out, pipelineProblem{ReasonLatestUntested, fmt.Sprintf("job %q pushes %s with no test before it: every server that pulls latest gets whatever was pushed last, tested or not", roles.Deploy, tag),
				fmt.Sprintf("Make %s wait for the tests: `needs: %s` (through build is fine), so a failing test stops the push.", roles.Deploy, roles.Build)})
		} else {
			out = append(out, pipelineProblem{ReasonDeployWithoutTest, fmt.Sprintf("job %q does not wait for %q (directly or through another job), so it deploys even when the tests fail", roles.Deploy, roles.Test),
				fmt.Sprintf("Add `needs: %s` to %s, and make %s need %s.", orDefault(roles.Build, roles.Test), roles.Deploy, orDefault(roles.Build, roles.Test), roles.Test)})
		}
	}
	if roles.Build != "" && !closure[strings.ToLower(roles.Build)] {
		out = append(out, pipelineProblem{ReasonDeployWithoutBuild, fmt.Sprintf("job %q does not need %q, so it may start before the image exists", roles.Deploy, roles.Build),
			fmt.Sprintf("Add `needs: %s` to the %s job.", roles.Build, roles.Deploy)})
	}
	return append(out, deployRestriction(g, deploy, push, pr)...)
}

// deployRestriction evaluates the deploy job's if: in the situations the
// workflow's triggers start it in: it must run for a push to main, and not
// for another branch, a pull request, or a main whose tests failed.
func deployRestriction(g *pipeline.GitHub, deploy *actionlint.Job, push, pr *actionlint.WebhookEvent) []pipelineProblem {
	cond, line := "", pipeline.JobLine(deploy)
	if deploy.If != nil {
		cond, line = deploy.If.Value, deploy.If.Pos.Line
	}
	id := deploy.ID.Value
	restrictHint := fmt.Sprintf("Give the %s job a condition: `if: github.ref == 'refs/heads/main'` (or `github.ref_name == 'main'`), so only a push to main deploys.", id)
	eval := func(e pipeline.GitHubEvent) (bool, *pipelineProblem) {
		ok, err := pipeline.EvalIf(cond, e)
		if err != nil {
			return false, &pipelineProblem{ReasonDeployConditionError, fmt.Sprintf("the condition of job %q (line %d) cannot be read: %v", id, line, err), restrictHint}
		}
		return ok, nil
	}
	if push != nil && pipeline.FiresFor(push, "main") {
		ok, p := eval(pipeline.PushMain)
		if p != nil {
			return []pipelineProblem{*p}
		}
		if !ok {
			return []pipelineProblem{{ReasonDeployNeverRuns, fmt.Sprintf("job %q never runs for a push to main: its condition `%s` (line %d) is false there", id, cond, line),
				"Compare the branch with `github.ref == 'refs/heads/main'` or `github.ref_name == 'main'`: github.ref holds the full refs/heads/ name."}}
		}
		if ok, _ := eval(pipeline.MainFailed); ok {
			return []pipelineProblem{{ReasonDeployAfterFailure, fmt.Sprintf("job %q runs even when a job it needs failed (line %d: %s)", id, line, cond),
				"Take always() or failure() out of the condition: without them a job runs only when the jobs it needs succeeded."}}
		}
	}
	var leaks []string
	if push != nil && pipeline.FiresFor(push, "feature-login") {
		if ok, _ := eval(pipeline.PushFeature); ok {
			leaks = append(leaks, pipeline.PushFeature.Name)
		}
	}
	if pr != nil && pipeline.FiresFor(pr, "main") {
		if ok, _ := eval(pipeline.PullRequest); ok {
			leaks = append(leaks, pipeline.PullRequest.Name)
		}
	}
	if len(leaks) == 0 {
		return nil
	}
	what := "has no if: condition"
	if cond != "" {
		what = fmt.Sprintf("has the condition `%s` (line %d)", cond, line)
	}
	return []pipelineProblem{{ReasonDeployNotRestricted, fmt.Sprintf("job %q %s, so it also deploys for %s", id, what, strings.Join(leaks, " and for ")), restrictHint}}
}

func jobIDs(g *pipeline.GitHub) string {
	if len(g.Jobs) == 0 {
		return "none"
	}
	var ids []string
	for _, j := range g.Jobs {
		ids = append(ids, j.ID.Value)
	}
	return strings.Join(ids, ", ")
}
