package submit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/labs/labtest"
	"github.com/devopsctl/devopsctl/internal/submission"
)

func TestSubmit(t *testing.T) {
	t.Setenv("DEVOPSCTL_HOME", t.TempDir())
	lab := labtest.ShippedLab(t, "dockerfile")
	ws := labtest.Workspace(t, lab, true)
	os.Symlink("/etc/passwd", filepath.Join(ws, "passwd"))
	// A last check on record goes into the manifest.
	store, err := labs.DefaultStore()
	if err != nil {
		t.Fatal(err)
	}
	last := &labs.Report{Lab: lab.ID, Dir: ws, Passed: false, Checks: []labs.CheckResult{{ID: "dockerfile-exists", Status: "pass"}}}
	if err := store.UpdateWorkspace(lab.ID, ws, func(lp *labs.LabProgress) { lp.Record(last) }); err != nil {
		t.Fatal(err)
	}
	f := cmdutil.NewFactory("9.9.9")
	io, _, stdout, stderr := iostreams.Test()
	out := filepath.Join(ws, "mine"+submission.Suffix) // inside: it must not pack itself
	opts := &Options{IO: io, Resolve: f.ResolveLab, Progress: f.Progress, Version: "9.9.9", Dir: ws, Out: out,
		Now: func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }}
	if err := Run(opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "Packed 6 entries of lab dockerfile (last check: 1 of 1 check passed") || !strings.Contains(stderr.String(), "Left out passwd") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	// Submitting again replaces the file and still leaves it out of itself.
	if err := Run(opts); err != nil {
		t.Fatal(err)
	}
	m, skipped, err := submission.Unpack(out, filepath.Join(t.TempDir(), "x"), submission.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := submission.LabHash(lab)
	if m.Lab != lab.ID || m.LabHash != hash || m.Version != "9.9.9" || m.LastCheck == nil || m.Files != 6 || len(m.Skipped) != 1 || len(skipped) != 0 {
		t.Errorf("manifest = %+v", m)
	}

	opts.Dir = t.TempDir()
	err = Run(opts)
	var ee *cmdutil.ExitError
	if !errors.As(err, &ee) || ee.Code != cmdutil.ExitUsage {
		t.Errorf("outside a workspace: %v, want exit 2", err)
	}
}
