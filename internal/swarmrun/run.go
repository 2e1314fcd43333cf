package swarmrun

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// Runner performs real rollouts on one engine, one at a time.
type Runner struct {
	Engine docker.Engine
	Swarm  docker.Swarm
	// LabID labels everything the runner creates, so the janitor can find it.
	LabID string
	// Progress receives one line per step; nil discards them.
	Progress io.Writer
	// Unlocked skips waiting for other real rollouts on this machine: for a run on
	// fakes, which shares nothing, or for a caller that holds LockHost itself.
	Unlocked bool

	began time.Time
}

// gwBridge is the bridge the engine creates on swarm init and keeps after leaving.
const gwBridge = "docker_gwbridge"

// demoPort is where the demo service listens inside its tasks.
const demoPort = "8080"

// Run deploys the demo at s.From, rolls it to s.To under steady traffic and returns
// what the traffic and the engine showed. It leaves the engine as it found it, on
// failure and cancellation too: a swarm it had to create is left again.
func (r *Runner) Run(ctx context.Context, s Scenario) (obs Observation, err error) {
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return Observation{}, fmt.Errorf("rollout scenario: %w", err)
	}
	sess, err := r.Open(ctx)
	if err != nil {
		return Observation{}, err
	}
	defer func() {
		if cerr := sess.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	return sess.Run(ctx, s)
}

// Session is a swarm, an overlay network and the demo images kept for several
// rollouts, which then cost only their own services: a swarm, a network and image
// builds take a quarter of a short rollout on a busy machine. Its Run may be
// called from several goroutines at once: each rollout has services, a load
// generator and a label of its own, on the session's network.
type Session struct {
	r       *Runner
	res     *resources
	release func()
}

// Open takes the host lock (unless Unlocked) and makes the engine a swarm if it is
// in none. Close undoes it all.
func (r *Runner) Open(ctx context.Context) (_ *Session, err error) {
	r.began = time.Now()
	if r.Progress == nil {
		r.Progress = io.Discard
	}
	sess := &Session{r: r, release: func() {}}
	if !r.Unlocked {
		if sess.release, err = LockHost(ctx, r.logf); err != nil {
			return nil, fmt.Errorf("wait for another rollout on this machine: %w", err)
		}
	}
	sess.res = &resources{r: r, runID: randomSuffix()}
	if err := sess.res.ensureSwarm(ctx); err != nil {
		return nil, errors.Join(err, sess.Close())
	}
	return sess, nil
}

// Close removes what the session made, leaves a swarm it created and releases
// the host lock.
func (sess *Session) Close() error {
	defer sess.release()
	if err := sess.res.cleanup(); err != nil {
		return fmt.Errorf("clean up after the rollout: %w", err)
	}
	return nil
}

// Run is one rollout in the session: it deploys the demo at s.From, rolls it to
// s.To under steady traffic, and removes both services again.
func (sess *Session) Run(ctx context.Context, s Scenario) (obs Observation, err error) {
	r, res := sess.r, sess.res
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return Observation{}, fmt.Errorf("rollout scenario: %w", err)
	}
	if err := sess.images(ctx, s.From, s.To); err != nil {
		return Observation{}, err
	}
	network, err := res.ensureNetwork(ctx)
	if err != nil {
		return Observation{}, err
	}
	ro := res.newRollout()
	defer func() {
		if cerr := res.removeRollout(ro); cerr != nil {
			err = errors.Join(err, fmt.Errorf("remove the rollout's services: %w", cerr))
		}
	}()
	demoName := "devopsctl-demo-" + ro.suffix
	demo := r.demoSpec(res.labels(ro), demoName, s, s.From, network)
	id, err := r.Swarm.CreateService(ctx, demo)
	if err != nil {
		return Observation{}, err
	}
	res.track(&ro.demo, id)
	r.logf("deploying %d replicas of %s", s.Replicas, s.From)
	tasks, err := r.waitRunning(ctx, ro.demo, int(s.Replicas), 90*time.Second)
	if err != nil {
		return Observation{}, fmt.Errorf("deploy %s: %w", ImageTag(s.From), err)
	}
	if s.Duration == 0 {
		// The deploy just showed how fast tasks start on this engine right now; a
		// deadline from the simulation at that pace leaves room for the update.
		paced := s
		if d := medianStartup(tasks); d > paced.TaskStartup {
			paced.TaskStartup = d
		}
		if s.Duration, err = Deadline(paced); err != nil {
			return Observation{}, err
		}
		r.logf("tasks started in %.1fs at the deploy; the update may take up to %s", medianStartup(tasks).Seconds(), s.Duration)
	}
	return r.observe(ctx, s, res, ro, network, demoName)
}

// images builds the versions the session has not built yet. Concurrent rollouts
// wait for one another's builds rather than building a version twice.
func (sess *Session) images(ctx context.Context, versions ...string) error {
	res := sess.res
	res.buildMu.Lock()
	defer res.buildMu.Unlock()
	var missing []string
	for _, v := range versions {
		if !slices.Contains(res.builtImages(), ImageTag(v)) {
			missing = append(missing, v)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sess.r.logf("building demo images %s", strings.Join(missing, ", "))
	tags, err := BuildImages(ctx, sess.r.Engine, sess.r.labels(res.runID), missing, io.Discard)
	res.addImages(tags)
	return err
}

// observe runs the traffic and the update, sampling the tasks as it goes, until the
// engine reports the update finished and its old tasks are gone, and Settle more.
func (r *Runner) observe(ctx context.Context, s Scenario, res *resources, ro *deployment, network, demoName string) (Observation, error) {
	smp := newSampler(r.Swarm, ro.demo)
	sctx, stopSampling := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); smp.loop(sctx, 250*time.Millisecond) }()
	defer func() { stopSampling(); wg.Wait() }()

	load := r.loadSpec(res.labels(ro), "devopsctl-load-"+ro.suffix, s, demoName, network)
	id, err := r.Swarm.CreateService(ctx, load)
	if err != nil {
		return Observation{}, err
	}
	res.track(&ro.load, id)
	r.logf("sending %d requests a second until the update has settled (at most %s)", s.RPS, s.Duration)
	if _, err := r.waitRunning(ctx, ro.load, 1, 60*time.Second); err != nil {
		return Observation{}, fmt.Errorf("start the traffic generator: %w", err)
	}
	// The generator stops on its own Duration after it started, which is after now;
	// the settled seconds must fit before that.
	trafficEnd := time.Now().Add(s.Duration - s.Settle - 2*time.Second)
	if err := sleepCtx(ctx, s.Baseline); err != nil {
		return Observation{}, err
	}
	svc, err := r.Swarm.InspectService(ctx, ro.demo)
	if err != nil {
		return Observation{}, err
	}
	r.logf("updating %s -> %s (parallelism %d, delay %s, order %s, failure action %s)",
		s.From, s.To, s.Update.Parallelism, s.Update.Delay, s.Update.Order, s.Update.FailureAction)
	updateStart := time.Now()
	if err := r.Swarm.UpdateService(ctx, ro.demo, svc.Version, r.demoSpec(res.labels(ro), demoName, s, s.To, network)); err != nil {
		return Observation{}, err
	}
	end, err := awaitEnd(ctx, smp, int(s.Replicas), trafficEnd)
	if err != nil {
		return Observation{}, err
	}
	var seconds []loadSecond
	if end.timedOut {
		r.logf("the engine had not finished the update (%s) when the traffic ran out", orDash(end.state))
		if err := r.waitFinished(ctx, ro.load, s.Settle+30*time.Second); err != nil {
			return Observation{}, fmt.Errorf("traffic generator: %w", err)
		}
		seconds, err = r.readTraffic(ctx, ro.load, math.MaxInt64)
	} else {
		r.logf("the engine reported the update %s at %+.1fs and its old tasks were gone at %+.1fs; %s more of traffic",
			end.state, end.finished.Sub(updateStart).Seconds(), end.settled.Sub(updateStart).Seconds(), s.Settle)
		last := end.settled.Add(s.Settle)
		if err := sleepCtx(ctx, time.Until(last)); err != nil {
			return Observation{}, err
		}
		seconds, err = r.readTraffic(ctx, ro.load, last.Unix())
	}
	if err != nil {
		return Observation{}, err
	}
	stopSampling()
	wg.Wait()
	final, err := r.Swarm.InspectService(ctx, ro.demo)
	if err != nil {
		return Observation{}, err
	}
	obs := assemble(s, updateStart, seconds, smp.result())
	obs.UpdateState, obs.UpdateMessage = final.UpdateState, final.UpdateMessage
	obs.FinalImage = final.Spec.Image
	obs.TimedOut = end.timedOut
	if !end.timedOut {
		obs.FinishedAt, obs.SettledAt = end.finished.Sub(updateStart).Seconds(), end.settled.Sub(updateStart).Seconds()
	}
	if d := smp.startup(updateStart); d > 0 {
		obs.Scenario.TaskStartup = d
	}
	r.logf("update %s; %d of %d requests failed; new tasks started in %.1fs", orDash(obs.UpdateState), obs.Failed, obs.Sent, obs.Scenario.TaskStartup.Seconds())
	return obs, nil
}

// readTraffic reads the generator's report up to and including second last (unix),
// waiting for the generator to print it: it prints a second once no request of it
// can still be running.
func (r *Runner) readTraffic(ctx context.Context, load string, last int64) ([]loadSecond, error) {
	const limit = 30 * time.Second
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		logs, err := r.Swarm.ServiceLogs(ctx, load)
		if err == nil {
			seconds, done, perr := parseLoad(logs)
			if perr != nil {
				return nil, perr
			}
			// A generator that ended first has said all it will.
			if n := len(seconds); done || (n > 0 && seconds[n-1].T >= last) {
				return upTo(seconds, last), nil
			}
		}
		if serr := sleepCtx(ctx, 500*time.Millisecond); serr != nil {
			if err != nil {
				return nil, fmt.Errorf("read the traffic report: %w", err)
			}
			return nil, fmt.Errorf("the traffic report did not reach the settled seconds within %s", limit)
		}
	}
}

// upTo keeps the seconds up to and including last.
func upTo(seconds []loadSecond, last int64) []loadSecond {
	n := 0
	for n < len(seconds) && seconds[n].T <= last {
		n++
	}
	return seconds[:n]
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (r *Runner) demoSpec(labels map[string]string, name string, s Scenario, version, network string) docker.ServiceSpec {
	labels = maps.Clone(labels)
	labels[LabelVersion] = version
	update := s.Update
	spec := docker.ServiceSpec{
		Name:          name,
		Image:         ImageTag(version),
		Args:          []string{"serve"},
		Env:           []string{"VERSION=" + version, "PORT=" + demoPort},
		Labels:        labels,
		Replicas:      s.Replicas,
		Networks:      []string{network},
		DNSRoundRobin: true,
		Update:        &update,
		Rollback:      s.Rollback,
		StopGrace:     5 * time.Second,
		Memory:        32 << 20,
		CPUs:          0.5,
		PidsMax:       64,
	}
	if version == V3 {
		spec.Env = append(spec.Env, "BAD_MODE="+s.BadMode)
	}
	return spec
}

func (r *Runner) loadSpec(labels map[string]string, name string, s Scenario, target, network string) docker.ServiceSpec {
	labels = maps.Clone(labels)
	labels[LabelVersion] = "load"
	return docker.ServiceSpec{
		Name:  name,
		Image: ImageTag(s.From),
		Args: []string{"load",
			"-target", "http://" + target + ":" + demoPort + "/",
			"-rps", fmt.Sprint(s.RPS),
			"-duration", s.Duration.String(),
		},
		Labels:       labels,
		Replicas:     1,
		Networks:     []string{network},
		RestartNever: true,
		Memory:       64 << 20,
		CPUs:         0.5,
		PidsMax:      128,
	}
}

// waitRunning waits for want tasks of a service to be running, and returns them.
func (r *Runner) waitRunning(ctx context.Context, id string, want int, limit time.Duration) ([]docker.Task, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var last string
	for {
		tasks, err := r.Swarm.ListTasks(ctx, id)
		if err == nil {
			var running []docker.Task
			for _, t := range tasks {
				if t.Running() && t.DesiredState == "running" {
					running = append(running, t)
				}
				if t.Err != "" {
					last = t.Err
				}
			}
			if len(running) >= want {
				return running, nil
			}
		}
		if err := sleepCtx(ctx, 250*time.Millisecond); err != nil {
			if last != "" {
				return nil, fmt.Errorf("tasks not running after %s (last task error: %s)", limit, last)
			}
			return nil, fmt.Errorf("tasks not running after %s: %w", limit, err)
		}
	}
}

// medianStartup is the median time the tasks took from their creation to running.
func medianStartup(tasks []docker.Task) time.Duration {
	var ds []time.Duration
	for _, t := range tasks {
		if d := t.UpdatedAt.Sub(t.CreatedAt); !t.CreatedAt.IsZero() && d > 0 {
			ds = append(ds, d)
		}
	}
	return median(ds)
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// waitFinished waits for a one-shot service's task to exit, and fails if it did not
// exit cleanly.
func (r *Runner) waitFinished(ctx context.Context, id string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		tasks, err := r.Swarm.ListTasks(ctx, id)
		if err == nil {
			for _, t := range tasks {
				switch t.State {
				case "complete":
					return nil
				case "failed", "rejected", "orphaned":
					return fmt.Errorf("task %s (exit %d): %s", t.State, t.ExitCode, t.Err)
				}
			}
		}
		if err := sleepCtx(ctx, 500*time.Millisecond); err != nil {
			return fmt.Errorf("still running after %s: %w", limit, err)
		}
	}
}

// labels marks what one run creates: managed, for the runner's lab, and for the run,
// so that its cleanup touches nothing else.
func (r *Runner) labels(runID string) map[string]string {
	l := docker.Labels(r.LabID)
	l[docker.LabelRun] = runID
	return l
}

func (r *Runner) logf(format string, args ...any) {
	fmt.Fprintf(r.Progress, "[%5.1fs] "+format+"\n", append([]any{time.Since(r.began).Seconds()}, args...)...)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func randomSuffix() string {
	b := make([]byte, 3)
	rand.Read(b)
	return hex.EncodeToString(b)
}
