package checks

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"gopkg.in/yaml.v3"
)

// Reasons a container_http check fails with, besides the shared ones. The
// diagnosis of a silent container (container_diagnosis.go) adds the last four.
const (
	ReasonStartFailed     Reason = "start-failed"
	ReasonEnvFileMissing  Reason = "env-file-missing"
	ReasonEnvFileInvalid  Reason = "env-file-invalid"
	ReasonExited          Reason = "exited"
	ReasonStatusMismatch  Reason = "status-mismatch"
	ReasonBodyMismatch    Reason = "body-mismatch"
	ReasonBodyForbidden   Reason = "body-forbidden"
	ReasonEnvNotShown     Reason = "env-not-shown"
	ReasonNoAnswer        Reason = "no-answer"
	ReasonLocalhostOnly   Reason = "localhost-only"
	ReasonWrongPort       Reason = "wrong-port"
	ReasonUnquotedCommand Reason = "unquoted-command"
)

var containerHTTPKind = Kind{
	Name:        "container_http",
	Summary:     "runs the built image and asks it for a page over HTTP",
	NeedsEngine: true,
	Reasons: []Reason{ReasonNoImage, ReasonStartFailed, ReasonEnvFileMissing, ReasonEnvFileInvalid,
		ReasonExited, ReasonStatusMismatch, ReasonBodyMismatch, ReasonBodyForbidden, ReasonEnvNotShown, ReasonOutsideWorkspace,
		ReasonNoAnswer, ReasonLocalhostOnly, ReasonWrongPort, ReasonUnquotedCommand,
		ReasonTooManyProcesses, ReasonLogFlood, ReasonOutOfMemory, ReasonVolumeFull},
	New: newContainerHTTP,
}

type containerHTTP struct {
	Port        int               `yaml:"port"`
	Path        string            `yaml:"path"`
	Env         map[string]string `yaml:"env"`
	EnvFile     string            `yaml:"env_file"`
	Status      int               `yaml:"status"`
	Body        string            `yaml:"body"`
	BodyNot     string            `yaml:"body_not"`
	ContainsEnv []string          `yaml:"contains_env"`
	Startup     Duration          `yaml:"startup"`
	ReadOnly    *bool             `yaml:"read_only"`
	// Network lets the container reach the host and the network beyond; by
	// default it has a network of its own with no way out.
	Network bool `yaml:"network"`

	body, bodyNot *regexp.Regexp
}

// Duration is a time.Duration written as "20s" in lab.yaml.
type Duration time.Duration

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration like 20s", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// RandomName is the env value replaced by a fresh random name on every run, so
// that a page can only show it by really reading the variable.
const RandomName = "{{random_name}}"

func newContainerHTTP(params *yaml.Node) (Check, error) {
	c := &containerHTTP{Port: 8080, Path: "/", Status: 200, Startup: Duration(20 * time.Second)}
	if err := Decode(params, c); err != nil {
		return nil, err
	}
	if c.Port < 1 || c.Port > 65535 {
		return nil, fmt.Errorf("port %d is not a TCP port", c.Port)
	}
	if !strings.HasPrefix(c.Path, "/") {
		return nil, fmt.Errorf("path %q must start with /", c.Path)
	}
	var err error
	if c.Body != "" {
		if c.body, err = regexp.Compile(c.Body); err != nil {
			return nil, fmt.Errorf("body: %w", err)
		}
	}
	if c.BodyNot != "" {
		if c.bodyNot, err = regexp.Compile(c.BodyNot); err != nil {
			return nil, fmt.Errorf("body_not: %w", err)
		}
	}
	if c.EnvFile != "" {
		if _, err := WorkspacePath(".", c.EnvFile); err != nil {
			return nil, fmt.Errorf("env_file: %w", err)
		}
	}
	return c, nil
}

func (c *containerHTTP) Run(ctx context.Context, env *Env) Result {
	if _, err := env.Engine.InspectImage(ctx, env.ImageTag()); err != nil {
		if errors.Is(err, docker.ErrNotFound) {
			return Failf(ReasonNoImage, "There is no image %s to run yet: it is made by the build step.", env.ImageTag())
		}
		return Errorf("%v", err)
	}
	vars, values, res := c.environment(env)
	if res != nil {
		return *res
	}
	port := fmt.Sprintf("%d/tcp", c.Port)
	ctr, err := env.Engine.RunContainer(ctx, docker.ContainerSpec{
		Image:    env.ImageTag(),
		Name:     fmt.Sprintf("devopsctl-%s-%06d", env.LabID, rand.IntN(1e6)),
		Env:      vars,
		Labels:   env.Labels(),
		Ports:    []string{port},
		ReadOnly: c.ReadOnly == nil || *c.ReadOnly,
		Outbound: c.Network,
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
		if ctx.Err() != nil {
			return Errorf("stopped before the container started")
		}
		return Failf(ReasonStartFailed, "The container could not start: %v", err).
			WithHint("Check ENTRYPOINT and CMD: the program they name must exist in the image.")
	}
	addr := ctr.HostPorts[port]
	if addr == "" {
		// A container that exits at once has no published ports left.
		if st, err := env.Engine.InspectContainer(ctx, ctr.ID); err == nil && !st.Running {
			return c.exited(env, ctr.ID, st)
		}
		return Errorf("the engine published no host port for %s", port)
	}
	resp, body, res := c.waitForAnswer(ctx, env, ctr.ID, "http://"+addr+c.Path)
	if res != nil {
		return *res
	}
	return c.judge(resp, body, values)
}

// environment builds the container's variables: the env file first, then env,
// as `docker run --env-file … -e …` would. values are the ones the page must show.
func (c *containerHTTP) environment(env *Env) (vars []string, values map[string]string, fail *Result) {
	values = map[string]string{}
	if c.EnvFile != "" {
		fileVars, err := readWorkspaceEnvFile(env.Dir, c.EnvFile, os.LookupEnv)
		if errors.Is(err, ErrOutsideWorkspace) {
			r := outsideWorkspace(c.EnvFile)
			return nil, nil, &r
		}
		if errors.Is(err, os.ErrNotExist) {
			r := Failf(ReasonEnvFileMissing, "There is no %s in your workspace.", c.EnvFile)
			return nil, nil, &r
		}
		if err != nil {
			r := Failf(ReasonEnvFileInvalid, "%v", err).WithHint("Each line of an env file is NAME=value, with no spaces around = and no quotes needed; lines starting with # are comments.")
			return nil, nil, &r
		}
		for _, kv := range fileVars {
			k, v, _ := strings.Cut(kv, "=")
			values[k] = v
			vars = append(vars, kv)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.Env)) {
		v := c.Env[k]
		if v == RandomName {
			v = randomName()
		}
		values[k] = v
		vars = append(vars, k+"="+v)
	}
	return vars, values, nil
}

var firstNames = []string{"Ada", "Grace", "Linus", "Margaret", "Alan", "Barbara", "Dennis", "Frances", "Ken", "Radia", "Hedy", "Edsger"}

func randomName() string {
	return fmt.Sprintf("%s%04d", firstNames[rand.IntN(len(firstNames))], rand.IntN(10000))
}

// waitForAnswer polls until the server answers, the container exits, or the
// startup time runs out.
func (c *containerHTTP) waitForAnswer(ctx context.Context, env *Env, id, url string) (*http.Response, string, *Result) {
	deadline := time.Now().Add(time.Duration(c.Startup))
	client := &http.Client{Timeout: 3 * time.Second}
	var lastErr error
	// A program stuck at a limit (processes, log) will not answer: looking
	// once a second gives the verdict without waiting out the startup time.
	nextLook := time.Now().Add(time.Second)
	for {
		st, err := env.Engine.InspectContainer(ctx, id)
		if err == nil && !st.Running {
			r := c.exited(env, id, st)
			return nil, "", &r
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if rerr == nil {
				return resp, string(body), nil
			}
			err = rerr
		}
		lastErr = err
		if time.Now().After(nextLook) && ctx.Err() == nil {
			if r, ok := overLimits(ctx, env, id); ok {
				return nil, "", &r
			}
			nextLook = time.Now().Add(time.Second)
		}
		if ctx.Err() != nil {
			r := Errorf("stopped while waiting for the container to answer")
			return nil, "", &r
		}
		if time.Now().After(deadline) {
			r := c.noAnswer(env, id, lastErr)
			return nil, "", &r
		}
		select {
		case <-ctx.Done():
		case <-time.After(150 * time.Millisecond):
		}
	}
}

func (c *containerHTTP) exited(env *Env, id string, st docker.ContainerState) Result {
	logs, _ := env.Engine.ContainerLogs(context.Background(), id, 20)
	if r, ok := unquotedCommand(env, st); ok {
		return r.WithEvidence(logLines(logs)...)
	}
	if r, ok := exitedAtLimit(st, logs); ok {
		return r.WithEvidence(logLines(logs)...)
	}
	why := fmt.Sprintf("exit code %d", st.ExitCode)
	if st.Error != "" {
		why += ": " + st.Error
	}
	return Failf(ReasonExited, "The container stopped right after starting (%s), so there was no server to ask.", why).
		WithEvidence(logLines(logs)...).
		WithHint("A container lives as long as its main process. Check that CMD starts the server and that the server does not crash: its output is shown above.")
}

func (c *containerHTTP) judge(resp *http.Response, body string, values map[string]string) Result {
	evidence := []string{fmt.Sprintf("GET %s -> %s", c.Path, resp.Status), "body: " + excerpt(body, 200)}
	if resp.StatusCode != c.Status {
		return Failf(ReasonStatusMismatch, "GET %s answered %d; the lab expects %d.", c.Path, resp.StatusCode, c.Status).WithEvidence(evidence...)
	}
	if c.body != nil && !c.body.MatchString(body) {
		return Failf(ReasonBodyMismatch, "The page at %s does not show what the lab expects (it should match %q).", c.Path, c.Body).WithEvidence(evidence...)
	}
	if c.bodyNot != nil {
		if m := c.bodyNot.FindString(body); m != "" {
			return Failf(ReasonBodyForbidden, "The page at %s still shows %q.", c.Path, m).WithEvidence(evidence...)
		}
	}
	for _, name := range c.ContainsEnv {
		v := values[name]
		if v == "" || !strings.Contains(body, v) {
			return Failf(ReasonEnvNotShown, "The container was started with %s=%s, but the page does not show %q.", name, v, v).WithEvidence(evidence...).
				WithHint(fmt.Sprintf("A value given at run time (docker run -e %s=…) must win over the image's default: do not hard-code %s in CMD or ENTRYPOINT.", name, name))
		}
	}
	msg := fmt.Sprintf("GET %s answered %s", c.Path, resp.Status)
	if len(c.ContainsEnv) > 0 {
		msg += fmt.Sprintf(" and showed the %s it was given", strings.Join(c.ContainsEnv, ", "))
	}
	return Passf("%s.", msg).WithEvidence(evidence...)
}

var (
	htmlHidden = regexp.MustCompile(`(?is)<(style|script|head)\b.*?</(style|script|head)>`)
	htmlTag    = regexp.MustCompile(`(?s)<[^>]*>`)
)

// excerpt is the start of a page as a person reads it: the text, not the markup.
func excerpt(s string, n int) string {
	s = htmlTag.ReplaceAllString(htmlHidden.ReplaceAllString(s, " "), " ")
	s = strings.Join(strings.Fields(html.UnescapeString(s)), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func logLines(logs string) []string {
	logs = strings.TrimRight(logs, "\n")
	if logs == "" {
		return []string{"(the container printed nothing)"}
	}
	lines := strings.Split(logs, "\n")
	for i := range lines {
		lines[i] = "container: " + lines[i]
	}
	return lines
}

func shortNetErr(err error) string {
	if err == nil {
		return "no error"
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		return s[i+2:]
	}
	return s
}
