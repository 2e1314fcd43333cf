package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/watchdog"
)

// Factory hands commands what they need. Services are built lazily, on first use,
// so that `--help` or `lab list` never touch the Docker engine.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// Engine returns a Docker engine client. It does not check reachability.
	Engine func() (docker.Engine, error)
	// LabPaths are instructor pack folders given by --labs or DEVOPSCTL_LABS.
	LabPaths []string
	Version  string
	// Workspace finds the lab workspace in a folder or its parents.
	Workspace WorkspaceFunc
	// ResolveLab finds the lab a command is about: the id given, or the lab of
	// the workspace found.
	ResolveLab ResolveFunc
}

// NewFactory returns a Factory over the process's streams and the Docker engine
// named by the environment.
func NewFactory(version string) *Factory {
	f := &Factory{IOStreams: iostreams.System(), Version: version, Workspace: findWorkspace}
	f.ResolveLab = f.resolveLab
	var (
		once sync.Once
		eng  docker.Engine
		err  error
	)
	f.Engine = func() (docker.Engine, error) {
		once.Do(func() {
			var c *docker.Client
			if c, err = docker.New(); err == nil {
				c.Watch = watchdog.Spawner()
				eng = c
			}
		})
		return eng, err
	}
	return f
}

// Catalog loads the lab catalog: the shipped labs plus the instructor packs in
// LabPaths. A broken pack is bad input (exit 2).
func (f *Factory) Catalog() (*labs.Catalog, error) {
	c, err := labs.LoadCatalog(f.LabPaths...)
	if err != nil {
		return nil, UsageError(err)
	}
	return c, nil
}

// Progress opens the progress store. A damaged file is moved aside and reported
// as bad input (exit 2), so nothing the learner did is silently lost.
func (f *Factory) Progress() (*labs.Store, *labs.Progress, error) {
	s, err := labs.DefaultStore()
	if err != nil {
		return nil, nil, EnvironmentError(err)
	}
	p, err := s.Load()
	if err != nil {
		return nil, nil, StateError(err)
	}
	return s, p, nil
}

// ReachEngine returns an engine that answered a ping, or an error that says
// which engine did not answer. The error is short because a check report shows
// it beside every skipped check; commands that stop on it add the way out with
// EngineMissing.
func ReachEngine(ctx context.Context, f *Factory) (docker.Engine, error) {
	eng, err := f.Engine()
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := eng.Ping(pctx); err != nil {
		if !errors.Is(err, docker.ErrUnreachable) {
			err = fmt.Errorf("%w (%v)", docker.ErrUnreachable, err)
		}
		return nil, err
	}
	return eng, nil
}

// EngineMissing is the exit-3 error of a command that cannot work without an
// engine: what failed, then how to start Docker.
func EngineMissing(err error) error {
	return EnvironmentError(fmt.Errorf("%w\n%s", err, labs.StartDockerHint))
}

// RememberPack makes the lab pack a workspace was started from loadable without
// --labs, so that every command run inside it finds its lab.
func (f *Factory) RememberPack(ws *labs.Workspace) {
	src := ws.Marker.Source
	if src != "" && src != "embedded" && !slices.Contains(f.LabPaths, src) {
		f.LabPaths = append(f.LabPaths, src)
	}
}
