package docker

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"
)

// LeaseEnv, when set to a duration ("30s"), replaces the lease of every
// container and network devopsctl creates; tests shorten it to see a lease
// end without waiting minutes.
const LeaseEnv = "DEVOPSCTL_LEASE"

// leaseOverride is the lease LeaseEnv asks for, 0 when it is unset or invalid.
func leaseOverride() time.Duration {
	d, err := time.ParseDuration(os.Getenv(LeaseEnv))
	if err != nil || d <= 0 {
		return 0
	}
	return d
}

// watchGiveUp is how long after the last lease a watch stops trying.
const watchGiveUp = 5 * time.Minute

// WatchPoll is how often a watch looks whether its run's resources are
// still there.
const WatchPoll = 10 * time.Second

// WatchRun keeps the lifetime bound of one run's containers and networks when
// nothing else will: it is run by a process of its own, started beside the run
// and outliving it. It sleeps until the earliest lease among them ends, or
// WatchPoll at most, then removes every one that is an orphan (its lease
// ended, or the run's process is gone, see Orphan), and returns once none is
// left. A run that cleans up after itself ends the watch at its next look.
func WatchRun(ctx context.Context, e Engine, runID string, poll time.Duration) error {
	for {
		lctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		res, err := e.ListManaged(lctx, map[string]string{LabelRun: runID})
		cancel()
		if err != nil {
			return err
		}
		if len(res.Containers)+len(res.Networks) == 0 {
			return nil
		}
		now := time.Now()
		next := now.Add(poll)
		removed, latest := false, int64(0)
		for _, id := range res.Containers {
			labels := res.ContainerLabels[id]
			exp, err := strconv.ParseInt(labels[LabelExpires], 10, 64)
			if err == nil {
				latest = max(latest, exp)
			}
			if Orphan(labels, now) {
				rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				e.RemoveContainer(rctx, id)
				cancel()
				removed = true
				continue
			}
			if t := time.Unix(exp+1, 0); err == nil && t.Before(next) {
				next = t
			}
		}
		for _, id := range res.Networks {
			if Orphan(res.NetworkLabels[id], now) {
				rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				e.RemoveNetwork(rctx, id)
				cancel()
				removed = true
			}
		}
		if removed {
			// Look again soon: what is left, if anything. Not at once, so a
			// removal the engine keeps refusing does not spin.
			next = now.Add(time.Second)
		}
		if latest > 0 && now.After(time.Unix(latest, 0).Add(watchGiveUp)) {
			return fmt.Errorf("the containers of run %s outlived their lease by %s: the engine did not remove them", runID, watchGiveUp)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Until(next)):
		}
	}
}
