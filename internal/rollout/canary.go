package rollout

type canaryPhase uint8

const (
	canaryScaling canaryPhase = iota
	canaryHolding
	canaryPromoting
)

// canaryCtl works like Argo Rollouts with traffic routing: the stable version
// keeps all its instances; each step scales the canary to its share of the
// replicas (rounded up), waits until they are ready, then routes the step's
// weight to them and holds. An analysis watches the canary's requests all the
// while; too many failed checks, or a canary that never gets ready, roll back.
// After the last step the canary is scaled to full size, takes all traffic,
// and the stable instances go.
type canaryCtl struct {
	cfg     *Canary
	phase   canaryPhase
	stepIdx int
	started bool
	since   int
	holdTil int
	routed  bool
	an      analyzer
}

func (c *canaryCtl) restartDelay(restarts int) int { return kubeBackoff(restarts) }

func (c *canaryCtl) step(e *engine) {
	n := e.sc.Replicas
	if !c.started {
		c.started, c.since = true, e.t
		c.an.cfg = c.cfg.Analysis
		e.attached = [2]bool{true, true}
		e.split = []int{100, 0}
	}
	if c.routed {
		if failed, why := c.an.check(e); failed {
			c.rollback(e, why)
			return
		}
	}
	switch c.phase {
	case canaryScaling:
		w := c.cfg.Steps[c.stepIdx].Weight
		want := (n*w + 99) / 100
		e.phase = "canary scaling"
		if c.scaleCanary(e, want) < want {
			c.checkDeadline(e)
			return
		}
		e.split = []int{100 - w, w}
		if !c.routed {
			c.routed = true
			c.an.begin(e)
		}
		c.phase, c.holdTil = canaryHolding, e.t+c.cfg.Steps[c.stepIdx].PauseS
		e.eventf("canary step %d: %d%% of requests go to %d %s instance(s)", c.stepIdx+1, w, want, e.sc.To.Name)
		fallthrough
	case canaryHolding:
		e.phase = "canary"
		if e.t < c.holdTil {
			return
		}
		c.stepIdx++
		c.since = e.t
		if c.stepIdx < len(c.cfg.Steps) {
			c.phase = canaryScaling
			return
		}
		c.phase = canaryPromoting
		e.eventf("all canary steps passed: promoting %s", e.sc.To.Name)
		fallthrough
	case canaryPromoting:
		e.phase = "promoting"
		if c.scaleCanary(e, n) < n {
			c.checkDeadline(e)
			return
		}
		e.split = []int{0, 100}
		for _, in := range e.inst {
			if in.version == 0 {
				e.remove(in)
			}
		}
		e.finish(OutcomeCompleted)
	}
}

// scaleCanary brings the canary to want instances and returns how many are ready.
func (c *canaryCtl) scaleCanary(e *engine, want int) int {
	have, readyN := 0, 0
	for i := len(e.inst) - 1; i >= 0; i-- {
		in := e.inst[i]
		if in.version != 1 || in.gone {
			continue
		}
		if have == want {
			e.remove(in)
			continue
		}
		have++
		if in.state == ready {
			readyN++
		}
	}
	for i := have; i < want; i++ {
		e.create(1, i)
	}
	return readyN
}

func (c *canaryCtl) checkDeadline(e *engine) {
	if e.t-c.since > e.sc.ProgressDeadlineS {
		c.rollback(e, "the canary did not become ready within the progress deadline")
	}
}

// rollback sends every request to the stable version and removes the canary;
// the stable version never shrank, so this takes effect at once.
func (c *canaryCtl) rollback(e *engine, reason string) {
	e.startRollback(reason)
	e.split = []int{100, 0}
	for _, in := range e.inst {
		if in.version == 1 {
			e.remove(in)
		}
	}
	e.phase = "rolled back"
	e.finish(OutcomeRolledBack)
}
