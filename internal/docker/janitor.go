package docker

import (
	"context"
	"errors"
	"time"
)

// Cleanup removes the containers, networks and volumes devopsctl made that carry
// every label in match. It runs on its own short deadline, detached from the
// caller's context, because it is what runs after the caller was cancelled.
func Cleanup(e Engine, match map[string]string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := e.ListManaged(ctx, match)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range res.Containers {
		errs = append(errs, e.RemoveContainer(ctx, id))
	}
	for _, id := range res.Networks {
		errs = append(errs, e.RemoveNetwork(ctx, id))
	}
	for _, name := range res.Volumes {
		errs = append(errs, e.RemoveVolume(ctx, name))
	}
	return errors.Join(errs...)
}

// CleanAll removes everything labelled, images included: what `lab clean` does.
func CleanAll(e Engine, labID string) (Resources, error) {
	return CleanMatching(e, LabMatch(labID))
}

// CleanWorkspace removes everything made for one workspace, images included.
func CleanWorkspace(e Engine, dir string) (Resources, error) {
	return CleanMatching(e, map[string]string{LabelWorkspace: dir})
}

// CleanMatching removes everything devopsctl made that carries every label in
// match, images included.
func CleanMatching(e Engine, match map[string]string) (Resources, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := e.ListManaged(ctx, match)
	if err != nil {
		return res, err
	}
	if err := Cleanup(e, match); err != nil {
		return res, err
	}
	var errs []error
	for _, id := range res.Images {
		errs = append(errs, e.RemoveImage(ctx, id))
	}
	return res, errors.Join(errs...)
}

// Reap removes the containers, networks and volumes whose run is gone: the
// process that made them died without cleaning up (killed, or its machine
// lost power), or their lease ran out. Resources of live runs are left alone.
// Any devopsctl command calls it, so an orphan lives until the next one.
func Reap(e Engine) (Resources, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := e.ListManaged(ctx, nil)
	if err != nil {
		return Resources{}, err
	}
	now := time.Now()
	var reaped Resources
	var errs []error
	for _, id := range res.Containers {
		if Orphan(res.ContainerLabels[id], now) || strandedStep(res, id, now) {
			reaped.Containers = append(reaped.Containers, id)
			errs = append(errs, e.RemoveContainer(ctx, id))
		}
	}
	for _, id := range res.Networks {
		if Orphan(res.NetworkLabels[id], now) {
			reaped.Networks = append(reaped.Networks, id)
			errs = append(errs, e.RemoveNetwork(ctx, id))
		}
	}
	for _, name := range res.Volumes {
		if Orphan(res.VolumeLabels[name], now) {
			reaped.Volumes = append(reaped.Volumes, name)
			errs = append(errs, e.RemoveVolume(ctx, name))
		}
	}
	return reaped, errors.Join(errs...)
}

// stepGrace is how long a build step container may sit stopped before it is
// taken for one whose build was killed.
const stepGrace = time.Minute

// strandedStep reports whether a container is a step of a build that ended
// without removing it: the classic builder makes the final step's container
// with the image's labels (managed, no run, no owner), and removes it itself
// unless the process that asked for the build was killed at that moment. A
// live build's step container is gone within seconds.
func strandedStep(res Resources, id string, now time.Time) bool {
	labels := res.ContainerLabels[id]
	if labels[LabelRun] != "" || labels[LabelOwner] != "" || res.ContainerRunning[id] {
		return false
	}
	created, ok := res.ContainerCreated[id]
	return ok && now.Sub(created) > stepGrace
}
