package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/devopsctl/devopsctl/internal/filelock"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
)

// relaySource is the program of the relay container (relay/main.go).
//
//go:embed relay/main.go
var relaySource []byte

// RelayBase is the image the relay is compiled in; the labs use it too, so it
// is on any engine that can check them.
const RelayBase = "golang:1.26"

// relayDockerfile compiles the relay statically and ships it alone.
const relayDockerfile = `FROM ` + RelayBase + ` AS build
WORKDIR /src
COPY main.go .
RUN CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS= go build -trimpath -ldflags="-s -w" -o /relay main.go
FROM scratch
COPY --from=build /relay /relay
USER 65534
ENTRYPOINT ["/relay"]
`

// RelayImage is the tag of the relay image: it changes with the program.
func RelayImage() string {
	sum := sha256.Sum256(append([]byte(relayDockerfile), relaySource...))
	return "devopsctl-relay:" + hex.EncodeToString(sum[:6])
}

// ensureRelay builds the relay image unless the engine has it (the first time
// takes a minute or two: the compiler builds its standard library). It carries
// only the fixture label, so `lab clean --all` leaves it: every run needs it.
func (c *Client) ensureRelay(ctx context.Context) (string, error) {
	tag := RelayImage()
	if ok, err := c.haveImage(ctx, tag); ok || err != nil {
		return tag, err
	}
	// Checks started together (a class, a workshop) would each build the same
	// image, and on a busy machine none would finish in time: one builds, the
	// others wait for it and then find the image.
	release, err := filelock.Acquire(ctx, relayLockPath, func() {})
	if err == nil {
		defer release()
		if ok, err := c.haveImage(ctx, tag); ok || err != nil {
			return tag, err
		}
	} else if ctx.Err() != nil {
		return "", ctx.Err()
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range map[string][]byte{"Dockerfile": []byte(relayDockerfile), "main.go": relaySource} {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data))})
		tw.Write(data)
	}
	tw.Close()
	resp, err := c.api.ImageBuild(ctx, &buf, build.ImageBuildOptions{
		Tags: []string{tag}, Remove: true, ForceRemove: true, NetworkMode: "none",
		Labels:  map[string]string{LabelFixture: "true"},
		Version: build.BuilderV1,
	})
	if err != nil {
		return "", fmt.Errorf("build the relay image: %s", cleanEngineError(err))
	}
	defer resp.Body.Close()
	if _, err := readBuildStream(ctx, resp.Body, io.Discard); err != nil {
		return "", fmt.Errorf("build the relay image from %s: %w", RelayBase, err)
	}
	return tag, nil
}

// relayLockPath is shared by every devopsctl process on this machine.
var relayLockPath = filepath.Join(os.TempDir(), "devopsctl-relay-build.lock")

func (c *Client) haveImage(ctx context.Context, tag string) (bool, error) {
	_, err := c.api.ImageInspect(ctx, tag)
	switch {
	case err == nil:
		return true, nil
	case client.IsErrNotFound(err):
		return false, nil
	default:
		return false, fmt.Errorf("inspect the relay image: %w", err)
	}
}

// isolate puts a container about to be created on a network of its own: an
// internal bridge whose gateway address the host does not hold, so the
// container reaches neither the host nor anything beyond it. Its ports are
// reached through a relay container that sits on both that network and the
// default bridge, where they are published on 127.0.0.1. It returns the
// network's ID; startRelay then starts the relay.
func (c *Client) isolate(ctx context.Context, spec ContainerSpec, host *container.HostConfig) (string, error) {
	name := spec.Name
	if name == "" {
		var b [6]byte
		rand.Read(b[:])
		name = hex.EncodeToString(b[:])
	}
	nw, err := c.api.NetworkCreate(ctx, netPrefix+name, network.CreateOptions{
		Driver:   "bridge",
		Internal: true,
		Options:  map[string]string{"com.docker.network.bridge.inhibit_ipv4": "true"},
		Labels:   withOwner(spec.Labels, spec.Lifetime),
	})
	if err != nil {
		return "", fmt.Errorf("create the container's network: %s", cleanEngineError(err))
	}
	host.NetworkMode = container.NetworkMode(nw.ID)
	host.PortBindings = nil
	return nw.ID, nil
}

// startRelay starts the relay for the container id on network netID and
// returns the host addresses of its ports.
func (c *Client) startRelay(ctx context.Context, spec ContainerSpec, relay, netID, id string) (map[string]string, error) {
	info, err := c.api.ContainerInspect(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("inspect container %s: %w", short(id), err)
	}
	ip := ""
	if info.NetworkSettings != nil {
		for _, ep := range info.NetworkSettings.Networks {
			if ep.NetworkID == netID {
				ip = ep.IPAddress
			}
		}
	}
	if ip == "" {
		// It exited before it got an address: nothing to relay to.
		return map[string]string{}, nil
	}
	rspec := ContainerSpec{Image: relay, Labels: spec.Labels, Lifetime: spec.Lifetime, Memory: 32 << 20, CPUs: 0.5, PidsMax: 32, ReadOnly: true, Ports: spec.Ports}
	var args []string
	for _, p := range spec.Ports {
		port, _, _ := strings.Cut(p, "/")
		args = append(args, ":"+port+"="+ip+":"+port)
	}
	cfg := &container.Config{Image: relay, Cmd: args, Labels: withOwner(maps.Clone(spec.Labels), spec.Lifetime), ExposedPorts: exposedPorts(spec.Ports), StopTimeout: &stopTimeoutSeconds}
	host := c.hostConfig(ctx, withSafeDefaults(rspec))
	host.PortBindings = portBindings(spec.Ports)
	created, err := c.api.ContainerCreate(ctx, cfg, host, &network.NetworkingConfig{}, nil, "")
	if err != nil {
		return nil, fmt.Errorf("create the relay: %s", cleanEngineError(err))
	}
	if err := c.api.NetworkConnect(ctx, netID, created.ID, nil); err != nil {
		return nil, fmt.Errorf("connect the relay: %s", cleanEngineError(err))
	}
	if err := c.api.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		return nil, fmt.Errorf("start the relay: %s", cleanEngineError(err))
	}
	return c.hostPorts(ctx, created.ID)
}

// netPrefix names the networks isolate creates.
const netPrefix = "devopsctl-net-"

// ownNetworks lists the isolated networks a container is on, which go with it.
func (c *Client) ownNetworks(ctx context.Context, id string) []string {
	info, err := c.api.ContainerInspect(ctx, id)
	if err != nil || info.NetworkSettings == nil {
		return nil
	}
	var ids []string
	for name, ep := range info.NetworkSettings.Networks {
		if strings.HasPrefix(name, netPrefix) && ep.NetworkID != "" {
			ids = append(ids, ep.NetworkID)
		}
	}
	return ids
}

// removeNetworks removes isolated networks with whatever still sits on them:
// the relay, once the container it served is gone.
func (c *Client) removeNetworks(ctx context.Context, ids []string) error {
	var errs []error
	for _, id := range ids {
		nw, err := c.api.NetworkInspect(ctx, id, network.InspectOptions{})
		if err != nil {
			continue
		}
		for ctr := range nw.Containers {
			if err := c.api.ContainerRemove(ctx, ctr, container.RemoveOptions{Force: true}); err != nil && !client.IsErrNotFound(err) {
				errs = append(errs, fmt.Errorf("remove relay %s: %s", short(ctr), cleanEngineError(err)))
			}
		}
		errs = append(errs, c.RemoveNetwork(ctx, id))
	}
	return errors.Join(errs...)
}
