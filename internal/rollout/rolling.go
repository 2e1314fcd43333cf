package rollout

import "fmt"

func newController(sc *Scenario) (controller, error) {
	switch sc.Strategy.Kind {
	case KindRolling:
		r := sc.Strategy.Rolling
		surge, unavail, err := ResolveFenceposts(r.MaxSurge, r.MaxUnavailable, sc.Replicas)
		if err != nil {
			return nil, err
		}
		return &rollingCtl{surge: surge, unavail: unavail, minReadyS: r.MinReadyS, target: 1}, nil
	case KindSwarm:
		return newSwarmCtl(sc), nil
	case KindBlueGreen:
		return &blueGreenCtl{cfg: sc.Strategy.BlueGreen}, nil
	case KindCanary:
		return &canaryCtl{cfg: sc.Strategy.Canary}, nil
	}
	return nil, fmt.Errorf("strategy kind %q is unknown", sc.Strategy.Kind)
}

// kubeBackoff is the kubelet's crash-loop back-off: 10s, doubling, at most 5 minutes.
func kubeBackoff(restarts int) int {
	d := 10
	for range restarts {
		d *= 2
		if d >= 300 {
			return 300
		}
	}
	return d
}

// rollingCtl is the Kubernetes deployment controller's rolling update: the new
// ReplicaSet grows while all pods stay within replicas+maxSurge, and the old
// ones shrink while at least replicas-maxUnavailable pods stay available.
// A rollback (kubectl rollout undo) makes the old version the target and runs
// the same rules the other way.
type rollingCtl struct {
	surge, unavail int
	minReadyS      int
	target         int
	started        bool
	lastProgress   int
	lastAvail      int
}

func (c *rollingCtl) restartDelay(restarts int) int { return kubeBackoff(restarts) }
func (c *rollingCtl) minReady() int                 { return c.minReadyS }

func (c *rollingCtl) rollback(e *engine, reason string) {
	e.startRollback(reason)
	c.target = 0
	c.lastProgress, c.lastAvail = e.t, 0
}

func (c *rollingCtl) step(e *engine) {
	n := e.sc.Replicas
	if !c.started {
		c.started = true
		e.eventf("rolling update to %s: max surge %d, max unavailable %d (of %d)", e.sc.To.Name, c.surge, c.unavail, n)
	}
	e.phase = "rolling"
	if c.target == 0 {
		e.phase = "rolling back"
	}
	newAll, newAvail, oldAll, oldAvail := c.census(e)
	all := newAll + oldAll
	scaled := false

	// Scale the new ReplicaSet up within replicas+maxSurge.
	if maxTotal := n + c.surge; all < maxTotal && newAll < n {
		up := min(maxTotal-all, n-newAll)
		for range up {
			e.create(c.target, 0)
		}
		newAll += up
		all += up
		scaled = true
	}

	// Scale the old ones down, never below replicas-maxUnavailable available.
	if oldAll > 0 {
		minAvail := n - c.unavail
		maxScaledDown := all - minAvail - (newAll - newAvail)
		if maxScaledDown > 0 {
			// Unhealthy old pods go first: they serve nobody and would
			// otherwise block the rollout.
			cleaned := c.removeOld(e, min(maxScaledDown, oldAll-oldAvail), false)
			oldAll -= cleaned
			if avail := newAvail + oldAvail; avail > minAvail {
				oldAll -= c.removeOld(e, min(avail-minAvail, oldAll), true)
			}
			scaled = scaled || cleaned > 0
		}
	}

	if newAvail != c.lastAvail || scaled {
		c.lastAvail, c.lastProgress = newAvail, e.t
	}
	switch {
	case newAll == n && newAvail == n && oldAll == 0:
		if c.target == 0 {
			e.finish(OutcomeRolledBack)
		} else {
			e.finish(OutcomeCompleted)
		}
	case e.t-c.lastProgress > e.sc.ProgressDeadlineS:
		e.eventf("no progress for %ds (progress deadline): the rollout is stuck, and Kubernetes does not roll back by itself", e.sc.ProgressDeadlineS)
		e.finish(OutcomeStalled)
	}
}

func (c *rollingCtl) census(e *engine) (newAll, newAvail, oldAll, oldAvail int) {
	for _, in := range e.inst {
		if in.gone {
			continue
		}
		avail := e.available(in, c.minReadyS)
		if in.version == c.target {
			newAll++
			if avail {
				newAvail++
			}
		} else {
			oldAll++
			if avail {
				oldAvail++
			}
		}
	}
	return
}

// removeOld deletes up to k old pods, newest first, taking only unavailable
// ones (the ReplicaSet controller's preference) or, with available set, any.
func (c *rollingCtl) removeOld(e *engine, k int, available bool) int {
	removed := 0
	for pass := 0; pass < 2 && removed < k; pass++ {
		if pass == 1 && !available {
			break
		}
		for i := len(e.inst) - 1; i >= 0 && removed < k; i-- {
			in := e.inst[i]
			if in.gone || in.version == c.target {
				continue
			}
			if pass == 0 && e.available(in, c.minReadyS) {
				continue
			}
			e.remove(in)
			removed++
		}
	}
	return removed
}
