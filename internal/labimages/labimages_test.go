package labimages

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/swarmrun"
)

// TestEveryEngineKindIsListed keeps kindImages in step with the registry: a
// kind that needs the engine must say which images it needs, or that it
// needs none but the workspace's build.
func TestEveryEngineKindIsListed(t *testing.T) {
	for _, k := range checks.Kinds() {
		_, listed := kindImages[k.Name]
		if k.NeedsEngine && !listed && !slices.Contains(buildsOnly, k.Name) {
			t.Errorf("check kind %s needs the engine but labimages does not say which images it needs", k.Name)
		}
		if !k.NeedsEngine && (listed || slices.Contains(buildsOnly, k.Name)) {
			t.Errorf("check kind %s needs no engine, yet labimages lists images for it", k.Name)
		}
	}
	for name := range kindImages {
		if _, ok := checks.Lookup(name); !ok {
			t.Errorf("labimages lists images for %s, which is not a registered kind", name)
		}
	}
}

func refs(ns []Need) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Ref)
	}
	return out
}

func TestShippedLabs(t *testing.T) {
	cat, err := labs.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lab  string
		want []string
	}{
		{"dockerfile", []string{"golang:1.26", docker.ProbeImage, docker.RelayImage()}},
		{"image-size", []string{"golang:1.26", docker.ProbeImage, docker.RelayImage()}},
		{"canary", nil},
	}
	for _, tt := range tests {
		t.Run(tt.lab, func(t *testing.T) {
			l, err := cat.Get(tt.lab)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ForLab(l)
			if err != nil {
				t.Fatal(err)
			}
			g := refs(got)
			slices.Sort(g)
			g = slices.Compact(g)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(g, want) {
				t.Errorf("ForLab(%s) = %q, want %q", tt.lab, g, want)
			}
		})
	}
	all, err := ForLabs(cat.Labs())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range all {
		if n.Ref == "golang:1.26" {
			if n.Optional || len(n.Labs) < 2 {
				t.Errorf("golang:1.26 = %+v, want required by several labs", n)
			}
		}
		if n.Ref == docker.RelayImage() && !n.Optional {
			t.Errorf("the relay image is made again when missing, so it must be optional: %+v", n)
		}
	}
}

// writeLab makes a one-lab pack whose image_build check reads dockerfile.
func writeLab(t *testing.T, with, file, content string) *labs.Lab {
	t.Helper()
	dir := t.TempDir()
	spec := "id: t\ntitle: T\nsummary: s\ndifficulty: beginner\nminutes: 5\nchecks:\n  - id: b\n    title: B\n    kind: image_build\n" + with
	files := map[string]string{"lab.yaml": spec, "README.md": "# T\n", "starter/x": "x", filepath.Join("solution", file): content}
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := labs.LoadCatalog(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := cat.Get("t")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestPackLabs(t *testing.T) {
	tests := []struct {
		name, with, file, content string
		want                      []string
		err                       string
	}{
		{name: "default Dockerfile", file: "Dockerfile", content: "FROM busybox:1.36\n", want: []string{"busybox:1.36"}},
		{name: "dockerfile parameter", with: "    with:\n      dockerfile: web/Containerfile\n", file: "web/Containerfile",
			content: "FROM golang:1.26 AS b\nFROM scratch\nCOPY --from=b /a /a\n", want: []string{"golang:1.26"}},
		{name: "solution lacks the file", file: "Other", content: "FROM busybox:1.36\n", err: "read solution/Dockerfile"},
		{name: "solution does not parse", file: "Dockerfile", content: "RUN true\n", err: "solution/Dockerfile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ForLab(writeLab(t, tt.with, tt.file, tt.content))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(refs(got), tt.want) {
				t.Errorf("got %q, want %q", refs(got), tt.want)
			}
		})
	}
}

func TestSwarmKindNeedsItsBuildBase(t *testing.T) {
	ns := kindImages["swarm_rollout"]
	if !slices.ContainsFunc(ns, func(n Need) bool { return n.Ref == swarmrun.BuildBase && !n.Optional }) {
		t.Errorf("swarm_rollout must require %s: %+v", swarmrun.BuildBase, ns)
	}
}
