package checks

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/devopsctl/devopsctl/internal/demo/greetings"
	"github.com/redis/go-redis/v9"
	"gopkg.in/yaml.v3"
)

var abTestKind = Kind{
	Name:        "ab_test",
	Summary:     "runs the greetings service with the learner's env file and a fixed seed, drives requests and likes, and checks that the share it explored is within the stated tolerance of the epsilon the lab asks for",
	NeedsEngine: false,
	Reasons:     []Reason{ReasonEnvFileMissing, ReasonEnvFileInvalid, ReasonOutsideWorkspace, ReasonEpsilonInvalid, ReasonSplitOff},
	New:         newABTest,
}

// Reasons an ab_test check fails with, besides those of reading the env file
// it shares with container_http.
const (
	// ReasonEpsilonInvalid: the service refuses the EPSILON value.
	ReasonEpsilonInvalid Reason = "epsilon-invalid"
	// ReasonSplitOff: the share explored is outside the tolerance around the
	// epsilon the lab asks for.
	ReasonSplitOff Reason = "split-off"
)

type abTestParams struct {
	EnvFile string `yaml:"env_file"`
	// Epsilon is the exploration share the lab asks the learner to configure.
	Epsilon *float64 `yaml:"epsilon"`
	// Requests is how many greetings the simulated visitors ask for.
	Requests int `yaml:"requests"`
	// Seed fixes the service's draws and the visitors' likes.
	Seed uint64 `yaml:"seed"`
	// LikeRates is the chance a visitor likes each greeting it is shown.
	LikeRates map[string]float64 `yaml:"like_rates"`
	// Sigmas is the tolerance in standard deviations of the binomial count.
	Sigmas float64 `yaml:"sigmas"`
}

type abTest struct {
	abTestParams
}

// Defaults: 2000 requests put the 4-sigma band at about ±3.6 points around
// epsilon 0.2, narrow enough to tell 0.1 from 0.2 and wide enough that a
// correct setting fails about once in 16,000 seeds.
const (
	abTestDefaultRequests = 2000
	abTestDefaultSigmas   = 4
	abTestMaxRequests     = 100000
)

func newABTest(params *yaml.Node) (Check, error) {
	p := abTestParams{Requests: abTestDefaultRequests, Sigmas: abTestDefaultSigmas, Seed: 1}
	if err := Decode(params, &p); err != nil {
		return nil, err
	}
	rel, err := workspaceParam(p.EnvFile)
	if err != nil {
		return nil, fmt.Errorf("env_file: %w", err)
	}
	p.EnvFile = rel
	switch {
	case p.Epsilon == nil:
		return nil, errors.New("epsilon: give the exploration share the lab asks for, between 0 and 1")
	case *p.Epsilon < 0 || *p.Epsilon > 1:
		return nil, fmt.Errorf("epsilon: %v is outside 0..1", *p.Epsilon)
	case p.Requests < 100 || p.Requests > abTestMaxRequests:
		return nil, fmt.Errorf("requests: %d is outside 100..%d", p.Requests, abTestMaxRequests)
	case p.Sigmas <= 0 || p.Sigmas > 10:
		return nil, fmt.Errorf("sigmas: %v is outside (0, 10]", p.Sigmas)
	}
	if p.LikeRates == nil {
		p.LikeRates = map[string]float64{greetings.Hello: 0.05, greetings.Howdy: 0.15}
	}
	for g, r := range p.LikeRates {
		if _, ok := greetings.Canonical(g); !ok {
			return nil, fmt.Errorf("like_rates: unknown greeting %q; use %s", g, strings.Join(greetings.Names, " and "))
		}
		if r < 0 || r > 1 {
			return nil, fmt.Errorf("like_rates.%s: %v is outside 0..1", g, r)
		}
	}
	return &abTest{p}, nil
}

func (c *abTest) Run(ctx context.Context, env *Env) Result {
	vars, r, ok := c.readEnv(env)
	if !ok {
		return r
	}
	eps, set, err := greetings.EpsilonFromEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		where := c.EnvFile
		if n := envLineOf(env.Dir, c.EnvFile, greetings.EnvEpsilon); n > 0 {
			where = fmt.Sprintf("%s:%d", c.EnvFile, n)
		}
		return Failf(ReasonEpsilonInvalid, "%s: the greetings service refuses it: %v", where, err).
			WithHint(fmt.Sprintf("Write one line `%s=` followed by a share between 0 and 1, e.g. %s=0.1 for 10%%.", greetings.EnvEpsilon, greetings.EnvEpsilon))
	}
	obs, err := c.observe(ctx, eps)
	if err != nil {
		return Errorf("ab_test: run the greetings service: %v", err)
	}
	want := *c.Epsilon
	lo, hi := c.band(obs.untied, want)
	share := obs.share()
	evidence := obs.evidence()
	evidence = append(evidence, fmt.Sprintf("tolerance: %s explored of %d untied requests counts as %s (%g sigma of a binomial count)",
		percent1(want), obs.untied, rangeText(lo, hi, obs.untied), c.Sigmas))
	if k := float64(obs.explored); k < lo || k > hi {
		msg := fmt.Sprintf("With your settings the service explored %s of the requests (%d of %d); the lab asks for about %s.",
			percent1(share), obs.explored, obs.untied, percent1(want))
		if !set {
			msg += fmt.Sprintf(" %s does not set %s, so the service used its default %g.", c.EnvFile, greetings.EnvEpsilon, greetings.DefaultEpsilon)
		}
		return Failf(ReasonSplitOff, "%s", msg).WithEvidence(evidence...).
			WithHint(fmt.Sprintf("Epsilon is the share of requests explored: set %s in %s to the share the README asks for.", greetings.EnvEpsilon, c.EnvFile))
	}
	return Passf("The service explored %s of %d requests, within the tolerance around %s.", percent1(share), obs.untied, percent1(want)).WithEvidence(evidence...)
}

// readEnv reads the env file as Docker would, taking nothing from the
// caller's environment: the check must see what a container would get.
func (c *abTest) readEnv(env *Env) (map[string]string, Result, bool) {
	list, err := readWorkspaceEnvFile(env.Dir, c.EnvFile, func(string) (string, bool) { return "", false })
	switch {
	case errors.Is(err, ErrOutsideWorkspace):
		return nil, outsideWorkspace(c.EnvFile), false
	case errors.Is(err, os.ErrNotExist):
		return nil, Failf(ReasonEnvFileMissing, "There is no %s in your workspace.", c.EnvFile).
			WithHint(fmt.Sprintf("Create %s next to README.md with a line %s=…", c.EnvFile, greetings.EnvEpsilon)), false
	case err != nil:
		return nil, Failf(ReasonEnvFileInvalid, "%v", err).
			WithHint("Each line of an env file is NAME=value, with no spaces around = and no quotes needed; lines starting with # are comments."), false
	}
	vars := map[string]string{}
	for _, kv := range list {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	return vars, Result{}, true
}

// abObservation is what one run of the service showed.
type abObservation struct {
	requests, untied, explored, tiedExplores int
	shown                                    map[string]int
	likes                                    greetings.Likes
	exploitChoice                            string
}

func (o abObservation) share() float64 {
	if o.untied == 0 {
		return 0
	}
	return float64(o.explored) / float64(o.untied)
}

func (o abObservation) evidence() []string {
	out := []string{
		fmt.Sprintf("%d requests: %d exploited, %d explored by the draw, %d explored because the like counts were tied",
			o.requests, o.untied-o.explored, o.explored, o.tiedExplores),
	}
	names := make([]string, 0, len(o.shown))
	for n := range o.shown {
		names = append(names, n)
	}
	sort.Strings(names)
	var shown []string
	for _, n := range names {
		shown = append(shown, fmt.Sprintf("%s %d", n, o.shown[n]))
	}
	out = append(out, "greetings shown: "+strings.Join(shown, ", "),
		fmt.Sprintf("likes at the end: Hello %d, Howdy %d; the service now exploits %s", o.likes[greetings.Hello], o.likes[greetings.Howdy], o.exploitChoice))
	return out
}

// observe runs the greetings service in this process on an embedded Redis
// and drives it over its HTTP handler: each simulated visitor asks for a
// greeting and likes it at the lab's rate for that greeting.
func (c *abTest) observe(ctx context.Context, eps float64) (abObservation, error) {
	mr, err := miniredis.Run()
	if err != nil {
		return abObservation{}, err
	}
	defer mr.Close()
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()
	seed := c.Seed
	serviceRNG := rand.New(rand.NewPCG(seed, 1))
	visitorRNG := rand.New(rand.NewPCG(seed, 2))
	srv := greetings.NewServer(greetings.NewChooser(eps, serviceRNG), greetings.NewStore(rdb), slog.New(slog.NewTextHandler(io.Discard, nil)))
	obs := abObservation{shown: map[string]int{}}
	srv.OnChoice = func(ch greetings.Choice, _ greetings.Likes) {
		obs.requests++
		obs.shown[ch.Greeting]++
		switch {
		case ch.Tied:
			obs.tiedExplores++
		case ch.Strategy == greetings.Explore:
			obs.untied++
			obs.explored++
		default:
			obs.untied++
		}
	}
	h := srv.Handler()
	for i := range c.Requests {
		if err := ctx.Err(); err != nil {
			return obs, err
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("/greeting/visitor-%d", i), nil))
		if rec.Code != http.StatusOK {
			return obs, fmt.Errorf("GET /greeting: %d %s", rec.Code, strings.TrimSpace(rec.Body.String()))
		}
		g := greetingOf(rec.Body.Bytes())
		if visitorRNG.Float64() >= c.rate(g) {
			continue
		}
		like := httptest.NewRequestWithContext(ctx, http.MethodPost, "/like_greeting", strings.NewReader(url.Values{"greeting": {g}}.Encode()))
		like.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, like)
		if rec.Code != http.StatusOK {
			return obs, fmt.Errorf("POST /like_greeting: %d %s", rec.Code, strings.TrimSpace(rec.Body.String()))
		}
	}
	likes, err := greetings.NewStore(rdb).Likes(ctx)
	if err != nil {
		return obs, err
	}
	obs.likes = likes
	obs.exploitChoice = "either (the counts are tied)"
	if !likes.Tied() {
		obs.exploitChoice = likes.Leader()
	}
	return obs, nil
}

func (c *abTest) rate(g string) float64 {
	for k, r := range c.LikeRates {
		if strings.EqualFold(k, g) {
			return r
		}
	}
	return 0
}

// greetingOf reads the greeting field of a GET /greeting answer.
func greetingOf(body []byte) string {
	_, rest, ok := bytes.Cut(body, []byte(`"greeting":"`))
	if !ok {
		return ""
	}
	g, _, _ := bytes.Cut(rest, []byte(`"`))
	return string(g)
}

// band is the range of explore counts out of n accepted for epsilon want:
// n·want ± sigmas·sqrt(n·want·(1−want)), the normal approximation of the
// binomial count. At epsilon 0 or 1 the band is the one possible count.
func (c *abTest) band(n int, want float64) (lo, hi float64) {
	mean := float64(n) * want
	sd := math.Sqrt(float64(n) * want * (1 - want))
	return mean - c.Sigmas*sd, mean + c.Sigmas*sd
}

func rangeText(lo, hi float64, n int) string {
	if n == 0 {
		return "nothing"
	}
	lo, hi = max(lo, 0)/float64(n), min(hi, float64(n))/float64(n)
	if lo == hi {
		return "exactly " + percent1(lo)
	}
	return fmt.Sprintf("right between %s and %s", percent1(lo), percent1(hi))
}

func percent1(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// lineOf finds the line of an env file that sets name, for file:line in a
// message; 0 when it cannot tell.
func envLineOf(dir, rel, name string) int {
	data, err := readLearnerFile(dir, rel)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		if k, _, ok := strings.Cut(strings.TrimLeft(sc.Text(), " \t"), "="); ok && k == name {
			return n
		}
	}
	return 0
}
