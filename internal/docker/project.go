package docker

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
)

// Project is the part of the Engine API that running a project of several
// services (a compose file) needs beyond Engine: networks of its own on which
// the services find each other by name, health checks, restarts, and one
// gateway through which the published ports are reached. It is separate from
// Engine so that fakes of single-container checks need not grow.
type Project interface {
	// CreateNetwork creates an internal network: its containers reach each
	// other and nothing else.
	CreateNetwork(ctx context.Context, name string, labels map[string]string, lifetime time.Duration) (string, error)
	// StartService creates and starts a service's container on its networks.
	StartService(ctx context.Context, spec ProjectService) (string, error)
	// ServiceHealth reads a container's state and its health check's.
	ServiceHealth(ctx context.Context, id string) (Health, error)
	// RestartContainer stops a container and starts it again.
	RestartContainer(ctx context.Context, id string) error
	// StartGateway starts the container that publishes the project's ports
	// on 127.0.0.1 and forwards them to the services by name. It returns the
	// host address of each port of Forward.
	StartGateway(ctx context.Context, spec GatewaySpec) (map[int]string, error)
}

// ProjectService is one service's container. The sandbox of ContainerSpec holds
// (limits, no capabilities, no privilege); its Ports and Outbound are not used:
// ports go through the gateway, and project networks have no way out.
type ProjectService struct {
	ContainerSpec
	Entrypoint []string
	WorkingDir string
	// Networks are the project networks the container joins, by ID, each with
	// the names it answers to there.
	Networks []ProjectNetwork
	Health   *Healthcheck
	// Volumes are paths given a bounded tmpfs, in place of a volume.
	Volumes []string
}

// ProjectNetwork is a network a service joins and its names there.
type ProjectNetwork struct {
	ID      string
	Aliases []string
}

// Healthcheck is a container's health check, as compose and HEALTHCHECK
// write it: Test is ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"].
type Healthcheck struct {
	Test                           []string
	Interval, Timeout, StartPeriod time.Duration
	Retries                        int
}

// Health is a container's state as a project waits on it.
type Health struct {
	ContainerState
	// Status is "starting", "healthy" or "unhealthy"; "" without a health check.
	Status string
	// Output is what the last health probe printed.
	Output string
}

// GatewaySpec describes the gateway: Forward maps a port it listens on to a
// "service:port" target on Networks.
type GatewaySpec struct {
	Name     string
	Networks []string
	Forward  map[int]string
	Labels   map[string]string
	Lifetime time.Duration
}

func (c *Client) CreateNetwork(ctx context.Context, name string, labels map[string]string, lifetime time.Duration) (string, error) {
	nw, err := c.api.NetworkCreate(ctx, name, network.CreateOptions{
		Driver:   "bridge",
		Internal: true,
		// As for isolate: the host holds no address on it.
		Options: map[string]string{"com.docker.network.bridge.inhibit_ipv4": "true"},
		Labels:  withOwner(labels, lifetime),
	})
	if err != nil {
		return "", fmt.Errorf("create network %s: %s", name, cleanEngineError(err))
	}
	return nw.ID, nil
}

func (c *Client) StartService(ctx context.Context, spec ProjectService) (string, error) {
	cs := withSafeDefaults(spec.ContainerSpec)
	if len(spec.Networks) == 0 {
		return "", fmt.Errorf("service %s joins no network", cs.Name)
	}
	cfg := &container.Config{
		Image:       cs.Image,
		Env:         cs.Env,
		Labels:      withOwner(cs.Labels, cs.Lifetime),
		User:        cs.User,
		WorkingDir:  spec.WorkingDir,
		StopTimeout: &stopTimeoutSeconds,
		Healthcheck: healthConfig(spec.Health),
	}
	if len(cs.Cmd) > 0 {
		cfg.Cmd = cs.Cmd
	}
	if len(spec.Entrypoint) > 0 {
		cfg.Entrypoint = spec.Entrypoint
	}
	host := c.hostConfig(ctx, cs)
	for _, v := range spec.Volumes {
		host.Tmpfs[v] = "rw,size=" + volumeSize
	}
	// API 1.41 takes one network at creation; the others are joined before
	// the container starts, so it has all of them from its first moment.
	first := spec.Networks[0]
	host.NetworkMode = container.NetworkMode(first.ID)
	created, err := c.api.ContainerCreate(ctx, cfg, host, &network.NetworkingConfig{
		EndpointsConfig: map[string]*network.EndpointSettings{first.ID: {Aliases: first.Aliases}},
	}, nil, cs.Name)
	if err != nil {
		if client.IsErrNotFound(err) {
			return "", fmt.Errorf("create container from %s: %w", cs.Image, ErrNotFound)
		}
		return "", fmt.Errorf("create container from %s: %s", cs.Image, cleanEngineError(err))
	}
	for _, n := range spec.Networks[1:] {
		if err := c.api.NetworkConnect(ctx, n.ID, created.ID, &network.EndpointSettings{Aliases: n.Aliases}); err != nil {
			return created.ID, fmt.Errorf("connect %s to its networks: %s", cs.Name, cleanEngineError(err))
		}
	}
	if err := c.api.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		return created.ID, fmt.Errorf("start container from %s: %s", cs.Image, cleanEngineError(err))
	}
	return created.ID, nil
}

func healthConfig(h *Healthcheck) *container.HealthConfig {
	if h == nil {
		return nil
	}
	return &container.HealthConfig{
		Test:        h.Test,
		Interval:    h.Interval,
		Timeout:     h.Timeout,
		StartPeriod: h.StartPeriod,
		Retries:     h.Retries,
	}
}

func (c *Client) ServiceHealth(ctx context.Context, id string) (Health, error) {
	info, err := c.api.ContainerInspect(ctx, id)
	if err != nil {
		if client.IsErrNotFound(err) {
			return Health{}, fmt.Errorf("container %s: %w", short(id), ErrNotFound)
		}
		return Health{}, fmt.Errorf("inspect container %s: %w", short(id), err)
	}
	var h Health
	if st := info.State; st != nil {
		h.ContainerState = ContainerState{Running: st.Running, ExitCode: st.ExitCode, OOMKilled: st.OOMKilled, Error: st.Error}
		if st.Health != nil {
			h.Status = string(st.Health.Status)
			if n := len(st.Health.Log); n > 0 {
				h.Output = strings.TrimSpace(st.Health.Log[n-1].Output)
			}
		}
	}
	return h, nil
}

func (c *Client) RestartContainer(ctx context.Context, id string) error {
	t := stopTimeout
	if err := c.api.ContainerRestart(ctx, id, container.StopOptions{Timeout: &t}); err != nil {
		return fmt.Errorf("restart container %s: %s", short(id), cleanEngineError(err))
	}
	return nil
}

func (c *Client) StartGateway(ctx context.Context, spec GatewaySpec) (map[int]string, error) {
	relay, err := c.ensureRelay(ctx)
	if err != nil {
		return nil, err
	}
	var args, ports []string
	for _, p := range slices.Sorted(maps.Keys(spec.Forward)) {
		args = append(args, fmt.Sprintf(":%d=%s", p, spec.Forward[p]))
		ports = append(ports, fmt.Sprintf("%d/tcp", p))
	}
	rspec := withSafeDefaults(ContainerSpec{Image: relay, Labels: spec.Labels, Lifetime: spec.Lifetime, Memory: 32 << 20, CPUs: 0.5, PidsMax: 32, ReadOnly: true})
	cfg := &container.Config{Image: relay, Cmd: args, Labels: withOwner(maps.Clone(spec.Labels), spec.Lifetime), ExposedPorts: exposedPorts(ports), StopTimeout: &stopTimeoutSeconds}
	host := c.hostConfig(ctx, rspec)
	host.PortBindings = portBindings(ports)
	created, err := c.api.ContainerCreate(ctx, cfg, host, &network.NetworkingConfig{}, nil, spec.Name)
	if err != nil {
		return nil, fmt.Errorf("create the gateway: %s", cleanEngineError(err))
	}
	// Joined before it starts, the gateway gets the engine's name server, so
	// it reaches services by name, also after one restarts on a new address.
	for _, id := range spec.Networks {
		if err := c.api.NetworkConnect(ctx, id, created.ID, nil); err != nil {
			return nil, fmt.Errorf("connect the gateway: %s", cleanEngineError(err))
		}
	}
	if err := c.api.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		return nil, fmt.Errorf("start the gateway: %s", cleanEngineError(err))
	}
	byPort, err := c.hostPorts(ctx, created.ID)
	if err != nil {
		return nil, err
	}
	out := map[int]string{}
	for p := range spec.Forward {
		if addr := byPort[fmt.Sprintf("%d/tcp", p)]; addr != "" {
			out[p] = addr
		}
	}
	return out, nil
}
