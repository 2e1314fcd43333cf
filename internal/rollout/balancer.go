package rollout

import "math"

// WeightedBalancer picks backends in proportion to their weights with the
// smooth weighted round-robin that nginx and HAProxy use: over every run of
// sum(weights) picks each backend gets exactly its weight, and heavy backends
// are interleaved rather than bunched.
type WeightedBalancer struct {
	weights []int
	current []int
}

// NewWeightedBalancer builds a balancer over backends 0..len(weights)-1.
// Backends with a weight of 0 or less never get a request.
func NewWeightedBalancer(weights []int) *WeightedBalancer {
	return &WeightedBalancer{weights: append([]int(nil), weights...), current: make([]int, len(weights))}
}

// Next returns the backend for the next request, or -1 when no backend has a
// positive weight.
func (b *WeightedBalancer) Next() int {
	return smoothPick(b.weights, b.current)
}

// Shares returns each backend's long-run share of requests.
func (b *WeightedBalancer) Shares() []float64 {
	total := 0
	for _, w := range b.weights {
		total += max(w, 0)
	}
	shares := make([]float64, len(b.weights))
	if total == 0 {
		return shares
	}
	for i, w := range b.weights {
		shares[i] = float64(max(w, 0)) / float64(total)
	}
	return shares
}

// smoothPick is one step of smooth weighted round-robin: every backend gains
// its weight, the richest one is chosen and pays back the total.
func smoothPick(weights, current []int) int {
	best, total := -1, 0
	for i, w := range weights {
		if w <= 0 {
			continue
		}
		current[i] += w
		total += w
		if best < 0 || current[i] > current[best] {
			best = i
		}
	}
	if best >= 0 {
		current[best] -= total
	}
	return best
}

// apportion splits n requests over groups in proportion to weights. The
// fractions left over are carried from call to call, so over many seconds each
// group gets its exact share even when a second's split does not divide evenly.
// It writes into out (len(weights)) and keeps carry (len(weights)) up to date.
func apportion(n int, weights []float64, carry []float64, out []int) {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	for i := range out {
		out[i] = 0
	}
	if n <= 0 || total <= 0 {
		return
	}
	given := 0
	for i, w := range weights {
		if w <= 0 {
			carry[i] = 0
			continue
		}
		exact := float64(n)*w/total + carry[i]
		out[i] = max(int(math.Floor(exact)), 0)
		carry[i] = exact - float64(out[i])
		given += out[i]
	}
	// A group paid ahead in earlier seconds may push the sum over n.
	for ; given > n; given-- {
		worst := -1
		for i := range weights {
			if out[i] > 0 && (worst < 0 || carry[i] < carry[worst]) {
				worst = i
			}
		}
		out[worst]--
		carry[worst]++
	}
	// Hand the leftover requests to the groups owed the most.
	for ; given < n; given++ {
		best := -1
		for i, w := range weights {
			if w > 0 && (best < 0 || carry[i] > carry[best]) {
				best = i
			}
		}
		out[best]++
		carry[best]--
	}
}
