package kit

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// writePack makes an instructor pack holding one lab whose solution builds
// FROM base.
func writePack(t *testing.T, id, base string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"lab.yaml": "id: " + id + "\ntitle: Kit test\nsummary: s\ndifficulty: beginner\nminutes: 5\nchecks:\n" +
			"  - id: builds\n    title: It builds\n    kind: image_build\n",
		"README.md":           "# Kit test\n",
		"starter/Dockerfile":  "# TODO\n",
		"solution/Dockerfile": "FROM " + base + "\nCMD [\"true\"]\n",
		"solution/run.sh":     "#!/bin/sh\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, id, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func packLab(t *testing.T, pack, id string) *labs.Lab {
	t.Helper()
	cat, err := labs.LoadCatalog(pack)
	if err != nil {
		t.Fatal(err)
	}
	l, err := cat.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// saveStream is what a fake engine saves: a small docker-save-like tar.
func saveStream(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range []struct{ name, data string }{
		{"manifest.json", `[{"Config":"abc.json","RepoTags":["kit-test:1"],"Layers":["l1/layer.tar"]}]`},
		{"abc.json", `{}`},
		{"l1/layer.tar", strings.Repeat("x", 1<<20)},
	} {
		tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.data)), Typeflag: tar.TypeReg})
		tw.Write([]byte(e.data))
	}
	tw.Close()
	return b.Bytes()
}

// fakeEngine has the images in have; saved and loaded record what went by.
type fakeEngine struct {
	have   map[string]bool
	save   []byte
	loaded []byte
	refs   []string
}

func (f *fakeEngine) engine() *docker.Fake {
	return &docker.Fake{InspectImageFunc: func(ctx context.Context, ref string) (docker.Image, error) {
		if f.have[ref] {
			return docker.Image{ID: "sha256:" + ref, Size: 1 << 20}, nil
		}
		return docker.Image{}, fmt.Errorf("image %s: %w", ref, docker.ErrNotFound)
	}}
}

func (f *fakeEngine) workshop() *docker.WorkshopFake {
	return &docker.WorkshopFake{
		SaveImagesFunc: func(ctx context.Context, refs []string) (io.ReadCloser, error) {
			f.refs = refs
			return io.NopCloser(bytes.NewReader(f.save)), nil
		},
		LoadImagesFunc: func(ctx context.Context, r io.Reader) ([]string, error) {
			b, err := io.ReadAll(r)
			f.loaded = b
			for ref := range f.have {
				f.have[ref] = true
			}
			return []string{"kit-test:1"}, err
		},
	}
}

func entries(t *testing.T, data []byte) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
	}
}

func writeKit(t *testing.T, fe *fakeEngine, ls ...*labs.Lab) (string, *Manifest) {
	t.Helper()
	var b bytes.Buffer
	var calls int
	m, err := Write(context.Background(), &b, ls, WriteOptions{
		Engine: fe.engine(), Archive: fe.workshop(), Version: "v9.9.9",
		Progress: func(string, int64, int64) { calls++ },
		Now:      func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Images) > 0 && calls == 0 {
		t.Error("no progress was reported while saving images")
	}
	file := filepath.Join(t.TempDir(), "kit.tar")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, m
}

func TestWriteLaysOutTheKit(t *testing.T) {
	lab := packLab(t, writePack(t, "kit-lab", "kit-test:1"), "kit-lab")
	fe := &fakeEngine{have: map[string]bool{"kit-test:1": true}, save: saveStream(t)}
	file, m := writeKit(t, fe, lab)
	if !slices.Equal(fe.refs, []string{"kit-test:1"}) {
		t.Errorf("saved %q, want the solution's base only", fe.refs)
	}
	if m.Format != Format || m.Devopsctl != "v9.9.9" || len(m.Labs) != 1 || m.Labs[0].Source != SourcePack || len(m.Images) != 1 || m.Images[0].Labs[0] != "kit-lab" {
		t.Errorf("manifest = %+v", m)
	}
	data, _ := os.ReadFile(file)
	got := entries(t, data)
	if got[0] != manifestName {
		t.Errorf("first entry %s, want the manifest", got[0])
	}
	for _, want := range []string{"devopsctl/labs/kit-lab/lab.yaml", "devopsctl/labs/kit-lab/solution/Dockerfile", "l1/layer.tar"} {
		if !slices.Contains(got, want) {
			t.Errorf("the kit lacks %s: %q", want, got)
		}
	}
	if i, j := slices.Index(got, "devopsctl/labs/kit-lab/lab.yaml"), slices.Index(got, "manifest.json"); i > j {
		t.Errorf("lab files come after the images: %q", got)
	}
}

func TestWriteShippedLabCarriesNoFiles(t *testing.T) {
	cat, err := labs.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	lab, _ := cat.Get("dockerfile")
	fe := &fakeEngine{have: map[string]bool{"golang:1.26": true, docker.ProbeImage: true}, save: saveStream(t)}
	file, m := writeKit(t, fe, lab)
	if m.Labs[0].Source != SourceShipped {
		t.Errorf("source = %s", m.Labs[0].Source)
	}
	// The relay is made again from golang:1.26 when missing, so a kit without
	// it is still complete.
	if !slices.Equal(fe.refs, []string{"golang:1.26", docker.ProbeImage}) {
		t.Errorf("saved %q", fe.refs)
	}
	data, _ := os.ReadFile(file)
	for _, e := range entries(t, data) {
		if strings.HasPrefix(e, labsPrefix) {
			t.Errorf("a shipped lab's file went into the kit: %s", e)
		}
	}
}

func TestWriteRefusesMissingImages(t *testing.T) {
	lab := packLab(t, writePack(t, "kit-lab", "kit-test:1"), "kit-lab")
	fe := &fakeEngine{have: map[string]bool{}, save: saveStream(t)}
	_, err := Write(context.Background(), io.Discard, []*labs.Lab{lab}, WriteOptions{Engine: fe.engine(), Archive: fe.workshop()})
	var me *MissingImagesError
	if !errors.As(err, &me) || len(me.Missing) != 1 || me.Missing[0].Ref != "kit-test:1" {
		t.Fatalf("err = %v, want the missing kit-test:1", err)
	}
	if !strings.Contains(err.Error(), "offline-images.sh") || !strings.Contains(err.Error(), "kit-lab/solution/Dockerfile") {
		t.Errorf("the message should say who needs it and how to make it: %v", err)
	}
}

func TestLoadRoundTrip(t *testing.T) {
	lab := packLab(t, writePack(t, "kit-lab", "kit-test:1"), "kit-lab")
	fe := &fakeEngine{have: map[string]bool{"kit-test:1": true}, save: saveStream(t)}
	file, _ := writeKit(t, fe, lab)
	labsDir := filepath.Join(t.TempDir(), "state", "labs")
	// An older install of the same lab is replaced.
	os.MkdirAll(filepath.Join(labsDir, "kit-lab"), 0o755)
	os.WriteFile(filepath.Join(labsDir, "kit-lab", "stale"), []byte("x"), 0o644)
	fe.have["kit-test:1"] = false
	var stages []string
	res, err := Load(context.Background(), file, LoadOptions{Engine: fe.engine(), Archive: fe.workshop(), LabsDir: labsDir,
		Progress: func(what string, done, total int64) {
			if done > total {
				t.Errorf("progress %d of %d", done, total)
			}
			stages = append(stages, what)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Installed, []string{"kit-lab"}) || !slices.Equal(res.Loaded, []string{"kit-test:1"}) {
		t.Errorf("result = %+v", res)
	}
	if !bytes.Equal(fe.loaded, saveStreamEntries(t, fe.save)) {
		t.Error("the engine was not handed exactly the saved images")
	}
	if !slices.Contains(stages, "loading images") {
		t.Errorf("progress stages %q", stages)
	}
	if _, err := os.Stat(filepath.Join(labsDir, "kit-lab", "stale")); !os.IsNotExist(err) {
		t.Error("the older install was not replaced")
	}
	info, err := os.Stat(filepath.Join(labsDir, "kit-lab", "solution", "run.sh"))
	if err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("run.sh lost its executable bit: %v %v", info, err)
	}
	cat, err := labs.LoadCatalog(labsDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Get("kit-lab"); err != nil {
		t.Error(err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(labsDir), ".kit-*"))
	if len(left) > 0 {
		t.Errorf("work folders left: %q", left)
	}
}

// saveStreamEntries is the saved stream as the kit re-tars it.
func saveStreamEntries(t *testing.T, save []byte) []byte {
	var b bytes.Buffer
	if err := imagesOnly("x", bytes.NewReader(save), &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLoadImageMissingAfterwards(t *testing.T) {
	lab := packLab(t, writePack(t, "kit-lab", "kit-test:1"), "kit-lab")
	fe := &fakeEngine{have: map[string]bool{"kit-test:1": true}, save: saveStream(t)}
	file, _ := writeKit(t, fe, lab)
	ws := fe.workshop()
	ws.LoadImagesFunc = func(ctx context.Context, r io.Reader) ([]string, error) {
		io.Copy(io.Discard, r)
		fe.have = map[string]bool{}
		return nil, nil
	}
	labsDir := filepath.Join(t.TempDir(), "labs")
	_, err := Load(context.Background(), file, LoadOptions{Engine: fe.engine(), Archive: ws, LabsDir: labsDir})
	if err == nil || !strings.Contains(err.Error(), "does not have kit-test:1") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(labsDir, "kit-lab")); !os.IsNotExist(err) {
		t.Error("labs were installed although their images did not load")
	}
}

type entry struct {
	name  string
	data  string
	typ   byte
	link  string
	size  int64 // when not len(data)
	after bool  // after the image entries
}

func manifestJSON(labs ...LabInfo) string {
	b, _ := json.Marshal(Manifest{Format: 1, Labs: labs, Images: []Image{}})
	return string(b)
}

var okLab = LabInfo{ID: "kit-lab", Title: "T", Source: SourcePack}

func validLabEntries() []entry {
	return []entry{
		{name: "devopsctl/labs/kit-lab/lab.yaml", data: "id: kit-lab\ntitle: T\nsummary: s\ndifficulty: beginner\nminutes: 5\nchecks:\n  - id: f\n    title: F\n    kind: file_exists\n    with:\n      path: a\n"},
		{name: "devopsctl/labs/kit-lab/README.md", data: "# T\n"},
		{name: "devopsctl/labs/kit-lab/starter/a", data: "a"},
	}
}

func buildKit(t *testing.T, es []entry) string {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	write := func(e entry) {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		size := int64(len(e.data))
		if typ != tar.TypeReg {
			size = 0
		}
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Size: size, Typeflag: typ, Linkname: e.link}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.data))
	}
	for _, e := range es {
		if !e.after {
			write(e)
		}
	}
	write(entry{name: "manifest.json", data: "[]"})
	for _, e := range es {
		if e.after {
			write(e)
		}
	}
	tw.Close()
	file := filepath.Join(t.TempDir(), "kit.tar")
	os.WriteFile(file, b.Bytes(), 0o644)
	return file
}

func TestLoadRefusesBadKits(t *testing.T) {
	man := func(ls ...LabInfo) entry { return entry{name: manifestName, data: manifestJSON(ls...)} }
	with := func(es ...entry) []entry { return append(append([]entry{man(okLab)}, validLabEntries()...), es...) }
	big := strings.Repeat("x", labs.MaxFileBytes+1)
	tests := []struct {
		name string
		kit  []entry
		want string
	}{
		{"not a kit", []entry{{name: "hello.txt", data: "x"}}, "is not a devopsctl workshop kit"},
		{"manifest not json", []entry{{name: manifestName, data: "{"}}, "not valid JSON"},
		{"newer format", []entry{{name: manifestName, data: `{"format": 2}`}}, "upgrade devopsctl"},
		{"no format", []entry{{name: manifestName, data: `{}`}}, "no format version"},
		{"unknown field", []entry{{name: manifestName, data: `{"format":1,"evil":true}`}}, "cannot be read"},
		{"lab id is a path", []entry{man(LabInfo{ID: "../x", Source: SourcePack})}, "not a lab id"},
		{"lab twice", []entry{man(okLab, okLab)}, "twice"},
		{"bad source", []entry{man(LabInfo{ID: "x", Source: "web"})}, "has source"},
		{"dot-dot path", with(entry{name: "devopsctl/labs/kit-lab/../../escape", data: "x"}), "leads out"},
		{"dot-dot lab", with(entry{name: "devopsctl/labs/../escape", data: "x"}), "leads out"},
		{"absolute inside", with(entry{name: "devopsctl/labs//etc/passwd", data: "x"}), "leads out"},
		{"backslash", with(entry{name: `devopsctl/labs/kit-lab/..\..\x`, data: "x"}), "leads out"},
		{"symlink", with(entry{name: "devopsctl/labs/kit-lab/starter/l", typ: tar.TypeSymlink, link: "/etc/passwd"}), "link or a special file"},
		{"hard link", with(entry{name: "devopsctl/labs/kit-lab/starter/h", typ: tar.TypeLink, link: "/etc/passwd"}), "link or a special file"},
		{"device", with(entry{name: "devopsctl/labs/kit-lab/starter/d", typ: tar.TypeChar}), "link or a special file"},
		{"file over cap", with(entry{name: "devopsctl/labs/kit-lab/starter/big", data: big}), "over the cap"},
		{"lab not listed", with(entry{name: "devopsctl/labs/other/lab.yaml", data: "x"}), "does not list"},
		{"entry twice", with(entry{name: "devopsctl/labs/kit-lab/starter/a", data: "b"}), "cannot be unpacked"},
		{"other own entry", with(entry{name: "devopsctl/run.sh", data: "x"}), "is not part of"},
		{"lab without files", []entry{man(okLab)}, "does not hold its files"},
		{"lab that does not load", []entry{man(okLab), {name: "devopsctl/labs/kit-lab/lab.yaml", data: "id: kit-lab\nchecks: [\n"}}, "does not load"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := buildKit(t, tt.kit)
			ws := &docker.WorkshopFake{LoadImagesFunc: func(ctx context.Context, r io.Reader) ([]string, error) {
				_, err := io.Copy(io.Discard, r)
				return nil, err
			}}
			labsDir := filepath.Join(t.TempDir(), "labs")
			opts := LoadOptions{Engine: &docker.Fake{}, Archive: ws, LabsDir: labsDir}
			_, err := Load(context.Background(), file, opts)
			var ke *Error
			if !errors.As(err, &ke) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a kit error saying %q", err, tt.want)
			}
			if _, serr := os.Stat(labsDir); !os.IsNotExist(serr) {
				entries, _ := os.ReadDir(labsDir)
				if len(entries) > 0 {
					t.Errorf("something was installed from a bad kit: %v", entries)
				}
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(labsDir), ".kit-*"))
			if len(left) > 0 {
				t.Errorf("work folders left: %q", left)
			}
		})
	}
}

func TestLoadRefusesTooManyFiles(t *testing.T) {
	es := append([]entry{{name: manifestName, data: manifestJSON(okLab)}}, validLabEntries()...)
	for i := range MaxLabFiles {
		es = append(es, entry{name: fmt.Sprintf("devopsctl/labs/kit-lab/starter/f%d", i)})
	}
	_, err := Load(context.Background(), buildKit(t, es), LoadOptions{Engine: &docker.Fake{}, Archive: &docker.WorkshopFake{}, LabsDir: filepath.Join(t.TempDir(), "labs")})
	if err == nil || !strings.Contains(err.Error(), "files, the cap") {
		t.Fatalf("err = %v", err)
	}
}

// An own entry hidden after the images is refused when the images are read,
// and the engine is not left holding half a stream as if it were whole.
func TestLoadRefusesOwnEntryAfterImages(t *testing.T) {
	file := buildKit(t, append(append([]entry{{name: manifestName, data: manifestJSON(okLab)}}, validLabEntries()...),
		entry{name: "devopsctl/labs/kit-lab/starter/late", data: "x", after: true}))
	ws := &docker.WorkshopFake{LoadImagesFunc: func(ctx context.Context, r io.Reader) ([]string, error) {
		_, err := io.Copy(io.Discard, r)
		return nil, err
	}}
	_, err := loadImages(context.Background(), file, LoadOptions{Archive: ws})
	var ke *Error
	if !errors.As(err, &ke) || !strings.Contains(err.Error(), "comes after the images") {
		t.Fatalf("err = %v", err)
	}
}

// A kit cut short inside an image is reported as the kit's fault, not as the
// engine's view of a broken upload.
func TestLoadCutKit(t *testing.T) {
	lab := packLab(t, writePack(t, "kit-lab", "kit-test:1"), "kit-lab")
	fe := &fakeEngine{have: map[string]bool{"kit-test:1": true}, save: saveStream(t)}
	file, _ := writeKit(t, fe, lab)
	data, _ := os.ReadFile(file)
	os.WriteFile(file, data[:len(data)/2], 0o644)
	ws := &docker.WorkshopFake{LoadImagesFunc: func(ctx context.Context, r io.Reader) ([]string, error) {
		_, err := io.Copy(io.Discard, r)
		return nil, fmt.Errorf("load images: %v", err)
	}}
	_, err := Load(context.Background(), file, LoadOptions{Engine: fe.engine(), Archive: ws, LabsDir: filepath.Join(t.TempDir(), "labs")})
	var ke *Error
	if !errors.As(err, &ke) || !strings.Contains(err.Error(), "cut short") {
		t.Fatalf("err = %v", err)
	}
}
