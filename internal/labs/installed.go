package labs

import (
	"os"
	"path/filepath"

	"github.com/devopsctl/devopsctl/internal/state"
)

// InstalledDir is the folder `lab load` installs the labs of a workshop kit
// into: labs/ in the state folder. Every command loads it as an instructor
// pack, so installed labs need no --labs.
func InstalledDir() (string, error) {
	d, err := state.Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "labs"), nil
}

// InstalledPacks lists the installed labs folder when it holds a lab, for the
// catalog to load before the packs named by --labs or DEVOPSCTL_LABS (which
// then win over a lab of the same id). A folder without labs is no pack.
func InstalledPacks() []string {
	dir, err := InstalledDir()
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if info, err := os.Stat(filepath.Join(dir, e.Name(), "lab.yaml")); err == nil && info.Mode().IsRegular() {
			return []string{dir}
		}
	}
	return nil
}
