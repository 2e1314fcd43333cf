package docker

import "context"

// FakeSwarm is a Swarm for tests: each method calls its func field, and a nil field
// answers with errFakeUnset so a test notices a call it did not expect.
type FakeSwarm struct {
	SwarmStateFunc           func(ctx context.Context) (SwarmState, error)
	SwarmInitFunc            func(ctx context.Context) error
	SwarmLeaveFunc           func(ctx context.Context, force bool) error
	NetworkIDFunc            func(ctx context.Context, name string) (string, error)
	CreateOverlayNetworkFunc func(ctx context.Context, name string, labels map[string]string) (string, error)
	RemoveNetworkFunc        func(ctx context.Context, id string) error
	CreateServiceFunc        func(ctx context.Context, spec ServiceSpec) (string, error)
	InspectServiceFunc       func(ctx context.Context, id string) (Service, error)
	UpdateServiceFunc        func(ctx context.Context, id string, version uint64, spec ServiceSpec) error
	RemoveServiceFunc        func(ctx context.Context, id string) error
	ListTasksFunc            func(ctx context.Context, serviceID string) ([]Task, error)
	ServiceLogsFunc          func(ctx context.Context, id string) (string, error)
	ListManagedServicesFunc  func(ctx context.Context, match map[string]string) ([]string, error)
}

func (f *FakeSwarm) SwarmState(ctx context.Context) (SwarmState, error) {
	if f.SwarmStateFunc == nil {
		return SwarmState{}, errFakeUnset
	}
	return f.SwarmStateFunc(ctx)
}

func (f *FakeSwarm) SwarmInit(ctx context.Context) error {
	if f.SwarmInitFunc == nil {
		return errFakeUnset
	}
	return f.SwarmInitFunc(ctx)
}

func (f *FakeSwarm) SwarmLeave(ctx context.Context, force bool) error {
	if f.SwarmLeaveFunc == nil {
		return errFakeUnset
	}
	return f.SwarmLeaveFunc(ctx, force)
}

func (f *FakeSwarm) NetworkID(ctx context.Context, name string) (string, error) {
	if f.NetworkIDFunc == nil {
		return "", errFakeUnset
	}
	return f.NetworkIDFunc(ctx, name)
}

func (f *FakeSwarm) CreateOverlayNetwork(ctx context.Context, name string, labels map[string]string) (string, error) {
	if f.CreateOverlayNetworkFunc == nil {
		return "", errFakeUnset
	}
	return f.CreateOverlayNetworkFunc(ctx, name, labels)
}

func (f *FakeSwarm) RemoveNetwork(ctx context.Context, id string) error {
	if f.RemoveNetworkFunc == nil {
		return errFakeUnset
	}
	return f.RemoveNetworkFunc(ctx, id)
}

func (f *FakeSwarm) CreateService(ctx context.Context, spec ServiceSpec) (string, error) {
	if f.CreateServiceFunc == nil {
		return "", errFakeUnset
	}
	return f.CreateServiceFunc(ctx, spec)
}

func (f *FakeSwarm) InspectService(ctx context.Context, id string) (Service, error) {
	if f.InspectServiceFunc == nil {
		return Service{}, errFakeUnset
	}
	return f.InspectServiceFunc(ctx, id)
}

func (f *FakeSwarm) UpdateService(ctx context.Context, id string, version uint64, spec ServiceSpec) error {
	if f.UpdateServiceFunc == nil {
		return errFakeUnset
	}
	return f.UpdateServiceFunc(ctx, id, version, spec)
}

func (f *FakeSwarm) RemoveService(ctx context.Context, id string) error {
	if f.RemoveServiceFunc == nil {
		return errFakeUnset
	}
	return f.RemoveServiceFunc(ctx, id)
}

func (f *FakeSwarm) ListTasks(ctx context.Context, serviceID string) ([]Task, error) {
	if f.ListTasksFunc == nil {
		return nil, errFakeUnset
	}
	return f.ListTasksFunc(ctx, serviceID)
}

func (f *FakeSwarm) ServiceLogs(ctx context.Context, id string) (string, error) {
	if f.ServiceLogsFunc == nil {
		return "", errFakeUnset
	}
	return f.ServiceLogsFunc(ctx, id)
}

func (f *FakeSwarm) ListManagedServices(ctx context.Context, match map[string]string) ([]string, error) {
	if f.ListManagedServicesFunc == nil {
		return nil, errFakeUnset
	}
	return f.ListManagedServicesFunc(ctx, match)
}

var _ Swarm = (*FakeSwarm)(nil)
