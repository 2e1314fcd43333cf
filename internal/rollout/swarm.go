package rollout

// swarmRestartDelayS is the default restart_policy delay of a Swarm service.
const swarmRestartDelayS = 5

// updateRun is an UpdateConfig with Docker's defaults applied.
type updateRun struct {
	parallelism, delayS, monitorS int
	action, order                 string
	maxFailureRatio               float32
}

func resolveUpdate(u *UpdateConfig) updateRun {
	r := updateRun{parallelism: 1, delayS: u.DelayS, monitorS: 5, action: u.FailureAction, order: u.Order, maxFailureRatio: float32(u.MaxFailureRatio)}
	if u.Parallelism != nil {
		r.parallelism = *u.Parallelism
	}
	if u.MonitorS != nil {
		r.monitorS = *u.MonitorS
	}
	if r.action == "" {
		r.action = ActionPause
	}
	if r.order == "" {
		r.order = StopFirst
	}
	return r
}

type workerState uint8

const (
	idle workerState = iota
	waiting
	delaying
)

// worker is one of the updater's parallel workers: it takes a slot, replaces
// its task, waits for the new task to run or fail, then sleeps the delay.
type worker struct {
	state workerState
	slot  int
	task  *instance
	until int
}

// swarmCtl follows swarmkit's updater. The dirty slots are handed to
// `parallelism` workers in order; stop-first shuts the old task down before the
// new one starts, start-first removes it once the new one runs. A task the
// update created that fails before it runs, or within the monitor window after,
// counts as a failure; when failures/dirty slots exceeds max_failure_ratio the
// failure action applies. A rollback is the same updater run with
// rollback_config towards the old version, and a rollback is never rolled back.
type swarmCtl struct {
	update, rollbackCfg updateRun
	cfg                 updateRun
	target              int
	rollingBack         bool
	slots               [][]*instance
	queue               []int
	next                int
	workers             []worker
	failures            int
	stopped             bool
	monitorUntil        int
	started             bool
}

func newSwarmCtl(sc *Scenario) *swarmCtl {
	s := sc.Strategy.Swarm
	c := &swarmCtl{update: resolveUpdate(&s.Update), target: 1}
	rb := UpdateConfig{}
	if s.Rollback != nil {
		rb = *s.Rollback
	}
	c.rollbackCfg = resolveUpdate(&rb)
	return c
}

func (c *swarmCtl) restartDelay(int) int { return swarmRestartDelayS }

func (c *swarmCtl) begin(e *engine, cfg updateRun) {
	if c.slots == nil {
		c.slots = make([][]*instance, e.sc.Replicas)
		for _, in := range e.inst {
			c.slots[in.slot] = append(c.slots[in.slot], in)
		}
	}
	c.cfg = cfg
	c.queue, c.next, c.failures, c.stopped, c.monitorUntil = c.queue[:0], 0, 0, false, -1
	for s, tasks := range c.slots {
		dirty := len(tasks) != 1
		for _, in := range tasks {
			in.updateTask, in.failCounted = false, false
			if in.version != c.target {
				dirty = true
			}
		}
		if dirty {
			c.queue = append(c.queue, s)
		}
	}
	p := cfg.parallelism
	if p == 0 {
		p = len(c.queue)
	}
	c.workers = make([]worker, p)
}

func (c *swarmCtl) rollback(e *engine, reason string) {
	if c.rollingBack {
		return
	}
	e.startRollback(reason)
	c.rollingBack, c.target = true, 0
	c.begin(e, c.rollbackCfg)
	e.eventf("rollback uses parallelism %d, order %s", c.cfg.parallelism, c.cfg.order)
}

func (c *swarmCtl) step(e *engine) {
	if !c.started {
		c.started = true
		c.begin(e, c.update)
		e.eventf("service update to %s: parallelism %d, delay %ds, order %s, failure action %s, monitor %ds, max failure ratio %g",
			e.sc.To.Name, c.cfg.parallelism, c.cfg.delayS, c.cfg.order, c.cfg.action, c.cfg.monitorS, c.cfg.maxFailureRatio)
	}
	e.phase = "updating"
	if c.rollingBack {
		e.phase = "rolling back"
	}
	if c.watchFailures(e) {
		return
	}
	for i := range c.workers {
		c.work(e, &c.workers[i])
	}
	c.checkDone(e)
}

// watchFailures counts failed update tasks and applies the failure action;
// it reports whether the update was stopped or turned into a rollback.
func (c *swarmCtl) watchFailures(e *engine) bool {
	if c.cfg.action == ActionContinue || c.stopped {
		return false
	}
	for _, in := range e.crashedNow {
		if !in.updateTask || in.failCounted || in.gone {
			continue
		}
		if in.firstReady >= 0 && e.t-in.firstReady > c.cfg.monitorS {
			continue
		}
		in.failCounted = true
		c.failures++
		if float32(c.failures)/float32(len(c.queue)) <= c.cfg.maxFailureRatio {
			continue
		}
		if c.cfg.action == ActionRollback && !c.rollingBack {
			e.eventf("%d of %d updated tasks failed, more than the max failure ratio %g allows: failure action rollback", c.failures, len(c.queue), c.cfg.maxFailureRatio)
			c.rollback(e, "update failed")
			return true
		}
		c.stopped = true
		what := "update"
		if c.rollingBack {
			what = "rollback"
		}
		e.eventf("%s paused: %d of %d updated tasks failed, more than the max failure ratio %g allows; it waits for a person now", what, c.failures, len(c.queue), c.cfg.maxFailureRatio)
		return false
	}
	return false
}

// work advances one worker as far as this second allows.
func (c *swarmCtl) work(e *engine, w *worker) {
	for range len(c.queue) + 2 {
		switch w.state {
		case idle:
			if c.stopped || c.next >= len(c.queue) {
				return
			}
			w.slot = c.queue[c.next]
			c.next++
			c.dispatch(e, w)
		case waiting:
			switch w.task.state {
			case ready:
				if c.cfg.order == StartFirst {
					c.removeOthers(w.slot, w.task)
				}
			case crashed:
			default:
				return
			}
			w.state, w.until, w.task = delaying, e.t+c.cfg.delayS, nil
		case delaying:
			if e.t < w.until {
				return
			}
			w.state = idle
		}
	}
}

// dispatch replaces the task in the worker's slot, or reuses a task of the
// target version already there.
func (c *swarmCtl) dispatch(e *engine, w *worker) {
	for _, in := range c.slots[w.slot] {
		if in.version == c.target {
			c.removeOthers(w.slot, in)
			w.state, w.until = delaying, e.t+c.cfg.delayS
			return
		}
	}
	if c.cfg.order != StartFirst {
		c.removeOthers(w.slot, nil)
	}
	task := e.create(c.target, w.slot)
	task.updateTask = true
	c.slots[w.slot] = append(c.slots[w.slot], task)
	w.state, w.task = waiting, task
}

func (c *swarmCtl) removeOthers(slot int, keep *instance) {
	kept := c.slots[slot][:0]
	for _, in := range c.slots[slot] {
		if in == keep {
			kept = append(kept, in)
		} else {
			in.gone = true
		}
	}
	c.slots[slot] = kept
}

func (c *swarmCtl) checkDone(e *engine) {
	for _, w := range c.workers {
		if w.state != idle {
			return
		}
	}
	if c.stopped {
		e.finish(OutcomePaused)
		return
	}
	if c.next < len(c.queue) {
		return
	}
	// Every slot is done; keep watching one monitor period before declaring
	// the update complete.
	if c.monitorUntil < 0 {
		c.monitorUntil = e.t + c.cfg.monitorS
	}
	if e.t >= c.monitorUntil {
		if c.rollingBack {
			e.finish(OutcomeRolledBack)
		} else {
			e.finish(OutcomeCompleted)
		}
	}
}
