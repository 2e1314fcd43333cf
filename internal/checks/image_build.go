package checks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/devopsctl/devopsctl/internal/plural"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"gopkg.in/yaml.v3"
)

// Reasons an image_build check fails with, besides the shared ones.
const (
	ReasonContextTooLarge Reason = "context-too-large"
	ReasonBaseMissing     Reason = "base-missing"
	ReasonCopyFailed      Reason = "copy-failed"
	ReasonRunFailed       Reason = "run-failed"
	ReasonBuildFailed     Reason = "build-failed"
)

var imageBuildKind = Kind{
	Name:        "image_build",
	Summary:     "builds the workspace's Dockerfile on the Docker engine",
	NeedsEngine: true,
	Reasons: append([]Reason{ReasonMissing, ReasonEmpty, ReasonNotText, ReasonContextTooLarge, ReasonBaseMissing,
		ReasonCopyFailed, ReasonRunFailed, ReasonBuildFailed, ReasonBuildOutOfMemory, ReasonBuildTooManyProcesses, ReasonBuildTimeout},
		readReasons...),
	New: newImageBuild,
}

type imageBuild struct {
	Dockerfile   string  `yaml:"dockerfile"`
	MaxContextMB float64 `yaml:"max_context_mb"`
	// Network lets the build's RUN steps use the network (to download
	// packages); by default they run without one.
	Network bool `yaml:"network"`
}

func newImageBuild(params *yaml.Node) (Check, error) {
	c := &imageBuild{Dockerfile: "Dockerfile", MaxContextMB: 100}
	if err := Decode(params, c); err != nil {
		return nil, err
	}
	if _, err := WorkspacePath(".", c.Dockerfile); err != nil {
		return nil, err
	}
	if c.MaxContextMB <= 0 {
		return nil, fmt.Errorf("max_context_mb must be above 0")
	}
	return c, nil
}

// Resource limits for the RUN steps of a learner's build.
const (
	buildMemory = 1536 << 20
	buildCPUs   = 1.5
	buildPids   = 256
)

func (c *imageBuild) Run(ctx context.Context, env *Env) Result {
	data, err := readLearnerFile(env.Dir, c.Dockerfile)
	if r, ok := unreadableLearnerFile(c.Dockerfile, err); ok {
		return r
	}
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Failf(ReasonMissing, "There is no %s in your workspace, so there is nothing to build.", c.Dockerfile)
	case err != nil:
		return Errorf("read %s: %v", c.Dockerfile, err)
	case len(bytes.TrimSpace(data)) == 0:
		return Failf(ReasonEmpty, "%s is empty: the engine needs at least a FROM line to build an image.", c.Dockerfile)
	case !looksLikeText(data):
		return Failf(ReasonNotText, "%s is not a text file (it holds binary data), so it cannot be built.", c.Dockerfile)
	}
	buildCtx, err := BuildContext(env.Dir, c.Dockerfile, int64(c.MaxContextMB*1e6))
	var tooLarge *ErrContextTooLarge
	if errors.As(err, &tooLarge) {
		return Failf(ReasonContextTooLarge, "Your build context (the files sent to the engine) is %s; the lab allows %s.", humanBytes(tooLarge.Size), humanBytes(tooLarge.Limit)).
			WithEvidence(append([]string{"largest files:"}, tooLarge.Biggest...)...).
			WithHint("List what the image does not need (build output, .git, big data files) in a .dockerignore file.")
	}
	var outside *outsideError
	if errors.As(err, &outside) {
		return outsideWorkspace(outside.rel)
	}
	if err != nil {
		return Errorf("%v", err)
	}
	start := time.Now()
	progress := newBuildOutput(env.Progress, data)
	_, err = env.Engine.Build(ctx, docker.BuildRequest{
		Context:    buildCtx,
		Dockerfile: c.Dockerfile,
		Tag:        env.ImageTag(),
		Labels:     env.ImageLabels(),
		Memory:     buildMemory,
		CPUs:       buildCPUs,
		PidsMax:    buildPids,
		Network:    c.Network,
	}, progress)
	progress.Flush()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return buildTimeout(c.Dockerfile, data, progress.step, env.Timeout)
	}
	if ctx.Err() != nil {
		return Errorf("the build was stopped before it finished")
	}
	var be *docker.BuildError
	if errors.As(err, &be) {
		return buildFailure(c.Dockerfile, data, be)
	}
	if err != nil {
		return Errorf("build the image: %v", err)
	}
	img, err := env.Engine.InspectImage(ctx, env.ImageTag())
	if err != nil {
		return Errorf("the build reported success but the image cannot be found: %v", err)
	}
	return Passf("Your image %s built in %.1fs (%s, %s).", env.ImageTag(), time.Since(start).Seconds(), humanBytes(img.Size), plural.N(img.Layers, "layer"))
}

var (
	stepPattern    = regexp.MustCompile(`^Step (\d+)/\d+ : (.*)$`)
	missingPattern = regexp.MustCompile(`(?i)pull access denied|repository does not exist|manifest unknown|not found: manifest|no such host|dial tcp|failed to resolve|no such image|lookup .* on`)
)

// buildFailure explains a failed build: which instruction, on which line of the
// Dockerfile, and what the engine said.
func buildFailure(name string, dockerfile []byte, be *docker.BuildError) Result {
	step, instr, line := 0, "", 0
	if m := stepPattern.FindStringSubmatch(be.Step); m != nil {
		step, _ = strconv.Atoi(m[1])
		instr = m[2]
		line = instructionLine(dockerfile, step)
	}
	where := name
	if line > 0 {
		where = fmt.Sprintf("%s:%d", name, line)
	}
	evidence := failingStep(renumber(be.Log, dockerfile))
	if strings.HasPrefix(strings.ToUpper(instr), "FROM") || (step == 0 && missingPattern.MatchString(be.Message)) {
		if missingPattern.MatchString(be.Message) {
			base := strings.TrimSpace(instr)
			if len(base) > 5 {
				base = strings.Fields(base[5:])[0]
			}
			return Failf(ReasonBaseMissing, "%s: the base image %q is not on this machine and cannot be downloaded here.", where, base).
				WithEvidence(be.Message).
				WithHint("Check the image name and tag for typos. Offline, only images already on the engine can be used: `docker images` lists them.")
		}
	}
	msg := fmt.Sprintf("The build failed at %s", where)
	if instr != "" {
		msg += fmt.Sprintf(" (%s)", instr)
	}
	if r, ok := stepAtLimit(msg, be, evidence); ok {
		return r
	}
	msg += ": " + be.Message
	reason, hint := stepFailure(instr)
	return Failf(reason, "%s", msg).WithEvidence(evidence...).WithHint(hint)
}

// Reasons image_build reports when a RUN step runs into one of the build's
// limits (docs/limits.md); a lab can attach a hint to each.
const (
	ReasonBuildOutOfMemory      Reason = "run-out-of-memory"
	ReasonBuildTooManyProcesses Reason = "run-too-many-processes"
	ReasonBuildTimeout          Reason = "build-timeout"
)

// stepAtLimit explains a step that failed at one of the build's limits: the
// kernel killed it for memory, it was killed for holding more processes than
// allowed, or it could not fork because it reached that limit.
func stepAtLimit(where string, be *docker.BuildError, evidence []string) (Result, bool) {
	switch {
	case be.OutOfMemory:
		return Failf(ReasonBuildOutOfMemory, "%s: the step ran out of memory. A build step may use at most %s, and the kernel stopped it when it asked for more.", where, binaryBytes(buildMemory)).
			WithEvidence(evidence...).
			WithHint("Look for what takes so much memory in this RUN step: a huge allocation, or a program told to use more than a build needs."), true
	case be.ProcessesKilled || forkFailed.MatchString(strings.Join(evidence, "\n")):
		return Failf(ReasonBuildTooManyProcesses, "%s: the step started too many processes. A build step may run at most %d at once, and it reached that limit.", where, buildPids).
			WithEvidence(evidence...).
			WithHint("This RUN step starts processes in a loop without end, or thousands at once: start what the build needs one at a time, and wait for each."), true
	}
	return Result{}, false
}

// buildTimeout explains a build that was still running when the check's time
// was up, naming the step it was at.
func buildTimeout(name string, dockerfile []byte, step string, limit time.Duration) Result {
	msg := fmt.Sprintf("The build did not finish within %s, its time limit", limit)
	if m := stepPattern.FindStringSubmatch(step); m != nil {
		n, _ := strconv.Atoi(m[1])
		where := name
		if line := instructionLine(dockerfile, n); line > 0 {
			where = fmt.Sprintf("%s:%d", name, line)
		}
		msg += fmt.Sprintf(": it was still at %s (%s)", where, m[2])
	}
	return Failf(ReasonBuildTimeout, "%s.", msg).
		WithHint("A RUN step that waits for something that never comes (the network, input, a server it started) keeps the build going for ever: a RUN step must end by itself.")
}

// stepFailure names the failure after the instruction that failed, so that a
// lab's hint speaks of that instruction and not of another step.
func stepFailure(instr string) (reason Reason, hint string) {
	word, _, _ := strings.Cut(strings.TrimSpace(instr), " ")
	switch strings.ToUpper(word) {
	case "COPY", "ADD":
		return ReasonCopyFailed, "COPY reads from your lab folder (the build context): check the spelling of the source path, that the file is next to the Dockerfile, and that .dockerignore does not leave it out."
	case "RUN":
		return ReasonRunFailed, "The command in this RUN step failed: the lines above, from the build output, say why. Try the command by hand in a container of the base image."
	}
	return ReasonBuildFailed, "Read the last lines of the build output above: they say why the step failed."
}

// instructionLine maps the engine's step number (instructions counted across all
// stages) to the line the instruction starts on.
func instructionLine(dockerfile []byte, step int) int {
	res, err := parser.Parse(bytes.NewReader(dockerfile))
	if err != nil || step < 1 || step > len(res.AST.Children) {
		return 0
	}
	return res.AST.Children[step-1].StartLine
}
