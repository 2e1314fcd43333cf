// Package doctor checks that a machine is ready for the labs: an engine that
// answers, disk to spare, the ports the labs publish, the base images, a state
// folder to write. Each probe is data (a name and a func), so the list is read
// and tested in one place, and every problem it finds comes with its fix.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labimages"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// Status is how a probe went.
type Status string

const (
	OK   Status = "ok"
	Warn Status = "warn" // works, but something will get in the way
	Fail Status = "fail" // the labs cannot run until it is fixed
	Skip Status = "skip" // could not be looked at (says why)
)

// Finding is what one probe found.
type Finding struct {
	Check  string `json:"check"`
	Status Status `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
}

// Env is what the probes look at. Every field is a func or value a test can
// replace, so that each problem can be made without breaking a machine.
type Env struct {
	Version      string
	GOOS, GOARCH string
	Getenv       func(string) string
	ReadFile     func(string) ([]byte, error)
	// Engine returns the engine client; its Ping says whether it answers,
	// within PingTimeout (default 5 s).
	Engine      func() (docker.Engine, error)
	PingTimeout time.Duration
	StateDir    func() (string, error)
	DiskFree    func(path string) (uint64, error)
	// PortFree returns nil when a TCP port can be listened on.
	PortFree func(port int) error
	// PortOwner names the program listening on a port, or "" when unknown.
	PortOwner func(port int) string
	Catalog   func() (*labs.Catalog, error)
}

// run is one doctor run: what earlier probes learned, for later ones.
type run struct {
	env      *Env
	engine   docker.Engine
	workshop docker.Workshop
	info     docker.EngineInfo
	catalog  *labs.Catalog
}

// Probe is one check of the machine.
type Probe struct {
	Name string
	Run  func(ctx context.Context, r *run) Finding
}

// Probes are run in order; later ones use what the engine probe found.
var Probes = []Probe{
	{"devopsctl", probeSelf},
	{"docker engine", probeEngine},
	{"state folder", probeStateDir},
	{"disk: state folder", probeStateDisk},
	{"disk: engine data", probeEngineDisk},
	{"base images", probeImages},
	{"lab ports", probePorts},
}

// Run runs every probe. A probe that panics is a failed finding, not a crash.
func Run(ctx context.Context, env *Env) []Finding {
	r := &run{env: env}
	out := make([]Finding, 0, len(Probes))
	for _, p := range Probes {
		out = append(out, safe(ctx, p, r))
	}
	return out
}

func safe(ctx context.Context, p Probe, r *run) (f Finding) {
	defer func() {
		if v := recover(); v != nil {
			f = Finding{Check: p.Name, Status: Fail, Detail: fmt.Sprintf("the probe failed unexpectedly: %v", v), Fix: "please report this"}
		}
	}()
	f = p.Run(ctx, r)
	f.Check = p.Name
	return f
}

// Healthy reports whether nothing failed (warnings allowed).
func Healthy(fs []Finding) bool {
	return !slices.ContainsFunc(fs, func(f Finding) bool { return f.Status == Fail })
}

func probeSelf(ctx context.Context, r *run) Finding {
	return Finding{Status: OK, Detail: fmt.Sprintf("%s on %s/%s", r.env.Version, r.env.GOOS, r.env.GOARCH)}
}

// minAPI is the oldest Engine API the checks are tested with.
const minAPI = "1.41"

func probeEngine(ctx context.Context, r *run) Finding {
	eng, err := r.env.Engine()
	if err != nil {
		return Finding{Status: Fail, Detail: "cannot set up a Docker client: " + err.Error(), Fix: "check DOCKER_HOST, DOCKER_CERT_PATH and DOCKER_TLS_VERIFY, or unset them to use the local engine"}
	}
	limit := r.env.PingTimeout
	if limit <= 0 {
		limit = 5 * time.Second
	}
	pctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	api, err := eng.Ping(pctx)
	if err != nil {
		detail, fix := diagnose(err, limit, pctx.Err() != nil, r.env)
		return Finding{Status: Fail, Detail: detail, Fix: fix}
	}
	r.engine = eng
	detail := "answers, API " + api
	if ws, ok := eng.(docker.Workshop); ok {
		r.workshop = ws
		if info, err := ws.Info(pctx); err == nil {
			r.info = info
			detail = fmt.Sprintf("Docker %s, API %s, %s/%s (%s)", info.ServerVersion, api, info.OSType, info.Architecture, info.OperatingSystem)
			if info.OSType == "windows" {
				return Finding{Status: Fail, Detail: detail + ": it runs Windows containers",
					Fix: "the labs use Linux containers: in Docker Desktop's menu, choose \"Switch to Linux containers\""}
			}
		}
	}
	if olderAPI(api, minAPI) {
		return Finding{Status: Warn, Detail: detail + ", older than API " + minAPI, Fix: "upgrade Docker to 20.10 or newer; older engines may refuse some checks"}
	}
	return Finding{Status: OK, Detail: detail}
}

// diagnose turns a failed ping into what is wrong and how to fix it.
func diagnose(err error, limit time.Duration, timedOut bool, env *Env) (detail, fix string) {
	msg := err.Error()
	low := strings.ToLower(msg)
	host := env.Getenv("DOCKER_HOST")
	switch {
	case timedOut:
		return fmt.Sprintf("the engine did not answer within %s", limit), "it may still be starting or be overloaded: wait a minute and run devopsctl doctor again, or restart Docker"
	case strings.Contains(low, "permission denied"):
		return "this user may not use the Docker socket (permission denied)",
			"add yourself to the docker group: sudo usermod -aG docker $USER, then log out and back in (or run newgrp docker); do not run devopsctl with sudo"
	case host != "" && !strings.HasPrefix(host, "unix://") && !strings.HasPrefix(host, "npipe://"):
		return fmt.Sprintf("DOCKER_HOST=%s does not answer", host),
			"check that address, or unset DOCKER_HOST to use the engine on this machine (`docker context ls` lists the engines you have)"
	case isWSL(env):
		return "no Docker engine answers inside WSL",
			"start Docker Desktop on Windows and turn on Settings > Resources > WSL integration for this distribution; then open a new terminal"
	case env.GOOS == "darwin" || env.GOOS == "windows":
		return "Docker Desktop is not running (no engine answers)", "start Docker Desktop and wait until it says the engine is running"
	case strings.Contains(low, "api version") || strings.Contains(low, "too new") || strings.Contains(low, "too old"):
		return "the engine and devopsctl do not agree on an API version: " + msg, "upgrade Docker to 20.10 or newer"
	case host != "":
		return fmt.Sprintf("no engine answers at DOCKER_HOST=%s", host), "start the engine there, or unset DOCKER_HOST to use the default socket"
	}
	return "no Docker engine answers (" + firstLine(msg) + ")",
		"start it: sudo systemctl start docker (or sudo service docker start); if Docker is not installed, install it with your package manager, e.g. sudo apt-get install docker.io"
}

// isWSL reports a Linux running under Windows' WSL, whose engine is usually
// Docker Desktop's, reached only when its WSL integration is on.
func isWSL(env *Env) bool {
	if env.GOOS != "linux" {
		return false
	}
	if env.Getenv("WSL_DISTRO_NAME") != "" {
		return true
	}
	b, err := env.ReadFile("/proc/version")
	return err == nil && strings.Contains(strings.ToLower(string(b)), "microsoft")
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// olderAPI compares two "1.41"-style versions.
func olderAPI(v, than string) bool {
	var a1, a2, b1, b2 int
	if _, err := fmt.Sscanf(v, "%d.%d", &a1, &a2); err != nil {
		return false
	}
	fmt.Sscanf(than, "%d.%d", &b1, &b2)
	return a1 < b1 || a1 == b1 && a2 < b2
}

func probeStateDir(ctx context.Context, r *run) Finding {
	dir, err := r.env.StateDir()
	if err != nil {
		return Finding{Status: Fail, Detail: err.Error(), Fix: "set DEVOPSCTL_HOME to a folder you can write to"}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Finding{Status: Fail, Detail: fmt.Sprintf("cannot make %s: %v", dir, err), Fix: "make it a folder you can write to, or set DEVOPSCTL_HOME to one"}
	}
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err != nil {
		return Finding{Status: Fail, Detail: fmt.Sprintf("cannot write in %s: %v", dir, err), Fix: "make it a folder you can write to, or set DEVOPSCTL_HOME to one"}
	}
	f.Close()
	os.Remove(f.Name())
	return Finding{Status: OK, Detail: dir + " is writable"}
}

// Free-space thresholds: a kit of the shipped labs' images is about 1 GB, and
// each build of a lab adds layers.
const (
	failBelow = 1 << 30
	warnBelow = 5 << 30
)

func diskFinding(path string, free uint64, what string) Finding {
	detail := fmt.Sprintf("%s free at %s", human(free), path)
	switch {
	case free < failBelow:
		return Finding{Status: Fail, Detail: detail, Fix: "free some disk space for " + what + " (the labs' images need about 1 GB, each build more): `docker system df` shows what Docker uses"}
	case free < warnBelow:
		return Finding{Status: Warn, Detail: detail, Fix: "under 5 GB: builds may run out of space during the workshop; `devopsctl lab clean --all` removes what devopsctl built"}
	}
	return Finding{Status: OK, Detail: detail}
}

func probeStateDisk(ctx context.Context, r *run) Finding {
	dir, err := r.env.StateDir()
	if err != nil {
		return Finding{Status: Skip, Detail: "no state folder (see above)"}
	}
	p := existingParent(dir)
	free, err := r.env.DiskFree(p)
	if err != nil {
		return Finding{Status: Skip, Detail: fmt.Sprintf("cannot tell the free space at %s: %v", p, err)}
	}
	return diskFinding(p, free, "the state folder")
}

func existingParent(p string) string {
	for {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(p)
		if parent == p {
			return p
		}
		p = parent
	}
}

func probeEngineDisk(ctx context.Context, r *run) Finding {
	if r.engine == nil {
		return Finding{Status: Skip, Detail: "no engine (see above)"}
	}
	root := r.info.DataRoot
	if root == "" {
		return Finding{Status: Skip, Detail: "the engine does not say where it keeps its data"}
	}
	host := r.env.Getenv("DOCKER_HOST")
	local := r.env.GOOS == "linux" && !isWSL(r.env) && (host == "" || strings.HasPrefix(host, "unix://"))
	if !local {
		return Finding{Status: Skip, Detail: fmt.Sprintf("the engine keeps its data at %s, out of sight from here (Docker Desktop keeps it in its virtual machine)", root),
			Fix: "Docker Desktop's Settings > Resources shows its disk size"}
	}
	free, err := r.env.DiskFree(root)
	if err != nil {
		return Finding{Status: Skip, Detail: fmt.Sprintf("cannot tell the free space at %s: %v", root, err)}
	}
	return diskFinding(root, free, "the Docker engine")
}

func (r *run) labs() (*labs.Catalog, error) {
	if r.catalog != nil {
		return r.catalog, nil
	}
	c, err := r.env.Catalog()
	r.catalog = c
	return c, err
}

func probeImages(ctx context.Context, r *run) Finding {
	if r.engine == nil {
		return Finding{Status: Skip, Detail: "no engine (see above)"}
	}
	cat, err := r.labs()
	if err != nil {
		return Finding{Status: Fail, Detail: "the labs do not load: " + err.Error(), Fix: "fix the lab pack named, or leave it out of --labs and DEVOPSCTL_LABS"}
	}
	needs, err := labimages.ForLabs(cat.Labs())
	if err != nil {
		return Finding{Status: Fail, Detail: err.Error(), Fix: "fix the lab's solution Dockerfile"}
	}
	var have, missing []string
	for _, n := range needs {
		_, err := r.engine.InspectImage(ctx, n.Ref)
		switch {
		case errors.Is(err, docker.ErrNotFound):
			if !n.Optional {
				missing = append(missing, fmt.Sprintf("%s (for %s)", n.Ref, strings.Join(n.Labs, ", ")))
			}
		case err != nil:
			return Finding{Status: Fail, Detail: "cannot look at the images: " + err.Error(), Fix: "run devopsctl doctor again; restart Docker if it persists"}
		case !n.Optional:
			have = append(have, n.Ref)
		}
	}
	if len(missing) > 0 {
		return Finding{Status: Fail, Detail: "missing " + strings.Join(missing, ", "),
			Fix: "without a registry: `devopsctl lab load kit.tar` with your instructor's kit, or scripts/offline-images.sh from the release archive; with one: docker pull each image"}
	}
	if len(have) == 0 {
		return Finding{Status: OK, Detail: "the labs need no base image"}
	}
	return Finding{Status: OK, Detail: strings.Join(have, ", ") + " present"}
}

// LabPorts lists the container ports the labs serve on, which their
// instructions have the learner publish on the same host port.
func LabPorts(cat *labs.Catalog) []int {
	var out []int
	for _, l := range cat.Labs() {
		for _, c := range l.Checks {
			if c.Kind != "container_http" || c.With.Kind == 0 {
				continue
			}
			var p struct {
				Port int `yaml:"port"`
			}
			if c.With.Decode(&p) == nil && p.Port > 0 && !slices.Contains(out, p.Port) {
				out = append(out, p.Port)
			}
		}
	}
	slices.Sort(out)
	return out
}

func probePorts(ctx context.Context, r *run) Finding {
	cat, err := r.labs()
	if err != nil {
		return Finding{Status: Skip, Detail: "the labs do not load (see above)"}
	}
	ports := LabPorts(cat)
	if len(ports) == 0 {
		return Finding{Status: OK, Detail: "the labs publish no port"}
	}
	var published map[int]string
	if r.workshop != nil {
		published, _ = r.workshop.PublishedPorts(ctx)
	}
	var free, taken []string
	var fixes []string
	for _, p := range ports {
		if r.env.PortFree(p) == nil {
			free = append(free, fmt.Sprint(p))
			continue
		}
		switch {
		case published[p] != "":
			taken = append(taken, fmt.Sprintf("%d (container %s)", p, published[p]))
			fixes = append(fixes, fmt.Sprintf("docker stop %s", published[p]))
		case r.env.PortOwner(p) != "":
			taken = append(taken, fmt.Sprintf("%d (%s)", p, r.env.PortOwner(p)))
			fixes = append(fixes, fmt.Sprintf("stop %s", r.env.PortOwner(p)))
		default:
			taken = append(taken, fmt.Sprintf("%d (another program)", p))
		}
	}
	if len(taken) > 0 {
		fix := "the checks use ports of their own, but `docker run -p` as the lab instructions say will fail: free the port"
		if len(fixes) > 0 {
			fix += " (" + strings.Join(fixes, "; ") + ")"
		}
		fix += ", or publish on another host port, e.g. -p 18080:8080"
		detail := "taken: " + strings.Join(taken, ", ")
		if len(free) > 0 {
			detail += "; free: " + strings.Join(free, ", ")
		}
		return Finding{Status: Warn, Detail: detail, Fix: fix}
	}
	return Finding{Status: OK, Detail: "free: " + strings.Join(free, ", ")}
}

func human(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d kB", n>>10)
}
