package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

// Workshop is the part of the Engine API that prepares a machine for a
// workshop: what the engine is, which host ports its containers hold, and
// images moved between engines as files. It is kept apart from Engine, like
// Swarm, so that a check's fake need not grow methods no check calls.
type Workshop interface {
	// Info describes the engine: versions, platform, data root.
	Info(ctx context.Context) (EngineInfo, error)
	// PublishedPorts maps each host port a container publishes to the
	// container's name.
	PublishedPorts(ctx context.Context) (map[int]string, error)
	// SaveImages writes the images refs names, with their tags, as one
	// `docker save` tar stream. The caller closes it.
	SaveImages(ctx context.Context, refs []string) (io.ReadCloser, error)
	// LoadImages loads a `docker save` tar stream and returns the images it
	// tagged ("Loaded image: …" lines), or the engine's error.
	LoadImages(ctx context.Context, r io.Reader) ([]string, error)
}

// EngineInfo is what devopsctl reads of the engine itself.
type EngineInfo struct {
	ServerVersion   string
	OperatingSystem string // "Docker Desktop", "Debian GNU/Linux 12 (bookworm)"
	OSType          string // "linux" or "windows": the kind of containers it runs
	Architecture    string // "x86_64", "aarch64"
	DataRoot        string // where it keeps images, as the engine sees it
}

// Info describes the engine.
func (c *Client) Info(ctx context.Context) (EngineInfo, error) {
	in, err := c.api.Info(ctx)
	if err != nil {
		return EngineInfo{}, fmt.Errorf("%w (%v)", ErrUnreachable, err)
	}
	return EngineInfo{
		ServerVersion:   in.ServerVersion,
		OperatingSystem: in.OperatingSystem,
		OSType:          in.OSType,
		Architecture:    in.Architecture,
		DataRoot:        in.DockerRootDir,
	}, nil
}

// PublishedPorts maps each host port a running container publishes to the
// container's name, so that a port found taken can be put down to it.
func (c *Client) PublishedPorts(ctx context.Context) (map[int]string, error) {
	ctrs, err := c.api.ContainerList(ctx, container.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list containers: %s", cleanEngineError(err))
	}
	out := map[int]string{}
	for _, ct := range ctrs {
		name := short(ct.ID)
		if len(ct.Names) > 0 {
			name = strings.TrimPrefix(ct.Names[0], "/")
		}
		for _, p := range ct.Ports {
			if p.PublicPort != 0 {
				out[int(p.PublicPort)] = name
			}
		}
	}
	return out, nil
}

// SaveImages writes the images as one `docker save` tar stream.
func (c *Client) SaveImages(ctx context.Context, refs []string) (io.ReadCloser, error) {
	rc, err := c.api.ImageSave(ctx, refs)
	if err != nil {
		if client.IsErrNotFound(err) {
			return nil, fmt.Errorf("save images %s: %w", strings.Join(refs, ", "), ErrNotFound)
		}
		return nil, fmt.Errorf("save images %s: %s", strings.Join(refs, ", "), cleanEngineError(err))
	}
	return rc, nil
}

// LoadImages loads a `docker save` tar stream into the engine.
func (c *Client) LoadImages(ctx context.Context, r io.Reader) ([]string, error) {
	resp, err := c.api.ImageLoad(ctx, r, client.ImageLoadWithQuiet(true))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("load images: %s", cleanEngineError(err))
	}
	defer resp.Body.Close()
	return readLoadStream(ctx, resp.Body)
}

// readLoadStream reads the engine's answer to a load: JSON messages naming
// each image loaded, or an error.
func readLoadStream(ctx context.Context, r io.Reader) ([]string, error) {
	var loaded []string
	dec := json.NewDecoder(r)
	for {
		var m buildMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			if ctx.Err() != nil {
				return loaded, ctx.Err()
			}
			return loaded, fmt.Errorf("load images: the engine's answer broke off: %w", err)
		}
		msg := m.Error
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			msg = m.ErrorDetail.Message
		}
		if msg != "" {
			return loaded, fmt.Errorf("load images: %s", strings.TrimSpace(msg))
		}
		for _, line := range strings.Split(m.Stream, "\n") {
			for _, prefix := range []string{"Loaded image: ", "Loaded image ID: "} {
				if ref, ok := strings.CutPrefix(strings.TrimSpace(line), prefix); ok {
					loaded = append(loaded, ref)
				}
			}
		}
	}
	return loaded, ctx.Err()
}
