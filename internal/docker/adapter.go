package docker

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"
	"github.com/docker/go-connections/nat"
)

// Client is the Engine adapter over the Docker Engine API client.
type Client struct {
	api *client.Client
	// Watch, when set, is called with the run id of each container created
	// for a run: the command starts a watch (WatchRun) that outlives it.
	Watch func(runID string)
}

// New connects to the engine named by the environment (DOCKER_HOST and friends),
// negotiating the API version with it. It does not contact the engine: call Ping.
func New() (*Client, error) {
	api, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("configure docker client: %w", err)
	}
	return &Client{api: api}, nil
}

// API exposes the underlying client to the few packages (swarm rollouts) that need
// calls outside the narrow interface.
func (c *Client) API() *client.Client { return c.api }

// Close releases the client's connections.
func (c *Client) Close() error { return c.api.Close() }

func (c *Client) Ping(ctx context.Context) (string, error) {
	p, err := c.api.Ping(ctx)
	if err != nil {
		return "", fmt.Errorf("%w (%v)", ErrUnreachable, err)
	}
	return p.APIVersion, nil
}

func (c *Client) Build(ctx context.Context, req BuildRequest, progress io.Writer) (BuildResult, error) {
	opts := build.ImageBuildOptions{
		Tags:        []string{req.Tag},
		Dockerfile:  req.Dockerfile,
		Labels:      req.Labels,
		Remove:      true,
		ForceRemove: true,
		Memory:      req.Memory,
		MemorySwap:  req.Memory,
		Version:     build.BuilderV1,
		NetworkMode: "none",
	}
	if req.Network {
		opts.NetworkMode = "default"
	}
	if req.CPUs > 0 {
		opts.CPUPeriod = 100000
		opts.CPUQuota = int64(req.CPUs * 100000)
	}
	watch := c.watchBuildSteps(ctx, opts, req.PidsMax)
	resp, err := c.api.ImageBuild(ctx, req.Context, opts)
	if err != nil {
		watch.stop(nil, false)
		if ctx.Err() != nil {
			return BuildResult{}, ctx.Err()
		}
		return BuildResult{}, &BuildError{Message: cleanEngineError(err)}
	}
	defer resp.Body.Close()
	steps := &stepIDs{w: progress}
	res, err := readBuildStream(ctx, resp.Body, steps)
	var be *BuildError
	failed := errors.As(err, &be)
	oom, tooMany := watch.stop(steps.ids, failed && strings.Contains(be.Message, "137"))
	if failed {
		be.OutOfMemory, be.ProcessesKilled = oom, tooMany
	}
	c.removeBuildContainers(req.Labels)
	return res, err
}

// removeBuildContainers waits for the engine's own removal of the containers the
// classic builder made for the build's steps. Those made for the final LABEL step
// carry our labels, and the engine removes them only after the build stream has
// ended, so without this they can outlive the check that started the build.
func (c *Client) removeBuildContainers(labels map[string]string) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	f := filters.NewArgs(filters.Arg("status", "created"))
	for k, v := range labels {
		f.Add("label", k+"="+v)
	}
	for ctx.Err() == nil {
		ctrs, err := c.api.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
		if err != nil || !slices.ContainsFunc(ctrs, func(ct container.Summary) bool { return ct.Labels[LabelRun] == "" }) {
			return
		}
		for _, ct := range ctrs {
			// A container with a run label is another run's, created a moment
			// ago and about to start: the build's step containers never carry one.
			if ct.Labels[LabelRun] != "" {
				continue
			}
			c.RemoveContainer(ctx, ct.ID)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stepWatch puts a process limit on the containers the classic builder makes
// for this build's steps, which the build API cannot ask for itself: it has no
// pids limit, an nproc ulimit does not bind root, and a cgroup parent would
// need a cgroup made on the engine's host. It watches the engine's container
// events and updates each step container as it is created; steps are told by
// the memory and CPU quota the build asked for, which devopsctl's builds share.
// The builder starts a step a moment after creating it, so the update can land
// just after the start: the watch then reads the step's process count, and a
// step already holding more than the limit is killed. It also notes the
// containers the kernel killed for memory. Builds running side by side may
// limit each other's steps; each build judges only the steps its own log
// names ("Running in <id>").
type stepWatch struct {
	cancel   context.CancelFunc
	done     chan struct{}
	mu       sync.Mutex
	oom      map[string]bool // short ids
	seen     chan struct{}   // a message arrived after an oom: see stop
	inflight sync.WaitGroup
}

// killedSteps holds the short ids of the build steps devopsctl killed for
// holding too many processes, whichever build's watch killed them.
var killedSteps sync.Map

func (c *Client) watchBuildSteps(ctx context.Context, opts build.ImageBuildOptions, pidsMax int64) *stepWatch {
	ectx, cancel := context.WithCancel(ctx)
	w := &stepWatch{cancel: cancel, done: make(chan struct{}), oom: map[string]bool{}, seen: make(chan struct{}, 1)}
	msgs, errs := c.api.Events(ectx, events.ListOptions{Filters: filters.NewArgs(
		filters.Arg("type", "container"), filters.Arg("event", "create"), filters.Arg("event", "oom"))})
	go func() {
		defer close(w.done)
		for {
			select {
			case m := <-msgs:
				switch m.Action {
				case events.ActionCreate:
					w.inflight.Add(1)
					go func() {
						defer w.inflight.Done()
						c.limitStep(ectx, m.Actor.ID, opts, pidsMax)
					}()
				case events.ActionOOM:
					w.mu.Lock()
					w.oom[short(m.Actor.ID)] = true
					w.mu.Unlock()
					select {
					case w.seen <- struct{}{}:
					default:
					}
				}
			case <-errs:
				return
			case <-ectx.Done():
				return
			}
		}
	}()
	return w
}

// stop ends the watch and tells whether one of steps (short ids) was killed
// for memory or for its processes. After a step killed by signal it first
// gives the engine's out-of-memory event a moment to arrive, since it may
// trail the build's end.
func (w *stepWatch) stop(steps []string, killed bool) (outOfMemory, tooManyProcesses bool) {
	ours := func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return slices.ContainsFunc(steps, func(id string) bool { return w.oom[id] })
	}
	ourKill := func() bool {
		return slices.ContainsFunc(steps, func(id string) bool { _, ok := killedSteps.Load(id); return ok })
	}
	if killed && !ours() && !ourKill() {
		select {
		case <-w.seen:
		case <-time.After(time.Second):
		}
	}
	w.cancel()
	<-w.done
	w.inflight.Wait()
	tooManyProcesses = ourKill()
	for _, id := range steps {
		killedSteps.Delete(id)
	}
	return ours(), tooManyProcesses
}

// limitStep sets the process limit of one new container if it is a step of a
// devopsctl build, and kills it if it got past the limit before it was set.
func (c *Client) limitStep(ctx context.Context, id string, opts build.ImageBuildOptions, pidsMax int64) {
	if pidsMax <= 0 {
		return
	}
	info, err := c.api.ContainerInspect(ctx, id)
	if err != nil || info.HostConfig == nil || info.Config == nil {
		return
	}
	// Metadata steps ("#(nop) LABEL …") are committed without ever running;
	// touching them races with the builder's own removal of them.
	if strings.Contains(strings.Join(info.Config.Cmd, " "), "#(nop)") {
		return
	}
	r := info.HostConfig.Resources
	if r.Memory != opts.Memory || r.CPUQuota != opts.CPUQuota || (r.PidsLimit != nil && *r.PidsLimit > 0) {
		return
	}
	if _, err := c.api.ContainerUpdate(ctx, id, container.UpdateConfig{Resources: container.Resources{PidsLimit: &pidsMax}}); err != nil {
		return
	}
	// Past the limit: the update came after the step had started. At the
	// limit for a few looks in a row: a fork bomb, which holds it until the
	// build's time is up. Either way the step ends here.
	atLimit := 0
	for {
		pids, err := c.pids(ctx, id)
		if err != nil {
			return // the step is gone
		}
		if pids == 0 {
			// Not started yet, or ended already.
			if info, err := c.api.ContainerInspect(ctx, id); err != nil || info.State == nil || info.State.Status != container.StateCreated {
				return
			}
		}
		if pids*10 >= uint64(pidsMax)*9 {
			atLimit++
		} else {
			atLimit = 0
		}
		if pids > uint64(pidsMax) || atLimit >= stepsAtLimit {
			killedSteps.Store(short(id), true)
			c.api.ContainerKill(ctx, id, "KILL")
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// stepsAtLimit is how many looks, a second apart, find a build step at its
// process limit before it is taken for a fork bomb and stopped.
const stepsAtLimit = 3

// pids is the number of processes in a running container; 0 once it stopped.
func (c *Client) pids(ctx context.Context, id string) (uint64, error) {
	st, err := c.api.ContainerStatsOneShot(ctx, id)
	if err != nil {
		return 0, err
	}
	defer st.Body.Close()
	var s container.StatsResponse
	if err := json.NewDecoder(io.LimitReader(st.Body, 1<<20)).Decode(&s); err != nil {
		return 0, err
	}
	return s.PidsStats.Current, nil
}

// stepIDs relays the build log and notes the short ids of the step
// containers it names (" ---> Running in 0123456789ab").
type stepIDs struct {
	w   io.Writer
	ids []string
}

var runningIn = regexp.MustCompile(`Running in ([0-9a-f]{12})`)

func (s *stepIDs) Write(p []byte) (int, error) {
	for _, m := range runningIn.FindAllSubmatch(p, -1) {
		s.ids = append(s.ids, string(m[1]))
	}
	return s.w.Write(p)
}

// buildMessage is one line of the engine's JSON build stream.
type buildMessage struct {
	Stream      string `json:"stream"`
	Status      string `json:"status"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
	Aux json.RawMessage `json:"aux"`
}

// readBuildStream relays the build log and turns the final error, if any, into a
// BuildError that names the step it happened in.
func readBuildStream(ctx context.Context, r io.Reader, progress io.Writer) (BuildResult, error) {
	var (
		res      BuildResult
		lastStep string
		tail     = newTail(30)
	)
	dec := json.NewDecoder(bufio.NewReader(r))
	for {
		var m buildMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			return res, &BuildError{Message: "the build stream broke off: " + err.Error(), Step: lastStep, Log: tail.String()}
		}
		if m.Stream != "" {
			io.WriteString(progress, m.Stream)
			tail.Write(m.Stream)
			for _, line := range strings.Split(m.Stream, "\n") {
				if strings.HasPrefix(line, "Step ") {
					lastStep = strings.TrimSpace(line)
				}
			}
		}
		if m.Status != "" {
			fmt.Fprintln(progress, m.Status)
		}
		if len(m.Aux) > 0 {
			var aux struct {
				ID string `json:"ID"`
			}
			if json.Unmarshal(m.Aux, &aux) == nil && aux.ID != "" {
				res.ImageID = aux.ID
			}
		}
		msg := m.Error
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			msg = m.ErrorDetail.Message
		}
		if msg != "" {
			return res, &BuildError{Message: strings.TrimSpace(msg), Step: lastStep, Log: tail.String()}
		}
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, nil
}

func (c *Client) InspectImage(ctx context.Context, ref string) (Image, error) {
	ii, err := c.api.ImageInspect(ctx, ref)
	if err != nil {
		if client.IsErrNotFound(err) {
			return Image{}, fmt.Errorf("image %s: %w", ref, ErrNotFound)
		}
		return Image{}, fmt.Errorf("inspect image %s: %w", ref, err)
	}
	img := Image{ID: ii.ID, Tags: ii.RepoTags, Size: ii.Size}
	if ii.RootFS.Type != "" {
		img.Layers = len(ii.RootFS.Layers)
	}
	if cfg := ii.Config; cfg != nil {
		for p := range cfg.ExposedPorts {
			img.ExposedPorts = append(img.ExposedPorts, string(p))
		}
		img.Env = cfg.Env
		img.User = cfg.User
		img.Entrypoint = cfg.Entrypoint
		img.Cmd = cfg.Cmd
		img.WorkingDir = cfg.WorkingDir
		img.Labels = cfg.Labels
	}
	return img, nil
}

func (c *Client) RemoveImage(ctx context.Context, ref string) error {
	_, err := c.api.ImageRemove(ctx, ref, image.RemoveOptions{Force: true, PruneChildren: true})
	if err != nil && !client.IsErrNotFound(err) {
		return fmt.Errorf("remove image %s: %w", ref, err)
	}
	return nil
}

func (c *Client) RunContainer(ctx context.Context, spec ContainerSpec) (Container, error) {
	spec = withSafeDefaults(spec)
	cfg := &container.Config{
		Image:        spec.Image,
		Env:          spec.Env,
		Labels:       withOwner(spec.Labels, spec.Lifetime),
		ExposedPorts: exposedPorts(spec.Ports),
		User:         spec.User,
		StopTimeout:  &stopTimeoutSeconds,
	}
	if len(spec.Cmd) > 0 {
		cfg.Cmd = spec.Cmd
	}
	host := c.hostConfig(ctx, spec)
	host.PortBindings = portBindings(spec.Ports)
	relay, netID := "", ""
	if !spec.Outbound {
		var err error
		if relay, err = c.ensureRelay(ctx); err != nil {
			return Container{}, fmt.Errorf("isolate the container: %w", err)
		}
		if netID, err = c.isolate(ctx, spec, host); err != nil {
			return Container{}, err
		}
	}
	created, err := c.api.ContainerCreate(ctx, cfg, host, &network.NetworkingConfig{}, nil, spec.Name)
	if err != nil {
		if client.IsErrNotFound(err) {
			return Container{}, fmt.Errorf("create container from %s: %w", spec.Image, ErrNotFound)
		}
		return Container{}, fmt.Errorf("create container from %s: %s", spec.Image, cleanEngineError(err))
	}
	ctr := Container{ID: created.ID, HostPorts: map[string]string{}}
	if run := spec.Labels[LabelRun]; run != "" && c.Watch != nil {
		c.Watch(run)
	}
	if err := c.api.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		return ctr, fmt.Errorf("start container from %s: %s", spec.Image, cleanEngineError(err))
	}
	if netID != "" {
		ctr.HostPorts, err = c.startRelay(ctx, spec, relay, netID, created.ID)
	} else {
		ctr.HostPorts, err = c.hostPorts(ctx, created.ID)
	}
	if err != nil {
		return ctr, err
	}
	return ctr, nil
}

// exposedPorts and portBindings publish ports ("8080/tcp", or "8080") on
// 127.0.0.1 at a random host port.
func exposedPorts(ports []string) nat.PortSet {
	set := nat.PortSet{}
	for p := range portBindings(ports) {
		set[p] = struct{}{}
	}
	return set
}

func portBindings(ports []string) nat.PortMap {
	m := nat.PortMap{}
	for _, p := range ports {
		port := nat.Port(p)
		if !strings.Contains(p, "/") {
			port = nat.Port(p + "/tcp")
		}
		m[port] = []nat.PortBinding{{HostIP: "127.0.0.1", HostPort: ""}}
	}
	return m
}

// hostPorts maps each published port of a started container to its host
// address.
func (c *Client) hostPorts(ctx context.Context, id string) (map[string]string, error) {
	out := map[string]string{}
	info, err := c.api.ContainerInspect(ctx, id)
	if err != nil {
		return out, fmt.Errorf("inspect container %s: %w", short(id), err)
	}
	if info.NetworkSettings == nil {
		return out, nil
	}
	for port, bs := range info.NetworkSettings.Ports {
		for _, b := range bs {
			if b.HostPort != "" {
				ip := b.HostIP
				if ip == "" || ip == "0.0.0.0" {
					ip = "127.0.0.1"
				}
				out[string(port)] = ip + ":" + b.HostPort
				break
			}
		}
	}
	return out, nil
}

func (c *Client) InspectContainer(ctx context.Context, id string) (ContainerState, error) {
	info, err := c.api.ContainerInspect(ctx, id)
	if err != nil {
		if client.IsErrNotFound(err) {
			return ContainerState{}, fmt.Errorf("container %s: %w", short(id), ErrNotFound)
		}
		return ContainerState{}, fmt.Errorf("inspect container %s: %w", short(id), err)
	}
	if info.State == nil {
		return ContainerState{}, nil
	}
	return ContainerState{
		Running:   info.State.Running,
		ExitCode:  info.State.ExitCode,
		OOMKilled: info.State.OOMKilled,
		Error:     info.State.Error,
	}, nil
}

func (c *Client) ContainerLogs(ctx context.Context, id string, tail int) (string, error) {
	rc, err := c.api.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true, Tail: fmt.Sprint(tail)})
	if err != nil {
		return "", fmt.Errorf("logs of container %s: %w", short(id), err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, 1<<20))
	if err != nil {
		return "", fmt.Errorf("read logs of container %s: %w", short(id), err)
	}
	return demux(raw), nil
}

func (c *Client) RemoveContainer(ctx context.Context, id string) error {
	own := c.ownNetworks(ctx, id)
	err := c.api.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	if rerr := c.removeNetworks(ctx, own); err == nil {
		err = rerr
	}
	if err != nil && !client.IsErrNotFound(err) && !strings.Contains(err.Error(), "already in progress") {
		return fmt.Errorf("remove container %s: %w", short(id), err)
	}
	return nil
}

func (c *Client) ListManaged(ctx context.Context, match map[string]string) (Resources, error) {
	f := filters.NewArgs(filters.Arg("label", LabelManaged+"=true"))
	for k, v := range match {
		f.Add("label", k+"="+v)
	}
	res := Resources{
		ContainerLabels: map[string]map[string]string{}, ImageLabels: map[string]map[string]string{},
		NetworkLabels: map[string]map[string]string{}, VolumeLabels: map[string]map[string]string{},
		ContainerCreated: map[string]time.Time{}, ContainerRunning: map[string]bool{},
	}
	ctrs, err := c.api.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		return res, fmt.Errorf("list containers: %w", err)
	}
	for _, ct := range ctrs {
		res.Containers = append(res.Containers, ct.ID)
		res.ContainerLabels[ct.ID] = ct.Labels
		res.ContainerCreated[ct.ID] = time.Unix(ct.Created, 0)
		res.ContainerRunning[ct.ID] = ct.State == "running"
	}
	nets, err := c.api.NetworkList(ctx, network.ListOptions{Filters: f})
	if err != nil {
		return res, fmt.Errorf("list networks: %w", err)
	}
	for _, n := range nets {
		res.Networks = append(res.Networks, n.ID)
		res.NetworkLabels[n.ID] = n.Labels
	}
	vols, err := c.api.VolumeList(ctx, volume.ListOptions{Filters: f})
	if err != nil {
		return res, fmt.Errorf("list volumes: %w", err)
	}
	for _, v := range vols.Volumes {
		res.Volumes = append(res.Volumes, v.Name)
		res.VolumeLabels[v.Name] = v.Labels
	}
	imgs, err := c.api.ImageList(ctx, image.ListOptions{All: true, Filters: f})
	if err != nil {
		return res, fmt.Errorf("list images: %w", err)
	}
	for _, im := range imgs {
		res.Images = append(res.Images, im.ID)
		res.ImageLabels[im.ID] = im.Labels
	}
	return res, nil
}

func (c *Client) RemoveNetwork(ctx context.Context, id string) error {
	if err := c.api.NetworkRemove(ctx, id); err != nil && !client.IsErrNotFound(err) {
		return fmt.Errorf("remove network %s: %w", short(id), err)
	}
	return nil
}

func (c *Client) RemoveVolume(ctx context.Context, name string) error {
	if err := c.api.VolumeRemove(ctx, name, true); err != nil && !client.IsErrNotFound(err) {
		return fmt.Errorf("remove volume %s: %w", name, err)
	}
	return nil
}

// withOwner adds the owner and lease labels to a copy of labels, so that a later
// command can tell an orphan from a live run's container.
func withOwner(labels map[string]string, lifetime time.Duration) map[string]string {
	out := maps.Clone(labels)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, ownerLabels(lifetime, time.Now()))
	return out
}

// Limits of every container devopsctl runs (see docs/limits.md).
const (
	// stopTimeout is how long a container has to end after SIGTERM.
	stopTimeout = 2
	// shmSize bounds /dev/shm; volumeSize each tmpfs laid over a VOLUME.
	shmSize    = 16 << 20
	volumeSize = "64m"
	// VolumeSizeMB is volumeSize in MB, for messages.
	VolumeSizeMB = 64
)

var stopTimeoutSeconds = stopTimeout

// hostConfig is the sandbox of a learner's container: no capabilities but
// binding low ports, no privilege gain, bounded memory, CPU, processes,
// /dev/shm, log and VOLUME space, and an init process that reaps zombies.
func (c *Client) hostConfig(ctx context.Context, spec ContainerSpec) *container.HostConfig {
	pids := spec.PidsMax
	init := true
	host := &container.HostConfig{
		Privileged:     false,
		CapDrop:        []string{"ALL"},
		CapAdd:         []string{"NET_BIND_SERVICE"},
		SecurityOpt:    []string{"no-new-privileges"},
		ReadonlyRootfs: spec.ReadOnly,
		Init:           &init,
		ShmSize:        shmSize,
		LogConfig: container.LogConfig{
			Type:   "json-file",
			Config: map[string]string{"max-size": logFileSize, "max-file": "2"},
		},
		Resources: container.Resources{
			Memory:     spec.Memory,
			MemorySwap: spec.Memory,
			NanoCPUs:   int64(spec.CPUs * 1e9),
			PidsLimit:  &pids,
		},
		NetworkMode: "bridge",
		Tmpfs:       map[string]string{},
	}
	if spec.ReadOnly {
		host.Tmpfs["/tmp"] = "rw,size=16m"
	}
	// A VOLUME in the image would otherwise become an anonymous volume on the
	// host's disk, as large as the container cares to write. A tmpfs over it
	// is bounded, and counts against the container's memory.
	if ii, err := c.api.ImageInspect(ctx, spec.Image); err == nil && ii.Config != nil {
		for path := range ii.Config.Volumes {
			host.Tmpfs[path] = "rw,size=" + volumeSize
		}
	}
	return host
}

// DefaultMemory (bytes) and DefaultPidsMax bound a container whose spec sets
// no limits of its own.
const (
	DefaultMemory  = 256 << 20
	DefaultPidsMax = 128
)

func withSafeDefaults(s ContainerSpec) ContainerSpec {
	if s.Memory <= 0 {
		s.Memory = DefaultMemory
	}
	if s.CPUs <= 0 {
		s.CPUs = 1
	}
	if s.PidsMax <= 0 {
		s.PidsMax = DefaultPidsMax
	}
	return s
}

// cleanEngineError strips the transport prefix the client puts on engine errors.
func cleanEngineError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "Error response from daemon: ")
	return s
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// demux turns the engine's multiplexed log stream (8-byte frame headers) into text;
// a TTY container's log has no headers and is returned as is.
func demux(raw []byte) string {
	var b strings.Builder
	for len(raw) >= 8 && (raw[0] == 1 || raw[0] == 2) && raw[1] == 0 && raw[2] == 0 && raw[3] == 0 {
		n := int(raw[4])<<24 | int(raw[5])<<16 | int(raw[6])<<8 | int(raw[7])
		raw = raw[8:]
		if n > len(raw) {
			n = len(raw)
		}
		b.Write(raw[:n])
		raw = raw[n:]
	}
	b.Write(raw)
	return b.String()
}

// tail keeps the last n lines written to it.
type tail struct {
	n     int
	lines []string
}

func newTail(n int) *tail { return &tail{n: n} }

func (t *tail) Write(s string) {
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		t.lines = append(t.lines, l)
		if len(t.lines) > t.n {
			t.lines = t.lines[1:]
		}
	}
}

func (t *tail) String() string { return strings.Join(t.lines, "\n") }

// ContainerSummary is one container as a listing shows it.
type ContainerSummary struct {
	ID      string
	Command string
	State   string
	Labels  map[string]string
}

// ListAllContainers lists every container on the engine, devopsctl's or not. Tests
// use it to prove that an interrupted build left nothing behind, since the
// classic builder's step containers carry none of our labels.
func (c *Client) ListAllContainers(ctx context.Context) ([]ContainerSummary, error) {
	ctrs, err := c.api.ContainerList(ctx, container.ListOptions{All: true})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	out := make([]ContainerSummary, 0, len(ctrs))
	for _, ct := range ctrs {
		out = append(out, ContainerSummary{ID: ct.ID, Command: ct.Command, State: ct.State, Labels: ct.Labels})
	}
	return out, nil
}
