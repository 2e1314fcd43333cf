package kit

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// Caps on a kit's own entries. A kit may come from anyone, so nothing in it is
// trusted: each cap is far above what a real kit holds.
const (
	MaxManifestBytes = 1 << 20
	MaxLabs          = 200
	MaxLabFiles      = 2000
)

// Error is a kit that cannot be loaded as it is: not a kit, damaged, from a
// newer devopsctl, or holding something it must not (a path out of its
// folder, a link, a file over its cap). It is bad input, never a crash.
type Error struct {
	File  string
	Entry string // the tar entry at fault, if one is
	Msg   string
}

func (e *Error) Error() string {
	if e.Entry != "" {
		return fmt.Sprintf("%s: entry %s %s", e.File, e.Entry, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// LoadOptions are what Load needs besides the kit.
type LoadOptions struct {
	Engine  docker.Engine   // to confirm the images are there after loading
	Archive docker.Workshop // to load them
	// LabsDir is where pack labs are installed (labs.InstalledDir()); its
	// parent holds the folders a load works in, so renames stay on one disk.
	LabsDir  string
	Progress Progress
}

// LoadResult says what a load did.
type LoadResult struct {
	Manifest *Manifest
	// Loaded are the images the engine reported loading.
	Loaded []string
	// Installed are the ids of the pack labs now in LabsDir.
	Installed []string
}

// Load loads the kit at file: it reads and checks devopsctl's entries first
// (manifest, lab files unpacked into a folder of its own and loaded as a
// pack), then hands the images to the engine, confirms each is there, and
// only then installs the labs, replacing installed labs of the same ids.
func Load(ctx context.Context, file string, opts LoadOptions) (*LoadResult, error) {
	work, err := workDir(opts.LabsDir)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	staged := filepath.Join(work, "labs")
	m, err := readOwn(file, staged)
	if err != nil {
		return nil, err
	}
	packIDs := m.packLabs()
	if len(packIDs) > 0 {
		if err := checkStaged(file, staged, packIDs); err != nil {
			return nil, err
		}
	}
	res := &LoadResult{Manifest: m}
	if len(m.Images) > 0 {
		if res.Loaded, err = loadImages(ctx, file, opts); err != nil {
			return nil, err
		}
		var missing []string
		for _, ref := range m.imageRefs() {
			if _, err := opts.Engine.InspectImage(ctx, ref); errors.Is(err, docker.ErrNotFound) {
				missing = append(missing, ref)
			} else if err != nil {
				return nil, err
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("the engine loaded %s but does not have %s afterwards; is the kit complete? (try `docker load -i %s` to see what it says)", file, strings.Join(missing, ", "), file)
		}
	}
	for _, id := range packIDs {
		if err := install(filepath.Join(staged, id), filepath.Join(opts.LabsDir, id), work); err != nil {
			return res, err
		}
		res.Installed = append(res.Installed, id)
	}
	return res, nil
}

// workDir makes a fresh folder beside LabsDir for one load.
func workDir(labsDir string) (string, error) {
	parent := filepath.Dir(labsDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("make the state folder %s: %w", parent, err)
	}
	var b [6]byte
	rand.Read(b[:])
	dir := filepath.Join(parent, ".kit-"+hex.EncodeToString(b[:]))
	if err := os.Mkdir(dir, 0o700); err != nil {
		return "", fmt.Errorf("make a folder to unpack the kit in: %w", err)
	}
	return dir, nil
}

// readOwn reads the manifest and unpacks the pack labs' files into staged.
// devopsctl's entries come first in a kit; the first other entry ends them.
func readOwn(file, staged string) (*Manifest, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("open the kit: %w", err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != manifestName {
		return nil, &Error{File: file, Msg: "is not a devopsctl workshop kit (it does not start with " + manifestName + "); make one with `devopsctl lab bundle --out kit.tar`"}
	}
	if hdr.Size > MaxManifestBytes {
		return nil, &Error{File: file, Entry: hdr.Name, Msg: fmt.Sprintf("is over the cap of %d bytes", MaxManifestBytes)}
	}
	data, err := io.ReadAll(io.LimitReader(tr, MaxManifestBytes))
	if err != nil {
		return nil, &Error{File: file, Entry: hdr.Name, Msg: "cannot be read: " + err.Error()}
	}
	m, err := parseManifest(data)
	if err != nil {
		return nil, &Error{File: file, Entry: hdr.Name, Msg: err.Error()}
	}
	if err := os.Mkdir(staged, 0o700); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(staged)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	u := unpacker{file: file, root: root, packs: m.packLabs(), files: map[string]int{}, bytes: map[string]int64{}}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return nil, &Error{File: file, Msg: "is damaged: " + err.Error()}
		}
		if !strings.HasPrefix(hdr.Name, prefix) {
			return m, nil
		}
		if err := u.entry(hdr, tr); err != nil {
			return nil, err
		}
	}
}

func parseManifest(data []byte) (*Manifest, error) {
	var probe struct {
		Format int `json:"format"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("is not valid JSON: %v", err)
	}
	if probe.Format > Format {
		return nil, fmt.Errorf("has format %d, but this devopsctl reads kits up to format %d; upgrade devopsctl", probe.Format, Format)
	}
	if probe.Format < 1 {
		return nil, fmt.Errorf("has no format version")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("cannot be read: %v", err)
	}
	if len(m.Labs) > MaxLabs {
		return nil, fmt.Errorf("lists %d labs, over the cap of %d", len(m.Labs), MaxLabs)
	}
	seen := map[string]bool{}
	for _, l := range m.Labs {
		if !validID(l.ID) {
			return nil, fmt.Errorf("names a lab %q, which is not a lab id (lowercase letters, digits and dashes)", l.ID)
		}
		if seen[l.ID] {
			return nil, fmt.Errorf("lists lab %s twice", l.ID)
		}
		seen[l.ID] = true
		if l.Source != SourcePack && l.Source != SourceShipped {
			return nil, fmt.Errorf("lab %s has source %q (want %s or %s)", l.ID, l.Source, SourcePack, SourceShipped)
		}
	}
	return &m, nil
}

// validID accepts the lab ids a pack folder may be named after: nothing that
// could be a path of its own.
func validID(id string) bool {
	if id == "" || len(id) > 64 || id[0] == '-' {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (m *Manifest) packLabs() []string {
	var out []string
	for _, l := range m.Labs {
		if l.Source == SourcePack {
			out = append(out, l.ID)
		}
	}
	return out
}

// unpacker writes a kit's lab files through a root, refusing what does not
// belong: paths out of a lab's folder, links, devices, files over a cap.
type unpacker struct {
	file  string
	root  *os.Root
	packs []string
	files map[string]int
	bytes map[string]int64
}

func (u *unpacker) entry(hdr *tar.Header, r io.Reader) error {
	bad := func(msg string) error { return &Error{File: u.file, Entry: hdr.Name, Msg: msg} }
	rel, ok := strings.CutPrefix(hdr.Name, labsPrefix)
	if !ok {
		return bad("is not part of a devopsctl kit")
	}
	rel = strings.TrimSuffix(rel, "/")
	if strings.Contains(rel, `\`) || !filepath.IsLocal(filepath.FromSlash(rel)) || path.Clean(rel) != rel {
		return bad("leads out of the kit's labs folder; the kit is damaged or was made to attack, do not use it")
	}
	id, _, _ := strings.Cut(rel, "/")
	if !slices.Contains(u.packs, id) {
		return bad(fmt.Sprintf("belongs to lab %q, which the manifest does not list as a pack lab", id))
	}
	switch hdr.Typeflag {
	case tar.TypeDir:
		return u.root.MkdirAll(rel, 0o755)
	case tar.TypeReg:
	default:
		return bad("is a link or a special file; a kit's labs hold only files and folders")
	}
	if u.files[id]++; u.files[id] > MaxLabFiles {
		return bad(fmt.Sprintf("makes lab %s hold over %d files, the cap", id, MaxLabFiles))
	}
	if hdr.Size > labs.MaxFileBytes {
		return bad(fmt.Sprintf("is %d bytes, over the cap of %d for a lab file", hdr.Size, labs.MaxFileBytes))
	}
	if u.bytes[id] += hdr.Size; u.bytes[id] > labs.MaxLabBytes {
		return bad(fmt.Sprintf("makes lab %s over %d bytes, the cap for one lab", id, labs.MaxLabBytes))
	}
	if dir := path.Dir(rel); dir != "." {
		if err := u.root.MkdirAll(dir, 0o755); err != nil {
			return bad("cannot be unpacked: " + err.Error())
		}
	}
	mode := os.FileMode(0o644)
	if hdr.Mode&0o111 != 0 {
		mode = 0o755
	}
	// O_EXCL: an entry named twice must not overwrite the first.
	f, err := u.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return bad("cannot be unpacked: " + err.Error())
	}
	_, err = io.Copy(f, io.LimitReader(r, hdr.Size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return bad("cannot be unpacked: " + err.Error())
	}
	return nil
}

// checkStaged loads the unpacked labs as a pack, with every check a pack gets
// when it loads, before anything of the kit is installed.
func checkStaged(file, staged string, ids []string) error {
	for _, id := range ids {
		if _, err := os.Stat(filepath.Join(staged, id, "lab.yaml")); err != nil {
			return &Error{File: file, Msg: fmt.Sprintf("lists lab %s but does not hold its files", id)}
		}
	}
	abs, err := filepath.Abs(staged)
	if err != nil {
		return err
	}
	cat, err := labs.LoadCatalog(abs)
	if err != nil {
		return &Error{File: file, Msg: "holds a lab that does not load: " + err.Error()}
	}
	for _, id := range ids {
		l, err := cat.Get(id)
		if err != nil || l.Source != abs {
			return &Error{File: file, Msg: fmt.Sprintf("lists lab %s but does not hold its files", id)}
		}
	}
	return nil
}

// loadImages hands the kit's image entries to the engine: the kit read again,
// without devopsctl's entries, as the `docker save` stream it was made from.
func loadImages(ctx context.Context, file string, opts LoadOptions) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("open the kit: %w", err)
	}
	defer f.Close()
	var total int64
	if info, err := f.Stat(); err == nil {
		total = info.Size()
	}
	pr, pw := io.Pipe()
	copied := make(chan error, 1)
	go func() {
		err := imagesOnly(file, &countingReader{r: f, what: "loading images", total: total, progress: opts.Progress}, pw)
		pw.CloseWithError(err)
		copied <- err
	}()
	loaded, err := opts.Archive.LoadImages(ctx, pr)
	// Unblocks the copy when the engine stopped reading early.
	pr.CloseWithError(errors.New("the engine stopped reading"))
	// A damaged kit is what to report, not the engine's view of a cut stream.
	var ke *Error
	if cerr := <-copied; errors.As(cerr, &ke) {
		return nil, ke
	}
	if err != nil {
		return nil, err
	}
	return loaded, nil
}

// imagesOnly copies the tar stream r to w without devopsctl's entries.
func imagesOnly(file string, r io.Reader, w io.Writer) error {
	tr := tar.NewReader(r)
	tw := tar.NewWriter(w)
	own := true
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return &Error{File: file, Msg: "is damaged: " + err.Error()}
		}
		if strings.HasPrefix(hdr.Name, prefix) {
			if !own {
				return &Error{File: file, Entry: hdr.Name, Msg: "comes after the images; a kit keeps its own entries first"}
			}
			continue
		}
		own = false
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := io.Copy(tw, tr); err != nil {
			// A kit cut short ends inside an entry; anything else is the
			// engine having stopped reading.
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return &Error{File: file, Entry: hdr.Name, Msg: "is cut short: the kit is incomplete; copy it again"}
			}
			return err
		}
	}
	return tw.Close()
}

// install puts the staged lab folder at dest, moving an installed lab of the
// same id aside first and removing it once the new one is in place.
func install(staged, dest, work string) error {
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return fmt.Errorf("make the installed labs folder: %w", err)
	}
	old := filepath.Join(work, "old-"+filepath.Base(dest))
	hadOld := false
	if _, err := os.Lstat(dest); err == nil {
		if err := os.Rename(dest, old); err != nil {
			return fmt.Errorf("replace the installed lab %s: %w", dest, err)
		}
		hadOld = true
	}
	if err := os.Rename(staged, dest); err != nil {
		if hadOld {
			os.Rename(old, dest)
		}
		return fmt.Errorf("install lab %s: %w", dest, err)
	}
	return nil
}
