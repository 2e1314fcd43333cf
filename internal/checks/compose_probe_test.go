package checks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/devopsctl/devopsctl/internal/docker"
)

// fakeProject is a docker.Project whose only working call is a restart.
type fakeProject struct{ restart func() }

func (f fakeProject) CreateNetwork(context.Context, string, map[string]string, time.Duration) (string, error) {
	return "", errors.New("not in this fake")
}
func (f fakeProject) StartService(context.Context, docker.ProjectService) (string, error) {
	return "", errors.New("not in this fake")
}
func (f fakeProject) ServiceHealth(context.Context, string) (docker.Health, error) {
	return docker.Health{}, errors.New("not in this fake")
}
func (f fakeProject) RestartContainer(context.Context, string) error { f.restart(); return nil }
func (f fakeProject) StartGateway(context.Context, docker.GatewaySpec) (map[int]string, error) {
	return nil, errors.New("not in this fake")
}

// calculator is the running project as the probe sees it through its
// published ports, with the faults a wrong project shows.
type calculator struct {
	mu    sync.Mutex
	likes map[string]int64
	faults
}

type faults struct{ noSum, ignoreLikes, forgetLikes bool }

func (c *calculator) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /likes", func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		json.NewEncoder(w).Encode(c.likes)
	})
	mux.HandleFunc("POST /like", func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if !c.ignoreLikes {
			c.likes[r.FormValue("greeting")]++
		}
		http.Redirect(w, r, r.FormValue("back"), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /{name}/{x}/{y}", func(w http.ResponseWriter, r *http.Request) {
		x, _ := strconv.Atoi(r.PathValue("x"))
		y, _ := strconv.Atoi(r.PathValue("y"))
		fmt.Fprintf(w, "<h1>Howdy %s</h1>", r.PathValue("name"))
		if !c.noSum {
			fmt.Fprintf(w, "<p>%d + %d = %d</p>", x, y, x+y)
		}
		fmt.Fprint(w, `<input type="hidden" name="greeting" value="howdy">`)
	})
	return mux
}

func TestComposeUpProbe(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults faults
		down   bool
		reason Reason
	}{
		{name: "working project"},
		{name: "page without the sum", faults: faults{noSum: true}, reason: ReasonPageWrong},
		{name: "like not counted", faults: faults{ignoreLikes: true}, reason: ReasonLikeNotCounted},
		{name: "likes kept in the service", faults: faults{forgetLikes: true}, reason: ReasonLikesLost},
		{name: "nothing listening", down: true, reason: ReasonNoAnswer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			calc := &calculator{likes: map[string]int64{"hello": 2, "howdy": 5}, faults: tc.faults}
			srv := httptest.NewServer(calc.handler())
			defer srv.Close()
			addr := strings.TrimPrefix(srv.URL, "http://")
			if tc.down {
				srv.Close()
			}
			u := &upRun{
				c:   &composeUp{Startup: Duration(time.Second), Answer: Duration(time.Second), AppPort: 5000, Likes: "greetings", LikesPort: 5002},
				env: &Env{Engine: &docker.Fake{ContainerLogsFunc: func(context.Context, string, int) (string, error) { return "greetings: listening\n", nil }}},
				pe: fakeProject{restart: func() {
					calc.mu.Lock()
					defer calc.mu.Unlock()
					if calc.forgetLikes {
						calc.likes = map[string]int64{}
					}
				}},
				lc: learnerCompose{rel: "compose.yaml", project: &types.Project{Services: types.Services{
					"awesome-app": withPorts(types.ServiceConfig{Name: "awesome-app"}, types.ServicePortConfig{Target: 5000, Published: "5000"}),
				}}},
				ids:   map[string]string{"greetings": "g1"},
				addrs: map[int]string{5000: addr, 5002: addr},
			}
			r := u.probe(context.Background())
			if tc.reason == "" {
				wantStatus(t, r, Pass, "")
				if !strings.Contains(r.Message, "(6)") {
					t.Errorf("message %q does not give the new count", r.Message)
				}
				return
			}
			wantStatus(t, r, Fail, string(tc.reason))
		})
	}
}

func TestComposeUpParams(t *testing.T) {
	for _, tc := range []struct{ with, want string }{
		{"app_port: 0", "not a TCP port"},
		{"startup: 0s", "must be positive"},
		{"file: /etc/compose.yaml", "relative to the workspace"},
		{"startp: 1m", "did you mean startup?"},
	} {
		_, err := composeUpKind.New(nodeOf(t, tc.with))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error with %q", tc.with, err, tc.want)
		}
	}
}

func TestStartOrder(t *testing.T) {
	dep := func(name string, on ...string) types.ServiceConfig {
		s := types.ServiceConfig{Name: name}
		s.DependsOn = types.DependsOnConfig{}
		for _, n := range on {
			s.DependsOn[n] = types.ServiceDependency{Condition: types.ServiceConditionHealthy}
		}
		return s
	}
	p := &types.Project{Services: types.Services{
		"awesome-app": dep("awesome-app", "greetings", "maths"),
		"greetings":   dep("greetings", "redis"),
		"maths":       dep("maths"),
		"redis":       dep("redis"),
	}}
	order, err := startOrder(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ","); got != "redis,greetings,maths,awesome-app" {
		t.Errorf("order = %s", got)
	}
	p.Services["redis"] = dep("redis", "awesome-app")
	if _, err := startOrder(p); err == nil || !strings.Contains(err.Error(), "circle") {
		t.Errorf("a cycle gave %v", err)
	}
}

func withPorts(s types.ServiceConfig, ports ...types.ServicePortConfig) types.ServiceConfig {
	s.Ports = ports
	return s
}

// projectFake is an engine for the steps before anything runs: images are
// found and built at once, and nothing is listed for cleanup.
type projectFake struct {
	*docker.Fake
	fakeProject
}

// What the lab does not run is refused before any container starts: a
// service built from outside the workspace (before any build starts), a
// Dockerfile outside its build folder, a link out, an image the engine does
// not have, a bind mount of a host folder, host networking.
func TestComposeUpRefuses(t *testing.T) {
	sol := composeSolution(t)
	for _, tc := range []struct {
		name, old, new string
		reason         Reason
		inMsg          string
	}{
		{"parent folder", "build: ./maths", "build: ..", ReasonOutsideWorkspace, "builds from .., which is outside"},
		{"absolute folder", "build: ./maths", "build: /etc", ReasonOutsideWorkspace, "outside the workspace"},
		{"remote context", "build: ./maths", "build: https://example.com/repo.git", ReasonOutsideWorkspace, "outside the workspace"},
		{"dockerfile climbing out", "build: ./maths", "build: {context: ./maths, dockerfile: ../../../etc/passwd}", ReasonOutsideWorkspace, "outside its build folder"},
		{"folder linking out", "build: ./maths", "build: ./maths-link", ReasonOutsideWorkspace, "maths-link is a symlink"},
		{"image not on the engine", "image: redis:7", "image: redis:6-alpine", ReasonImageMissing, "redis:6-alpine"},
		{"bind mount", "    image: redis:7\n", "    image: redis:7\n    volumes: [\"/etc:/host-etc\"]\n", ReasonComposeUnsupported, "/etc"},
		{"host network", "    image: redis:7\n", "    image: redis:7\n    network_mode: host\n", ReasonComposeUnsupported, "network_mode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			compose := strings.Replace(sol, tc.old, tc.new, 1)
			if tc.new == "    image: redis:7\n    network_mode: host\n" {
				compose = strings.Replace(compose, "      retries: 10\n    networks: [calculator]\n\nnetworks", "      retries: 10\n\nnetworks", 1)
			}
			dir := composeLabWorkspace(t, compose, map[string]string{})
			os.Symlink(t.TempDir(), filepath.Join(dir, "maths-link"))
			var built []string
			eng := projectFake{Fake: &docker.Fake{
				InspectImageFunc: func(_ context.Context, ref string) (docker.Image, error) {
					if ref == "redis:6-alpine" {
						return docker.Image{}, docker.ErrNotFound
					}
					return docker.Image{}, nil
				},
				BuildFunc: func(_ context.Context, req docker.BuildRequest, _ io.Writer) (docker.BuildResult, error) {
					built = append(built, req.Tag)
					return docker.BuildResult{}, nil
				},
				ListManagedFunc: func(context.Context, map[string]string) (docker.Resources, error) { return docker.Resources{}, nil },
			}}
			env := &Env{Dir: dir, LabID: "compose", Engine: eng, Progress: io.Discard, Timeout: time.Minute}
			r := mustCheck(t, "compose_up", "").Run(context.Background(), env)
			wantStatus(t, r, Fail, string(tc.reason))
			if !strings.Contains(r.Message, tc.inMsg) {
				t.Errorf("message %q does not mention %q", r.Message, tc.inMsg)
			}
			for _, tag := range built {
				if tc.reason == ReasonOutsideWorkspace && strings.HasSuffix(tag, "-maths") {
					t.Errorf("maths was built: %v", built)
				}
			}
		})
	}
}
