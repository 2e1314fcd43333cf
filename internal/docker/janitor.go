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
