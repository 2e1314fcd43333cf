package rollout

type bgPhase uint8

const (
	bgDeploying bgPhase = iota
	bgPreview
	bgSwitched
)

// blueGreenCtl starts a full green stack next to blue, switches all traffic in
// one step once every green instance is ready (and any preview time is over),
// and keeps blue for the scale-down delay: until then going back is one switch.
type blueGreenCtl struct {
	cfg          *BlueGreen
	phase        bgPhase
	started      bool
	since        int
	previewUntil int
	scaleDownAt  int
	an           analyzer
}

func (c *blueGreenCtl) restartDelay(restarts int) int { return kubeBackoff(restarts) }

func (c *blueGreenCtl) step(e *engine) {
	n := e.sc.Replicas
	if !c.started {
		c.started, c.since = true, e.t
		c.an.cfg = c.cfg.Analysis
		e.attached = [2]bool{true, false}
		for i := range n {
			e.create(1, i)
		}
		e.eventf("green stack: %d instances of %s start next to blue; users stay on %s", n, e.sc.To.Name, e.sc.From.Name)
	}
	switch c.phase {
	case bgDeploying:
		e.phase = "green starting"
		if c.readyGreen(e) < n {
			if e.t-c.since > e.sc.ProgressDeadlineS {
				c.abandonGreen(e, "green never became healthy within the progress deadline")
			}
			return
		}
		e.eventf("green is healthy: all %d instances ready", n)
		c.phase, c.previewUntil = bgPreview, e.t+c.cfg.PreviewS
		if c.cfg.PreviewS > 0 {
			e.eventf("preview: green answers on the preview address for %ds before the switch", c.cfg.PreviewS)
		}
		fallthrough
	case bgPreview:
		e.phase = "preview"
		if e.t < c.previewUntil {
			return
		}
		e.attached = [2]bool{false, true}
		c.phase, c.scaleDownAt = bgSwitched, e.t+*c.cfg.ScaleDownDelayS
		c.an.begin(e)
		e.eventf("switch: all traffic goes to green (%s); blue stays for %ds in case of rollback", e.sc.To.Name, *c.cfg.ScaleDownDelayS)
		fallthrough
	case bgSwitched:
		e.phase = "switched"
		if failed, why := c.an.check(e); failed {
			c.rollback(e, why)
			return
		}
		if e.t >= c.scaleDownAt {
			for _, in := range e.inst {
				if in.version == 0 {
					e.remove(in)
				}
			}
			e.eventf("blue scaled down")
			e.finish(OutcomeCompleted)
		}
	}
}

func (c *blueGreenCtl) readyGreen(e *engine) int {
	k := 0
	for _, in := range e.inst {
		if in.version == 1 && in.state == ready {
			k++
		}
	}
	return k
}

// rollback switches users back to blue at once; blue is still there because
// the scale-down delay has not run out while the controller is active.
func (c *blueGreenCtl) rollback(e *engine, reason string) {
	if c.phase == bgSwitched {
		e.attached = [2]bool{true, false}
		e.eventf("switch back: all traffic goes to blue (%s) again", e.sc.From.Name)
	}
	c.abandonGreen(e, reason)
}

func (c *blueGreenCtl) abandonGreen(e *engine, reason string) {
	e.startRollback(reason)
	for _, in := range e.inst {
		if in.version == 1 {
			e.remove(in)
		}
	}
	e.phase = "rolled back"
	e.finish(OutcomeRolledBack)
}
