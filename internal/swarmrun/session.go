package swarmrun

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// resources is what one run created, and what it must undo.
type resources struct {
	r *Runner
	// runID labels the containers of this run's services.
	runID string
	// initialised is set when the run made this engine a swarm, so must leave it.
	initialised bool
	// gwExisted records whether the swarm gateway bridge predates the run.
	gwExisted  bool
	images     []string
	network    string
	demo, load string
	// runs counts the rollouts made with these resources.
	runs int
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
	errs := []error{res.removeServicesCtx(ctx)}
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

// removeServices removes the services of one rollout and waits for their
// containers to go, on a deadline of its own.
func (res *resources) removeServices() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return res.removeServicesCtx(ctx)
}

func (res *resources) removeServicesCtx(ctx context.Context) error {
	var errs []error
	for _, id := range []string{res.load, res.demo} {
		if id != "" {
			errs = append(errs, res.r.Swarm.RemoveService(ctx, id))
		}
	}
	// Tasks stop after their service is gone; the network and the images are in use
	// until they have.
	errs = append(errs, res.waitContainersGone(ctx))
	res.load, res.demo = "", ""
	return errors.Join(errs...)
}

// waitContainersGone waits until no container of the run's services is left.
func (res *resources) waitContainersGone(ctx context.Context) error {
	if res.demo == "" && res.load == "" {
		return nil
	}
	deadline, cancel := context.WithTimeout(ctx, 45*time.Second)
	defer cancel()
	for {
		left, err := res.r.Engine.ListManaged(deadline, map[string]string{docker.LabelRun: res.runID})
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
