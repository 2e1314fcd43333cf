package rollout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/devopsctl/devopsctl/internal/composefile"
)

// FromCompose builds a Swarm rolling-update scenario from one service of a
// compose file: deploy.replicas (default 1), deploy.update_config and
// deploy.rollback_config. The file is read with the compose loader itself, so
// interpolation, extends and validation behave as with `docker stack deploy`.
// Both versions are named after the service's image; the caller sets how the
// new one behaves (failures, error rate) and the traffic. The file and the
// files its services extend are read with the MaxComposeBytes cap.
func FromCompose(ctx context.Context, path, service string) (Scenario, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Scenario{}, fmt.Errorf("%s: %w", path, err)
	}
	data, err := readCapped(abs)
	if err != nil {
		return Scenario{}, fmt.Errorf("%s: %w", path, err)
	}
	dir := filepath.Dir(abs)
	return FromComposeContent(ctx, ComposeSource{
		Name: path, Dir: dir, Data: data,
		Read: func(name string) ([]byte, error) {
			if !filepath.IsAbs(name) {
				name = filepath.Join(dir, name)
			}
			return readCapped(name)
		},
	}, service)
}

// ComposeSource is a compose file already read, for callers that confine
// reads to a folder (a learner's workspace): the loader is given the bytes,
// never a path to open again.
type ComposeSource struct {
	Name string // as the learner knows it, for messages
	Dir  string // the folder relative paths start from
	Data []byte
	// Read reads a file a service extends (`extends: {file: …}`), named as
	// the compose file names it: a path relative to Dir, or absolute. It must
	// cap what it reads and refuse what it must not read.
	Read func(name string) ([]byte, error)
}

// FromComposeContent is FromCompose over a compose file already read.
func FromComposeContent(ctx context.Context, src ComposeSource, service string) (Scenario, error) {
	path := src.Name
	project, err := composefile.Load(ctx, composefile.Source{
		Name:        path,
		Dir:         src.Dir,
		Path:        filepath.Join(src.Dir, filepath.Base(path)),
		Content:     src.Data,
		Env:         types.NewMapping(os.Environ()),
		Project:     "rollout",
		ReadExtends: src.Read,
	})
	if err != nil {
		return Scenario{}, err
	}
	svc, ok := project.Services[service]
	if !ok {
		names := slices.Sorted(func(yield func(string) bool) {
			for name := range project.Services {
				if !yield(name) {
					return
				}
			}
		})
		return Scenario{}, fmt.Errorf("%s: no service %q; the file defines: %s", path, service, strings.Join(names, ", "))
	}
	sc := Scenario{
		Name:     service,
		Replicas: 1,
		From:     Version{Name: svc.Image + " (current)"},
		To:       Version{Name: svc.Image + " (new)"},
		Strategy: Strategy{Kind: KindSwarm, Swarm: &Swarm{}},
	}
	if svc.Image == "" {
		sc.From.Name, sc.To.Name = service+" (current)", service+" (new)"
	}
	d := svc.Deploy
	if d == nil {
		return sc, nil
	}
	if d.Mode != "" && d.Mode != "replicated" {
		return Scenario{}, fmt.Errorf("%s: service %q uses deploy.mode %q; the simulator handles replicated services only", path, service, d.Mode)
	}
	if d.Replicas != nil {
		sc.Replicas = *d.Replicas
	}
	if d.UpdateConfig != nil {
		u, err := updateFromCompose(d.UpdateConfig)
		if err != nil {
			return Scenario{}, fmt.Errorf("%s: service %q deploy.update_config: %w", path, service, err)
		}
		sc.Strategy.Swarm.Update = u
	}
	if d.RollbackConfig != nil {
		u, err := updateFromCompose(d.RollbackConfig)
		if err != nil {
			return Scenario{}, fmt.Errorf("%s: service %q deploy.rollback_config: %w", path, service, err)
		}
		sc.Strategy.Swarm.Rollback = &u
	}
	return sc, nil
}

func updateFromCompose(c *types.UpdateConfig) (UpdateConfig, error) {
	u := UpdateConfig{
		DelayS:          seconds(c.Delay),
		FailureAction:   c.FailureAction,
		MaxFailureRatio: decimal32(c.MaxFailureRatio),
		Order:           c.Order,
	}
	if c.Parallelism != nil {
		if *c.Parallelism > math.MaxInt32 {
			return u, fmt.Errorf("parallelism %d is too large", *c.Parallelism)
		}
		p := int(*c.Parallelism)
		u.Parallelism = &p
	}
	if c.Monitor != 0 {
		m := seconds(c.Monitor)
		u.MonitorS = &m
	}
	return u, u.validate()
}

// decimal32 widens the loader's float32 without the binary noise (0.2, not
// 0.20000000298), so the ratio reads back as written.
func decimal32(f float32) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	return v
}

// seconds rounds a duration up to whole seconds, the simulator's tick, so a
// short but non-zero delay never vanishes.
func seconds(d types.Duration) int {
	return int((time.Duration(d) + time.Second - 1) / time.Second)
}

// MaxComposeBytes caps what is read of a compose file: far more than any real
// one, little enough that a wrong path (a device, a log) cannot fill memory.
const MaxComposeBytes = 1 << 20

// readCapped reads a regular file of at most MaxComposeBytes.
func readCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file; give the path of a compose file")
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxComposeBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxComposeBytes {
		return nil, fmt.Errorf("larger than %d KiB; a compose file is far smaller, is this the right file?", MaxComposeBytes>>10)
	}
	return data, nil
}

// ComposeError is a compose file the loader rejected. Pos is "line:column"
// (or just the line) when the parser reported one.
type ComposeError = composefile.Error
