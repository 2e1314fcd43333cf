package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/swarm"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
)

// Swarm is the part of the Engine API that real rollouts use. It is kept apart from
// Engine because only the rollout runner needs it and a lab check's fake should not
// have to grow a dozen swarm methods.
type Swarm interface {
	// SwarmState reports whether this engine is part of a swarm, and as what.
	SwarmState(ctx context.Context) (SwarmState, error)
	// SwarmInit makes this engine a single-node swarm manager listening on loopback.
	SwarmInit(ctx context.Context) error
	// SwarmLeave takes this engine out of its swarm; force is needed for the last manager.
	SwarmLeave(ctx context.Context, force bool) error
	// NetworkID returns the ID of the network with exactly this name, or "" when none.
	NetworkID(ctx context.Context, name string) (string, error)
	// CreateOverlayNetwork creates an attachable overlay network.
	CreateOverlayNetwork(ctx context.Context, name string, labels map[string]string) (string, error)
	RemoveNetwork(ctx context.Context, id string) error
	CreateService(ctx context.Context, spec ServiceSpec) (string, error)
	// InspectService returns ErrNotFound when the service does not exist.
	InspectService(ctx context.Context, id string) (Service, error)
	// UpdateService replaces the service's spec; version is the one last inspected,
	// so that a concurrent change is refused rather than overwritten.
	UpdateService(ctx context.Context, id string, version uint64, spec ServiceSpec) error
	RemoveService(ctx context.Context, id string) error
	// ListTasks lists the tasks of one service, old and current.
	ListTasks(ctx context.Context, serviceID string) ([]Task, error)
	// ServiceLogs returns the stdout of a service's tasks (at most 4 MiB).
	ServiceLogs(ctx context.Context, id string) (string, error)
	// ListManagedServices lists the IDs of services carrying the managed label and
	// every label in match.
	ListManagedServices(ctx context.Context, match map[string]string) ([]string, error)
}

// SwarmState is this engine's membership of a swarm.
type SwarmState struct {
	// LocalState is the engine's own view: "inactive", "pending", "active", "error"
	// or "locked".
	LocalState string
	IsManager  bool
	NodeID     string
}

// Active reports whether the engine is in a swarm it can manage.
func (s SwarmState) Active() bool { return s.LocalState == "active" && s.IsManager }

// Inactive reports whether the engine is in no swarm at all.
func (s SwarmState) Inactive() bool { return s.LocalState == "inactive" || s.LocalState == "" }

// Update failure actions and orders, as the engine spells them.
const (
	FailurePause    = "pause"
	FailureContinue = "continue"
	FailureRollback = "rollback"
	OrderStopFirst  = "stop-first"
	OrderStartFirst = "start-first"
)

// UpdatePolicy is a service's update_config or rollback_config.
type UpdatePolicy struct {
	Parallelism     uint64
	Delay           time.Duration
	FailureAction   string // pause|continue|rollback (rollback is not valid for rollback_config)
	Monitor         time.Duration
	MaxFailureRatio float64
	Order           string // stop-first|start-first
}

// ServiceSpec describes a replicated service. Every task is unprivileged, has a
// read-only root filesystem, runs as an unprivileged user and is resource-limited;
// the zero values pick safe defaults.
type ServiceSpec struct {
	Name     string
	Image    string
	Args     []string
	Env      []string
	Labels   map[string]string // on the service and on its tasks' containers
	Replicas uint64
	Networks []string // network IDs or names
	// DNSRoundRobin resolves the service name to its tasks' addresses instead of a
	// virtual IP; no port can be published then.
	DNSRoundRobin bool
	Update        *UpdatePolicy
	Rollback      *UpdatePolicy
	// RestartNever stops the engine from replacing a task that exited: for one-shot
	// jobs.
	RestartNever bool
	// StopGrace is how long a task has between SIGTERM and SIGKILL.
	StopGrace time.Duration
	Memory    int64   // bytes; default 64 MiB
	CPUs      float64 // default 0.5
	PidsMax   int64   // default 64
	User      string  // default 65534:65534 (nobody)
}

// Service is what devopsctl reads back of a service.
type Service struct {
	ID      string
	Version uint64
	Spec    ServiceSpec
	// UpdateState is "" before any update, then updating, paused, completed,
	// rollback_started, rollback_paused or rollback_completed.
	UpdateState   string
	UpdateMessage string
}

// Task is one slot's attempt at running a service's container.
type Task struct {
	ID           string
	Slot         int
	Image        string
	Labels       map[string]string // the container labels of the task's spec
	State        string            // new, pending, ..., running, complete, failed, shutdown, rejected
	DesiredState string
	Err          string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ExitCode     int
}

// Running reports whether the task's container is up.
func (t Task) Running() bool { return t.State == string(swarm.TaskStateRunning) }

// SwarmState implements Swarm.
func (c *Client) SwarmState(ctx context.Context) (SwarmState, error) {
	info, err := c.api.Info(ctx)
	if err != nil {
		return SwarmState{}, fmt.Errorf("read swarm state: %w", err)
	}
	return SwarmState{
		LocalState: string(info.Swarm.LocalNodeState),
		IsManager:  info.Swarm.ControlAvailable,
		NodeID:     info.Swarm.NodeID,
	}, nil
}

// SwarmInit implements Swarm. It binds to loopback so the swarm cannot be joined
// from the network: it exists only for the length of one rollout.
func (c *Client) SwarmInit(ctx context.Context) error {
	_, err := c.api.SwarmInit(ctx, swarm.InitRequest{
		ListenAddr:    "127.0.0.1:2377",
		AdvertiseAddr: "127.0.0.1",
		Spec: swarm.Spec{
			Annotations: swarm.Annotations{Labels: Labels("")},
			Orchestration: swarm.OrchestrationConfig{
				TaskHistoryRetentionLimit: int64ptr(10),
			},
		},
	})
	if err != nil {
		return fmt.Errorf("initialise swarm on 127.0.0.1: %s", cleanEngineError(err))
	}
	return nil
}

// SwarmLeave implements Swarm.
func (c *Client) SwarmLeave(ctx context.Context, force bool) error {
	if err := c.api.SwarmLeave(ctx, force); err != nil {
		return fmt.Errorf("leave swarm: %s", cleanEngineError(err))
	}
	return nil
}

// NetworkID implements Swarm.
func (c *Client) NetworkID(ctx context.Context, name string) (string, error) {
	nets, err := c.api.NetworkList(ctx, network.ListOptions{Filters: filters.NewArgs(filters.Arg("name", name))})
	if err != nil {
		return "", fmt.Errorf("list networks named %s: %w", name, err)
	}
	// The name filter matches substrings.
	for _, n := range nets {
		if n.Name == name {
			return n.ID, nil
		}
	}
	return "", nil
}

// CreateOverlayNetwork implements Swarm.
func (c *Client) CreateOverlayNetwork(ctx context.Context, name string, labels map[string]string) (string, error) {
	resp, err := c.api.NetworkCreate(ctx, name, network.CreateOptions{
		Driver:     "overlay",
		Attachable: true,
		Labels:     labels,
	})
	if err != nil {
		return "", fmt.Errorf("create overlay network %s: %s", name, cleanEngineError(err))
	}
	return resp.ID, nil
}

// CreateService implements Swarm.
func (c *Client) CreateService(ctx context.Context, spec ServiceSpec) (string, error) {
	resp, err := c.api.ServiceCreate(ctx, toSwarmSpec(spec), swarm.ServiceCreateOptions{})
	if err != nil {
		return "", fmt.Errorf("create service %s: %s", spec.Name, cleanEngineError(err))
	}
	return resp.ID, nil
}

// InspectService implements Swarm.
func (c *Client) InspectService(ctx context.Context, id string) (Service, error) {
	s, _, err := c.api.ServiceInspectWithRaw(ctx, id, swarm.ServiceInspectOptions{})
	if err != nil {
		if client.IsErrNotFound(err) {
			return Service{}, fmt.Errorf("service %s: %w", short(id), ErrNotFound)
		}
		return Service{}, fmt.Errorf("inspect service %s: %w", short(id), err)
	}
	out := Service{ID: s.ID, Version: s.Version.Index, Spec: fromSwarmSpec(s.Spec)}
	if s.UpdateStatus != nil {
		out.UpdateState = string(s.UpdateStatus.State)
		out.UpdateMessage = s.UpdateStatus.Message
	}
	return out, nil
}

// UpdateService implements Swarm.
func (c *Client) UpdateService(ctx context.Context, id string, version uint64, spec ServiceSpec) error {
	resp, err := c.api.ServiceUpdate(ctx, id, swarm.Version{Index: version}, toSwarmSpec(spec), swarm.ServiceUpdateOptions{})
	if err != nil {
		return fmt.Errorf("update service %s: %s", spec.Name, cleanEngineError(err))
	}
	// A warning is the engine's way of saying it could not reach a registry for the
	// image digest, which is expected for local images; anything else is worth failing on.
	for _, w := range resp.Warnings {
		if !strings.Contains(w, "registry") {
			return fmt.Errorf("update service %s: engine warned: %s", spec.Name, w)
		}
	}
	return nil
}

// RemoveService implements Swarm.
func (c *Client) RemoveService(ctx context.Context, id string) error {
	if err := c.api.ServiceRemove(ctx, id); err != nil && !client.IsErrNotFound(err) {
		return fmt.Errorf("remove service %s: %w", short(id), err)
	}
	return nil
}

// ListTasks implements Swarm.
func (c *Client) ListTasks(ctx context.Context, serviceID string) ([]Task, error) {
	ts, err := c.api.TaskList(ctx, swarm.TaskListOptions{Filters: filters.NewArgs(filters.Arg("service", serviceID))})
	if err != nil {
		return nil, fmt.Errorf("list tasks of service %s: %w", short(serviceID), err)
	}
	out := make([]Task, 0, len(ts))
	for _, t := range ts {
		task := Task{
			ID:           t.ID,
			Slot:         t.Slot,
			State:        string(t.Status.State),
			DesiredState: string(t.DesiredState),
			Err:          t.Status.Err,
			CreatedAt:    t.CreatedAt,
			UpdatedAt:    t.Status.Timestamp,
		}
		if cs := t.Spec.ContainerSpec; cs != nil {
			task.Image = cs.Image
			task.Labels = cs.Labels
		}
		if t.Status.ContainerStatus != nil {
			task.ExitCode = t.Status.ContainerStatus.ExitCode
		}
		out = append(out, task)
	}
	return out, nil
}

// ServiceLogs implements Swarm.
func (c *Client) ServiceLogs(ctx context.Context, id string) (string, error) {
	rc, err := c.api.ServiceLogs(ctx, id, container.LogsOptions{ShowStdout: true})
	if err != nil {
		return "", fmt.Errorf("logs of service %s: %s", short(id), cleanEngineError(err))
	}
	defer rc.Close()
	var out, discard strings.Builder
	// Services without a TTY send multiplexed frames.
	if _, err := stdcopy.StdCopy(&out, &discard, io.LimitReader(rc, 4<<20)); err != nil && !errors.Is(err, io.EOF) {
		return out.String(), fmt.Errorf("read logs of service %s: %w", short(id), err)
	}
	return out.String(), nil
}

// ListManagedServices implements Swarm.
func (c *Client) ListManagedServices(ctx context.Context, match map[string]string) ([]string, error) {
	f := filters.NewArgs(filters.Arg("label", LabelManaged+"=true"))
	for k, v := range match {
		f.Add("label", k+"="+v)
	}
	svcs, err := c.api.ServiceList(ctx, swarm.ServiceListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	ids := make([]string, 0, len(svcs))
	for _, s := range svcs {
		ids = append(ids, s.ID)
	}
	return ids, nil
}

func toSwarmSpec(s ServiceSpec) swarm.ServiceSpec {
	s = withSafeServiceDefaults(s)
	replicas := s.Replicas
	grace := s.StopGrace
	cs := &swarm.ContainerSpec{
		Image:           s.Image,
		Args:            s.Args,
		Env:             s.Env,
		Labels:          s.Labels,
		User:            s.User,
		ReadOnly:        true,
		StopGracePeriod: &grace,
		CapabilityDrop:  []string{"ALL"},
		// Engines before API 1.46 ignore this field; the dropped capabilities and the
		// unprivileged user already keep the task from gaining privileges.
		Privileges: &swarm.Privileges{NoNewPrivileges: true},
	}
	spec := swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: s.Name, Labels: s.Labels},
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: cs,
			Resources: &swarm.ResourceRequirements{
				Limits: &swarm.Limit{
					NanoCPUs:    int64(s.CPUs * 1e9),
					MemoryBytes: s.Memory,
					Pids:        s.PidsMax,
				},
			},
		},
		Mode:           swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &replicas}},
		UpdateConfig:   toSwarmPolicy(s.Update),
		RollbackConfig: toSwarmPolicy(s.Rollback),
		EndpointSpec:   &swarm.EndpointSpec{Mode: swarm.ResolutionModeVIP},
	}
	if s.DNSRoundRobin {
		spec.EndpointSpec.Mode = swarm.ResolutionModeDNSRR
	}
	if s.RestartNever {
		spec.TaskTemplate.RestartPolicy = &swarm.RestartPolicy{Condition: swarm.RestartPolicyConditionNone}
	}
	for _, n := range s.Networks {
		spec.TaskTemplate.Networks = append(spec.TaskTemplate.Networks, swarm.NetworkAttachmentConfig{Target: n})
	}
	return spec
}

func toSwarmPolicy(p *UpdatePolicy) *swarm.UpdateConfig {
	if p == nil {
		return nil
	}
	return &swarm.UpdateConfig{
		Parallelism:     p.Parallelism,
		Delay:           p.Delay,
		FailureAction:   p.FailureAction,
		Monitor:         p.Monitor,
		MaxFailureRatio: float32(p.MaxFailureRatio),
		Order:           p.Order,
	}
}

func fromSwarmSpec(s swarm.ServiceSpec) ServiceSpec {
	out := ServiceSpec{
		Name:          s.Name,
		Labels:        s.Labels,
		Update:        fromSwarmPolicy(s.UpdateConfig),
		Rollback:      fromSwarmPolicy(s.RollbackConfig),
		DNSRoundRobin: s.EndpointSpec != nil && s.EndpointSpec.Mode == swarm.ResolutionModeDNSRR,
	}
	if cs := s.TaskTemplate.ContainerSpec; cs != nil {
		out.Image, out.Args, out.Env, out.User = cs.Image, cs.Args, cs.Env, cs.User
		if cs.StopGracePeriod != nil {
			out.StopGrace = *cs.StopGracePeriod
		}
	}
	if r := s.TaskTemplate.Resources; r != nil && r.Limits != nil {
		out.Memory, out.CPUs, out.PidsMax = r.Limits.MemoryBytes, float64(r.Limits.NanoCPUs)/1e9, r.Limits.Pids
	}
	if s.Mode.Replicated != nil && s.Mode.Replicated.Replicas != nil {
		out.Replicas = *s.Mode.Replicated.Replicas
	}
	if rp := s.TaskTemplate.RestartPolicy; rp != nil {
		out.RestartNever = rp.Condition == swarm.RestartPolicyConditionNone
	}
	for _, n := range s.TaskTemplate.Networks {
		out.Networks = append(out.Networks, n.Target)
	}
	return out
}

func fromSwarmPolicy(p *swarm.UpdateConfig) *UpdatePolicy {
	if p == nil {
		return nil
	}
	return &UpdatePolicy{
		Parallelism:     p.Parallelism,
		Delay:           p.Delay,
		FailureAction:   p.FailureAction,
		Monitor:         p.Monitor,
		MaxFailureRatio: float64(p.MaxFailureRatio),
		Order:           p.Order,
	}
}

func withSafeServiceDefaults(s ServiceSpec) ServiceSpec {
	if s.Memory <= 0 {
		s.Memory = 64 << 20
	}
	if s.CPUs <= 0 {
		s.CPUs = 0.5
	}
	if s.PidsMax <= 0 {
		s.PidsMax = 64
	}
	if s.User == "" {
		s.User = "65534:65534"
	}
	if s.StopGrace <= 0 {
		s.StopGrace = 10 * time.Second
	}
	return s
}

func int64ptr(v int64) *int64 { return &v }

// CleanupSwarm removes the services devopsctl made that carry every label in match;
// run it before Cleanup, which cannot remove a service's containers for good. Like
// Cleanup it runs on its own deadline, detached from the caller's possibly
// cancelled context.
func CleanupSwarm(s Swarm, match map[string]string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := s.SwarmState(ctx)
	if err != nil {
		return err
	}
	if !st.Active() {
		// Outside a swarm there can be no services to remove.
		return nil
	}
	ids, err := s.ListManagedServices(ctx, match)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		errs = append(errs, s.RemoveService(ctx, id))
	}
	return errors.Join(errs...)
}

var _ Swarm = (*Client)(nil)
