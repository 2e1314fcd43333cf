package labs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/devopsctl/devopsctl/internal/checks"
	labcontent "github.com/devopsctl/devopsctl/labs"
	"github.com/moby/buildkit/util/suggest"
)

// Lab is a loaded lab: its spec and the folder holding its files.
type Lab struct {
	*Spec
	// FS is the lab's own folder (lab.yaml, README.md, starter/, solution/).
	FS fs.FS
}

// README returns the lab's instructions as the learner sees them, without
// the sections for instructors (LearnerText). It is read only when asked
// for, so commands that do not show it never pay for it.
func (l *Lab) README() (string, error) {
	b, err := readCapped(l.FS, "README.md", MaxReadmeBytes)
	if err != nil {
		return "", fmt.Errorf("read instructions of lab %s: %w", l.ID, err)
	}
	return LearnerText(string(b)), nil
}

// Catalog is every lab devopsctl knows: the shipped ones and those of instructor
// packs. A pack lab with the id of a shipped one replaces it.
type Catalog struct {
	labs []*Lab
}

// EnvLabPaths names instructor pack folders, separated like PATH.
const EnvLabPaths = "DEVOPSCTL_LABS"

// LoadCatalog loads the embedded labs and then each pack folder in packs.
func LoadCatalog(packs ...string) (*Catalog, error) {
	c := &Catalog{}
	if err := c.addFS(labcontent.FS, "embedded", "labs"); err != nil {
		return nil, err
	}
	for _, p := range packs {
		if p == "" {
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("lab pack %s: %w", p, err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("lab pack %s is not a folder", p)
		}
		abs, _ := filepath.Abs(p)
		// Every read of the pack goes through its root, so a link inside it
		// can never reach a file outside it, even after loading.
		root, err := os.OpenRoot(abs)
		if err != nil {
			return nil, fmt.Errorf("lab pack %s: %w", p, err)
		}
		if err := c.addFS(root.FS(), abs, abs); err != nil {
			root.Close()
			return nil, err
		}
	}
	slices.SortStableFunc(c.labs, func(a, b *Lab) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.ID, b.ID)
	})
	return c, nil
}

// PackPaths splits the DEVOPSCTL_LABS value.
func PackPaths(env string) []string {
	if env == "" {
		return nil
	}
	return filepath.SplitList(env)
}

// addFS loads every <dir>/lab.yaml in fsys. A pack that holds a single lab
// (lab.yaml at its root) is accepted too.
func (c *Catalog) addFS(fsys fs.FS, source, display string) error {
	if _, err := fs.Stat(fsys, "lab.yaml"); err == nil {
		return c.addLab(fsys, ".", source, display)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("read lab pack %s: %w", display, err)
	}
	found := 0
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink != 0 {
			if _, err := fs.Stat(fsys, e.Name()); checks.LeavesRoot(err) {
				return &SpecError{File: filepath.Join(display, e.Name()), Msg: "is a symlink that leads outside the lab pack; copy the lab into the pack instead of linking it"}
			}
			continue
		}
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(e.Name(), "lab.yaml")); err != nil {
			continue
		}
		found++
		if err := c.addLab(fsys, e.Name(), source, display); err != nil {
			return err
		}
	}
	if found == 0 && source != "embedded" {
		return fmt.Errorf("lab pack %s holds no lab: expected folders with a lab.yaml in each", display)
	}
	return nil
}

func (c *Catalog) addLab(fsys fs.FS, dir, source, display string) error {
	file := filepath.Join(display, dir, "lab.yaml")
	if err := checkLabFiles(fsys, dir, display); err != nil {
		return err
	}
	data, err := readCapped(fsys, path.Join(dir, "lab.yaml"), MaxSpecBytes)
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	spec, err := ParseSpec(file, data)
	if err != nil {
		return err
	}
	if dir != "." && spec.ID != dir {
		return &SpecError{File: file, Msg: fmt.Sprintf("id %q must match its folder name %q", spec.ID, dir)}
	}
	spec.Source = source
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return fmt.Errorf("open lab %s: %w", spec.ID, err)
	}
	for _, need := range []string{"starter", "README.md"} {
		if _, err := fs.Stat(sub, need); err != nil {
			return &SpecError{File: file, Msg: fmt.Sprintf("the lab has no %s beside its lab.yaml", need)}
		}
	}
	lab := &Lab{Spec: spec, FS: sub}
	if i := slices.IndexFunc(c.labs, func(l *Lab) bool { return l.ID == spec.ID }); i >= 0 {
		if c.labs[i].Source == source {
			return &SpecError{File: file, Msg: fmt.Sprintf("lab id %q is defined twice", spec.ID)}
		}
		c.labs[i] = lab
		return nil
	}
	c.labs = append(c.labs, lab)
	return nil
}

// Labs lists every lab in teaching order.
func (c *Catalog) Labs() []*Lab { return c.labs }

// ErrUnknownLab is returned (wrapped) for a lab id that is not in the catalog.
var ErrUnknownLab = errors.New("unknown lab")

// Get returns the lab with the given id.
func (c *Catalog) Get(id string) (*Lab, error) {
	for _, l := range c.labs {
		if l.ID == id {
			return l, nil
		}
	}
	ids := make([]string, 0, len(c.labs))
	for _, l := range c.labs {
		ids = append(ids, l.ID)
	}
	if m, ok := suggest.Search(id, ids, false); ok {
		return nil, fmt.Errorf("%w %q (did you mean %s?): known labs are %s (see devopsctl lab list)", ErrUnknownLab, id, m, strings.Join(ids, ", "))
	}
	return nil, fmt.Errorf("%w %q: known labs are %s (see devopsctl lab list)", ErrUnknownLab, id, strings.Join(ids, ", "))
}

// Next returns the lab to suggest after id, or nil.
func (c *Catalog) Next(id string) *Lab {
	for i, l := range c.labs {
		if l.ID != id {
			continue
		}
		if l.Next != "" {
			if n, err := c.Get(l.Next); err == nil {
				return n
			}
		}
		if i+1 < len(c.labs) {
			return c.labs[i+1]
		}
	}
	return nil
}
