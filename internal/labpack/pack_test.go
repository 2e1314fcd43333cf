package labpack

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writePack writes files (path → content) under a fresh folder.
func writePack(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// goodLab is a static lab (no engine) with two checks and two variants that
// its checks catch, as files of a pack holding it under lab/.
func goodLab() map[string]string {
	return map[string]string{
		"lab/lab.yaml": `version: 1
id: lab
title: A lab
checks:
  - id: has-notes
    kind: file_exists
    with: {path: notes.txt, non_empty: true}
    hint_for: {missing: Write notes.txt.}
  - id: quiz
    kind: answers
    with:
      file: answers.yaml
      questions:
        - id: port
          question: Which port does the app listen on
          accept: ["8080"]
`,
		"lab/README.md":                   "# A lab\n",
		"lab/starter/answers.yaml":        "port:\n",
		"lab/solution/answers.yaml":       "port: 8080\n",
		"lab/solution/notes.txt":          "notes\n",
		"lab/wrong/no-notes/expect.yaml":  "check: has-notes\nreason: missing\nremove: [notes.txt]\n",
		"lab/wrong/bad-port/expect.yaml":  "about: the wrong port\ncheck: quiz\nreason: wrong-answer\n",
		"lab/wrong/bad-port/answers.yaml": "port: 80\n",
	}
}

func with(files map[string]string, changes map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range files {
		out[k] = v
	}
	for k, v := range changes {
		if v == "" {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

func TestLoadReportsEachProblemWithItsPlace(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		want    []string
	}{
		{"unknown hint_for key", map[string]string{"lab/lab.yaml": strings.Replace(goodLab()["lab/lab.yaml"], "{missing: Write", "{mising: Write", 1)},
			[]string{`lab/lab.yaml:8: check has-notes (file_exists): hint_for key "mising" is not a reason file_exists reports (did you mean missing?)`}},
		{"unknown kind", map[string]string{"lab/lab.yaml": strings.Replace(goodLab()["lab/lab.yaml"], "kind: answers", "kind: answer", 1)},
			[]string{`lab/lab.yaml:9: check quiz has unknown kind "answer"`}},
		{"bad needs", map[string]string{"lab/lab.yaml": strings.Replace(goodLab()["lab/lab.yaml"], "kind: answers", "kind: answers\n    needs: [has-note]", 1)},
			[]string{`lab/lab.yaml:9: check quiz needs "has-note", which is not a check listed before it`}},
		{"duplicate check id", map[string]string{"lab/lab.yaml": strings.Replace(goodLab()["lab/lab.yaml"], "id: quiz", "id: has-notes", 1)},
			[]string{`lab/lab.yaml:9: check id "has-notes" is used twice`}},
		{"missing README", map[string]string{"lab/README.md": ""}, []string{"lab/lab.yaml: the lab has no README.md beside its lab.yaml"}},
		{"missing solution", map[string]string{"lab/solution/answers.yaml": "", "lab/solution/notes.txt": ""},
			[]string{"lab/solution: is missing: without a solution nothing proves the lab can be passed", "lab/wrong/no-notes/expect.yaml:3: remove: notes.txt is in neither starter/ nor solution/"}},
		{"variant without expect.yaml", map[string]string{"lab/wrong/bad-port/expect.yaml": ""},
			[]string{"lab/wrong/bad-port/expect.yaml: missing: a known-wrong variant names the check it must fail"}},
		{"variant naming an unknown check", map[string]string{"lab/wrong/bad-port/expect.yaml": "check: quizz\nreason: wrong-answer\n"},
			[]string{`lab/wrong/bad-port/expect.yaml:1: check "quizz" is not a check of lab lab (did you mean quiz?); its checks are has-notes, quiz`}},
		{"variant naming a reason its check never reports", map[string]string{"lab/wrong/bad-port/expect.yaml": "check: quiz\nreason: wrong-answr\n"},
			[]string{`lab/wrong/bad-port/expect.yaml:2: reason "wrong-answr" is not one that check quiz (answers) reports (did you mean wrong-answer?)`}},
		{"misspelt expect.yaml field", map[string]string{"lab/wrong/bad-port/expect.yaml": "check: quiz\nreasn: wrong-answer\n"},
			[]string{`lab/wrong/bad-port/expect.yaml:2: field reasn not found (did you mean reason?)`}},
		{"variant that changes nothing", map[string]string{"lab/wrong/bad-port/answers.yaml": ""},
			[]string{"lab/wrong/bad-port/expect.yaml: the variant changes nothing"}},
		{"removal outside the workspace", map[string]string{"lab/wrong/no-notes/expect.yaml": "check: has-notes\nreason: missing\nremove: [../notes.txt]\n"},
			[]string{`lab/wrong/no-notes/expect.yaml:3: remove: "../notes.txt" is not a path inside the workspace`}},
		{"removal of a file the lab does not have", map[string]string{"lab/wrong/no-notes/expect.yaml": "check: has-notes\nreason: missing\nremove: [note.txt]\n"},
			[]string{"remove: note.txt is in neither starter/ nor solution/"}},
		{"newer lab.yaml", map[string]string{"lab/lab.yaml": strings.Replace(goodLab()["lab/lab.yaml"], "version: 1", "version: 3", 1)},
			[]string{"lab/lab.yaml:1: version 3 is newer than this devopsctl reads (version 1): upgrade devopsctl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writePack(t, with(goodLab(), tt.changes))
			_, errs := Load(dir)
			var got []string
			for _, err := range errs {
				got = append(got, strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q\nwant it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

// Two broken labs in one pack are both reported, and a good lab beside them
// still loads.
func TestLoadGoesOnAfterABrokenLab(t *testing.T) {
	files := goodLab()
	for p, c := range goodLab() {
		files[strings.Replace(p, "lab/", "other/", 1)] = strings.Replace(c, "id: lab\n", "id: other\n", 1)
		files[strings.Replace(p, "lab/", "third/", 1)] = strings.Replace(c, "id: lab\n", "id: third\n", 1)
	}
	files["other/lab.yaml"] = strings.Replace(files["other/lab.yaml"], "kind: answers", "kind: nope", 1)
	files["third/lab.yaml"] = strings.Replace(files["third/lab.yaml"], "title: A lab", "title: A lab\ncolor: red", 1)
	pack, errs := Load(writePack(t, files))
	if len(errs) != 2 || !strings.Contains(errs[0].Error(), `unknown kind "nope"`) || !strings.Contains(errs[1].Error(), "field color not found") {
		t.Fatalf("errs = %v, want the other lab's kind and the third's field", errs)
	}
	if len(pack.Labs) != 1 || pack.Labs[0].ID != "lab" {
		t.Errorf("labs loaded = %v, want the good one", pack.Labs)
	}
}

func TestLoadNotesTooFewVariants(t *testing.T) {
	pack, errs := Load(writePack(t, with(goodLab(), map[string]string{"lab/wrong/bad-port/expect.yaml": "", "lab/wrong/bad-port/answers.yaml": ""})))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(pack.Notes) != 1 || !strings.Contains(pack.Notes[0], "lab lab has 1 known-wrong variant; add at least 2") {
		t.Errorf("notes = %q", pack.Notes)
	}
}

// prove loads a pack that must be valid and proves it without an engine.
func prove(t *testing.T, files map[string]string) []Outcome {
	t.Helper()
	pack, errs := Load(writePack(t, files))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return (&Prover{TempDir: t.TempDir()}).Run(context.Background(), pack.Labs)
}

func TestProveJudgesEachCase(t *testing.T) {
	tests := []struct {
		name    string
		changes map[string]string
		// want maps a case to "" (proven) or a part of its first problem.
		want map[string]string
	}{
		{"a sound lab", nil, map[string]string{"starter": "", "solution": "", "wrong/bad-port": "", "wrong/no-notes": ""}},
		{"a known-wrong variant that passes", map[string]string{"lab/wrong/bad-port/answers.yaml": "port: 8080 # right after all\n"},
			map[string]string{"wrong/bad-port": "this known-wrong answer (the wrong port) passes check quiz: the 1 answer in answers.yaml is right; the check does not catch it"}},
		{"a variant failing for another reason", map[string]string{"lab/wrong/bad-port/answers.yaml": "port:\n"},
			map[string]string{"wrong/bad-port": "check quiz fails with reason unanswered, not wrong-answer as expect.yaml says"}},
		{"a starter that passes", map[string]string{"lab/starter/answers.yaml": "port: 8080\n", "lab/starter/notes.txt": "n\n"},
			map[string]string{"starter": "the starter passes every check: it leaves the learner nothing to do"}},
		{"a solution that fails", map[string]string{"lab/solution/answers.yaml": "port: 80\n"},
			map[string]string{"solution": "the solution does not pass:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outcomes := prove(t, with(goodLab(), tt.changes))
			if len(outcomes) != 4 {
				t.Fatalf("%d outcomes, want 4", len(outcomes))
			}
			for _, o := range outcomes {
				want, ok := tt.want[o.Name()]
				if !ok {
					if !o.Proven {
						t.Errorf("%s not proven: %v", o.Name(), o.Problems)
					}
					continue
				}
				switch {
				case want == "" && !o.Proven:
					t.Errorf("%s not proven: %v", o.Name(), o.Problems)
				case want != "" && o.Proven:
					t.Errorf("%s proven (%s), want it not proven: %s", o.Name(), o.Summary, want)
				case want != "" && !strings.Contains(o.Problems[0], want):
					t.Errorf("%s: problem %q, want it to contain %q", o.Name(), o.Problems[0], want)
				}
			}
		})
	}
}

// A variant is judged by its check and the checks that check needs only:
// here the quiz variant never runs has-notes, which the variant would fail.
func TestProveRunsOnlyTheNamedCheckAndItsNeeds(t *testing.T) {
	files := with(goodLab(), map[string]string{"lab/wrong/bad-port/expect.yaml": "check: quiz\nreason: wrong-answer\nremove: [notes.txt]\n"})
	for _, o := range prove(t, files) {
		if o.Name() != "wrong/bad-port" {
			continue
		}
		if !o.Proven || len(o.Report.Checks) != 1 || o.Report.Checks[0].ID != "quiz" {
			t.Errorf("outcome = %+v, report = %+v; want only quiz run, failing", o, o.Report)
		}
	}
}

func TestNewWritesALabThatIsProven(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "static-site")
	if err := New(dir, "static-site"); err != nil {
		t.Fatal(err)
	}
	pack, errs := Load(dir)
	if len(errs) > 0 || len(pack.Notes) > 0 {
		t.Fatalf("errs %v, notes %v", errs, pack.Notes)
	}
	if pack.Labs[0].Title != "Static site" || pack.Labs[0].Version != 1 {
		t.Errorf("lab = %+v", pack.Labs[0].Spec)
	}
	for _, o := range (&Prover{TempDir: t.TempDir()}).Run(context.Background(), pack.Labs) {
		if !o.Proven {
			t.Errorf("%s not proven: %v", o.Name(), o.Problems)
		}
	}
	if err := New(dir, "static-site"); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("New over a lab = %v, want a refusal", err)
	}
	if err := New(filepath.Join(t.TempDir(), "x"), "Bad_Id"); err == nil {
		t.Error("New accepted a bad id")
	}
}
