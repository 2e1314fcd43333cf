package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/devopsctl/devopsctl/internal/demo/greetings"
	"github.com/devopsctl/devopsctl/internal/testenv"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/redis/go-redis/v9"
)

// freePorts asks for any free port for every service.
var freePorts = map[string]int{App: 0, Maths: 0, Greetings: 0}

func start(t *testing.T, opts Options, services ...string) *Running {
	t.Helper()
	if opts.Ports == nil {
		opts.Ports = freePorts
	}
	if opts.Host == "" {
		opts.Host = "127.0.0.1"
	}
	run, err := Start(opts, services...)
	if err != nil {
		t.Fatalf("start the demo: %v", err)
	}
	t.Cleanup(func() { _ = run.Close() })
	return run
}

// redisServer starts a real redis-server on a free port in a temporary
// folder and returns its URL; it stops with the test.
func redisServer(t *testing.T) string {
	t.Helper()
	bin := testenv.Binary(t, "redis-server", "redis-server")
	port := freePort(t)
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", t.TempDir(),
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	u := fmt.Sprintf("redis://127.0.0.1:%d", port)
	opts, _ := redis.ParseURL(u)
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	deadline := time.Now().Add(10 * time.Second)
	for rdb.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server did not answer on port %d within 10s", port)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return u
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type response struct {
	code     int
	body     string
	location string
}

var noRedirect = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func get(t *testing.T, u string) response {
	t.Helper()
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return read(t, resp)
}

func postForm(t *testing.T, u string, form url.Values, accept string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	return read(t, resp)
}

func read(t *testing.T, resp *http.Response) response {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{code: resp.StatusCode, body: string(b), location: resp.Header.Get("Location")}
}

func greet(t *testing.T, base, name string) greetings.GreetingResponse {
	t.Helper()
	r := get(t, base+"/greeting/"+url.PathEscape(name))
	if r.code != http.StatusOK {
		t.Fatalf("GET /greeting/%s: %d %s", name, r.code, r.body)
	}
	var g greetings.GreetingResponse
	if err := json.Unmarshal([]byte(r.body), &g); err != nil {
		t.Fatalf("greeting answer %q: %v", r.body, err)
	}
	return g
}

// backends are the two Redis the demo runs on: embedded by default, or a real
// redis-server named by URL.
var backends = []struct {
	name  string
	redis func(t *testing.T) string
}{
	{"embedded", func(*testing.T) string { return "" }},
	{"redis-server", redisServer},
}

func TestDemoOverHTTP(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			run := start(t, Options{RedisURL: b.redis(t), Epsilon: 0, Seed: 1})
			app, gr, ma := run.URLs[App], run.URLs[Greetings], run.URLs[Maths]

			t.Run("page greets the name and shows the sum", func(t *testing.T) {
				r := get(t, app+"/Bob/2/2")
				if r.code != http.StatusOK || !strings.Contains(r.body, " Bob</p>") || !strings.Contains(r.body, "2 + 2 = 4<") {
					t.Fatalf("GET /Bob/2/2: %d\n%s", r.code, r.body)
				}
			})

			t.Run("page says what a service refused", func(t *testing.T) {
				r := get(t, app+"/Bob/a/1")
				if r.code != http.StatusBadRequest || !strings.Contains(r.body, "maths: x=&#34;a&#34; is not a number") {
					t.Fatalf("GET /Bob/a/1: %d\n%s", r.code, r.body)
				}
				r = get(t, app+"/"+url.PathEscape("<b>x</b>")+"/1/0.5")
				if r.code != http.StatusOK || strings.Contains(r.body, "<b>x") || !strings.Contains(r.body, "&lt;b&gt;x") || !strings.Contains(r.body, "1 + 0.5 = 1.5") {
					t.Fatalf("a name with markup: %d\n%s", r.code, r.body)
				}
			})

			t.Run("greeting contains the name", func(t *testing.T) {
				g := greet(t, gr, "Grace Hopper")
				if g.Text != g.Greeting+" Grace Hopper" {
					t.Fatalf("greeting %+v does not greet Grace Hopper", g)
				}
			})

			t.Run("maths", func(t *testing.T) {
				for _, c := range []struct{ path, want string }{
					{"/add?x=2&y=2", `"result":4`},
					{"/subtract?x=2&y=5", `"result":-3`},
					{"/multiply?x=1.5&y=4", `"result":6`},
					{"/divide?x=1&y=4", `"result":0.25`},
				} {
					r := get(t, ma+c.path)
					if r.code != http.StatusOK || !strings.Contains(r.body, c.want) {
						t.Errorf("GET %s: %d %s, want %s", c.path, r.code, r.body, c.want)
					}
				}
				for _, c := range []struct{ path, want string }{
					{"/divide?x=1&y=0", "division by zero"},
					{"/add?x=two&y=2", `x=\"two\" is not a number`},
					{"/add?x=1", "y is missing"},
					{"/add?x=NaN&y=1", "not a number"},
					{"/multiply?x=1e308&y=10", "too large"},
				} {
					r := get(t, ma+c.path)
					if r.code != http.StatusBadRequest || !strings.Contains(r.body, c.want) {
						t.Errorf("GET %s: %d %s, want 400 with %s", c.path, r.code, r.body, c.want)
					}
				}
			})

			t.Run("likes move the exploit choice", func(t *testing.T) {
				like := func(g string, n int) {
					for range n {
						if r := postForm(t, gr+"/like_greeting", url.Values{"greeting": {g}}, ""); r.code != http.StatusOK {
							t.Fatalf("like %s: %d %s", g, r.code, r.body)
						}
					}
				}
				// Epsilon is 0: once the counts differ, every greeting exploits the leader.
				like(greetings.Howdy, 3)
				for range 10 {
					if g := greet(t, gr, "Ada"); g.Greeting != greetings.Howdy || g.Strategy != greetings.Exploit {
						t.Fatalf("after 3 likes for Howdy got %+v", g)
					}
				}
				like("hello", 4) // any case names the greeting
				for range 10 {
					if g := greet(t, gr, "Ada"); g.Greeting != greetings.Hello || g.Strategy != greetings.Exploit {
						t.Fatalf("after Hello took the lead got %+v", g)
					}
				}
			})

			t.Run("a like names its greeting", func(t *testing.T) {
				for _, c := range []struct {
					form url.Values
					want string
				}{
					{url.Values{"greeting": {"Hi"}}, `unknown greeting \"Hi\"`},
					{url.Values{}, "form field greeting"},
					{url.Values{"greeting": {"hello Bob"}}, "unknown greeting"},
				} {
					r := postForm(t, gr+"/like_greeting", c.form, "")
					if r.code != http.StatusBadRequest || !strings.Contains(r.body, c.want) {
						t.Errorf("like %v: %d %s, want 400 with %s", c.form, r.code, r.body, c.want)
					}
				}
			})

			t.Run("like from the page without a Referer", func(t *testing.T) {
				before := greet(t, gr, "Bob").Likes[greetings.Howdy]
				r := postForm(t, app+"/like", url.Values{"greeting": {"Howdy"}, "next": {"/Bob/1/1"}}, "")
				if r.code != http.StatusSeeOther || r.location != "/Bob/1/1" {
					t.Fatalf("form like: %d to %q, want 303 to /Bob/1/1", r.code, r.location)
				}
				r = postForm(t, app+"/like", url.Values{"greeting": {"Howdy"}, "next": {"//elsewhere.example/x"}}, "")
				if r.location != "/" {
					t.Fatalf("a like sent on to another site (%q); want /", r.location)
				}
				r = postForm(t, app+"/like", url.Values{"greeting": {"Howdy"}}, "application/json")
				var body struct{ Likes int64 }
				if err := json.Unmarshal([]byte(r.body), &body); err != nil || body.Likes != before+3 {
					t.Fatalf("script like: %d %s, want likes %d", r.code, r.body, before+3)
				}
				r = postForm(t, app+"/like", url.Values{"greeting": {"Hi"}}, "application/json")
				if r.code != http.StatusBadRequest || !strings.Contains(r.body, "unknown greeting") {
					t.Fatalf("unknown greeting through the app: %d %s", r.code, r.body)
				}
			})

			t.Run("metrics count each operation", func(t *testing.T) {
				before, errsBefore := opsCount(t, ma, "multiply", "ok"), opsCount(t, ma, "multiply", "error")
				for range 3 {
					get(t, ma+"/multiply?x=2&y=3")
				}
				get(t, ma+"/multiply?x=a&y=3")
				if got := opsCount(t, ma, "multiply", "ok"); got != before+3 {
					t.Fatalf("multiply ok counted %v, want %v", got, before+3)
				}
				if got := opsCount(t, ma, "multiply", "error"); got != errsBefore+1 {
					t.Fatalf("multiply errors counted %v, want %v", got, errsBefore+1)
				}
			})

			t.Run("health", func(t *testing.T) {
				for _, u := range []string{app, gr, ma} {
					if r := get(t, u+"/healthz"); r.code != http.StatusOK {
						t.Errorf("%s/healthz: %d %s", u, r.code, r.body)
					}
				}
			})
		})
	}
}

// opsCount reads maths_operations_total{operation,outcome} from /metrics.
func opsCount(t *testing.T, base, op, outcome string) float64 {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	if _, ok := fams["maths_operation_duration_seconds"]; !ok {
		t.Fatal("/metrics has no maths_operation_duration_seconds histogram")
	}
	fam, ok := fams["maths_operations_total"]
	if !ok {
		t.Fatal("/metrics has no maths_operations_total")
	}
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["operation"] == op && labels["outcome"] == outcome {
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no maths_operations_total{operation=%q,outcome=%q}", op, outcome)
	return 0
}

func TestLikesSurviveGreetingsRestart(t *testing.T) {
	t.Parallel()
	u := redisServer(t)
	first := start(t, Options{RedisURL: u, Seed: 2}, Greetings)
	for range 2 {
		postForm(t, first.URLs[Greetings]+"/like_greeting", url.Values{"greeting": {"Howdy"}}, "")
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := start(t, Options{RedisURL: u, Seed: 3}, Greetings)
	if got := greet(t, second.URLs[Greetings], "Ada").Likes; got[greetings.Howdy] != 2 || got[greetings.Hello] != 0 {
		t.Fatalf("after a restart the likes are %v, want Howdy 2 and Hello 0", got)
	}
}

// TestGreetingsWaitsForRedis starts greetings before its Redis: it reports
// not ready, then ready once Redis answers, and the first like counts.
func TestGreetingsWaitsForRedis(t *testing.T) {
	t.Parallel()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	run := start(t, Options{RedisURL: "redis://" + addr}, Greetings)
	gr := run.URLs[Greetings]
	if r := get(t, gr+"/healthz"); r.code != http.StatusServiceUnavailable || !strings.Contains(r.body, "redis is not reachable") {
		t.Fatalf("healthz without redis: %d %s", r.code, r.body)
	}
	mr := miniredis.NewMiniRedis()
	if err := mr.StartAddr(addr); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mr.Close)
	deadline := time.Now().Add(10 * time.Second)
	for get(t, gr+"/healthz").code != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("greetings did not become ready within 10s of redis starting")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := postForm(t, gr+"/like_greeting", url.Values{"greeting": {"Hello"}}, ""); r.code != http.StatusOK || !strings.Contains(r.body, `"Hello":1`) {
		t.Fatalf("first like: %d %s", r.code, r.body)
	}
}

func TestStartErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port

	_, err = Start(Options{Host: "127.0.0.1", Ports: map[string]int{Maths: 0, Greetings: port, App: 0}})
	var inUse *PortInUseError
	if !errors.As(err, &inUse) || inUse.Service != Greetings || !strings.Contains(err.Error(), strconv.Itoa(port)) || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("port in use: %v", err)
	}
	// The services that did get a port let it go again.
	_, err = Start(Options{Host: "127.0.0.1", Ports: map[string]int{Maths: 0, Greetings: port, App: 0}})
	if !errors.As(err, &inUse) {
		t.Fatalf("second try: %v", err)
	}

	_, err = Start(Options{Host: "127.0.0.1", Ports: freePorts, RedisURL: "http://nope"})
	var bad *RedisURLError
	if !errors.As(err, &bad) || !strings.Contains(err.Error(), "redis://host:port") {
		t.Fatalf("bad redis URL: %v", err)
	}

	_, err = Start(Options{Host: "127.0.0.1", Ports: freePorts}, App)
	if err == nil || !strings.Contains(err.Error(), "--greetings-url") {
		t.Fatalf("app alone without URLs: %v", err)
	}
}
