package checks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/devopsctl/devopsctl/internal/docker"
	"gopkg.in/yaml.v3"
)

// Reasons a compose_up check fails with, besides those of loading the file
// (composeLoadReasons), port-not-published and no-answer.
const (
	ReasonComposeUnsupported Reason = "unsupported"
	ReasonImageMissing       Reason = "image-missing"
	ReasonServiceBuildFailed Reason = "build-failed"
	ReasonServiceStartFailed Reason = "start-failed"
	ReasonServiceExited      Reason = "exited"
	ReasonServiceUnhealthy   Reason = "unhealthy"
	ReasonPageWrong          Reason = "page-wrong"
	ReasonLikeNotCounted     Reason = "like-not-counted"
	ReasonLikesLost          Reason = "likes-lost"
)

var composeUpKind = Kind{
	Name:        "compose_up",
	Summary:     "brings the workspace's compose project up for real (build, networks, depends_on with health checks, published ports), checks the calculator end to end (page, a Like counted in Redis, the count surviving a restart of the service that keeps it) and takes it all down",
	NeedsEngine: true,
	Reasons: slices.Concat(composeLoadReasons, []Reason{ReasonPortNotPublished, ReasonComposeUnsupported, ReasonImageMissing,
		ReasonServiceBuildFailed, ReasonServiceStartFailed, ReasonServiceExited, ReasonServiceUnhealthy, ReasonNoAnswer,
		ReasonPageWrong, ReasonLikeNotCounted, ReasonLikesLost}),
	New: newComposeUp,
}

type composeUp struct {
	File string `yaml:"file"`
	// Startup bounds the wait for each service to start and be healthy.
	Startup Duration `yaml:"startup"`
	// Answer bounds the wait for each answer once the project is up.
	Answer Duration `yaml:"answer"`
	// AppPort is the published port of the page /<name>/<x>/<y>.
	AppPort int `yaml:"app_port"`
	// Likes is the service that counts likes; its published port LikesPort
	// answers GET /likes, and it is restarted to see the counts kept.
	Likes     string `yaml:"likes"`
	LikesPort int    `yaml:"likes_port"`
	// MaxContextMB bounds each service's build context.
	MaxContextMB int `yaml:"max_context_mb"`
}

func newComposeUp(params *yaml.Node) (Check, error) {
	c := &composeUp{Startup: Duration(3 * time.Minute), Answer: Duration(time.Minute), AppPort: 5000, Likes: "greetings", LikesPort: 5002, MaxContextMB: 20}
	if err := Decode(params, c); err != nil {
		return nil, err
	}
	if c.File != "" {
		if _, err := WorkspacePath(".", c.File); err != nil {
			return nil, fmt.Errorf("file: %w", err)
		}
	}
	for _, p := range []int{c.AppPort, c.LikesPort} {
		if p < 1 || p > 65535 {
			return nil, fmt.Errorf("%d is not a TCP port", p)
		}
	}
	if c.Startup <= 0 || c.Answer <= 0 || c.MaxContextMB <= 0 {
		return nil, errors.New("startup, answer and max_context_mb must be positive")
	}
	return c, nil
}

// upRun is one bringing up of a project: what it made and where.
type upRun struct {
	c     *composeUp
	env   *Env
	pe    docker.Project
	lc    learnerCompose
	ids   map[string]string // service -> container ID
	addrs map[int]string    // published port -> host address
}

func (c *composeUp) Run(ctx context.Context, env *Env) Result {
	pe, ok := env.Engine.(docker.Project)
	if !ok {
		return Errorf("compose_up: this engine connection cannot run a project of several services")
	}
	lc, res, ok := loadLearnerCompose(ctx, env, c.File)
	if !ok {
		return res
	}
	for _, port := range []int{c.AppPort, c.LikesPort} {
		if !slices.ContainsFunc(slices.Collect(maps.Values(lc.project.Services)), func(s types.ServiceConfig) bool {
			return slices.ContainsFunc(s.Ports, func(p types.ServicePortConfig) bool { return publishedPort(p) == port })
		}) {
			return Failf(ReasonPortNotPublished, "%s: no service publishes port %d, so the check cannot reach the calculator there.", lc.rel, port).
				WithHint(fmt.Sprintf(`Add ports: ["%d:%d"] to the service that listens on %d.`, port, port, port))
		}
	}
	// Everything the run made carries its labels: removed when it ends,
	// whether it passed, failed, timed out or was interrupted.
	defer docker.Cleanup(env.Engine, env.Labels())
	u := &upRun{c: c, env: env, pe: pe, lc: lc, ids: map[string]string{}}
	if r, ok := u.up(ctx); !ok {
		return r
	}
	return u.probe(ctx)
}

// up builds the images, creates the networks, starts the services in the
// order depends_on gives, waiting on each condition, and starts the gateway.
func (u *upRun) up(ctx context.Context) (Result, bool) {
	p, rel := u.lc.project, u.lc.rel
	order, err := startOrder(p)
	if err != nil {
		return Failf(ReasonInvalidSettings, "%s: %v", rel, err), false
	}
	for _, name := range order {
		if r, bad := u.unsupported(p.Services[name]); bad {
			return r, false
		}
	}
	images := map[string]string{}
	for _, name := range order {
		img, r, ok := u.image(ctx, p.Services[name])
		if !ok {
			return r, false
		}
		images[name] = img
	}
	nets := map[string]string{}
	for _, name := range order {
		for _, n := range serviceNetworks(p.Services[name]) {
			if _, done := nets[n]; done || strings.HasPrefix(n, "network_mode ") {
				continue
			}
			id, err := u.pe.CreateNetwork(ctx, fmt.Sprintf("devopsctl-%s-%s-%06d", u.env.LabID, n, rand.IntN(1e6)), u.env.Labels(), u.lifetime())
			if err != nil {
				return Errorf("%v", err), false
			}
			nets[n] = id
		}
	}
	deadline := time.Now().Add(time.Duration(u.c.Startup))
	for _, name := range order {
		svc := p.Services[name]
		for _, dep := range slices.Sorted(maps.Keys(svc.DependsOn)) {
			if r, ok := u.waitFor(ctx, dep, svc.DependsOn[dep].Condition, deadline); !ok {
				return r, false
			}
		}
		spec, r, ok := u.spec(svc, images[name], nets)
		if !ok {
			return r, false
		}
		id, err := u.pe.StartService(ctx, spec)
		if id != "" {
			u.ids[name] = id
		}
		if err != nil {
			if ctx.Err() != nil {
				return Errorf("stopped before the project was up"), false
			}
			return Failf(ReasonServiceStartFailed, "Service %s could not start: %v", name, err).
				WithHint("Check the service's command and entrypoint: the program they name must exist in its image."), false
		}
	}
	fwd := map[int]string{}
	for _, name := range order {
		for _, port := range p.Services[name].Ports {
			if n := publishedPort(port); n > 0 {
				fwd[n] = fmt.Sprintf("%s:%d", name, port.Target)
			}
		}
	}
	var err2 error
	u.addrs, err2 = u.pe.StartGateway(ctx, docker.GatewaySpec{
		Name:     fmt.Sprintf("devopsctl-%s-gateway-%06d", u.env.LabID, rand.IntN(1e6)),
		Networks: slices.Sorted(maps.Values(nets)),
		Forward:  fwd, Labels: u.env.Labels(), Lifetime: u.lifetime(),
	})
	if err2 != nil {
		return Errorf("%v", err2), false
	}
	return Result{}, true
}

func (u *upRun) lifetime() time.Duration { return u.env.Timeout + time.Minute }

// startOrder lists the services so that each comes after what it depends on.
func startOrder(p *types.Project) ([]string, error) {
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string, path []string) error
	visit = func(name string, path []string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("depends_on goes round in a circle: %s", strings.Join(append(path, name), " -> "))
		case 2:
			return nil
		}
		state[name] = 1
		for _, d := range slices.Sorted(maps.Keys(p.Services[name].DependsOn)) {
			if err := visit(d, append(path, name)); err != nil {
				return err
			}
		}
		state[name] = 2
		order = append(order, name)
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(p.Services)) {
		if err := visit(name, nil); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// image builds a service with build:, or finds the image it names.
func (u *upRun) image(ctx context.Context, svc types.ServiceConfig) (string, Result, bool) {
	if svc.Build == nil {
		if _, err := u.env.Engine.InspectImage(ctx, svc.Image); err != nil {
			if errors.Is(err, docker.ErrNotFound) {
				return "", Failf(ReasonImageMissing, "%s: service %s uses image %s, which is not on this machine and cannot be downloaded here.", u.lc.rel, svc.Name, svc.Image).
					WithHint("Use the images the lab names (redis:7 for Redis), or build: the service from its folder."), false
			}
			return "", Errorf("%v", err), false
		}
		return svc.Image, Result{}, true
	}
	relCtx, relErr := filepath.Rel(u.env.Dir, svc.Build.Context)
	err := relErr
	if err == nil {
		_, err = WorkspacePath(".", relCtx)
	}
	if err != nil || strings.Contains(svc.Build.Context, "://") {
		shown := svc.Build.Context
		if relErr == nil && !filepath.IsAbs(relCtx) && strings.HasPrefix(relCtx, "..") {
			shown = relCtx // as written, not the absolute path it leads to
		}
		return "", Failf(ReasonOutsideWorkspace, "%s: service %s builds from %s, which is outside the workspace.", u.lc.rel, svc.Name, shown).
			WithHint(fmt.Sprintf("Build from the service's folder in the workspace: build: ./%s", svc.Name)), false
	}
	relCtx = filepath.ToSlash(relCtx)
	if info, err := statInWorkspace(u.env.Dir, relCtx); errors.Is(err, ErrOutsideWorkspace) {
		return "", outsideWorkspace(relCtx), false
	} else if err != nil || !info.IsDir() {
		return "", Failf(ReasonServiceBuildFailed, "%s: service %s builds from %s, which is not a folder of the workspace.", u.lc.rel, svc.Name, relCtx).
			WithHint("build: names the folder holding the service's Dockerfile, relative to the compose file."), false
	}
	dockerfile := svc.Build.Dockerfile
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	dfRel := filepath.ToSlash(filepath.Join(relCtx, dockerfile))
	if _, err := WorkspacePath(relCtx, dockerfile); err != nil {
		return "", Failf(ReasonOutsideWorkspace, "%s: service %s: dockerfile %s is outside its build folder.", u.lc.rel, svc.Name, dockerfile), false
	}
	data, err := readLearnerFile(u.env.Dir, dfRel)
	if r, ok := unreadableLearnerFile(dfRel, err); ok {
		return "", r, false
	}
	if err != nil {
		return "", Failf(ReasonServiceBuildFailed, "%s: service %s has no Dockerfile at %s.", u.lc.rel, svc.Name, dfRel), false
	}
	buildCtx, err := BuildContext(filepath.Join(u.env.Dir, relCtx), dockerfile, int64(u.c.MaxContextMB)*1e6)
	var tooLarge *ErrContextTooLarge
	var outside *outsideError
	switch {
	case errors.As(err, &tooLarge):
		return "", Failf(ReasonServiceBuildFailed, "The build context of %s is %s; the lab allows %s.", svc.Name, humanBytes(tooLarge.Size), humanBytes(tooLarge.Limit)).
			WithEvidence(tooLarge.Biggest...), false
	case errors.As(err, &outside):
		return "", outsideWorkspace(filepath.ToSlash(filepath.Join(relCtx, outside.rel))), false
	case err != nil:
		return "", Errorf("%v", err), false
	}
	tag := u.env.ImageTag() + "-" + sanitizeName(svc.Name)
	fmt.Fprintf(u.env.Progress, "building %s from %s\n", svc.Name, relCtx)
	progress := newBuildOutput(u.env.Progress, data)
	_, err = u.env.Engine.Build(ctx, docker.BuildRequest{
		Context: buildCtx, Dockerfile: dockerfile, Tag: tag, Labels: u.env.ImageLabels(),
		Memory: buildMemory, CPUs: buildCPUs, PidsMax: buildPids,
	}, progress)
	progress.Flush()
	if ctx.Err() != nil {
		return "", Errorf("the build was stopped before it finished"), false
	}
	var be *docker.BuildError
	if errors.As(err, &be) {
		r := buildFailure(dfRel, data, be)
		return "", Failf(ReasonServiceBuildFailed, "Service %s does not build: %s", svc.Name, r.Message).WithEvidence(r.Evidence...).WithHint(r.Hint), false
	}
	if err != nil {
		return "", Errorf("build %s: %v", svc.Name, err), false
	}
	return tag, Result{}, true
}

var notTagChar = regexp.MustCompile(`[^a-z0-9_.-]+`)

func sanitizeName(s string) string { return notTagChar.ReplaceAllString(strings.ToLower(s), "-") }

// unsupported refuses what the lab does not run, before anything is built:
// host networking (or another container's), and a bind mount of a host folder.
func (u *upRun) unsupported(svc types.ServiceConfig) (Result, bool) {
	if svc.NetworkMode != "" {
		return Failf(ReasonComposeUnsupported, "%s: service %s sets network_mode: %s; in the lab every service joins the project's networks.", u.lc.at("services", svc.Name, "network_mode"), svc.Name, svc.NetworkMode).
			WithHint("Remove network_mode and use networks: (or none at all, for the default network)."), true
	}
	for _, v := range svc.Volumes {
		if v.Type == types.VolumeTypeBind {
			return Failf(ReasonComposeUnsupported, "%s: service %s mounts %s from this machine; devopsctl does not give lab containers folders of the machine.", u.lc.at("services", svc.Name, "volumes"), svc.Name, v.Source).
				WithHint("Leave the bind mount out: the services need none. A named volume (redis-data:/data) is fine."), true
		}
	}
	return Result{}, false
}

// spec turns a compose service into a container in the sandbox. Settings
// that would weaken it (privileged, cap_add, devices) are not carried over.
func (u *upRun) spec(svc types.ServiceConfig, image string, nets map[string]string) (docker.ProjectService, Result, bool) {
	vars := u.lc.env[svc.Name]
	var envList []string
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		envList = append(envList, k+"="+vars[k])
	}
	s := docker.ProjectService{
		ContainerSpec: docker.ContainerSpec{
			Image: image, Name: fmt.Sprintf("devopsctl-%s-%s-%06d", u.env.LabID, sanitizeName(svc.Name), rand.IntN(1e6)),
			Env: envList, Cmd: svc.Command, Labels: u.env.Labels(), User: svc.User, ReadOnly: svc.ReadOnly,
			Lifetime: u.lifetime(),
		},
		Entrypoint: svc.Entrypoint,
		WorkingDir: svc.WorkingDir,
	}
	for _, v := range svc.Volumes {
		s.Volumes = append(s.Volumes, v.Target)
	}
	for _, n := range serviceNetworks(svc) {
		aliases := []string{svc.Name}
		if svc.ContainerName != "" {
			aliases = append(aliases, svc.ContainerName)
		}
		if nc := svc.Networks[n]; nc != nil {
			aliases = append(aliases, nc.Aliases...)
		}
		s.Networks = append(s.Networks, docker.ProjectNetwork{ID: nets[n], Aliases: aliases})
	}
	if hc := svc.HealthCheck; hc != nil && !hc.Disable && len(hc.Test) > 0 {
		s.Health = &docker.Healthcheck{Test: hc.Test, Interval: dur(hc.Interval), Timeout: dur(hc.Timeout), StartPeriod: dur(hc.StartPeriod)}
		if hc.Retries != nil {
			s.Health.Retries = int(min(*hc.Retries, 100))
		}
	}
	return s, Result{}, true
}

func dur(d *types.Duration) time.Duration {
	if d == nil {
		return 0
	}
	return time.Duration(*d)
}

// waitFor waits until service dep meets condition, as compose does before it
// starts a service that depends on it.
func (u *upRun) waitFor(ctx context.Context, dep, condition string, deadline time.Time) (Result, bool) {
	id := u.ids[dep]
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		h, err := u.pe.ServiceHealth(ctx, id)
		if err != nil {
			return Errorf("%v", err), false
		}
		switch {
		case condition == types.ServiceConditionCompletedSuccessfully && !h.Running && h.ExitCode == 0:
			return Result{}, true
		case condition == types.ServiceConditionCompletedSuccessfully && !h.Running:
			return u.exited(dep, h), false
		case !h.Running:
			return u.exited(dep, h), false
		case condition == types.ServiceConditionStarted || condition == "":
			return Result{}, true
		case h.Status == "healthy":
			return Result{}, true
		case h.Status == "unhealthy":
			return u.unhealthy(ctx, dep, h), false
		case h.Status == "":
			return Failf(ReasonServiceUnhealthy, "%s: something waits for %s to be healthy, but %s has no health check.", u.lc.rel, dep, dep).
				WithHint(fmt.Sprintf("Give %s a healthcheck: in the compose file.", dep)), false
		}
		if time.Now().After(deadline) {
			return u.unhealthy(ctx, dep, h), false
		}
		select {
		case <-ctx.Done():
			return Errorf("stopped while waiting for %s", dep), false
		case <-tick.C:
		}
	}
}

func (u *upRun) exited(name string, h docker.Health) Result {
	r := Failf(ReasonServiceExited, "Service %s stopped (exit code %d) while the project was starting.", name, h.ExitCode).
		WithHint("Its log, below, usually says why: a missing setting, a wrong address, a program that is not there.")
	if h.OOMKilled {
		r.Message += " It ran out of memory."
	}
	return r.WithEvidence(u.logs(name)...)
}

func (u *upRun) unhealthy(ctx context.Context, name string, h docker.Health) Result {
	r := Failf(ReasonServiceUnhealthy, "Service %s did not become healthy within %s (its health check says %q).", name, time.Duration(u.c.Startup), orDash(h.Status)).
		WithHint("Run its health check's command by hand in the container (docker compose exec); it must exit 0 once the service answers.")
	if h.Output != "" {
		r = r.WithEvidence("last health check output: " + firstLines(h.Output, 3))
	}
	return r.WithEvidence(u.logs(name)...)
}

// logs is the tail of a service's log, for evidence.
func (u *upRun) logs(name string) []string {
	id := u.ids[name]
	if id == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := u.env.Engine.ContainerLogs(ctx, id, 8)
	if err != nil || strings.TrimSpace(out) == "" {
		return nil
	}
	lines := []string{name + " log:"}
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		lines = append(lines, "  "+l)
	}
	return lines
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " / ")
}

// greetingKey finds the greeting the page's Like button names.
var greetingKey = regexp.MustCompile(`name="greeting" value="([a-z]+)"`)

// probe checks the calculator end to end: the page greets a random name and
// shows a random sum; a Like through the page is counted; the count outlives
// a restart of the service that keeps it.
func (u *upRun) probe(ctx context.Context) Result {
	app, likes := "http://"+u.addrs[u.c.AppPort], "http://"+u.addrs[u.c.LikesPort]
	name, x, y := randomName(), rand.IntN(90)+1, rand.IntN(90)+1
	path := fmt.Sprintf("/%s/%d/%d", name, x, y)
	deadline := time.Now().Add(time.Duration(u.c.Answer))
	status, body, err := u.get(ctx, app+path, deadline)
	if err != nil {
		return u.noAnswer(u.c.AppPort, err)
	}
	sum := fmt.Sprintf("%d + %d = %d", x, y, x+y)
	if status != http.StatusOK || !strings.Contains(body, name) || !strings.Contains(body, sum) {
		return Failf(ReasonPageWrong, "The page at %s answered %d but does not show both the greeting for %s and %q.", path, status, name, sum).
			WithEvidence("page: " + firstLines(strings.TrimSpace(body), 4)).
			WithHint("Each service finds the others by service name: check the addresses in the environment and that they share a network.")
	}
	m := greetingKey.FindStringSubmatch(body)
	if m == nil {
		return Failf(ReasonPageWrong, "The page at %s has no Like button naming its greeting.", path)
	}
	before, err := u.likes(ctx, likes, deadline)
	if err != nil {
		return u.noAnswer(u.c.LikesPort, err)
	}
	form := url.Values{"greeting": {m[1]}, "back": {path}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, app+"/like", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noRedirect.Do(req)
	if err != nil {
		return u.noAnswer(u.c.AppPort, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	after, err := u.likes(ctx, likes, deadline)
	if err != nil {
		return u.noAnswer(u.c.LikesPort, err)
	}
	if after[m[1]] != before[m[1]]+1 {
		return Failf(ReasonLikeNotCounted, "A Like for %q did not add one to its count (%d before, %d after; the like answered %s).", m[1], before[m[1]], after[m[1]], resp.Status).
			WithEvidence(u.logs(u.c.Likes)...).
			WithHint(fmt.Sprintf("The count lives in Redis: check that %s reaches it (its address in the environment, a shared network).", u.c.Likes))
	}
	if err := u.pe.RestartContainer(ctx, u.ids[u.c.Likes]); err != nil {
		return Errorf("%v", err)
	}
	kept, err := u.likes(ctx, likes, time.Now().Add(time.Duration(u.c.Answer)))
	if err != nil {
		return Failf(ReasonNoAnswer, "After a restart, %s did not answer on port %d again: %v", u.c.Likes, u.c.LikesPort, err).WithEvidence(u.logs(u.c.Likes)...)
	}
	if kept[m[1]] != after[m[1]] {
		return Failf(ReasonLikesLost, "After %s restarted, the count for %q was %d instead of %d: the likes were not kept in Redis.", u.c.Likes, m[1], kept[m[1]], after[m[1]]).
			WithHint("Likes must live in the redis service, not inside greetings: point REDIS_URL at it.")
	}
	return Passf("The project came up: the page greeted %s and showed %s, a Like was counted (%d), and the count was still %d after %s restarted.", name, sum, after[m[1]], kept[m[1]], u.c.Likes)
}

var noRedirect = &http.Client{
	Timeout:       5 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// get asks for url until it answers 200 or the deadline passes; the last
// answer (or error) is returned.
func (u *upRun) get(ctx context.Context, target string, deadline time.Time) (int, string, error) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
		resp, err := noRedirect.Do(req)
		if err == nil {
			b, rerr := io.ReadAll(io.LimitReader(resp.Body, 256<<10))
			resp.Body.Close()
			if rerr == nil && (resp.StatusCode == http.StatusOK || time.Now().After(deadline)) {
				return resp.StatusCode, string(b), nil
			}
			err = fmt.Errorf("%s: %s", resp.Status, firstLines(strings.TrimSpace(string(b)), 2))
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return 0, "", err
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
}

// likes reads the like counts of the likes service.
func (u *upRun) likes(ctx context.Context, base string, deadline time.Time) (map[string]int64, error) {
	status, body, err := u.get(ctx, base+"/likes", deadline)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	if status != http.StatusOK || json.Unmarshal([]byte(body), &counts) != nil {
		return nil, fmt.Errorf("GET /likes answered %d: %s", status, firstLines(body, 2))
	}
	return counts, nil
}

func (u *upRun) noAnswer(port int, err error) Result {
	svc := ""
	for name, s := range u.lc.project.Services {
		if slices.ContainsFunc(s.Ports, func(p types.ServicePortConfig) bool { return publishedPort(p) == port }) {
			svc = name
		}
	}
	return Failf(ReasonNoAnswer, "Nothing answered properly on port %d (service %s) within %s: %v", port, svc, time.Duration(u.c.Answer), err).
		WithEvidence(u.logs(svc)...).
		WithHint("Check that the published port leads to the port the service listens on (host:container), and read the service's log.")
}
