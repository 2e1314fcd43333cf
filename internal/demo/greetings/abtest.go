// Package greetings is the greetings service of the calculator demo: it greets a
// name with one of two greetings, chosen by an epsilon-greedy online A/B test
// whose like counters live in Redis.
package greetings

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// The two greetings under test.
const (
	Hello = "Hello"
	Howdy = "Howdy"
)

// Names lists the greetings in a fixed order; ties and uniform picks index it.
var Names = []string{Hello, Howdy}

// Strategy says how a greeting was chosen.
type Strategy string

const (
	// Explore picks a greeting uniformly at random, to keep learning.
	Explore Strategy = "explore"
	// Exploit picks the greeting with more likes.
	Exploit Strategy = "exploit"
)

// DefaultEpsilon is the share of requests explored when nothing is configured.
const DefaultEpsilon = 0.1

// Likes holds the like count of each greeting.
type Likes map[string]int64

// Tied reports whether no greeting has more likes than another.
func (l Likes) Tied() bool { return l[Hello] == l[Howdy] }

// Leader is the greeting with more likes; only meaningful when not Tied.
func (l Likes) Leader() string {
	if l[Howdy] > l[Hello] {
		return Howdy
	}
	return Hello
}

// Choice is one decision of the A/B test.
type Choice struct {
	Greeting string
	Strategy Strategy
	// Tied is true when the counts were equal, which forces exploration
	// whatever the draw.
	Tied bool
	// Draw is the uniform draw compared with epsilon.
	Draw float64
}

// Chooser makes epsilon-greedy choices. It is safe for concurrent use.
type Chooser struct {
	epsilon float64
	mu      sync.Mutex
	rng     *rand.Rand
}

// NewChooser returns a chooser exploring with probability epsilon, drawing
// from rng (a seeded one makes the choices reproducible).
func NewChooser(epsilon float64, rng *rand.Rand) *Chooser {
	return &Chooser{epsilon: epsilon, rng: rng}
}

// Epsilon is the configured exploration probability.
func (c *Chooser) Epsilon() float64 { return c.epsilon }

// Choose explores when the draw is at most epsilon or the counts are tied,
// picking a greeting uniformly; otherwise it exploits the leader.
func (c *Chooser) Choose(l Likes) Choice {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := Choice{Draw: c.rng.Float64(), Tied: l.Tied()}
	if ch.Draw <= c.epsilon || ch.Tied {
		ch.Strategy = Explore
		ch.Greeting = Names[c.rng.IntN(len(Names))]
		return ch
	}
	ch.Strategy = Exploit
	ch.Greeting = l.Leader()
	return ch
}

// Canonical returns the greeting named by s (any case), or false.
func Canonical(s string) (string, bool) {
	for _, n := range Names {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return n, true
		}
	}
	return "", false
}

// EnvEpsilon is the environment variable that sets epsilon.
const EnvEpsilon = "EPSILON"

// ParseEpsilon reads epsilon as written in the environment: a share between 0
// and 1. The errors say what to write instead, since a learner writes it.
func ParseEpsilon(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("%s is empty; write a share between 0 and 1, e.g. %s=0.1", EnvEpsilon, EnvEpsilon)
	}
	if strings.HasSuffix(t, "%") {
		return 0, fmt.Errorf("%s=%s is a percentage; write it as a share between 0 and 1 (20%% is 0.2)", EnvEpsilon, t)
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v != v {
		return 0, fmt.Errorf("%s=%s is not a number; write a share between 0 and 1, e.g. %s=0.1", EnvEpsilon, t, EnvEpsilon)
	}
	if v < 0 || v > 1 {
		return 0, fmt.Errorf("%s=%s is outside 0..1: epsilon is the share of requests explored (20%% is 0.2)", EnvEpsilon, t)
	}
	return v, nil
}

// EpsilonFromEnv reads EPSILON through lookup; unset gives DefaultEpsilon and
// set=false.
func EpsilonFromEnv(lookup func(string) (string, bool)) (eps float64, set bool, err error) {
	v, ok := lookup(EnvEpsilon)
	if !ok {
		return DefaultEpsilon, false, nil
	}
	eps, err = ParseEpsilon(v)
	return eps, true, err
}
