package checks

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/devopsctl/devopsctl/internal/composefile"
	"gopkg.in/yaml.v3"
)

// Reasons a compose_file check fails with, besides those of loading the file
// (composeLoadReasons), which compose_up reports too since it loads the same
// file first.
const (
	ReasonServiceMissing      Reason = "service-missing"
	ReasonPortNotPublished    Reason = "port-not-published"
	ReasonEnvWrongHost        Reason = "env-wrong-host"
	ReasonDependsOnMissing    Reason = "depends-on-missing"
	ReasonDependsOnNotHealthy Reason = "depends-on-not-healthy"
	ReasonNoHealthcheck       Reason = "no-healthcheck"
	ReasonNoSharedNetwork     Reason = "no-shared-network"
)

// composeLoadReasons are the reasons of reading and loading a compose file.
var composeLoadReasons = append([]Reason{
	ReasonMissing, ReasonParseError, ReasonInvalidSettings, ReasonEnvFileMissing, ReasonEnvFileInvalid,
}, readReasons...)

var composeFileKind = Kind{
	Name:    "compose_file",
	Summary: "loads the workspace's compose file with the loader docker compose uses and checks its services: present, ports published, an environment variable pointing at another service, depends_on waiting for a health check, a shared network",
	Reasons: slices.Concat(composeLoadReasons, []Reason{ReasonServiceMissing, ReasonPortNotPublished, ReasonEnvMissing,
		ReasonEnvWrongHost, ReasonDependsOnMissing, ReasonDependsOnNotHealthy, ReasonNoHealthcheck, ReasonNoSharedNetwork}),
	New: newComposeFile,
}

type composeFile struct {
	// File is the compose file; by default the first of the names docker
	// compose looks for.
	File string `yaml:"file"`
	// Services are the services the file must define, with what each needs.
	Services map[string]composeServiceWant `yaml:"services"`
}

// composeServiceWant is what one service must have.
type composeServiceWant struct {
	// Ports are host ports the service must publish.
	Ports []int `yaml:"ports"`
	// DependsOn lists services it must wait for, until they are healthy.
	DependsOn []string `yaml:"depends_on"`
	// EnvURL maps an environment variable to the service its URL must name
	// as host (REDIS_URL: redis).
	EnvURL map[string]string `yaml:"env_url"`
}

// composeNames are the files docker compose looks for, in its order.
var composeNames = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}

func newComposeFile(params *yaml.Node) (Check, error) {
	c := &composeFile{}
	if err := Decode(params, c); err != nil {
		return nil, err
	}
	if c.File != "" {
		if _, err := WorkspacePath(".", c.File); err != nil {
			return nil, fmt.Errorf("file: %w", err)
		}
	}
	if len(c.Services) == 0 {
		return nil, errors.New("services: name at least one service the compose file must define")
	}
	for name, s := range c.Services {
		for _, p := range s.Ports {
			if p < 1 || p > 65535 {
				return nil, fmt.Errorf("services.%s.ports: %d is not a TCP port", name, p)
			}
		}
		for _, d := range s.DependsOn {
			if _, ok := c.Services[d]; !ok {
				return nil, fmt.Errorf("services.%s.depends_on: %s is not one of the services listed", name, d)
			}
		}
		for v, target := range s.EnvURL {
			if _, ok := c.Services[target]; !ok {
				return nil, fmt.Errorf("services.%s.env_url.%s: %s is not one of the services listed", name, v, target)
			}
		}
	}
	return c, nil
}

func (c *composeFile) Run(ctx context.Context, env *Env) Result {
	lc, res, ok := loadLearnerCompose(ctx, env, c.File)
	if !ok {
		return res
	}
	p, rel := lc.project, lc.rel
	for _, name := range slices.Sorted(maps.Keys(c.Services)) {
		if _, ok := p.Services[name]; !ok {
			return missingService(lc.at("services"), name, p)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.Services)) {
		want, svc := c.Services[name], p.Services[name]
		if r, bad := checkPorts(lc.at("services", name, "ports"), svc, want.Ports); bad {
			return r
		}
		if r, bad := checkEnvURLs(lc.at("services", name, "environment"), svc, lc.env[name], want.EnvURL, p); bad {
			return r
		}
		if r, bad := checkDependsOn(lc.at, svc, want.DependsOn, p); bad {
			return r
		}
	}
	return Passf("%s defines %s as the lab asks.", rel, strings.Join(slices.Sorted(maps.Keys(c.Services)), ", "))
}

// learnerCompose is a loaded compose file of the workspace.
type learnerCompose struct {
	rel     string
	doc     *yaml.Node
	project *types.Project
	// env is each service's environment: env_file entries, then environment.
	env map[string]map[string]string
}

// loadLearnerCompose reads the compose file through the workspace's os.Root,
// with the size cap, and loads its content with compose-go; nothing but that
// content is read by the loader (no include, no extends file). env_file
// entries are read here, through the workspace too.
func loadLearnerCompose(ctx context.Context, env *Env, file string) (learnerCompose, Result, bool) {
	rel := file
	if rel == "" {
		rel = composeNames[0]
		for _, n := range composeNames {
			if _, err := statInWorkspace(env.Dir, n); err == nil || errors.Is(err, ErrOutsideWorkspace) {
				rel = n
				break
			}
		}
	}
	data, err := readLearnerFile(env.Dir, rel)
	if r, ok := unreadableLearnerFile(rel, err); ok {
		return learnerCompose{}, r, false
	}
	switch {
	case errors.Is(err, os.ErrNotExist):
		return learnerCompose{}, Failf(ReasonMissing, "There is no %s in your workspace yet.", rel).
			WithHint(fmt.Sprintf("Create %s next to the service folders; it starts with a top-level `services:` key.", rel)), false
	case errors.Is(err, errIsDir):
		return learnerCompose{}, Failf(ReasonMissing, "%s is a folder; the compose file must be a file.", rel), false
	case err != nil:
		return learnerCompose{}, Errorf("read %s: %v", rel, err), false
	}
	p, err := composefile.Load(ctx, composefile.Source{
		Name: rel, Dir: env.Dir, Content: data, Env: map[string]string{},
		Project: composeProjectName(env), Contained: true,
	})
	var ce *composefile.Error
	if errors.As(err, &ce) {
		if ce.Pos != "" {
			return learnerCompose{}, Failf(ReasonParseError, "%s", ce.Error()).
				WithHint("YAML cares about indentation and about a space after each colon; look at the line named and the one above it."), false
		}
		return learnerCompose{}, Failf(ReasonInvalidSettings, "%s", ce.Error()).
			WithHint("The message names the setting compose refused; the compose file reference lists the values it accepts."), false
	}
	if err != nil {
		return learnerCompose{}, Errorf("load %s: %v", rel, err), false
	}
	lc := learnerCompose{rel: rel, project: p, env: map[string]map[string]string{}}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) == nil && len(doc.Content) > 0 {
		lc.doc = doc.Content[0]
	}
	for name, svc := range p.Services {
		vars, r, ok := serviceEnv(env.Dir, rel, name, svc)
		if !ok {
			return learnerCompose{}, r, false
		}
		lc.env[name] = vars
	}
	return lc, Result{}, true
}

// at is "file:line" of the deepest of the keys (a path into the file) that is
// there, or the file alone: where a message sends the learner to look.
func (lc learnerCompose) at(keys ...string) string {
	line, n := 0, lc.doc
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			break
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line, next = n.Content[i].Line, n.Content[i+1]
				break
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	if line == 0 {
		return lc.rel
	}
	return fmt.Sprintf("%s:%d", lc.rel, line)
}

// composeProjectName is the project's name: unique to the workspace and the
// run, so that two runs never share a container or network name.
func composeProjectName(env *Env) string {
	return "devopsctl-" + env.LabID
}

// serviceEnv is a service's environment as compose gives it to the
// container: its env_file entries in order, then environment on top. A bare
// NAME takes no value: devopsctl passes none of its own environment on.
func serviceEnv(dir, rel, name string, svc types.ServiceConfig) (map[string]string, Result, bool) {
	out := map[string]string{}
	for _, ef := range svc.EnvFiles {
		frel, err := filepath.Rel(dir, ef.Path)
		if err == nil {
			_, err = WorkspacePath(".", frel)
		}
		if err != nil {
			return nil, Failf(ReasonOutsideWorkspace, "%s: service %s reads env_file %s, which is outside the workspace", rel, name, ef.Path).
				WithHint("Keep env files next to compose.yaml and name them by a relative path, e.g. env_file: greetings.env"), false
		}
		frel = filepath.ToSlash(frel)
		vars, err := readWorkspaceEnvFile(dir, frel, func(string) (string, bool) { return "", false })
		switch {
		case errors.Is(err, ErrOutsideWorkspace):
			return nil, outsideWorkspace(frel), false
		case errors.Is(err, os.ErrNotExist):
			if !bool(ef.Required) {
				continue
			}
			return nil, Failf(ReasonEnvFileMissing, "%s: service %s reads env_file %s, which is not in your workspace", rel, name, frel), false
		case err != nil:
			return nil, Failf(ReasonEnvFileInvalid, "%s: service %s: %v", rel, name, err).
				WithHint("Each line of an env file is NAME=value; lines starting with # are comments."), false
		}
		for _, kv := range vars {
			k, v, _ := strings.Cut(kv, "=")
			out[k] = v
		}
	}
	for k, v := range svc.Environment {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = *v
	}
	return out, Result{}, true
}

func missingService(rel, name string, p *types.Project) Result {
	have := slices.Sorted(maps.Keys(p.Services))
	r := Failf(ReasonServiceMissing, "%s has no service called %s.", rel, name).
		WithHint(fmt.Sprintf("Add `%s:` under `services:`, indented like the others, with `build: ./%s` so compose builds it from its folder.", name, name))
	if len(have) > 0 {
		r = r.WithEvidence("services defined: " + strings.Join(have, ", "))
	}
	return r
}

// checkPorts wants each port published on the host, whatever the container
// port behind it.
func checkPorts(rel string, svc types.ServiceConfig, ports []int) (Result, bool) {
	for _, want := range ports {
		published := slices.ContainsFunc(svc.Ports, func(p types.ServicePortConfig) bool {
			return publishedPort(p) == want
		})
		if published {
			continue
		}
		r := Failf(ReasonPortNotPublished, "%s: service %s does not publish port %d, so nothing outside the project can reach it there.", rel, svc.Name, want).
			WithHint(fmt.Sprintf(`Under service %s, add ports: ["%d:%d"] (host port first, container port second).`, svc.Name, want, want))
		if slices.Contains(svc.Expose, fmt.Sprint(want)) {
			r = r.WithEvidence(fmt.Sprintf("expose: %d makes the port known to the other services only; ports: publishes it on the host", want))
		}
		for _, p := range svc.Ports {
			r = r.WithEvidence(fmt.Sprintf("published: host %s -> container %d", orDash(p.Published), p.Target))
		}
		return r, true
	}
	return Result{}, false
}

// publishedPort is the host port of p, or 0 for a random or ranged one.
func publishedPort(p types.ServicePortConfig) int {
	var n int
	if _, err := fmt.Sscanf(p.Published, "%d", &n); err != nil || fmt.Sprint(n) != p.Published {
		return 0
	}
	return n
}

func orDash(s string) string {
	if s == "" {
		return "(random)"
	}
	return s
}

// checkEnvURLs wants each variable set to a URL whose host is the name of its
// target service (or one of that service's aliases).
func checkEnvURLs(rel string, svc types.ServiceConfig, vars map[string]string, want map[string]string, p *types.Project) (Result, bool) {
	for _, v := range slices.Sorted(maps.Keys(want)) {
		target := want[v]
		val, ok := vars[v]
		if !ok || strings.TrimSpace(val) == "" {
			return Failf(ReasonEnvMissing, "%s: service %s has no %s in its environment, so it does not know where %s is.", rel, svc.Name, v, target).
				WithHint(fmt.Sprintf("Under service %s, add environment: with %s set to an address naming the service %s, e.g. %s: redis://%s:6379", svc.Name, v, target, v, target)), true
		}
		u, err := url.Parse(strings.TrimSpace(val))
		host := ""
		if err == nil {
			host = u.Hostname()
		}
		if !slices.Contains(serviceHostnames(p, target), host) {
			r := Failf(ReasonEnvWrongHost, "%s: service %s has %s=%s, which does not name the service %s.", rel, svc.Name, v, val, target).
				WithHint(fmt.Sprintf("Inside the project, each service is reached by its name: use %s as the host, e.g. %s=redis://%s:6379", target, v, target))
			if host == "localhost" || host == "127.0.0.1" {
				r = r.WithEvidence("inside a container, localhost is that container itself, not the machine or another service")
			}
			return r, true
		}
	}
	return Result{}, false
}

// serviceHostnames are the names under which other services reach target.
func serviceHostnames(p *types.Project, target string) []string {
	names := []string{target}
	svc := p.Services[target]
	if svc.ContainerName != "" {
		names = append(names, svc.ContainerName)
	}
	for _, nc := range svc.Networks {
		if nc != nil {
			names = append(names, nc.Aliases...)
		}
	}
	return names
}

// checkDependsOn wants each dependency waited for until healthy, which needs
// a health check on it, and a network the two share.
func checkDependsOn(at func(keys ...string) string, svc types.ServiceConfig, deps []string, p *types.Project) (Result, bool) {
	for _, d := range deps {
		rel := at("services", svc.Name, "depends_on", d)
		dep, ok := svc.DependsOn[d]
		if !ok {
			return Failf(ReasonDependsOnMissing, "%s: service %s does not depend on %s, so compose may start it first and its first requests fail.", rel, svc.Name, d).
				WithHint(fmt.Sprintf("Under service %s, add depends_on: with %s and condition: service_healthy.", svc.Name, d)), true
		}
		if dep.Condition != types.ServiceConditionHealthy {
			return Failf(ReasonDependsOnNotHealthy, "%s: service %s depends on %s with condition %s: it starts as soon as %s's container runs, before %s is ready to answer.", rel, svc.Name, d, dep.Condition, d, d).
				WithHint(fmt.Sprintf("Use the long form: depends_on: {%s: {condition: service_healthy}}, and give %s a healthcheck.", d, d)), true
		}
		if hc := p.Services[d].HealthCheck; hc == nil || hc.Disable || len(hc.Test) == 0 {
			return Failf(ReasonNoHealthcheck, "%s: service %s waits for %s to be healthy, but %s has no healthcheck, so compose cannot know when it is.", at("services", d), svc.Name, d, d).
				WithHint(fmt.Sprintf("Give %s a healthcheck: with a test command that succeeds once it answers, e.g. [\"CMD\", \"redis-cli\", \"ping\"] for redis, or wget of a health page for the others.", d)), true
		}
		if len(sharedNetworks(svc, p.Services[d])) == 0 {
			return Failf(ReasonNoSharedNetwork, "%s: services %s and %s are on no common network, so %s cannot reach %s.", rel, svc.Name, d, svc.Name, d).
				WithHint("Put both services on the same network (or leave networks: out of both, and they share the default one).").
				WithEvidence(fmt.Sprintf("%s: %s", svc.Name, strings.Join(serviceNetworks(svc), ", ")), fmt.Sprintf("%s: %s", d, strings.Join(serviceNetworks(p.Services[d]), ", "))), true
		}
	}
	return Result{}, false
}

// serviceNetworks names the networks a service joins; none named is the
// project's default network.
func serviceNetworks(svc types.ServiceConfig) []string {
	if svc.NetworkMode != "" {
		return []string{"network_mode " + svc.NetworkMode}
	}
	if len(svc.Networks) == 0 {
		return []string{"default"}
	}
	return slices.Sorted(maps.Keys(svc.Networks))
}

func sharedNetworks(a, b types.ServiceConfig) []string {
	if a.NetworkMode != "" || b.NetworkMode != "" {
		return nil
	}
	var out []string
	for _, n := range serviceNetworks(a) {
		if slices.Contains(serviceNetworks(b), n) {
			out = append(out, n)
		}
	}
	return out
}
