package grade

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/labs/labtest"
	"github.com/devopsctl/devopsctl/internal/submission"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// built is the start every answer that compiles the app shares, so that the
// engine's build cache compiles it once for the whole class.
const built = "FROM golang:1.26\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /usr/local/bin/greeter main.go\n"

// learner is one generated submission of the dockerfile lab and the grade it
// must get.
type learner struct {
	name       string
	dockerfile string // "" keeps the starter's
	setup      func(t *testing.T, dir string)
	verdict    string
	score      int
	says       string // in the failing checks, the problem or the notes
}

func classOfDockerfileLab(solution string) []learner {
	move := func(from, to string) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			if err := os.Rename(filepath.Join(dir, from), filepath.Join(dir, to)); err != nil {
				t.Fatal(err)
			}
		}
	}
	sparse := func(name string, size int64) func(*testing.T, string) {
		return func(t *testing.T, dir string) {
			f, err := os.Create(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(size); err != nil {
				t.Fatal(err)
			}
		}
	}
	return []learner{
		// Correct answers, each in its own words.
		{name: "pass-shipped", dockerfile: solution, verdict: Passed, score: 5},
		{name: "pass-nobody", dockerfile: built + "EXPOSE 8080\nUSER nobody\nCMD [\"/usr/local/bin/greeter\"]\n", verdict: Passed, score: 5},
		{name: "pass-entrypoint", dockerfile: built + "EXPOSE 8080/tcp\nUSER 65534:65534\nENTRYPOINT [\"greeter\"]\n", verdict: Passed, score: 5},
		{name: "pass-env", dockerfile: built + "ENV PORT=8080\nEXPOSE 8080\nUSER 1000\nCMD [\"greeter\"]\n", verdict: Passed, score: 5},
		// A folder that brings its own lab.yaml and marker is still graded
		// by the lab's checks: the starter's TODOs earn one point.
		{name: "forger", verdict: Failed, score: 1, says: "dockerfile-valid (empty)", setup: func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "lab.yaml"), []byte("id: dockerfile\ntitle: Easy\nchecks:\n  - {id: ok, kind: file_exists, with: {path: main.go}}\n"), 0o644)
			os.WriteFile(filepath.Join(dir, labs.MarkerPath), []byte(`{"lab":"env-vars","source":"embedded","version":1}`), 0o644)
		}},
		// One for each reason a check of the lab fails with.
		{name: "no-dockerfile", verdict: Failed, score: 0, says: "dockerfile-exists (missing)", setup: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "Dockerfile")) }},
		{name: "near-miss", verdict: Failed, score: 0, says: "dockerfile-exists (near-miss)", setup: move("Dockerfile", "Dockerfile.txt")},
		{name: "empty", dockerfile: "", verdict: Failed, score: 0, says: "dockerfile-exists (empty)", setup: func(t *testing.T, dir string) { os.WriteFile(filepath.Join(dir, "Dockerfile"), nil, 0o644) }},
		{name: "no-from", dockerfile: "WORKDIR /src\nCOPY main.go .\nCMD [\"greeter\"]\n", verdict: Failed, score: 1, says: "dockerfile-valid (no-from)"},
		{name: "no-command", dockerfile: built + "EXPOSE 8080\nUSER 65534\n", verdict: Failed, score: 1, says: "dockerfile-valid (no-command)"},
		{name: "copy-typo", dockerfile: "FROM golang:1.26\nWORKDIR /src\nCOPY mian.go .\nRUN go build -o /usr/local/bin/greeter main.go\nEXPOSE 8080\nUSER 65534\nCMD [\"greeter\"]\n", verdict: Failed, score: 2, says: "image-builds (copy-failed)"},
		{name: "run-typo", dockerfile: "FROM golang:1.26\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /usr/local/bin/greeter mian.go\nEXPOSE 8080\nUSER 65534\nCMD [\"greeter\"]\n", verdict: Failed, score: 2, says: "image-builds (run-failed)"},
		{name: "latest", dockerfile: "FROM golang:latest\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /usr/local/bin/greeter main.go\nEXPOSE 8080\nUSER 65534\nCMD [\"greeter\"]\n", verdict: Failed, score: 2, says: "image-builds (base-missing)"},
		{name: "big-context", dockerfile: solution, setup: sparse("video.mp4", 101e6), verdict: Failed, score: 2, says: "image-builds (context-too-large)"},
		{name: "root", dockerfile: built + "EXPOSE 8080\nCMD [\"greeter\"]\n", verdict: Failed, score: 4, says: "image-describes-itself (runs-as-root)"},
		{name: "no-expose", dockerfile: built + "USER 65534\nCMD [\"greeter\"]\n", verdict: Failed, score: 4, says: "image-describes-itself (port-not-exposed)"},
		{name: "exits", dockerfile: built + "EXPOSE 8080\nUSER 65534\nCMD [\"false\"]\n", verdict: Failed, score: 4, says: "serves-page (exited)"},
		// The engine starts it and the shell-less exec fails inside: code 127.
		{name: "wrong-program", dockerfile: built + "EXPOSE 8080\nUSER 65534\nCMD [\"greetr\"]\n", verdict: Failed, score: 4, says: "serves-page (exited)"},
		// Hostile ones: each is contained and reported as what it is.
		{name: "fork-bomb", dockerfile: "FROM golang:1.26\nEXPOSE 8080\nUSER 65534\nCMD [\"sh\", \"-c\", \"b() { b | b & }; b; sleep 60\"]\n", verdict: Failed, score: 4, says: "serves-page (too-many-processes)"},
		{name: "alloc-4gb", dockerfile: "FROM golang:1.26\nEXPOSE 8080\nUSER 65534\nCMD [\"dd\", \"if=/dev/zero\", \"of=/dev/null\", \"bs=4000M\", \"count=1\"]\n", verdict: Failed, score: 4, says: "serves-page (out-of-memory)"},
		{name: "endless-build", dockerfile: "FROM golang:1.26\nRUN sleep 3600\nEXPOSE 8080\nUSER 65534\nCMD [\"greeter\"]\n", verdict: TimedOut, score: 2, says: "image-builds (timeout)"},
		{name: "context-1gb", dockerfile: solution, setup: sparse("disk.img", 1<<30), verdict: Rejected, score: 0, says: "too large to grade"},
		{name: "link-out", dockerfile: solution, verdict: Passed, score: 5, says: "left out secret: a symlink that leads out of the submission (to /etc/shadow)", setup: func(t *testing.T, dir string) {
			os.Symlink("/etc/shadow", filepath.Join(dir, "secret"))
		}},
	}
}

// TestGradeClass grades a generated class of the dockerfile lab in one run on
// the engine: correct answers in several forms, one failure for each reason
// the lab's checks give, hostile submissions, and a submission file. Every
// verdict and score must be right, nothing labelled may be left, and the
// reports must read back.
func TestGradeClass(t *testing.T) {
	eng := testenv.Engine(t)
	lab := labtest.ShippedLab(t, "dockerfile")
	solution, err := fs.ReadFile(lab.FS, "solution/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	warmCache(t, eng, lab)

	class := t.TempDir()
	people := classOfDockerfileLab(string(solution))
	for _, l := range people {
		dir := filepath.Join(class, l.name)
		if _, err := labs.Scaffold(lab, dir, false); err != nil {
			t.Fatal(err)
		}
		if l.dockerfile != "" {
			if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(l.dockerfile), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if l.setup != nil {
			l.setup(t, dir)
		}
	}
	// One learner hands in a file made by submit instead of a folder.
	handIn := filepath.Join(class, "pass-shipped")
	f, err := os.Create(filepath.Join(class, "handed-in"+submission.Suffix))
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := submission.LabHash(lab)
	if err := submission.Pack(f, handIn, &submission.Manifest{Lab: lab.ID, LabHash: hash}, submission.DefaultLimits, ""); err != nil {
		t.Fatal(err)
	}
	f.Close()
	people = append(people, learner{name: "handed-in", verdict: Passed, score: 5})

	subs, _, err := Discover(class)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) < 20 || len(subs) != len(people) {
		t.Fatalf("%d submissions found, want %d (at least 20)", len(subs), len(people))
	}
	start := time.Now()
	// The deadline leaves a correct build room on a machine busy with other
	// test packages; only the endless build should reach it.
	rep := Grade(context.Background(), Options{Lab: lab, Engine: eng, Parallel: 4, Timeout: 3 * time.Minute, TempDir: t.TempDir()}, subs)
	t.Logf("graded %d submissions in %s", len(subs), time.Since(start).Round(time.Second))

	got := map[string]Result{}
	for _, r := range rep.Submissions {
		got[r.Learner] = r
	}
	for _, l := range people {
		r, ok := got[l.name]
		if !ok {
			t.Errorf("%s: not in the report", l.name)
			continue
		}
		if r.Verdict != l.verdict || r.Score != l.score || !strings.Contains(whatFailed(r), l.says) {
			t.Errorf("%s: %s %d/%d, %q\n\twant %s %d, saying %q", l.name, r.Verdict, r.Score, r.MaxScore, whatFailed(r), l.verdict, l.score, l.says)
			for _, c := range r.Checks {
				t.Logf("\t%s: %s %s %s", c.ID, c.Status, c.Reason, c.Message)
			}
		}
		if r.Copy != "" {
			testenv.NoLeftoversIn(t, eng, testenv.WorkspaceMatch(r.Copy))
			if res, err := eng.ListManaged(context.Background(), testenv.WorkspaceMatch(r.Copy)); err != nil || len(res.Images) > 0 {
				t.Errorf("%s: images left: %v %v", l.name, res.Images, err)
			}
		}
	}
	checkReportsReadBack(t, rep)
}

// warmCache builds the shipped solution once in a workspace of the test's
// own, so that the class's answers find its compile step in the build cache
// however the submissions are spread over the workers. Its image goes when
// the test ends.
func warmCache(t *testing.T, eng docker.Engine, lab *labs.Lab) {
	t.Helper()
	dir := labtest.Workspace(t, lab, true)
	testenv.CleanupImages(t, eng, testenv.WorkspaceMatch(dir))
	spec := *lab.Spec
	spec.Checks = spec.Checks[:3] // up to the build
	rep := (&labs.Runner{Lab: &labs.Lab{Spec: &spec, FS: lab.FS}, Dir: dir, Engine: eng}).Run(context.Background())
	if !rep.Passed {
		t.Fatalf("the shipped solution does not build: %+v", rep.Checks)
	}
}

// checkReportsReadBack writes the class report in every machine format and
// reads it back with a parser of that format.
func checkReportsReadBack(t *testing.T, rep *Report) {
	t.Helper()
	var js, ju, cs bytes.Buffer
	if err := JSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Submissions) != len(rep.Submissions) {
		t.Errorf("JSON reads back %d submissions, %v", len(back.Submissions), err)
	}
	if err := JUnit(&ju, rep); err != nil {
		t.Fatal(err)
	}
	suites, err := JUnitSummary(ju.Bytes())
	if err != nil || len(suites) != len(rep.Submissions) {
		t.Errorf("JUnit: %d suites, %v", len(suites), err)
	}
	if err := CSV(&cs, rep); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cs).ReadAll()
	if err != nil || len(rows) != len(rep.Submissions)+1 {
		t.Errorf("CSV: %d rows, %v", len(rows), err)
	}
}
