package labpack

import (
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/plural"
)

// MinWrong is how many known-wrong variants a lab should have: one shows the
// checks catch a mistake, two show they tell mistakes apart.
const MinWrong = 2

// Lab is a lab of a pack, with its known-wrong variants.
type Lab struct {
	*labs.Lab
	Wrong []*Wrong
	// Dir is the lab's folder, for messages.
	Dir string
}

// Pack is what Load found: the labs that loaded, and notes that do not make
// the pack unusable (too few known-wrong variants).
type Pack struct {
	Dir   string
	Labs  []*Lab
	Notes []string
}

// Load checks the pack (or single lab) in dir without running any check:
// every lab.yaml, the files each lab needs, and its known-wrong variants. Each
// problem is an error of its own, with file and line where there is one.
func Load(dir string) (*Pack, []error) {
	loaded, errs := labs.LoadPack(dir)
	return build(dir, loaded, errs)
}

// LoadFS is Load on a file system, such as the labs shipped inside devopsctl.
func LoadFS(fsys fs.FS, display string) (*Pack, []error) {
	loaded, errs := labs.LoadPackFS(fsys, display, display)
	return build(display, loaded, errs)
}

func build(dir string, loaded []*labs.Lab, errs []error) (*Pack, []error) {
	p := &Pack{Dir: dir}
	for _, l := range loaded {
		lab := &Lab{Lab: l, Dir: filepath.Dir(l.File)}
		if _, err := fs.Stat(l.FS, "solution"); err != nil {
			errs = append(errs, &labs.SpecError{File: filepath.Join(lab.Dir, "solution"), Msg: "is missing: without a solution nothing proves the lab can be passed; add the files that differ from starter/"})
		}
		wrong, werrs := loadWrong(l, lab.Dir)
		errs = append(errs, werrs...)
		sortWrong(wrong)
		lab.Wrong = wrong
		if n := len(wrong) + len(werrs); n < MinWrong {
			p.Notes = append(p.Notes, fmt.Sprintf("lab %s has %s; add at least %d under %s/<name>/ to show that its checks catch wrong answers", l.ID, plural.N(n, "known-wrong variant"), MinWrong, WrongDir))
		}
		p.Labs = append(p.Labs, lab)
	}
	return p, errs
}
