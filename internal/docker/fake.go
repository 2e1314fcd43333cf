package docker

import (
	"context"
	"errors"
	"io"
)

// Fake is an Engine for tests: each method calls its func field, and a nil field
// answers with errFakeUnset so a test notices a call it did not expect.
type Fake struct {
	PingFunc             func(ctx context.Context) (string, error)
	BuildFunc            func(ctx context.Context, req BuildRequest, progress io.Writer) (BuildResult, error)
	InspectImageFunc     func(ctx context.Context, ref string) (Image, error)
	RemoveImageFunc      func(ctx context.Context, ref string) error
	RunContainerFunc     func(ctx context.Context, spec ContainerSpec) (Container, error)
	InspectContainerFunc func(ctx context.Context, id string) (ContainerState, error)
	ContainerLogsFunc    func(ctx context.Context, id string, tail int) (string, error)
	ContainerUsageFunc   func(ctx context.Context, id string) (Usage, error)
	RemoveContainerFunc  func(ctx context.Context, id string) error
	ListManagedFunc      func(ctx context.Context, match map[string]string) (Resources, error)
	RemoveNetworkFunc    func(ctx context.Context, id string) error
	RemoveVolumeFunc     func(ctx context.Context, name string) error
	ListeningSocketsFunc func(ctx context.Context, id string, labels map[string]string) ([]Socket, error)
}

var errFakeUnset = errors.New("fake engine: method not set by the test")

func (f *Fake) Ping(ctx context.Context) (string, error) {
	if f.PingFunc == nil {
		return "", errFakeUnset
	}
	return f.PingFunc(ctx)
}

func (f *Fake) Build(ctx context.Context, req BuildRequest, progress io.Writer) (BuildResult, error) {
	if f.BuildFunc == nil {
		return BuildResult{}, errFakeUnset
	}
	return f.BuildFunc(ctx, req, progress)
}

func (f *Fake) InspectImage(ctx context.Context, ref string) (Image, error) {
	if f.InspectImageFunc == nil {
		return Image{}, errFakeUnset
	}
	return f.InspectImageFunc(ctx, ref)
}

func (f *Fake) RemoveImage(ctx context.Context, ref string) error {
	if f.RemoveImageFunc == nil {
		return errFakeUnset
	}
	return f.RemoveImageFunc(ctx, ref)
}

func (f *Fake) RunContainer(ctx context.Context, spec ContainerSpec) (Container, error) {
	if f.RunContainerFunc == nil {
		return Container{}, errFakeUnset
	}
	return f.RunContainerFunc(ctx, spec)
}

func (f *Fake) InspectContainer(ctx context.Context, id string) (ContainerState, error) {
	if f.InspectContainerFunc == nil {
		return ContainerState{}, errFakeUnset
	}
	return f.InspectContainerFunc(ctx, id)
}

func (f *Fake) ContainerLogs(ctx context.Context, id string, tail int) (string, error) {
	if f.ContainerLogsFunc == nil {
		return "", errFakeUnset
	}
	return f.ContainerLogsFunc(ctx, id, tail)
}

func (f *Fake) RemoveContainer(ctx context.Context, id string) error {
	if f.RemoveContainerFunc == nil {
		return errFakeUnset
	}
	return f.RemoveContainerFunc(ctx, id)
}

func (f *Fake) ListManaged(ctx context.Context, match map[string]string) (Resources, error) {
	if f.ListManagedFunc == nil {
		return Resources{}, nil
	}
	return f.ListManagedFunc(ctx, match)
}

func (f *Fake) RemoveNetwork(ctx context.Context, id string) error {
	if f.RemoveNetworkFunc == nil {
		return errFakeUnset
	}
	return f.RemoveNetworkFunc(ctx, id)
}

func (f *Fake) RemoveVolume(ctx context.Context, name string) error {
	if f.RemoveVolumeFunc == nil {
		return errFakeUnset
	}
	return f.RemoveVolumeFunc(ctx, name)
}

func (f *Fake) ListeningSockets(ctx context.Context, id string, labels map[string]string) ([]Socket, error) {
	if f.ListeningSocketsFunc == nil {
		return nil, errFakeUnset
	}
	return f.ListeningSocketsFunc(ctx, id, labels)
}

func (f *Fake) ContainerUsage(ctx context.Context, id string) (Usage, error) {
	if f.ContainerUsageFunc == nil {
		return Usage{}, errFakeUnset
	}
	return f.ContainerUsageFunc(ctx, id)
}
