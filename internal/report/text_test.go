package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/labs"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func sampleLab() *labs.Lab {
	return &labs.Lab{Spec: &labs.Spec{ID: "dockerfile", Title: "Your first Dockerfile", Learned: []string{"write a Dockerfile"}}}
}

func failing() *labs.Report {
	return &labs.Report{Lab: "dockerfile", Dir: "/ws", Checks: []labs.CheckResult{
		{ID: "exists", Kind: "file_exists", Title: "There is a Dockerfile", Status: checks.Pass, Message: "Dockerfile is there.", DurationMS: 1},
		{ID: "lint", Kind: "dockerfile_lint", Title: "Your Dockerfile is a valid recipe", Status: checks.Fail, Reason: "no-command",
			Message: "Dockerfile:5: the image does not say what to run", Hint: "Add CMD [\"greeter\"] as the last line.",
			Evidence: []string{"Dockerfile:5: error: no CMD or ENTRYPOINT [no-command]"}, DurationMS: 12},
		{ID: "build", Kind: "image_build", Title: "Your image builds", Status: checks.Skip, Message: "skipped until \"Your Dockerfile is a valid recipe\" passes"},
	}}
}

func TestText(t *testing.T) {
	tests := []struct {
		name string
		rep  *labs.Report
	}{
		{"failing.txt", failing()},
		{"passed.txt", &labs.Report{Lab: "dockerfile", Passed: true, Checks: []labs.CheckResult{
			{ID: "exists", Title: "There is a Dockerfile", Status: checks.Pass, Message: "Dockerfile is there.", DurationMS: 1500},
		}}},
		{"lint-warnings.txt", &labs.Report{Lab: "dockerfile", Passed: true, Checks: []labs.CheckResult{
			{ID: "lint", Kind: "dockerfile_lint", Title: "Your Dockerfile is a valid recipe", Status: checks.Pass,
				Message: "Dockerfile passed lint with 1 warning, 1 info", Hint: "write COPY instead of ADD on this line", DurationMS: 3,
				Evidence: []string{"Dockerfile:3: warning: ADD is used to copy local files [add-instead-of-copy]", "Dockerfile:1: info: the final stage sets no USER [runs-as-root]"}},
			{ID: "meta", Kind: "image_metadata", Title: "Your image says how to run it", Status: checks.Pass,
				Message: "The image's settings are as the lab asks.", Evidence: []string{"user: 65534"}, DurationMS: 3},
		}}},
		{"no-engine.txt", &labs.Report{Lab: "dockerfile", EngineMissing: true, Checks: []labs.CheckResult{
			{ID: "build", Title: "Your image builds", Status: checks.Skip, Message: "skipped: this check needs a running Docker engine", Hint: "Start Docker."},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			Text(&buf, sampleLab(), tt.rep, Style{})
			golden(t, tt.name, buf.Bytes())
		})
	}
}

func TestTextColourOnlyWhenAsked(t *testing.T) {
	var plain, colour bytes.Buffer
	Text(&plain, sampleLab(), failing(), Style{})
	Text(&colour, sampleLab(), failing(), Style{Color: true})
	if bytes.Contains(plain.Bytes(), []byte("\x1b[")) {
		t.Error("plain output has escape codes")
	}
	if !bytes.Contains(colour.Bytes(), []byte("\x1b[")) {
		t.Error("coloured output has no escape codes")
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, failing()); err != nil {
		t.Fatal(err)
	}
	golden(t, "failing.json", buf.Bytes())
}
