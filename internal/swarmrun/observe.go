package swarmrun

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
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
	// PeakInstances is the most demo tasks seen serving or on their way to serve
	// (meant to run, not yet running) at one moment: the instances a rollout adds,
	// as the simulator counts them. Tasks already told to stop are not counted.
	PeakInstances int
	// Transitions lists the update states as they were first seen.
	Transitions []Transition
	// FinishedAt is when (seconds from the update's start) the engine first
	// reported the update finished: completed, paused, rollback_completed or
	// rollback_paused. SettledAt is when, after that, no old task was left
	// draining and, unless paused, every replica served again. Both are zero when
	// TimedOut.
	FinishedAt, SettledAt float64
	// TimedOut is set when the engine had not finished the update by the deadline.
	TimedOut bool
	Sent     int
	Failed   int
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
	// FewestServing is the fewest tasks serving at any sample in the second, or -1
	// when no sample fell in it.
	FewestServing int
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

// Settled is the seconds of traffic from the first whole second after the update
// finished and its old tasks were gone; none when it never did.
func (o Observation) Settled() []Bucket {
	if o.TimedOut || o.SettledAt == 0 {
		return nil
	}
	from := int(math.Ceil(o.SettledAt))
	var out []Bucket
	for _, b := range o.Buckets {
		if b.Offset >= from {
			out = append(out, b)
		}
	}
	return out
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

// parseLoad reads the generator's JSON lines; done tells whether the final line
// was among them, so that the report is complete.
func parseLoad(logs string) (seconds []loadSecond, done bool, err error) {
	var out []loadSecond
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var s loadSecond
		if err := json.Unmarshal([]byte(line), &s); err != nil {
			return nil, false, fmt.Errorf("traffic report line %d %q: %w", n, truncate(line, 60), err)
		}
		if s.Done {
			done = true
			continue
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, false, fmt.Errorf("read traffic report: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].T < out[j].T })
	return out, done, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// sample is the demo's tasks at one moment.
type sample struct {
	at       time.Time
	serving  map[string]int // by version
	running  int            // draining ones included
	starting int            // meant to run, not running yet
	state    string
}

// draining is how many tasks were still running though told to stop.
func (s sample) draining() int { return s.running - sum(s.serving) }

// started is one task's way from its creation to running.
type started struct {
	created, running time.Time
}

// sampler polls the demo service's tasks and update state.
type sampler struct {
	sw      docker.Swarm
	service string
	mu      sync.Mutex
	samples []sample
	starts  map[string]started // by task ID
}

func newSampler(sw docker.Swarm, service string) *sampler {
	return &sampler{sw: sw, service: service, starts: map[string]started{}}
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
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range tasks {
		if !t.Running() {
			if t.DesiredState == "running" && !finalTaskStates[t.State] {
				smp.starting++
			}
			continue
		}
		smp.running++
		if t.DesiredState == "running" {
			smp.serving[t.Labels[LabelVersion]]++
		}
		if _, seen := s.starts[t.ID]; !seen && !t.CreatedAt.IsZero() {
			s.starts[t.ID] = started{created: t.CreatedAt, running: t.UpdatedAt}
		}
	}
	s.samples = append(s.samples, smp)
}

// finalTaskStates are the task states from which a task never runs again.
var finalTaskStates = map[string]bool{"complete": true, "shutdown": true, "failed": true, "rejected": true, "remove": true, "orphaned": true}

// latest is the last sample taken, if any.
func (s *sampler) latest() (sample, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.samples) == 0 {
		return sample{}, false
	}
	return s.samples[len(s.samples)-1], true
}

// startup is the median time from creation to running of the tasks created since
// from: how fast the update's tasks started on this engine; zero if none did.
func (s *sampler) startup(from time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ds []time.Duration
	for _, st := range s.starts {
		if d := st.running.Sub(st.created); st.created.After(from) && d > 0 {
			ds = append(ds, d)
		}
	}
	return median(ds)
}

// finishedStates are the update states in which the engine does no more.
var finishedStates = map[string]bool{"completed": true, "paused": true, "rollback_completed": true, "rollback_paused": true}

// updateEnd is how an update ended, as the samples showed it.
type updateEnd struct {
	state             string
	finished, settled time.Time
	timedOut          bool
}

// settleLimit bounds the wait for old tasks to go once the engine has finished:
// a paused update may leave a crashing task restarting for good.
const settleLimit = 30 * time.Second

// awaitEnd waits until the engine reports the update finished and then until no
// old task is left draining and, unless the update paused, every replica serves;
// or until deadline, when the traffic runs out.
func awaitEnd(ctx context.Context, smp *sampler, replicas int, deadline time.Time) (updateEnd, error) {
	var end updateEnd
	for {
		if smp, ok := smp.latest(); ok {
			end.state = smp.state
			if finishedStates[smp.state] {
				if end.finished.IsZero() {
					end.finished = smp.at
				}
				paused := strings.HasSuffix(smp.state, "paused")
				gone := smp.draining() == 0 && (paused || sum(smp.serving) == replicas)
				if gone || smp.at.Sub(end.finished) > settleLimit {
					end.settled = smp.at
					return end, nil
				}
			}
		}
		if !time.Now().Before(deadline) {
			end.timedOut = true
			return end, nil
		}
		if err := sleepCtx(ctx, 250*time.Millisecond); err != nil {
			return end, err
		}
	}
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
	fewest := map[int64]int{}
	last := ""
	sawUpdate := false
	for _, smp := range samples {
		sec := smp.at.Unix()
		dist := smp.at.Sub(time.Unix(sec, 5e8)).Abs()
		if p, ok := tasks[sec]; !ok || dist < p.dist {
			tasks[sec] = pick{dist: dist, serving: smp.serving}
		}
		if n, ok := fewest[sec]; !ok || sum(smp.serving) < n {
			fewest[sec] = sum(smp.serving)
		}
		obs.PeakServing = max(obs.PeakServing, sum(smp.serving))
		if !smp.at.Before(start) {
			if n := sum(smp.serving); !sawUpdate || n < obs.MinServing {
				obs.MinServing, sawUpdate = n, true
			}
		}
		obs.PeakRunning = max(obs.PeakRunning, smp.running)
		obs.PeakInstances = max(obs.PeakInstances, sum(smp.serving)+smp.starting)
		if smp.state != last && smp.state != "" && !smp.at.Before(start) {
			obs.Transitions = append(obs.Transitions, Transition{At: smp.at.Sub(start).Seconds(), State: smp.state})
		}
		last = smp.state
	}
	for _, ls := range seconds {
		b := Bucket{Offset: int(ls.T - start.Unix()), Answers: ls.OK, Failures: ls.Fail, Tasks: tasks[ls.T].serving, FewestServing: -1}
		if n, ok := fewest[ls.T]; ok {
			b.FewestServing = n
		}
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
