package rollout

import (
	"math"
	"math/rand/v2"
)

// serve sends one second of requests to the instances that can take them.
func (e *engine) serve() Tick {
	var tk Tick
	for k := range e.pool {
		e.pool[k] = e.pool[k][:0]
	}
	for _, in := range e.inst {
		if in.state == ready && e.routable(in.version) {
			e.pool[in.version] = append(e.pool[in.version], in)
			e.pool[2] = append(e.pool[2], in)
		}
	}
	n := e.sc.Traffic.RPS
	var lat [2]float64
	if e.perReq {
		e.servePerRequest(n, &tk, &lat)
	} else {
		e.serveAggregate(n, &tk, &lat)
	}
	tk.Requests = n
	for v := range 2 {
		vt := &tk.Versions[v]
		tk.Errors += vt.Errors
		if n > 0 {
			vt.Share = float64(vt.Requests) / float64(n)
		}
		if vt.Requests > 0 {
			vt.LatencyMS = lat[v] / float64(vt.Requests)
		}
		e.win[v].requests += vt.Requests
		e.win[v].errors += vt.Errors
		e.win[v].latencySum += lat[v]
	}
	tk.Errors += tk.Dropped - e.droppedAttributed(&tk)
	return tk
}

// droppedAttributed is the part of the dropped requests already counted as a
// version's errors (a split sends them to a version that had no instance).
func (e *engine) droppedAttributed(tk *Tick) int {
	if e.split == nil {
		return 0
	}
	return tk.Dropped
}

// splitVersion picks the version for one request when traffic is split.
func (e *engine) splitVersion() int {
	if e.splitLB == nil || !sameWeights(e.splitLB.weights, e.split) {
		e.splitLB = NewWeightedBalancer(e.split)
	}
	return e.splitLB.Next()
}

func sameWeights(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// servePerRequest follows each request through the balancer: exact shares, one
// random draw for its outcome and one for its latency.
func (e *engine) servePerRequest(n int, tk *Tick, lat *[2]float64) {
	var wts, cur [3][]int
	if e.weighted {
		for k, p := range e.pool {
			for _, in := range p {
				wts[k] = append(wts[k], in.weight)
				cur[k] = append(cur[k], in.current)
			}
		}
	}
	for range n {
		k, v := 2, -1
		if e.split != nil {
			v = e.splitVersion()
			k = v
		}
		p := e.pool[k]
		if len(p) == 0 {
			tk.Dropped++
			if v >= 0 {
				tk.Versions[v].Requests++
				tk.Versions[v].Errors++
			}
			continue
		}
		var in *instance
		if e.weighted {
			in = p[smoothPick(wts[k], cur[k])]
		} else {
			in = p[e.cursor[k]%len(p)]
			e.cursor[k]++
		}
		vt := &tk.Versions[in.version]
		vt.Requests++
		if e.rng.Float64() < e.errorRate(in) {
			vt.Errors++
		}
		lat[in.version] += e.rng.ExpFloat64() * e.ver[in.version].LatencyMS
	}
	if e.weighted {
		for k, p := range e.pool {
			for i, in := range p {
				in.current = cur[k][i]
			}
		}
	}
}

// serveAggregate handles a second of requests in bulk: per-group counts from
// the balancer's long-run shares, then one binomial draw for the errors and one
// normal draw for the latency sum of each group. A group is one version's
// instances with or without elevated errors.
func (e *engine) serveAggregate(n int, tk *Tick, lat *[2]float64) {
	var gw [4]float64
	for _, in := range e.pool[2] {
		g := in.version * 2
		if e.errorRate(in) != e.ver[in.version].ErrorRate {
			g++
		}
		gw[g] += float64(in.weight)
	}
	var counts [4]int
	if e.split != nil {
		var vw [2]float64
		var vn [2]int
		for v := range 2 {
			vw[v] = float64(max(e.split[v], 0))
		}
		apportion(n, vw[:], e.carryV[:], vn[:])
		for v := range 2 {
			if gw[2*v]+gw[2*v+1] == 0 {
				tk.Dropped += vn[v]
				tk.Versions[v].Requests += vn[v]
				tk.Versions[v].Errors += vn[v]
				continue
			}
			apportion(vn[v], gw[2*v:2*v+2], e.carryG[2*v:2*v+2], counts[2*v:2*v+2])
		}
	} else {
		if gw[0]+gw[1]+gw[2]+gw[3] == 0 {
			tk.Dropped += n
			return
		}
		apportion(n, gw[:], e.carryG[:], counts[:])
	}
	for g, c := range counts {
		if c == 0 {
			continue
		}
		v := g / 2
		ver := e.ver[v]
		rate := ver.ErrorRate
		if g%2 == 1 {
			rate = ver.Failure.ErrorRate
		}
		vt := &tk.Versions[v]
		vt.Requests += c
		vt.Errors += binomial(e.rng, c, rate)
		lat[v] += latencySum(e.rng, c, ver.LatencyMS)
	}
}

// binomial draws the number of successes in n trials of chance p. Small n is
// counted trial by trial; a small mean uses geometric gaps between successes;
// otherwise the normal approximation is within a fraction of a request.
func binomial(r *rand.Rand, n int, p float64) int {
	switch {
	case n <= 0 || p <= 0:
		return 0
	case p >= 1:
		return n
	case p > 0.5:
		return n - binomial(r, n, 1-p)
	case n <= 32:
		k := 0
		for range n {
			if r.Float64() < p {
				k++
			}
		}
		return k
	}
	mean := float64(n) * p
	if mean < 30 {
		logQ := math.Log1p(-p)
		k, pos := 0, 0
		for {
			pos += int(math.Log(1-r.Float64())/logQ) + 1
			if pos > n {
				return k
			}
			k++
		}
	}
	x := math.Round(mean + math.Sqrt(mean*(1-p))*r.NormFloat64())
	return int(min(max(x, 0), float64(n)))
}

// latencySum is the total time of n requests with exponential response times
// of the given mean, drawn from its normal approximation for large n.
func latencySum(r *rand.Rand, n int, mean float64) float64 {
	if mean <= 0 {
		return 0
	}
	if n <= 32 {
		s := 0.0
		for range n {
			s += r.ExpFloat64() * mean
		}
		return s
	}
	fn := float64(n)
	return max(fn*mean+mean*math.Sqrt(fn)*r.NormFloat64(), 0)
}
