package swarmrun

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// resources is what one session created, and what it must undo.
type resources struct {
	r *Runner
	// runID labels everything of this session, so its cleanup touches nothing else.
	runID string
	// initialised is set when the run made this engine a swarm, so must leave it.
	initialised bool
	// gwExisted records whether the swarm gateway bridge predates the run.
	gwExisted bool

	// buildMu makes concurrent rollouts wait for one another's image builds.
	buildMu sync.Mutex
	// mu guards the fields below, which concurrent rollouts share.
	mu       sync.Mutex
	images   []string
	network  string
	rollouts map[*deployment]bool
	// runs counts the rollouts made with these resources, to name them apart.
	runs int
}

// deployment is one rollout's share of a session: its services, found by its label.
type deployment struct {
	suffix     string
	demo, load string
}

// LabelRollout tells the services (and their containers) of one rollout from
// those of the other rollouts of the same session.
const LabelRollout = "io.devopsctl.rollout"

// labels marks the rollout's services with the session's labels and its own.
func (res *resources) labels(ro *deployment) map[string]string {
	l := res.r.labels(res.runID)
	l[LabelRollout] = ro.suffix
	return l
}

func (res *resources) newRollout() *deployment {
	res.mu.Lock()
	defer res.mu.Unlock()
	res.runs++
	ro := &deployment{suffix: fmt.Sprintf("%s-%d", res.runID, res.runs)}
	if res.rollouts == nil {
		res.rollouts = map[*deployment]bool{}
	}
	res.rollouts[ro] = true
	return ro
}

// track records a service a rollout created, so that the session's cleanup finds
// it even when the rollout's own removal did not run.
func (res *resources) track(field *string, id string) {
	res.mu.Lock()
	defer res.mu.Unlock()
	*field = id
}

// ensureNetwork creates the session's overlay network on the first rollout.
func (res *resources) ensureNetwork(ctx context.Context) (string, error) {
	res.mu.Lock()
	defer res.mu.Unlock()
	if res.network != "" {
		return res.network, nil
	}
	id, err := res.r.Swarm.CreateOverlayNetwork(ctx, res.networkName(), res.r.labels(res.runID))
	if err != nil {
		return "", err
	}
	res.network = id
	return id, nil
}

func (res *resources) builtImages() []string {
	res.mu.Lock()
	defer res.mu.Unlock()
	return slices.Clone(res.images)
}

func (res *resources) addImages(tags []string) {
	res.mu.Lock()
	defer res.mu.Unlock()
	res.images = append(res.images, tags...)
}

// ensureSwarm makes the engine a swarm manager if it is in no swarm at all. A swarm
// the engine is already in is used as is, as long as it can be managed from here.
func (res *resources) ensureSwarm(ctx context.Context) error {
	st, err := res.r.Swarm.SwarmState(ctx)
	if err != nil {
		return err
	}
	switch {
	case st.Active():
		return nil
	case !st.Inactive():
		return fmt.Errorf("this engine is in a swarm it cannot manage (state %s, manager %t): run the rollout on a manager, or leave that swarm first", st.LocalState, st.IsManager)
	}
	gw, err := res.r.Swarm.NetworkID(ctx, gwBridge)
	if err != nil {
		return err
	}
	res.gwExisted = gw != ""
	res.r.logf("initialising a single-node swarm on 127.0.0.1 (it is left again afterwards)")
	if err := res.r.Swarm.SwarmInit(ctx); err != nil {
		return err
	}
	res.initialised = true
	return nil
}

// cleanup removes, in dependency order, what the run created. It is detached from
// the run's context, which may be what got cancelled, and has a deadline of its own.
func (res *resources) cleanup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sw, eng := res.r.Swarm, res.r.Engine
	what := "removing the services, the network and the demo images"
	if res.initialised {
		what += ", then leaving the swarm"
	}
	res.r.logf("cleaning up: %s", what)
	var errs []error
	for _, ro := range res.liveRollouts() {
		errs = append(errs, res.removeRolloutCtx(ctx, ro))
	}
	if res.network != "" {
		errs = append(errs, retry(ctx, func() error { return removeNetwork(ctx, sw, res.network, res.networkName()) }))
	}
	if res.initialised {
		errs = append(errs, sw.SwarmLeave(ctx, true))
		if !res.gwExisted {
			if id, err := sw.NetworkID(ctx, gwBridge); err != nil {
				errs = append(errs, err)
			} else if id != "" {
				errs = append(errs, retry(ctx, func() error { return sw.RemoveNetwork(ctx, id) }))
			}
		}
	}
	for _, tag := range res.images {
		errs = append(errs, eng.RemoveImage(ctx, tag))
	}
	res.r.logf("cleaned up")
	return errors.Join(errs...)
}

// removeRollout removes the services of one rollout and waits for their
// containers to go, on a deadline of its own.
func (res *resources) removeRollout(ro *deployment) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return res.removeRolloutCtx(ctx, ro)
}

func (res *resources) removeRolloutCtx(ctx context.Context, ro *deployment) error {
	res.mu.Lock()
	ids := []string{ro.load, ro.demo}
	delete(res.rollouts, ro)
	res.mu.Unlock()
	var errs []error
	for _, id := range ids {
		if id != "" {
			errs = append(errs, res.r.Swarm.RemoveService(ctx, id))
		}
	}
	// Tasks stop after their service is gone; the network and the images are in use
	// until they have.
	if ids[0] != "" || ids[1] != "" {
		errs = append(errs, res.waitContainersGone(ctx, ro))
	}
	return errors.Join(errs...)
}

func (res *resources) liveRollouts() []*deployment {
	res.mu.Lock()
	defer res.mu.Unlock()
	return slices.Collect(maps.Keys(res.rollouts))
}

// waitContainersGone waits until no container of the rollout's services is left.
func (res *resources) waitContainersGone(ctx context.Context, ro *deployment) error {
	deadline, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	for {
		left, err := res.r.Engine.ListManaged(deadline, map[string]string{docker.LabelRun: res.runID, LabelRollout: ro.suffix})
		if err == nil && len(left.Containers) == 0 {
			return nil
		}
		if serr := sleepCtx(deadline, 250*time.Millisecond); serr != nil {
			if err != nil {
				return fmt.Errorf("wait for the rollout's containers to stop: %w", err)
			}
			return fmt.Errorf("%d containers of the rollout still there after 45s", len(left.Containers))
		}
	}
}

// networkName is the name of the run's overlay network.
func (res *resources) networkName() string { return "devopsctl-rollout-" + res.runID }

// removeNetwork removes a network and makes sure it is gone: in a swarm this run
// did not create, the engine has answered a removal right after the network's
// last tasks went without removing it.
func removeNetwork(ctx context.Context, sw docker.Swarm, id, name string) error {
	if err := sw.RemoveNetwork(ctx, id); err != nil {
		return err
	}
	left, err := sw.NetworkID(ctx, name)
	if err != nil {
		return err
	}
	if left != "" {
		return fmt.Errorf("network %s is still there after its removal", name)
	}
	return nil
}

// retryLimit is how long a removal is retried. A loaded engine takes more than
// ten seconds after leaving a swarm to let go of the gateway bridge's endpoints.
const retryLimit = 45 * time.Second

// retry repeats a removal the engine refuses while it is still tidying up, until
// it succeeds or retryLimit has passed.
func retry(ctx context.Context, f func() error) error {
	ctx, cancel := context.WithTimeout(ctx, retryLimit)
	defer cancel()
	for {
		err := f()
		if err == nil {
			return nil
		}
		if sleepCtx(ctx, 500*time.Millisecond) != nil {
			return err
		}
	}
}
