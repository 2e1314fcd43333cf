// Package docker is the only package that talks to the Docker engine. It offers a
// narrow interface with just the calls devopsctl makes, an adapter over the Engine
// API client, a hand-written fake for tests, the labels put on everything we create,
// and the janitor that removes it again.
package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Engine is the part of the Docker Engine API that devopsctl uses.
type Engine interface {
	// Ping checks that the engine answers and returns its API version.
	Ping(ctx context.Context) (string, error)
	// Build builds an image from a tar build context, streaming the log to progress.
	// A failed build returns a *BuildError.
	Build(ctx context.Context, req BuildRequest, progress io.Writer) (BuildResult, error)
	// InspectImage returns ErrNotFound when the image does not exist.
	InspectImage(ctx context.Context, ref string) (Image, error)
	RemoveImage(ctx context.Context, ref string) error
	// RunContainer creates and starts a container.
	RunContainer(ctx context.Context, spec ContainerSpec) (Container, error)
	InspectContainer(ctx context.Context, id string) (ContainerState, error)
	ContainerLogs(ctx context.Context, id string, tail int) (string, error)
	// ContainerUsage tells how close a running container is to its process
	// and log limits.
	ContainerUsage(ctx context.Context, id string) (Usage, error)
	// RemoveContainer force-removes a container and its anonymous volumes.
	RemoveContainer(ctx context.Context, id string) error
	// ListManaged lists everything on the engine that carries the managed label
	// and every label=value in match (nil matches all that devopsctl made).
	ListManaged(ctx context.Context, match map[string]string) (Resources, error)
	RemoveNetwork(ctx context.Context, id string) error
	RemoveVolume(ctx context.Context, name string) error
	// ListeningSockets lists the TCP sockets listening inside a running
	// container, as it sees them; what it starts to look carries labels.
	ListeningSockets(ctx context.Context, id string, labels map[string]string) ([]Socket, error)
}

// ErrNotFound is returned (wrapped) when an image or container does not exist.
var ErrNotFound = errors.New("not found")

// ErrUnreachable wraps the error of an engine that did not answer; its text is
// what a learner reads beside every skipped Docker check.
var ErrUnreachable = errors.New("no Docker engine answered")

// BuildRequest describes one image build.
type BuildRequest struct {
	Context    io.Reader // a tar stream
	Dockerfile string    // path inside the context
	Tag        string
	Labels     map[string]string
	// Memory (bytes) and CPUs bound the build's RUN steps.
	Memory int64
	CPUs   float64
	// PidsMax bounds the processes of each RUN step (0: no bound).
	PidsMax int64
	// Network lets RUN steps reach the network; without it they have none.
	Network bool
}

// BuildResult describes a successful build.
type BuildResult struct {
	ImageID string
}

// BuildError is a build that the engine refused or that failed at a step.
type BuildError struct {
	Message string // the engine's own error text
	Step    string // e.g. "Step 3/6 : RUN go build -o /app ." (may be empty)
	Log     string // the tail of the build log
	// OutOfMemory says the kernel killed a step for going over the build's
	// memory limit; ProcessesKilled that devopsctl killed a step that held
	// more processes than the limit allows.
	OutOfMemory, ProcessesKilled bool
}

func (e *BuildError) Error() string {
	if e.Step != "" {
		return fmt.Sprintf("%s: %s", e.Step, e.Message)
	}
	return e.Message
}

// Image is what devopsctl reads of an image.
type Image struct {
	ID           string
	Tags         []string
	Size         int64
	Layers       int
	ExposedPorts []string // "8080/tcp"
	Env          []string // "KEY=value"
	User         string
	Entrypoint   []string
	Cmd          []string
	WorkingDir   string
	Labels       map[string]string
}

// ContainerSpec describes a container to run. Every container devopsctl runs is
// resource-limited and unprivileged; the zero values pick safe defaults.
type ContainerSpec struct {
	Image  string
	Name   string
	Env    []string
	Cmd    []string
	Labels map[string]string
	// Ports lists container ports ("8080/tcp") to publish on 127.0.0.1 at a random
	// host port.
	Ports    []string
	Memory   int64   // bytes; default 256 MiB
	CPUs     float64 // default 1
	PidsMax  int64   // default 128
	ReadOnly bool    // read-only root filesystem (a tmpfs at /tmp is given)
	User     string  // override the image's user
	// Outbound runs the container on the default bridge, from where it reaches
	// the host and the network beyond. Without it the container has a network
	// of its own, with no way out; its ports are still published (see isolate).
	Outbound bool
	// Lifetime bounds how long the container may live: after it, any devopsctl
	// command removes it, whether or not its run is still going. Default
	// DefaultLifetime.
	Lifetime time.Duration
}

// Container is a started container.
type Container struct {
	ID string
	// HostPorts maps a container port ("8080/tcp") to its published host address
	// ("127.0.0.1:49153").
	HostPorts map[string]string
}

// ContainerState is the running state of a container.
type ContainerState struct {
	Running   bool
	ExitCode  int
	OOMKilled bool
	Error     string
}

// Resources lists engine objects by ID.
type Resources struct {
	Containers []string
	Networks   []string
	Volumes    []string
	Images     []string
	// ContainerLabels and ImageLabels hold the labels of each listed
	// container and image, by ID.
	ContainerLabels map[string]map[string]string
	ImageLabels     map[string]map[string]string
	// NetworkLabels and VolumeLabels hold the labels of each listed network
	// (by ID) and volume (by name).
	NetworkLabels map[string]map[string]string
	VolumeLabels  map[string]map[string]string
	// ContainerCreated holds when each listed container was created, and
	// ContainerRunning whether it runs.
	ContainerCreated map[string]time.Time
	ContainerRunning map[string]bool
}

// Empty reports whether r lists nothing.
func (r Resources) Empty() bool {
	return len(r.Containers)+len(r.Networks)+len(r.Volumes)+len(r.Images) == 0
}

// DefaultTimeout bounds a single engine call when the caller gives none.
const DefaultTimeout = 5 * time.Minute
