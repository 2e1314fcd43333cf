// Package labimages works out which images a lab needs on an engine that
// cannot reach a registry: the bases its solution builds on, and the images
// its check kinds start or compile their helpers in. `lab bundle` saves them
// and `doctor` looks for them.
package labimages

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/composefile"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/dockerfile"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/swarmrun"
)

// Need is one image a lab needs.
type Need struct {
	Ref string
	// Why says who needs it, for messages: "FROM in dockerfile/solution/Dockerfile".
	Why []string
	// Optional images save time when present (a helper compiled once) but
	// are made again from a required one when missing.
	Optional bool
	// Labs are the ids of the labs that need it.
	Labs []string
}

// kindImages lists the images a check kind needs besides the workspace's own
// build. Every kind that needs the engine is here or in buildsOnly; a test
// holds the registry to that, so a new kind cannot forget its images.
var kindImages = map[string][]Need{
	"container_http": {
		{Ref: docker.ProbeImage, Why: []string{"the socket probe of container_http checks"}},
		{Ref: docker.RelayBase, Why: []string{"the port relay of container_http checks is compiled in it"}},
		{Ref: docker.RelayImage(), Why: []string{"the port relay of container_http checks"}, Optional: true},
	},
	// compose_up also needs what the solution's compose file runs (composeNeeds).
	"compose_up": {
		{Ref: docker.RelayBase, Why: []string{"the gateway of compose_up checks is compiled in it"}},
		{Ref: docker.RelayImage(), Why: []string{"the gateway of compose_up checks"}, Optional: true},
	},
	// pipeline_gate needs the image its check names (gateImage), nothing more.
	"pipeline_gate": {},
	"swarm_rollout": {
		{Ref: swarmrun.BuildBase, Why: []string{"the swarm_rollout demo service is compiled in it"}},
		{Ref: swarmrun.ImageTag(swarmrun.V1), Why: []string{"the swarm_rollout demo service"}, Optional: true},
		{Ref: swarmrun.ImageTag(swarmrun.V2), Why: []string{"the swarm_rollout demo service"}, Optional: true},
		{Ref: swarmrun.ImageTag(swarmrun.V3), Why: []string{"the swarm_rollout demo service"}, Optional: true},
	},
}

// buildsOnly are the engine kinds that need nothing but the image the
// workspace's Dockerfile builds (its bases come from the solution).
var buildsOnly = []string{"image_build", "image_metadata", "image_size"}

// ForLabs lists the images the labs need, each once, in the order first
// needed. A solution Dockerfile that cannot be read or parsed is an error: the
// lab's checks could not build it either.
func ForLabs(ls []*labs.Lab) ([]Need, error) {
	var out []Need
	add := func(lab string, n Need) {
		i := slices.IndexFunc(out, func(o Need) bool { return o.Ref == n.Ref })
		if i < 0 {
			n.Why = slices.Clone(n.Why)
			n.Labs = []string{lab}
			out = append(out, n)
			return
		}
		for _, w := range n.Why {
			if !slices.Contains(out[i].Why, w) {
				out[i].Why = append(out[i].Why, w)
			}
		}
		if !slices.Contains(out[i].Labs, lab) {
			out[i].Labs = append(out[i].Labs, lab)
		}
		out[i].Optional = out[i].Optional && n.Optional
	}
	for _, l := range ls {
		needs, err := ForLab(l)
		if err != nil {
			return nil, err
		}
		for _, n := range needs {
			add(l.ID, n)
		}
	}
	return out, nil
}

// ForLab lists the images one lab needs.
func ForLab(l *labs.Lab) ([]Need, error) {
	var out []Need
	seen := map[string]bool{}
	for _, c := range l.Checks {
		if c.Kind == "image_build" {
			file, err := dockerfileOf(&c)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", l.File, c.Line, err)
			}
			if seen[file] {
				continue
			}
			seen[file] = true
			refs, err := solutionBases(l, file)
			if err != nil {
				return nil, err
			}
			for _, r := range refs {
				out = append(out, Need{Ref: r, Why: []string{"FROM in " + path.Join(l.ID, "solution", file)}})
			}
		}
		switch c.Kind {
		case "compose_up":
			needs, err := composeNeeds(l, &c)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", l.File, c.Line, err)
			}
			out = append(out, needs...)
		case "pipeline_gate":
			ref, err := gateImage(&c)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %w", l.File, c.Line, err)
			}
			out = append(out, Need{Ref: ref, Why: []string{"runs the test job of " + c.ID}})
		}
		if seen["kind:"+c.Kind] {
			continue
		}
		seen["kind:"+c.Kind] = true
		out = append(out, kindImages[c.Kind]...)
	}
	return out, nil
}

// dockerfileOf reads the dockerfile parameter of an image_build check.
func dockerfileOf(c *labs.CheckSpec) (string, error) {
	var p struct {
		Dockerfile string `yaml:"dockerfile"`
	}
	if c.With.Kind != 0 {
		if err := c.With.Decode(&p); err != nil {
			return "", fmt.Errorf("read the dockerfile of check %s: %w", c.ID, err)
		}
	}
	if p.Dockerfile == "" {
		return "Dockerfile", nil
	}
	return path.Clean(strings.TrimPrefix(p.Dockerfile, "./")), nil
}

func solutionBases(l *labs.Lab, file string) ([]string, error) {
	name, data, err := solvedFile(l, file)
	if err != nil {
		return nil, fmt.Errorf("lab %s: read %s to find its base images: %w", l.ID, name, err)
	}
	refs, err := dockerfile.BaseImages(data)
	if err != nil {
		return nil, fmt.Errorf("lab %s: %s: %w", l.ID, name, err)
	}
	return refs, nil
}

// composeNeeds lists what the solution's compose file runs: each service's
// image, and the bases of each service it builds.
func composeNeeds(l *labs.Lab, c *labs.CheckSpec) ([]Need, error) {
	var p struct {
		File string `yaml:"file"`
	}
	if c.With.Kind != 0 {
		if err := c.With.Decode(&p); err != nil {
			return nil, fmt.Errorf("read the compose file of check %s: %w", c.ID, err)
		}
	}
	if p.File == "" {
		p.File = "compose.yaml"
	}
	name, data, err := solvedFile(l, path.Clean(p.File))
	if err != nil {
		return nil, fmt.Errorf("lab %s: read %s to find its images: %w", l.ID, name, err)
	}
	project, err := composefile.Load(context.Background(), composefile.Source{
		Name: name, Dir: "/solution", Content: data, Project: l.ID, Contained: true,
	})
	if err != nil {
		return nil, fmt.Errorf("lab %s: %w", l.ID, err)
	}
	var out []Need
	for _, svc := range project.Services {
		if svc.Build == nil {
			out = append(out, Need{Ref: svc.Image, Why: []string{"service " + svc.Name + " in " + path.Join(l.ID, name)}})
			continue
		}
		dir, err := filepath.Rel("/solution", svc.Build.Context)
		if err != nil || strings.HasPrefix(dir, "..") {
			return nil, fmt.Errorf("lab %s: service %s builds outside the solution", l.ID, svc.Name)
		}
		file := svc.Build.Dockerfile
		if file == "" {
			file = "Dockerfile"
		}
		refs, err := solutionBases(l, path.Join(filepath.ToSlash(dir), file))
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			out = append(out, Need{Ref: r, Why: []string{"FROM of service " + svc.Name + " in " + path.Join(l.ID, name)}})
		}
	}
	return out, nil
}

// gateImage is the image a pipeline_gate check runs the test job in.
func gateImage(c *labs.CheckSpec) (string, error) {
	p := struct {
		Image string `yaml:"image"`
	}{Image: checks.PipelineGateImage}
	if c.With.Kind != 0 {
		if err := c.With.Decode(&p); err != nil {
			return "", fmt.Errorf("read the image of check %s: %w", c.ID, err)
		}
	}
	return p.Image, nil
}

// solvedFile reads a file of the solved workspace: the solution's copy, or the
// starter's where the solution leaves the file as the learner got it.
func solvedFile(l *labs.Lab, file string) (string, []byte, error) {
	name := path.Join("solution", file)
	data, err := fs.ReadFile(l.FS, name)
	if errors.Is(err, fs.ErrNotExist) {
		if sdata, serr := fs.ReadFile(l.FS, path.Join("starter", file)); serr == nil {
			return name, sdata, nil
		}
	}
	return name, data, err
}
