package labs

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSpecErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"empty", "", "lab.yaml: the file is empty"},
		{"bad yaml", "id: x\ntitle: [unclosed\n", "lab.yaml:1: did not find expected"},
		{"unknown field", "id: x\ntitle: X\ncolour: red\nchecks: []\n", "lab.yaml:3: field colour not found"},
		{"misspelt field", "# A lab\nid: x\ntitle: >-\n  X\n  and Y\nlesons: [containers]\nchecks: []\n", "lab.yaml:6: field lesons not found (did you mean lessons?)"},
		{"misspelt check field", "id: x\ntitle: X\nchecks:\n  - id: a\n    kind: file_exists\n    tittle: A\n", "lab.yaml:6: field tittle not found in checks[0] (did you mean title?)"},
		{"misspelt parameter at its own line", "id: x\nsummary: >-\n  long\n  text\ntitle: X\nchecks:\n  - id: a\n    kind: rollout_sim\n    with:\n      file: r.yaml\n      releases:\n        - name: r\n          constraints:\n            must_rollback: true\n",
			"lab.yaml:14: check a (rollout_sim): field must_rollback not found in with.releases[0].constraints (did you mean must_roll_back?)"},
		{"bad id", "id: Bad_ID\ntitle: X\nchecks: [{id: a, kind: file_exists, with: {path: a}}]\n", `id "Bad_ID"`},
		{"no checks", "id: x\ntitle: X\n", "has no checks"},
		{"unknown kind", "id: x\ntitle: X\nchecks:\n  - id: a\n    kind: nope\n", "lab.yaml:4: check a has unknown kind \"nope\""},
		{"need not before", "id: x\ntitle: X\nchecks:\n  - id: a\n    kind: file_exists\n    needs: [b]\n    with: {path: a}\n", "needs \"b\""},
		{"duplicate check", "id: x\ntitle: X\nchecks:\n  - {id: a, kind: file_exists, with: {path: a}}\n  - {id: a, kind: file_exists, with: {path: a}}\n", "used twice"},
		{"bad param", "id: x\ntitle: X\nchecks:\n  - id: a\n    kind: file_exists\n    with:\n      pth: a\n", "lab.yaml:7: check a (file_exists): field pth not found in with (did you mean path?)"},
		{"path outside", "id: x\ntitle: X\nchecks:\n  - id: a\n    kind: file_exists\n    with: {path: ../../etc/passwd}\n", "outside the workspace"},
		{"bad difficulty", "id: x\ntitle: X\ndifficulty: easy\nchecks: [{id: a, kind: file_exists, with: {path: a}}]\n", "difficulty"},
		{"misspelt hint_for key", "id: x\ntitle: X\nchecks:\n  - id: a\n    kind: dockerfile_lint\n    hint_for:\n      no-from: ok\n      no-frm: typo\n",
			`lab.yaml:8: check a (dockerfile_lint): hint_for key "no-frm" is not a reason dockerfile_lint reports (did you mean no-from?)`},
		{"hint_for key of another kind", "id: x\ntitle: X\nchecks:\n  - id: a\n    kind: file_exists\n    with: {path: a}\n    hint_for: {no-image: never}\n",
			`lab.yaml:7: check a (file_exists): hint_for key "no-image" is not a reason file_exists reports; its reasons are empty, is-directory, missing, near-miss, outside-workspace, timeout`},
		{"newer version", "version: 2\nid: x\ntitle: X\nchecks: [{id: a, kind: file_exists, with: {path: a}}]\n", "lab.yaml:1: version 2 is newer than this devopsctl reads (version 1): upgrade devopsctl"},
		{"version zero", "id: x\nversion: 0\ntitle: X\nchecks: [{id: a, kind: file_exists, with: {path: a}}]\n", "lab.yaml:2: version 0 is not a lab.yaml version"},
		{"version not a number", "version: one\nid: x\ntitle: X\nchecks: [{id: a, kind: file_exists, with: {path: a}}]\n", "lab.yaml:1: cannot unmarshal"},
		{"bad timeout", "id: x\ntitle: X\nchecks:\n  - {id: a, kind: file_exists, timeout: soon, with: {path: a}}\n", "not a duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSpec("lab.yaml", []byte(tt.yaml))
			var se *SpecError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SpecError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseSpecAcceptsDeclaredReasons(t *testing.T) {
	// The runner's timeout is a reason of every kind; a kind's own reasons pass.
	y := "version: 1\nid: x\ntitle: X\nchecks:\n  - id: a\n    kind: file_exists\n    with: {path: a}\n    hint_for: {missing: m, near-miss: n, timeout: t}\n"
	if _, err := ParseSpec("lab.yaml", []byte(y)); err != nil {
		t.Fatal(err)
	}
}

func TestParseSpecDefaults(t *testing.T) {
	s, err := ParseSpec("lab.yaml", []byte("id: x\ntitle: X\nchecks:\n  - id: a\n    kind: file_exists\n    with: {path: a}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != CurrentVersion {
		t.Errorf("version = %d, want %d when lab.yaml has none", s.Version, CurrentVersion)
	}
	if s.Difficulty != "beginner" || s.Checks[0].Title != "a" || s.Checks[0].Line != 4 {
		t.Errorf("defaults not applied: %+v", s)
	}
	if s.NeedsEngine() {
		t.Error("a file_exists lab needs no engine")
	}
}

func TestShippedLabsLoad(t *testing.T) {
	cat, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Labs()) == 0 {
		t.Fatal("no lab is shipped")
	}
	for _, l := range cat.Labs() {
		if _, err := l.README(); err != nil {
			t.Errorf("lab %s: %v", l.ID, err)
		}
		if l.Next != "" {
			if _, err := cat.Get(l.Next); err != nil {
				t.Errorf("lab %s: next %q: %v", l.ID, l.Next, err)
			}
		}
	}
	if _, err := cat.Get("nope"); !errors.Is(err, ErrUnknownLab) {
		t.Errorf("Get(nope) = %v, want ErrUnknownLab", err)
	}
}
