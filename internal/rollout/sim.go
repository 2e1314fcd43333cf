package rollout

import (
	"fmt"
	"math"
	"math/rand/v2"
)

type state uint8

const (
	starting state = iota
	ready
	crashed
)

// instance is one container or pod. Version is 0 for the old version, 1 for the
// new one. A crashed instance is restarted in place after a delay, the way a
// restart policy brings a container back.
type instance struct {
	id, slot, version int
	state             state
	readyAt           int // second a start attempt ends (ready, or crash)
	willCrash         bool
	readySince        int // second it last became ready
	firstReady        int // second it first became ready, -1 before
	crashAt           int // second a ready instance dies, 0 for never
	restartAt         int
	restarts          int
	weight, current   int // weighted balancer state
	gone              bool

	// Swarm bookkeeping: whether this task was created by the running update
	// and whether its failure has been counted already.
	updateTask, failCounted bool
}

// controller is one strategy's decision logic, called once per second.
type controller interface {
	step(e *engine)
	rollback(e *engine, reason string)
	restartDelay(restarts int) int
}

// window accumulates one version's requests between two analysis checks.
type window struct {
	requests, errors int
	latencySum       float64
}

type engine struct {
	sc   Scenario
	ver  [2]*Version
	rng  *rand.Rand
	ctrl controller
	t    int

	inst    []*instance
	nextID  int
	ordinal [2]int

	// Routing: attached versions receive traffic through the balancer; split,
	// when set, first divides requests between the versions by weight.
	attached [2]bool
	split    []int
	splitLB  *WeightedBalancer
	weighted bool
	perReq   bool
	cursor   [3]int
	carryV   [2]float64
	carryG   [4]float64
	pool     [3][]*instance // ready and routable: version 0, version 1, both
	win      [2]window

	crashedNow []*instance
	phase      string
	events     []Event

	done          bool
	finishedAt    int
	outcome       string
	rollbackStart int
	rolledBackAt  int

	timeline []Tick
	sum      Summary
}

// Simulate runs a scenario to its end and reports what happened.
func Simulate(sc Scenario) (*Result, error) {
	if err := sc.withDefaults(); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.label(), err)
	}
	e := &engine{
		sc:            sc,
		rng:           newRand(sc.Seed),
		weighted:      sc.Traffic.Balancer == Weighted,
		rollbackStart: -1,
		rolledBackAt:  -1,
	}
	e.ver = [2]*Version{&e.sc.From, &e.sc.To}
	e.perReq = sc.Traffic.Mode == ModePerRequest || (sc.Traffic.Mode == ModeAuto && sc.Traffic.RPS <= perRequestLimit)
	ctrl, err := newController(&e.sc)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.label(), err)
	}
	e.ctrl = ctrl
	e.attached = [2]bool{true, true}
	for i := 0; i < sc.Replicas; i++ {
		in := e.create(0, i)
		in.state, in.readySince, in.firstReady = ready, -1<<30, -1<<30
	}
	e.sum = Summary{Replicas: sc.Replicas, MinAvailable: math.MaxInt}
	e.run()
	return e.result(), nil
}

// newRand is the one random stream of a run: PCG seeded from the scenario.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func (sc *Scenario) label() string {
	if sc.Name != "" {
		return fmt.Sprintf("%q", sc.Name)
	}
	return "(unnamed)"
}

func (e *engine) run() {
	for e.t = 0; ; e.t++ {
		e.lifecycle()
		if !e.done && e.sc.RollbackAtS > 0 && e.t == e.sc.RollbackAtS {
			e.ctrl.rollback(e, "an operator asked for a rollback")
		}
		if !e.done {
			e.ctrl.step(e)
		}
		e.compact()
		tk := e.serve()
		e.noteRollbackDone()
		e.record(tk)
		if e.done && e.t >= e.finishedAt+e.sc.AfterS {
			return
		}
		if e.t >= e.sc.MaxS {
			if !e.done {
				e.eventf("the simulation stopped at its time limit of %ds before the rollout finished", e.sc.MaxS)
				e.finish(OutcomeTimeout)
			}
			return
		}
	}
}

// create adds an instance of version v and starts it.
func (e *engine) create(v, slot int) *instance {
	in := &instance{id: e.nextID, slot: slot, version: v, firstReady: -1, weight: 1}
	e.nextID++
	if e.weighted && len(e.sc.Traffic.Weights) > 0 {
		in.weight = e.sc.Traffic.Weights[e.ordinal[v]%len(e.sc.Traffic.Weights)]
	}
	e.ordinal[v]++
	e.startAttempt(in)
	e.inst = append(e.inst, in)
	return in
}

// startAttempt begins a (re)start. Random draws happen only for chances
// strictly between 0 and 1, so certain outcomes cost nothing and do not shift
// the random stream.
func (e *engine) startAttempt(in *instance) {
	v := e.ver[in.version]
	d := v.StartupS
	if e.chance(v.Failure.SlowStart) {
		d += v.Failure.SlowStartS
	}
	in.state = starting
	in.readyAt = e.t + d
	in.willCrash = e.chance(v.Failure.CrashOnStart)
	in.crashAt = 0
}

func (e *engine) chance(p float64) bool {
	switch {
	case p <= 0:
		return false
	case p >= 1:
		return true
	}
	return e.rng.Float64() < p
}

func (e *engine) remove(in *instance) { in.gone = true }

func (e *engine) compact() {
	kept := e.inst[:0]
	for _, in := range e.inst {
		if !in.gone {
			kept = append(kept, in)
		}
	}
	clear(e.inst[len(kept):])
	e.inst = kept
}

// lifecycle moves instances through starting, ready and crashed for this second.
func (e *engine) lifecycle() {
	e.crashedNow = e.crashedNow[:0]
	for _, in := range e.inst {
		switch in.state {
		case starting:
			if e.t < in.readyAt {
				continue
			}
			if in.willCrash {
				e.crash(in)
				continue
			}
			in.state, in.readySince = ready, e.t
			if in.firstReady < 0 {
				in.firstReady = e.t
			}
			if after := e.ver[in.version].Failure.CrashAfterS; after > 0 {
				in.crashAt = e.t + after
			}
		case ready:
			if in.crashAt > 0 && e.t >= in.crashAt {
				e.crash(in)
			}
		case crashed:
			if e.t >= in.restartAt {
				in.restarts++
				e.startAttempt(in)
			}
		}
	}
	if n := len(e.crashedNow); n > 0 {
		e.eventf("%d %s instance(s) crashed", n, e.ver[e.crashedNow[0].version].Name)
	}
}

func (e *engine) crash(in *instance) {
	in.state = crashed
	in.restartAt = e.t + e.ctrl.restartDelay(in.restarts)
	e.crashedNow = append(e.crashedNow, in)
}

func (e *engine) available(in *instance, minReadyS int) bool {
	return in.state == ready && e.t-in.readySince >= minReadyS
}

// errorRate is what one ready instance fails, with any elevated errors applied.
func (e *engine) errorRate(in *instance) float64 {
	v := e.ver[in.version]
	if v.Failure.ErrorRate > v.ErrorRate && e.t-in.readySince >= v.Failure.ErrorsAfterS {
		return v.Failure.ErrorRate
	}
	return v.ErrorRate
}

func (e *engine) eventf(format string, a ...any) {
	e.events = append(e.events, Event{T: e.t, Message: fmt.Sprintf(format, a...)})
}

// startRollback records the decision to go back to the old version.
func (e *engine) startRollback(reason string) {
	if e.rollbackStart >= 0 {
		return
	}
	e.rollbackStart = e.t
	e.eventf("rolling back to %s: %s", e.sc.From.Name, reason)
}

func (e *engine) finish(outcome string) {
	if e.done {
		return
	}
	e.done, e.finishedAt, e.outcome = true, e.t, outcome
	switch outcome {
	case OutcomeCompleted:
		e.eventf("rollout complete: all %d instances run %s", e.sc.Replicas, e.sc.To.Name)
	case OutcomeRolledBack:
		e.eventf("rollback complete: %s serves alone again", e.sc.From.Name)
	}
}

// noteRollbackDone marks the first second after a rollback decision in which
// the old version alone serves at full strength.
func (e *engine) noteRollbackDone() {
	if e.rollbackStart < 0 || e.rolledBackAt >= 0 || !e.attached[0] {
		return
	}
	readyOld := 0
	for _, in := range e.inst {
		if in.version == 1 {
			return
		}
		if in.state == ready {
			readyOld++
		}
	}
	if readyOld >= e.sc.Replicas && (e.split == nil || e.split[1] == 0) {
		e.rolledBackAt = e.t
	}
}

func (e *engine) routable(v int) bool {
	return e.attached[v] && (e.split == nil || e.split[v] > 0)
}

func (e *engine) record(tk Tick) {
	tk.T, tk.Phase = e.t, e.phase
	tk.Instances = len(e.inst)
	for v := range 2 {
		tk.Versions[v].Version = e.ver[v].Name
	}
	for _, in := range e.inst {
		vt := &tk.Versions[in.version]
		switch in.state {
		case starting:
			vt.Starting++
		case ready:
			vt.Ready++
			tk.Available++
			if e.routable(in.version) {
				vt.Serving++
				tk.Serving++
			}
		case crashed:
			vt.Crashed++
		}
	}
	if m, ok := e.ctrl.(interface{ minReady() int }); ok && m.minReady() > 0 {
		tk.Available = 0
		for _, in := range e.inst {
			if e.available(in, m.minReady()) {
				tk.Available++
			}
		}
	}
	s := &e.sum
	s.PeakInstances = max(s.PeakInstances, tk.Instances)
	if tk.Serving < s.MinAvailable {
		s.MinAvailable, s.MinAvailableAtS = tk.Serving, e.t
	}
	if tk.Versions[0].Serving > 0 && tk.Versions[1].Serving > 0 {
		s.MixedVersionsS++
	}
	s.Requests += int64(tk.Requests)
	s.Errors += int64(tk.Errors)
	s.Dropped += int64(tk.Dropped)
	s.InstanceSeconds += int64(tk.Instances)
	e.timeline = append(e.timeline, tk)
}

func (e *engine) result() *Result {
	s := e.sum
	s.Outcome = e.outcome
	s.DurationS = len(e.timeline)
	if s.MinAvailable == math.MaxInt {
		s.MinAvailable = 0
	}
	if e.outcome == OutcomeCompleted {
		s.Completed, s.CompleteS = true, e.finishedAt
	}
	if e.rollbackStart >= 0 && e.rolledBackAt >= 0 {
		s.RolledBack, s.RollbackS = true, e.rolledBackAt-e.rollbackStart
	}
	return &Result{
		Scenario: e.sc.Name,
		Strategy: e.sc.Strategy.Kind,
		Summary:  s,
		Events:   e.events,
		Timeline: e.timeline,
	}
}
