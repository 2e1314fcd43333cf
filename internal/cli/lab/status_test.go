package lab

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
)

// With no record in the progress file, a workspace's marker still says which
// lab was started there, and where.
func TestStatusReadsTheMarker(t *testing.T) {
	f := testFactory(t)
	cat, err := f.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	lab, _ := cat.Get("image-size")
	ws := filepath.Join(t.TempDir(), "ws")
	if _, err := labs.Scaffold(lab, ws, false); err != nil {
		t.Fatal(err)
	}
	t.Chdir(ws)
	io, _, out, _ := iostreams.Test()
	empty := func() (*labs.Store, *labs.Progress, error) {
		return nil, &labs.Progress{Labs: map[string]*labs.LabProgress{}}, nil
	}
	opts := &StatusOptions{IO: io, Progress: empty, Catalog: f.Catalog, Workspace: f.Workspace, Resolve: f.ResolveLab}
	if err := statusRun(opts); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Lab image-size: ", " — started ", "Workspace: " + ws, "No checks recorded"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out.String(), "not started") {
		t.Errorf("status says not started inside the workspace:\n%s", out)
	}
}
