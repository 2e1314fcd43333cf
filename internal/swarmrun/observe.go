package swarmrun

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// Observation is what one real rollout showed.
type Observation struct {
	Scenario Scenario
	// UpdateStart is when the update was handed to the engine; bucket offsets count
	// from it.
	UpdateStart time.Time
	// Buckets has one entry per second of traffic, in order, baseline included.
	Buckets []Bucket
	// UpdateState is the engine's last word on the update: completed, paused,
	// rollback_completed, rollback_paused, or updating if traffic ended first.
	UpdateState   string
	UpdateMessage string
	// FinalImage is the image the service's spec names at the end.
	FinalImage string
	// PeakServing is the most demo tasks seen in the rotation at one moment: running
	// and meant to keep running.
	PeakServing int
	// MinServing is the fewest demo tasks seen in the rotation at one moment from
	// the update's start on: the capacity the update took away at its worst.
	MinServing int
	// PeakRunning also counts the containers being drained: the engine takes a task
	// out of DNS about two seconds before it stops it, so that peers notice.
	PeakRunning int
	// Transitions lists the update states as they were first seen.
	Transitions []Transition
	Sent        int
	Failed      int
}

// Bucket is one second of a rollout.
type Bucket struct {
	// Offset is the second relative to the update's start (negative before it).
	Offset int
	// Answers counts successful responses by the version that gave them.
	Answers map[string]int
	// Failures counts failed requests by cause (refused, timeout, status_500, ...).
	Failures map[string]int
	// Tasks counts the tasks of each version serving (running, and not being shut
	// down) in the middle of the second.
	Tasks map[string]int
}

// Transition is an update state first seen at an offset (seconds) from the start.
type Transition struct {
	At    float64
	State string
}

// Answered is the number of successful responses in the second.
func (b Bucket) Answered() int { return sum(b.Answers) }

// Failed is the number of failed requests in the second.
func (b Bucket) Failed() int { return sum(b.Failures) }

// Share is the fraction of the second's requests that version answered.
func (b Bucket) Share(version string) float64 {
	total := b.Answered() + b.Failed()
	if total == 0 {
		return 0
	}
	return float64(b.Answers[version]) / float64(total)
}

// RolledBack reports whether the engine rolled the update back.
func (o Observation) RolledBack() bool { return strings.HasPrefix(o.UpdateState, "rollback") }

// Paused reports whether the engine stopped the update (or its rollback) halfway.
func (o Observation) Paused() bool { return strings.HasSuffix(o.UpdateState, "paused") }

// Seen reports whether the engine passed through an update state.
func (o Observation) Seen(state string) bool {
	for _, t := range o.Transitions {
		if t.State == state {
			return true
		}
	}
	return false
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// loadSecond is one line of the traffic generator's report.
type loadSecond struct {
	T    int64          `json:"t"`
	OK   map[string]int `json:"ok"`
	Fail map[string]int `json:"fail"`
	Done bool           `json:"done"`
	Sent int            `json:"sent"`
}

// parseLoad reads the generator's JSON lines; a report without its final line is an
// error, since its last seconds would silently be missing.
func parseLoad(logs string) ([]loadSecond, error) {
	var out []loadSecond
	done := false
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var s loadSecond
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			return nil, fmt.Errorf("traffic report line %d %q: %w", n, truncate(line, 60), err)
		}
		if s.Done {
			done = true
			continue
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read traffic report: %w", err)
	}
	if !done {
		return nil, fmt.Errorf("the traffic report has no final line: the generator was cut off (%d seconds reported)", len(out))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].T < out[j].T })
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// sample is the demo's tasks at one moment.
type sample struct {
	at      time.Time
	serving map[string]int // by version
	running int            // draining ones included
	state   string
}

// sampler polls the demo service's tasks and update state.
type sampler struct {
	sw      docker.Swarm
	service string
	mu      sync.Mutex
	samples []sample
}

func newSampler(sw docker.Swarm, service string) *sampler {
	return &sampler{sw: sw, service: service}
}

func (s *sampler) loop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.once(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// once takes a sample; a failed poll is skipped, the next one fills the gap.
func (s *sampler) once(ctx context.Context) {
	tasks, err := s.sw.ListTasks(ctx, s.service)
	if err != nil {
		return
	}
	svc, err := s.sw.InspectService(ctx, s.service)
	if err != nil {
		return
	}
	smp := sample{at: time.Now(), serving: map[string]int{}, state: svc.UpdateState}
	for _, t := range tasks {
		if !t.Running() {
			continue
		}
		smp.running++
		if t.DesiredState == "running" {
			smp.serving[t.Labels[LabelVersion]]++
		}
	}
	s.mu.Lock()
	s.samples = append(s.samples, smp)
	s.mu.Unlock()
}

func (s *sampler) result() []sample {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sample(nil), s.samples...)
}

// assemble lines the traffic seconds and the task samples up on the update's start.
func assemble(s Scenario, start time.Time, seconds []loadSecond, samples []sample) Observation {
	obs := Observation{Scenario: s, UpdateStart: start}
	// A second's task counts come from the sample nearest its middle, so that they
	// add up to what was serving at one moment.
	type pick struct {
		dist    time.Duration
		serving map[string]int
	}
	tasks := map[int64]pick{}
	last := ""
	sawUpdate := false
	for _, smp := range samples {
		sec := smp.at.Unix()
		dist := smp.at.Sub(time.Unix(sec, 5e8)).Abs()
		if p, ok := tasks[sec]; !ok || dist < p.dist {
			tasks[sec] = pick{dist: dist, serving: smp.serving}
		}
		obs.PeakServing = max(obs.PeakServing, sum(smp.serving))
		if !smp.at.Before(start) {
			if n := sum(smp.serving); !sawUpdate || n < obs.MinServing {
				obs.MinServing, sawUpdate = n, true
			}
		}
		obs.PeakRunning = max(obs.PeakRunning, smp.running)
		if smp.state != last && smp.state != "" && !smp.at.Before(start) {
			obs.Transitions = append(obs.Transitions, Transition{At: smp.at.Sub(start).Seconds(), State: smp.state})
		}
		last = smp.state
	}
	for _, ls := range seconds {
		b := Bucket{Offset: int(ls.T - start.Unix()), Answers: ls.OK, Failures: ls.Fail, Tasks: tasks[ls.T].serving}
		if b.Answers == nil {
			b.Answers = map[string]int{}
		}
		if b.Failures == nil {
			b.Failures = map[string]int{}
		}
		if b.Tasks == nil {
			b.Tasks = map[string]int{}
		}
		obs.Sent += b.Answered() + b.Failed()
		obs.Failed += b.Failed()
		obs.Buckets = append(obs.Buckets, b)
	}
	return obs
}
