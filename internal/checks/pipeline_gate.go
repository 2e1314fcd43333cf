package checks

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/pipeline"
	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"
)

var pipelineGateKind = Kind{
	Name: "pipeline_gate",
	Summary: "runs the commands of the pipeline's test job in a container against the app as given (must pass) " +
		"and against a copy with a planted bug (must fail): proof that the test stage can stop a broken change",
	NeedsEngine: true,
	Reasons: slices.Concat(pipelineFileReasons, []Reason{ReasonPipelineWrongFolder, ReasonNoTestJob,
		ReasonGateNoCommands, ReasonGateContinueOnError, ReasonGateAllowFailure, ReasonGateAppChanged,
		ReasonGateFailsOnGoodCode, ReasonGateSwallowed, ReasonGateNoTests, ReasonGateCannotFail}),
	New: newPipelineGate,
}

// Failure reasons of pipeline_gate, beside those of reading the pipeline
// (pipelineFileReasons and wrong-folder) and no-test-job.
const (
	ReasonGateNoCommands      Reason = "no-commands"
	ReasonGateContinueOnError Reason = "continue-on-error"
	ReasonGateAllowFailure    Reason = "allow-failure"
	ReasonGateAppChanged      Reason = "app-changed"
	ReasonGateFailsOnGoodCode Reason = "fails-on-good-code"
	ReasonGateSwallowed       Reason = "failure-swallowed"
	ReasonGateNoTests         Reason = "tests-not-run"
	ReasonGateCannotFail      Reason = "cannot-fail"
)

// Why the planted bug is a list of replacements and not a unified diff: a
// lab author writes the broken line next to the good one in lab.yaml, the
// check says exactly which text it could not find when the app was changed,
// and no line numbers or context lines go stale when the app is edited.
type gateReplace struct {
	File string `yaml:"file"`
	Old  string `yaml:"old"`
	New  string `yaml:"new"`
}

type gateBug struct {
	Description string        `yaml:"description"`
	Replace     []gateReplace `yaml:"replace"`
}

type pipelineGate struct {
	pipelineParams `yaml:",inline"`
	// Format is github or gitlab; by default gitlab for a file named
	// .gitlab-ci.yml, github otherwise.
	Format string  `yaml:"format"`
	Image  string  `yaml:"image"`
	Bug    gateBug `yaml:"bug"`

	testCmd *regexp.Regexp
}

// PipelineGateImage is the image a pipeline_gate check runs the test job in
// unless the lab names another.
const PipelineGateImage = "golang:1.26"

func newPipelineGate(params *yaml.Node) (Check, error) {
	c := &pipelineGate{Image: PipelineGateImage}
	if err := Decode(params, c); err != nil {
		return nil, fmt.Errorf("pipeline_gate: %w", err)
	}
	if c.Path == "" && c.Format == "gitlab" {
		c.Path = ".gitlab-ci.yml"
	}
	re, err := c.validate(pipeline.WorkflowsDir + "/ci.yml")
	if err != nil {
		return nil, fmt.Errorf("pipeline_gate: %w", err)
	}
	c.testCmd = re
	switch c.Format {
	case "":
		c.Format = "github"
		if path.Base(c.Path) == ".gitlab-ci.yml" {
			c.Format = "gitlab"
		}
	case "github", "gitlab":
	default:
		return nil, fmt.Errorf("pipeline_gate: format must be github or gitlab, not %q", c.Format)
	}
	if strings.TrimSpace(c.Bug.Description) == "" {
		return nil, errors.New("pipeline_gate: bug.description is required: it tells the learner what the planted bug breaks")
	}
	if len(c.Bug.Replace) == 0 {
		return nil, errors.New("pipeline_gate: bug.replace needs at least one {file, old, new}")
	}
	for i, r := range c.Bug.Replace {
		if _, err := workspaceParam(r.File); err != nil {
			return nil, fmt.Errorf("pipeline_gate: bug.replace[%d].file: %w", i, err)
		}
		if r.Old == "" || r.Old == r.New {
			return nil, fmt.Errorf("pipeline_gate: bug.replace[%d]: old must be non-empty and differ from new", i)
		}
	}
	return c, nil
}

// gateStep is one script the test job runs.
type gateStep struct {
	label  string // "step 2 (ci.yml:18)"
	script string
	dir    string // working directory, relative to the repository
	env    []string
}

// gateJob is the test job, as far as the gate runs it.
type gateJob struct {
	name    string
	steps   []gateStep
	skipped []string
	// lines holds, for each step, the file line of each line of its script.
	lines [][]int
	// noFail says why the job passes whatever its commands do, with
	// the reason, or "".
	noFail       string
	noFailReason Reason
}

func (c *pipelineGate) Run(ctx context.Context, env *Env) Result {
	rel, data, res := readPipeline(env.Dir, c.Path)
	if res != nil {
		return *res
	}
	job, res := c.testJob(rel, data)
	if res != nil {
		return *res
	}
	if job.noFail != "" {
		return Failf(job.noFailReason, "%s: %s, so it gates nothing.", rel, job.noFail).
			WithHint("A gate must be able to say no: a failing test has to fail the job. Remove it; if a test is flaky, fix or skip that test instead.").
			WithEvidence(job.skipped...)
	}
	if len(job.steps) == 0 {
		return Failf(ReasonGateNoCommands, "%s: job %q runs no commands of its own (only actions), so nothing in it runs the tests.", rel, job.name).
			WithHint("Add a step that runs the tests: `- run: go test ./...`.").WithEvidence(job.skipped...)
	}
	buggy, res := c.plantBug(env.Dir)
	if res != nil {
		return *res
	}
	image, res := c.buildImage(ctx, env, job, buggy)
	if res != nil {
		return *res
	}
	var good, bad gateRun
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); good = c.runJob(ctx, env, image, "/work/app") }()
	go func() { defer wg.Done(); bad = c.runJob(ctx, env, image, "/work/app-bug") }()
	wg.Wait()
	if ctx.Err() != nil {
		return Errorf("stopped before the test job finished")
	}
	for _, r := range []gateRun{good, bad} {
		if r.err != nil {
			return Errorf("run the test job: %v", r.err)
		}
	}
	if good.exit != 0 {
		return Failf(ReasonGateFailsOnGoodCode, "Job %q fails on the app as given (%s), before any bug is planted: a gate that always says no stops every change.", job.name, good.why()).
			WithEvidence(append(job.skipped, logTail(good.logs, 25)...)...).
			WithHint("Run the same commands in your workspace (e.g. `go test ./...`) and make them pass; the output above shows the first error.")
	}
	if bad.exit == 0 {
		return c.cannotFail(rel, job, data, bad)
	}
	ev := append([]string{fmt.Sprintf("the app as given: the job passed; with the bug: it failed (%s)", bad.why())}, job.skipped...)
	ev = append(ev, failureLines(bad.logs, 8)...)
	return Passf("Your pipeline would have caught this bug (%s): job %q failed on the broken copy of the app and passed on the app as given.", c.Bug.Description, job.name).
		WithEvidence(ev...)
}

// testJob finds the test job and what it runs.
func (c *pipelineGate) testJob(rel string, data []byte) (*gateJob, *Result) {
	if c.Format == "gitlab" {
		return c.gitlabJob(rel, data)
	}
	g, errs := pipeline.ParseGitHub(data)
	if g == nil {
		msg := "it is not valid YAML"
		if len(errs) > 0 {
			msg = errs[0].Message
		}
		r := Failf(ReasonPipelineSyntax, "%s cannot be read: %s.", rel, msg).WithHint(indentationHint)
		return nil, &r
	}
	id := g.FindRoles(c.testCmd).Test
	if id == "" {
		r := Failf(ReasonNoTestJob, "%s has no job that runs the tests (go test), so there is no gate to try.", rel).
			WithHint("Add a job `test:` with a step `run: go test ./...`.")
		return nil, &r
	}
	j := g.Job(id)
	job := &gateJob{name: id}
	if on := j.ContinueOnError; on != nil && on.Value {
		job.noFail = fmt.Sprintf("job %q has continue-on-error: true (line %d): when its tests fail the workflow carries on as if they had passed", id, on.Pos.Line)
		job.noFailReason = ReasonGateContinueOnError
	}
	baseEnv := append(literalEnv(g.W.Env), literalEnv(j.Env)...)
	defDir := ""
	for _, d := range []*actionlint.Defaults{g.W.Defaults, j.Defaults} {
		if d != nil && d.Run != nil && d.Run.WorkingDirectory != nil {
			defDir = d.Run.WorkingDirectory.Value
		}
	}
	for i, s := range j.Steps {
		where := fmt.Sprintf("step %d (%s:%d)", i+1, rel, s.Pos.Line)
		if uses := pipeline.Uses(s); uses != "" {
			job.skipped = append(job.skipped, fmt.Sprintf("skipped %s, uses: %s: %s", where, uses, whySkipped(uses, c.Image)))
			continue
		}
		run, ok := s.Exec.(*actionlint.ExecRun)
		if !ok || run.Run == nil {
			continue
		}
		if on := s.ContinueOnError; on != nil && on.Value && job.noFail == "" && c.testCmd.MatchString(run.Run.Value) {
			job.noFail = fmt.Sprintf("the step that runs the tests has continue-on-error: true (line %d): when the tests fail the job still passes", on.Pos.Line)
			job.noFailReason = ReasonGateContinueOnError
		}
		dir := defDir
		if run.WorkingDirectory != nil {
			dir = run.WorkingDirectory.Value
		}
		job.steps = append(job.steps, gateStep{label: where, script: stripExpressions(run.Run.Value), dir: dir,
			env: append(slices.Clone(baseEnv), literalEnv(s.Env)...)})
		job.lines = append(job.lines, runLines(run.Run))
	}
	return job, nil
}

func (c *pipelineGate) gitlabJob(rel string, data []byte) (*gateJob, *Result) {
	g, err := pipeline.ParseGitLab(data)
	var se *pipeline.SyntaxError
	if errors.As(err, &se) {
		r := Failf(ReasonPipelineSyntax, "%s:%d: the file is not valid YAML: %s", rel, se.Line, se.Msg).WithHint(indentationHint)
		return nil, &r
	}
	if err != nil {
		r := Errorf("read %s: %v", rel, err)
		return nil, &r
	}
	name := g.FindRoles(c.testCmd).Test
	if name == "" {
		r := Failf(ReasonNoTestJob, "%s has no job that runs the tests (go test), so there is no gate to try.", rel).
			WithHint("Add a job in stage test whose script runs `go test ./...`.")
		return nil, &r
	}
	j := g.Job(name)
	job := &gateJob{name: name}
	if j.AllowFailure {
		job.noFail = fmt.Sprintf("job %q has allow_failure (line %d): when its tests fail the pipeline goes on to deploy with a warning", name, j.AllowFailureLine)
		job.noFailReason = ReasonGateAllowFailure
	}
	lines := j.Commands()
	if len(lines) == 0 {
		return job, nil
	}
	var b strings.Builder
	var at []int
	for _, l := range lines {
		b.WriteString(l.Text)
		b.WriteString("\n")
		for range strings.Split(l.Text, "\n") {
			at = append(at, l.Line)
		}
	}
	job.steps = []gateStep{{label: fmt.Sprintf("script of %s (%s:%d)", name, rel, lines[0].Line), script: b.String()}}
	job.lines = [][]int{at}
	return job, nil
}

// runLines is the file line of each line of a run: script. A one-line script
// sits on the run: line; a block (run: |) starts on the line below.
func runLines(run *actionlint.String) []int {
	n := strings.Count(strings.TrimRight(run.Value, "\n"), "\n") + 1
	first := run.Pos.Line
	if n > 1 {
		first++
	}
	out := make([]int, n)
	for i := range out {
		out[i] = first + i
	}
	return out
}

func whySkipped(uses, image string) string {
	switch {
	case strings.HasPrefix(uses, "actions/checkout"):
		return "not run; the app is already copied into the container"
	case strings.HasPrefix(uses, "actions/setup-go"):
		return "not run; " + image + " already has Go"
	case strings.HasPrefix(uses, "actions/cache"):
		return "not run; a cache makes no difference to whether the tests pass"
	}
	return "not run; devopsctl runs only run: commands, and an action could need the network or GitHub itself"
}

// literalEnv keeps the variables whose value is plain text: an expression
// would need GitHub's contexts.
func literalEnv(e *actionlint.Env) []string {
	if e == nil {
		return nil
	}
	var out []string
	for _, v := range e.Vars {
		if v.Name != nil && v.Value != nil && !strings.Contains(v.Value.Value, "${{") {
			out = append(out, v.Name.Value+"="+v.Value.Value)
		}
	}
	slices.Sort(out)
	return out
}

var ghExpression = regexp.MustCompile(`\$\{\{[^}]*\}\}`)

// stripExpressions replaces ${{ … }} with nothing, as an unset value would.
func stripExpressions(s string) string { return ghExpression.ReplaceAllString(s, "") }

// plantBug reads the files the bug changes and returns them changed.
func (c *pipelineGate) plantBug(dir string) (map[string][]byte, *Result) {
	out := map[string][]byte{}
	for _, r := range c.Bug.Replace {
		data, ok := out[r.File]
		if !ok {
			var err error
			data, err = readLearnerFile(dir, r.File)
			if res, bad := unreadableLearnerFile(r.File, err); bad {
				return nil, &res
			}
			if err != nil {
				res := Failf(ReasonGateAppChanged, "devopsctl plants its bug in %s, which it cannot read: %v.", r.File, err).
					WithHint(fmt.Sprintf("Put back %s as the lab gave it (`devopsctl lab reset` restores the starter files, keeping a backup).", r.File))
				return nil, &res
			}
		}
		if !bytes.Contains(data, []byte(r.Old)) {
			res := Failf(ReasonGateAppChanged, "devopsctl plants its bug by changing %q in %s, and %s no longer holds that text.", excerpt(r.Old, 60), r.File, r.File).
				WithHint(fmt.Sprintf("This lab is about the pipeline, not the app: put back %s as the lab gave it (`devopsctl lab reset` restores the starter files, keeping a backup).", r.File))
			return nil, &res
		}
		out[r.File] = bytes.Replace(data, []byte(r.Old), []byte(r.New), 1)
	}
	return out, nil
}

// Sandbox of the test job's container: enough for the Go toolchain to
// compile and link test binaries.
const (
	gateMemory  = 1 << 30
	gateCPUs    = 1.5
	gatePids    = 256
	gateMaxTree = 50 << 20
)

func (c *pipelineGate) buildImage(ctx context.Context, env *Env, job *gateJob, buggy map[string][]byte) (string, *Result) {
	buf, err := c.context(env.Dir, job, buggy)
	if err != nil {
		var outside *outsideError
		if errors.As(err, &outside) {
			r := outsideWorkspace(outside.rel)
			return "", &r
		}
		r := Errorf("pack the app for the test job: %v", err)
		return "", &r
	}
	tag := docker.ImageTag(env.LabID+"-gate", env.Dir)
	_, err = env.Engine.Build(ctx, docker.BuildRequest{
		Context: buf, Dockerfile: "devopsctl/Dockerfile", Tag: tag, Labels: env.ImageLabels(),
		Memory: buildMemory, CPUs: buildCPUs, PidsMax: buildPids,
	}, io.Discard)
	if ctx.Err() != nil {
		r := Errorf("stopped while preparing the test job's container")
		return "", &r
	}
	var be *docker.BuildError
	if errors.As(err, &be) && missingPattern.MatchString(be.Message) {
		r := Errorf("the image %s that runs the test job is not on this machine (%s); scripts/offline-images.sh makes it", c.Image, be.Message)
		return "", &r
	}
	if err != nil {
		r := Errorf("prepare the test job's container: %v", err)
		return "", &r
	}
	return tag, nil
}

// context packs the build context: the app twice (as given, and with the
// bug), the job's scripts, and a Dockerfile on the test image.
func (c *pipelineGate) context(dir string, job *gateJob, buggy map[string][]byte) (*bytes.Buffer, error) {
	buf := &bytes.Buffer{}
	tw := tar.NewWriter(buf)
	add := func(name string, data []byte, mode int64) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	var run strings.Builder
	run.WriteString("#!/bin/sh\n# Runs the test job's scripts in order, as the CI service would: each in\n# bash (or sh where the image has no bash) with -e and pipefail, stopping\n# at the first that fails.\n" +
		"cd \"$1\" || exit 2\nrun() { if command -v bash >/dev/null; then bash --noprofile --norc -eo pipefail \"$@\"; else sh -eo pipefail \"$@\"; fi; }\n")
	for i, s := range job.steps {
		fmt.Fprintf(&run, "echo %s\n", shellQuote("==> "+s.label))
		wd := "\"$1\""
		if s.dir != "" {
			wd = "\"$1\"/" + shellQuote(s.dir)
		}
		envs := ""
		for _, e := range s.env {
			envs += "export " + shellQuote(e) + " && "
		}
		fmt.Fprintf(&run, "(cd %s && %srun /devopsctl/step-%d.sh)\ncode=$?\n", wd, envs, i+1)
		fmt.Fprintf(&run, "if [ $code -ne 0 ]; then echo %s\"$code\"; exit $code; fi\n", shellQuote(fmt.Sprintf("==> %s failed with exit code ", s.label)))
		if err := add(fmt.Sprintf("devopsctl/step-%d.sh", i+1), []byte(s.script), 0o644); err != nil {
			return nil, err
		}
	}
	run.WriteString("echo '==> every step passed'\n")
	if err := add("devopsctl/run.sh", []byte(run.String()), 0o755); err != nil {
		return nil, err
	}
	warm, imports := warmModule(dir)
	for name, data := range warm {
		if err := add("devopsctl/warm/"+name, data, 0o644); err != nil {
			return nil, err
		}
	}
	dockerfile := fmt.Sprintf(`FROM %s
ENV GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-buildvcs=false CI=true
COPY devopsctl/warm /devopsctl/warm
# Compiles once the standard packages the app imports (%d of them), in a
# layer the build cache keeps, so that each check compiles only the app. A
# failure here only means a slower run: the test job reports its own errors.
RUN cd /devopsctl/warm && (go test -count=1 ./... && go vet ./...) >/devopsctl/warm.log 2>&1 || true
COPY devopsctl/run.sh devopsctl/step-*.sh /devopsctl/
COPY app /work/app
COPY app-bug /work/app-bug
`, c.Image, imports)
	if len(job.steps) == 0 {
		dockerfile = strings.Replace(dockerfile, " devopsctl/step-*.sh", "", 1)
	}
	if err := add("devopsctl/Dockerfile", []byte(dockerfile), 0o644); err != nil {
		return nil, err
	}
	if err := packApp(tw, dir, "app/", nil); err != nil {
		return nil, err
	}
	if err := packApp(tw, dir, "app-bug/", buggy); err != nil {
		return nil, err
	}
	return buf, tw.Close()
}

// packApp puts the workspace under prefix, as a CI checkout holds the
// repository: without .git and devopsctl's own folder, links kept as links,
// every file read through an os.Root so nothing outside is read.
func packApp(tw *tar.Writer, dir, prefix string, replace map[string][]byte) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := tw.WriteHeader(&tar.Header{Name: prefix, Mode: 0o755, Typeflag: tar.TypeDir}); err != nil {
		return err
	}
	var total int64
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ".devopsctl" || rel == ".git" {
			return filepath.SkipDir
		}
		if data, ok := replace[rel]; ok {
			if err := tw.WriteHeader(&tar.Header{Name: prefix + rel, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
				return err
			}
			_, err := tw.Write(data)
			return err
		}
		info, err := root.Lstat(filepath.FromSlash(rel))
		if err != nil {
			return err
		}
		total += info.Size()
		if total > gateMaxTree {
			return fmt.Errorf("the workspace holds over %s; the test job is given at most that", humanBytes(gateMaxTree))
		}
		link := ""
		if info.Mode()&os.ModeSymlink != 0 {
			if link, err = root.Readlink(filepath.FromSlash(rel)); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = prefix + rel
		if info.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		f, err := root.Open(filepath.FromSlash(rel))
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.CopyN(tw, f, hdr.Size)
		return err
	})
}

// warmModule is a module importing the standard packages the app imports,
// with a test, for the image's warm-up layer. It changes only when the
// app's imports do, so the engine's build cache keeps the layer.
func warmModule(dir string) (map[string][]byte, int) {
	module := ""
	if data, err := readLearnerFile(dir, "go.mod"); err == nil {
		if m := regexp.MustCompile(`(?m)^module\s+(\S+)`).FindSubmatch(data); m != nil {
			module = string(m[1])
		}
	}
	set := map[string]bool{"testing": true}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		data, err := readLearnerFile(dir, e.Name())
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), e.Name(), data, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(p, "/")
			if err != nil || strings.Contains(first, ".") || p == "C" ||
				(module != "" && (p == module || strings.HasPrefix(p, module+"/"))) {
				continue
			}
			set[p] = true
		}
	}
	pkgs := slices.Sorted(func(yield func(string) bool) {
		for p := range set {
			if !yield(p) {
				return
			}
		}
	})
	var src strings.Builder
	src.WriteString("package warm\n\nimport (\n")
	for _, p := range pkgs {
		fmt.Fprintf(&src, "\t_ %q\n", p)
	}
	src.WriteString(")\n")
	return map[string][]byte{
		"go.mod":       []byte("module warm\n\ngo 1.21\n"),
		"warm.go":      []byte(src.String()),
		"warm_test.go": []byte("package warm\n\nimport \"testing\"\n\nfunc TestWarm(t *testing.T) {}\n"),
	}, len(pkgs)
}

// gateRun is one run of the test job.
type gateRun struct {
	exit int
	oom  bool
	logs string
	err  error
}

func (r gateRun) why() string {
	if r.oom {
		return "it ran out of memory"
	}
	if m := regexp.MustCompile(`==> (.*) failed with exit code (\d+)`).FindStringSubmatch(r.logs); m != nil {
		return fmt.Sprintf("%s exited with code %s", m[1], m[2])
	}
	return fmt.Sprintf("exit code %d", r.exit)
}

// runJob runs the job's scripts on the app at root and waits for them.
func (c *pipelineGate) runJob(ctx context.Context, env *Env, image, root string) gateRun {
	ctr, err := env.Engine.RunContainer(ctx, docker.ContainerSpec{
		Image:   image,
		Name:    fmt.Sprintf("devopsctl-%s-gate-%06d", env.LabID, rand.IntN(1e6)),
		Cmd:     []string{"sh", "/devopsctl/run.sh", root},
		Labels:  env.Labels(),
		Memory:  gateMemory,
		CPUs:    gateCPUs,
		PidsMax: gatePids,
		// The check removes it when it ends; the lease only matters when
		// devopsctl was killed first.
		Lifetime: env.Timeout + time.Minute,
	})
	if ctr.ID != "" {
		// Removal must happen even when ctx was cancelled (Ctrl-C, timeout).
		defer func() {
			rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			env.Engine.RemoveContainer(rctx, ctr.ID)
		}()
	}
	if err != nil {
		return gateRun{err: err}
	}
	for {
		st, err := env.Engine.InspectContainer(ctx, ctr.ID)
		if err != nil {
			return gateRun{err: err}
		}
		if !st.Running {
			logs, _ := env.Engine.ContainerLogs(context.Background(), ctr.ID, 200)
			return gateRun{exit: st.ExitCode, oom: st.OOMKilled, logs: logs}
		}
		select {
		case <-ctx.Done():
			return gateRun{err: ctx.Err()}
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// cannotFail explains a test job that passed on the broken app.
func (c *pipelineGate) cannotFail(rel string, job *gateJob, data []byte, bad gateRun) Result {
	msg := fmt.Sprintf("Your test job passes even when the code is broken (%s): it cannot fail, so it gates nothing.", c.Bug.Description)
	var found []string
	runsTests := false
	for i, s := range job.steps {
		if c.testCmd.MatchString(s.script) {
			runsTests = true
		}
		for _, sw := range pipeline.Swallows(s.script) {
			line := job.lines[i][0]
			if sw.Line < len(job.lines[i]) {
				line = job.lines[i][sw.Line]
			}
			found = append(found, fmt.Sprintf("%s:%d: %s: %s", rel, line, sw.Text, sw.Why))
		}
	}
	ev := append(slices.Clone(found), job.skipped...)
	ev = append(ev, logTail(bad.logs, 15)...)
	switch {
	case len(found) > 0:
		return Failf(ReasonGateSwallowed, "%s", msg).WithEvidence(ev...).
			WithHint("Run the tests as they are, `go test ./...`, with nothing after them: its exit code is what fails the job.")
	case !runsTests:
		what := "its commands never run the tests"
		all := ""
		for _, s := range job.steps {
			all += s.script + "\n"
		}
		if pipeline.OnlyEchoes(all) {
			what = "its commands only print text (echo); nothing in them runs the tests"
		}
		return Failf(ReasonGateNoTests, "%s: %s.", strings.TrimSuffix(msg, "."), what).WithEvidence(ev...).
			WithHint("Make the test job run the tests: `go test ./...`. Printing \"tests passed\" does not test anything.")
	}
	return Failf(ReasonGateCannotFail, "%s", msg).WithEvidence(ev...).
		WithHint("Look at what the job runs (above): something makes it succeed whatever the tests say, or it tests other code than the app.")
}

func logTail(logs string, n int) []string {
	lines := strings.Split(strings.TrimRight(logs, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if l != "" {
			out = append(out, "| "+excerpt(l, 160))
		}
	}
	return out
}

// failureLines picks the lines of a failed run that say what failed.
func failureLines(logs string, n int) []string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "--- FAIL") || strings.Contains(t, "_test.go:") || strings.HasPrefix(t, "FAIL") || strings.HasPrefix(t, "==>") {
			out = append(out, "| "+excerpt(t, 160))
		}
		if len(out) == n {
			break
		}
	}
	return out
}
