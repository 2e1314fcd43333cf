package checks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/docker"
	"gopkg.in/yaml.v3"
)

// Reasons an image_metadata check fails with, besides no-image. runs-as-root
// and no-command are the words the Dockerfile linter uses for the same faults.
const (
	ReasonPortNotExposed Reason = "port-not-exposed"
	ReasonEnvMissing     Reason = "env-missing"
	ReasonEnvMismatch    Reason = "env-mismatch"
	ReasonRunsAsRoot     Reason = "runs-as-root"
	ReasonNoCommand      Reason = "no-command"
	ReasonLabelMissing   Reason = "label-missing"
)

var imageMetadataKind = Kind{
	Name:        "image_metadata",
	Summary:     "inspects the built image: exposed ports, environment, user, command, labels",
	NeedsEngine: true,
	Reasons: []Reason{ReasonNoImage, ReasonPortNotExposed, ReasonEnvMissing, ReasonEnvMismatch,
		ReasonRunsAsRoot, ReasonNoCommand, ReasonLabelMissing},
	New: newImageMetadata,
}

type imageMetadata struct {
	ExposedPorts []string          `yaml:"exposed_ports"`
	EnvSet       []string          `yaml:"env_set"`
	Env          map[string]string `yaml:"env"`
	NonRootUser  bool              `yaml:"non_root_user"`
	Command      bool              `yaml:"command"`
	Labels       map[string]string `yaml:"labels"`

	env, labels map[string]*regexp.Regexp
}

func newImageMetadata(params *yaml.Node) (Check, error) {
	c := &imageMetadata{}
	if err := Decode(params, c); err != nil {
		return nil, err
	}
	var err error
	if c.env, err = compileAll("env", c.Env); err != nil {
		return nil, err
	}
	if c.labels, err = compileAll("labels", c.Labels); err != nil {
		return nil, err
	}
	for i, p := range c.ExposedPorts {
		if !strings.Contains(p, "/") {
			c.ExposedPorts[i] = p + "/tcp"
		}
	}
	if len(c.ExposedPorts)+len(c.EnvSet)+len(c.Env)+len(c.Labels) == 0 && !c.NonRootUser && !c.Command {
		return nil, fmt.Errorf("nothing to check: give exposed_ports, env_set, env, non_root_user, command or labels")
	}
	return c, nil
}

func compileAll(field string, m map[string]string) (map[string]*regexp.Regexp, error) {
	out := map[string]*regexp.Regexp{}
	for k, v := range m {
		re, err := regexp.Compile(v)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", field, k, err)
		}
		out[k] = re
	}
	return out, nil
}

// problem is one way the image differs from what the lab asks.
type problem struct {
	reason Reason
	msg    string
}

func (c *imageMetadata) Run(ctx context.Context, env *Env) Result {
	img, err := env.Engine.InspectImage(ctx, env.ImageTag())
	if errors.Is(err, docker.ErrNotFound) {
		return Failf(ReasonNoImage, "There is no image %s to inspect yet: it is made by the build step.", env.ImageTag())
	}
	if err != nil {
		return Errorf("%v", err)
	}
	var probs []problem
	for _, p := range c.ExposedPorts {
		if !slices.Contains(img.ExposedPorts, p) {
			probs = append(probs, problem{ReasonPortNotExposed, fmt.Sprintf("port %s is not exposed (exposed: %s)", p, listOrNone(img.ExposedPorts))})
		}
	}
	vars := envMap(img.Env)
	for _, k := range c.EnvSet {
		if vars[k] == "" {
			probs = append(probs, problem{ReasonEnvMissing, fmt.Sprintf("the image gives no value to %s", k)})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.env)) {
		v, ok := vars[k]
		switch {
		case !ok:
			probs = append(probs, problem{ReasonEnvMissing, fmt.Sprintf("the image does not set %s", k)})
		case !c.env[k].MatchString(v):
			probs = append(probs, problem{ReasonEnvMismatch, fmt.Sprintf("%s is %q, which is not what the lab asks (%s)", k, v, c.Env[k])})
		}
	}
	if c.NonRootUser && isRoot(img.User) {
		probs = append(probs, problem{ReasonRunsAsRoot, "the container would run as root (no USER, or USER root)"})
	}
	if c.Command && len(img.Entrypoint) == 0 && len(img.Cmd) == 0 {
		probs = append(probs, problem{ReasonNoCommand, "the image says nothing about what to run (no CMD or ENTRYPOINT)"})
	}
	for _, k := range slices.Sorted(maps.Keys(c.labels)) {
		v, ok := img.Labels[k]
		if !ok || !c.labels[k].MatchString(v) {
			probs = append(probs, problem{ReasonLabelMissing, fmt.Sprintf("label %s is missing or does not match %s", k, c.Labels[k])})
		}
	}
	evidence := []string{
		"exposed ports: " + listOrNone(img.ExposedPorts),
		"user: " + orDefault(img.User, "(root)"),
		"entrypoint: " + argv(img.Entrypoint) + "  cmd: " + argv(img.Cmd),
	}
	if len(probs) == 0 {
		return Passf("The image's settings are as the lab asks.").WithEvidence(evidence...)
	}
	msgs := make([]string, len(probs))
	for i, p := range probs {
		msgs[i] = p.msg
	}
	return Failf(probs[0].reason, "In the image's settings, %s.", strings.Join(msgs, "; ")).WithEvidence(evidence...)
}

func envMap(kvs []string) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

func isRoot(user string) bool {
	u, _, _ := strings.Cut(user, ":")
	return u == "" || u == "root" || u == "0"
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	s := slices.Clone(l)
	slices.Sort(s)
	return strings.Join(s, ", ")
}

// argv shows a command as the image holds it, in order and in the JSON form a
// Dockerfile would write it: a shell-form CMD shows as ["/bin/sh", "-c", "…"].
func argv(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	out, _ := json.Marshal(l)
	return strings.ReplaceAll(string(out), `","`, `", "`)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
