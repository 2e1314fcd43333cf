// Package kit writes and reads workshop kits: one tar file with the images a
// set of labs needs and the labs of instructor packs, so that a class can run
// them on machines with no network. A kit is also a `docker save` archive
// (docker load -i kit.tar works), with devopsctl's own entries first, under
// devopsctl/: the manifest, then the pack labs' files.
package kit

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labimages"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// Format is the version of the kit layout this devopsctl writes and reads.
const Format = 1

// Names of devopsctl's entries in a kit.
const (
	prefix       = "devopsctl/"
	manifestName = prefix + "manifest.json"
	labsPrefix   = prefix + "labs/"
)

// Manifest says what a kit holds. It is the kit's first entry.
type Manifest struct {
	Format    int       `json:"format"`
	Created   time.Time `json:"created"`
	Devopsctl string    `json:"devopsctl"`
	Labs      []LabInfo `json:"labs"`
	Images    []Image   `json:"images"`
}

// LabInfo is one lab of a kit. Shipped labs are in every devopsctl, so only
// their images travel; a pack lab's files travel too.
type LabInfo struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Source string `json:"source"` // SourceShipped or SourcePack
}

// Where a kit's lab comes from.
const (
	SourceShipped = "shipped"
	SourcePack    = "pack"
)

// Image is one image of a kit.
type Image struct {
	Ref  string   `json:"ref"`
	ID   string   `json:"id"`
	Size int64    `json:"size"`
	Labs []string `json:"labs"`
}

// Progress is called as bytes of a kit go by: what is happening, how many
// bytes are done and, when known, how many there will be (0: unknown).
type Progress func(what string, done, total int64)

// MissingImagesError lists required images the engine does not have, so no
// kit can be made; what to do is to make them first.
type MissingImagesError struct {
	Missing []labimages.Need
}

func (e *MissingImagesError) Error() string {
	var b strings.Builder
	b.WriteString("this Docker engine lacks images the labs need, so the kit cannot hold them:")
	for _, n := range e.Missing {
		fmt.Fprintf(&b, "\n  %s (labs %s: %s)", n.Ref, strings.Join(n.Labs, ", "), strings.Join(n.Why, "; "))
	}
	b.WriteString("\nmake them first: scripts/offline-images.sh (in the release archive) makes golang:1.26 and busybox:1.36 without a registry; `docker pull` works where one is reachable")
	return b.String()
}

// WriteOptions are what Write needs besides the labs.
type WriteOptions struct {
	Engine   docker.Engine   // to inspect the images
	Archive  docker.Workshop // to save them
	Version  string          // of devopsctl, for the manifest
	Progress Progress
	Now      func() time.Time
}

// Write writes a kit for ls to w and returns its manifest. Images a lab
// cannot go without must be on the engine (a *MissingImagesError says which
// are not); optional ones go in when present.
func Write(ctx context.Context, w io.Writer, ls []*labs.Lab, opts WriteOptions) (*Manifest, error) {
	needs, err := labimages.ForLabs(ls)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	m := &Manifest{Format: Format, Created: now().UTC(), Devopsctl: opts.Version, Labs: []LabInfo{}, Images: []Image{}}
	var missing []labimages.Need
	var total int64
	for _, n := range needs {
		img, err := opts.Engine.InspectImage(ctx, n.Ref)
		switch {
		case errors.Is(err, docker.ErrNotFound):
			if !n.Optional {
				missing = append(missing, n)
			}
			continue
		case err != nil:
			return nil, err
		}
		m.Images = append(m.Images, Image{Ref: n.Ref, ID: img.ID, Size: img.Size, Labs: n.Labs})
		total += img.Size
	}
	if len(missing) > 0 {
		return nil, &MissingImagesError{Missing: missing}
	}
	for _, l := range ls {
		src := SourcePack
		if l.Source == "embedded" {
			src = SourceShipped
		}
		m.Labs = append(m.Labs, LabInfo{ID: l.ID, Title: l.Title, Source: src})
	}

	tw := tar.NewWriter(w)
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeFile(tw, manifestName, 0o644, data, m.Created); err != nil {
		return nil, err
	}
	for _, l := range ls {
		if l.Source == "embedded" {
			continue
		}
		if err := writeLab(tw, l, m.Created); err != nil {
			return nil, err
		}
	}
	if len(m.Images) > 0 {
		if err := copyImages(ctx, tw, m, total, opts); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("finish the kit: %w", err)
	}
	return m, nil
}

func writeFile(tw *tar.Writer, name string, mode int64, data []byte, mod time.Time) error {
	hdr := &tar.Header{Name: name, Mode: mode, Size: int64(len(data)), ModTime: mod, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write %s into the kit: %w", name, err)
	}
	if _, err := tw.Write(data); err != nil {
		return fmt.Errorf("write %s into the kit: %w", name, err)
	}
	return nil
}

// writeLab copies a pack lab's folder into the kit. The pack was checked when
// it loaded (no link out of it, size caps), and is read through its root.
func writeLab(tw *tar.Writer, l *labs.Lab, mod time.Time) error {
	return fs.WalkDir(l.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read lab %s: %w", l.ID, err)
		}
		name := path.Join(labsPrefix, l.ID, p)
		if d.IsDir() {
			return tw.WriteHeader(&tar.Header{Name: name + "/", Mode: 0o755, ModTime: mod, Typeflag: tar.TypeDir})
		}
		info, err := fs.Stat(l.FS, p)
		if err != nil {
			return fmt.Errorf("read lab %s: %w", l.ID, err)
		}
		data, err := fs.ReadFile(l.FS, p)
		if err != nil {
			return fmt.Errorf("read lab %s: %w", l.ID, err)
		}
		mode := int64(0o644)
		if info.Mode()&0o111 != 0 {
			mode = 0o755
		}
		return writeFile(tw, name, mode, data, mod)
	})
}

// copyImages saves the images and copies the engine's tar stream into the
// kit entry by entry, after devopsctl's own.
func copyImages(ctx context.Context, tw *tar.Writer, m *Manifest, total int64, opts WriteOptions) error {
	refs := make([]string, 0, len(m.Images))
	for _, img := range m.Images {
		refs = append(refs, img.Ref)
	}
	rc, err := opts.Archive.SaveImages(ctx, refs)
	if err != nil {
		return err
	}
	defer rc.Close()
	cr := &countingReader{r: rc, what: "saving images", total: total, progress: opts.Progress}
	tr := tar.NewReader(cr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("read the images the engine saved: %w", err)
		}
		if strings.HasPrefix(hdr.Name, prefix) {
			return fmt.Errorf("the engine's image archive has an entry %s, which clashes with the kit's own", hdr.Name)
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("write the images into the kit: %w", err)
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return fmt.Errorf("write the images into the kit: %w", err)
		}
	}
	cr.report()
	return nil
}

// countingReader reports the bytes read through it, at most every 1/4 MiB so
// that the callback costs nothing next to the copy.
type countingReader struct {
	r        io.Reader
	what     string
	done     int64
	last     int64
	total    int64
	progress Progress
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += int64(n)
	if c.done-c.last >= 256<<10 {
		c.report()
	}
	return n, err
}

func (c *countingReader) report() {
	c.last = c.done
	if c.progress != nil {
		c.progress(c.what, c.done, max(c.total, c.done))
	}
}

// imageRefs lists the refs of a manifest's images, sorted.
func (m *Manifest) imageRefs() []string {
	var out []string
	for _, i := range m.Images {
		out = append(out, i.Ref)
	}
	slices.Sort(out)
	return out
}
