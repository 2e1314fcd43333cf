package checks

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/dockerfile"
)

func TestDockerfileLintWorkspaces(t *testing.T) {
	tests := []struct {
		workspace string
		with      string
		status    Status
		reason    string
		message   string
		evidence  []string
	}{
		{"pass", "", Pass, "", "Dockerfile passed lint with no findings", nil},
		{"pass-warnings", "", Pass, "", "Dockerfile passed lint with 2 warnings, 1 info", []string{
			`Dockerfile:1: warning: base image "python:latest" uses :latest`,
			"Dockerfile:1: info: the final stage sets no USER",
			"Dockerfile:2: warning: ADD is used to copy local files",
		}},
		{"pass-warnings", "fail_on: warning", Fail, "latest-tag", `Dockerfile:1: base image "python:latest" uses :latest`, nil},
		{"pass-warnings", "fail_on: info", Fail, "latest-tag", "Dockerfile:1:", nil},
		{"pass-warnings", "{fail_on: warning, ignore: [latest-tag, add-instead-of-copy]}", Pass, "", "passed lint with 1 info", nil},
		{"no-cmd", "", Fail, "no-command", "Dockerfile:1: the final stage (FROM python:3.12-slim) sets no CMD or ENTRYPOINT", []string{"Dockerfile:1: error: the final stage"}},
		{"multi-stage", "fail_on: info", Pass, "", "passed lint with no findings", nil},
		{"scratch", "fail_on: info", Pass, "", "passed lint with no findings", nil},
		{"empty", "", Fail, "empty", "Dockerfile:1: the Dockerfile is empty", nil},
		{"binary", "", Fail, "not-text", "Dockerfile:1: this is not a text Dockerfile", nil},
		{"syntax", "", Fail, "syntax", "Dockerfile:3: Docker cannot parse this line: unknown instruction: RUNN (did you mean RUN?)", nil},
		{"missing", "", Fail, "missing", "Dockerfile not found in the workspace", nil},
		{"near-miss", "", Fail, "missing", `Dockerfile not found: found "Dockerfile.txt" — the file must be named exactly "Dockerfile", with no extension (rename it: mv Dockerfile.txt Dockerfile)`, nil},
		{"ignored", "", Fail, "no-command", "Dockerfile:1:", nil},
		{"ignored", "ignore: [no-command]", Pass, "", "passed lint with 1 info", []string{"Dockerfile:1: info: the final stage sets no USER"}},
		{"pass", "path: app/Dockerfile", Fail, "missing", "app/Dockerfile not found: the directory app does not exist", nil},
	}
	for _, tt := range tests {
		t.Run(tt.workspace+" "+tt.with, func(t *testing.T) {
			r := runKindAt(t, dockerfileLintKind, tt.with, filepath.Join("testdata", "dockerfile_lint", tt.workspace))
			if r.Status != tt.status || r.Reason != tt.reason {
				t.Fatalf("got %s/%q %q\n%s\nwant %s/%q", r.Status, r.Reason, r.Message, strings.Join(r.Evidence, "\n"), tt.status, tt.reason)
			}
			if !strings.Contains(r.Message, tt.message) {
				t.Errorf("message %q does not contain %q", r.Message, tt.message)
			}
			if r.Status == Fail && r.Hint == "" {
				t.Error("a failure without a hint")
			}
			for i, e := range tt.evidence {
				if i >= len(r.Evidence) || !strings.Contains(r.Evidence[i], e) {
					t.Errorf("evidence[%d] should contain %q; evidence:\n%s", i, e, strings.Join(r.Evidence, "\n"))
				}
			}
		})
	}
}

// ruleSamples holds, for every rule the linter can report, a Dockerfile whose
// only finding is that rule, at the given line.
var ruleSamples = map[string]struct {
	src  string
	line int
}{
	"not-text":                                  {"FROM alpine:3.20\n\x00\x00", 2},
	"empty":                                     {"\n\n", 1},
	"syntax":                                    {"FROM alpine:3.20\nCOPY <<EOF /x\n", 2},
	"no-from":                                   {"ARG V=1\nRUN echo\n", 2},
	"no-command":                                {"FROM alpine:3.20\nUSER 1\n", 1},
	"add-instead-of-copy":                       {"FROM alpine:3.20\nADD app /app\nUSER 1\nCMD [\"/app\"]\n", 2},
	"latest-tag":                                {"FROM alpine:latest\nUSER 1\nCMD [\"sh\"]\n", 1},
	"untagged-base":                             {"FROM alpine\nUSER 1\nCMD [\"sh\"]\n", 1},
	"maintainer-deprecated":                     {"FROM alpine:3.20\nMAINTAINER ada\nUSER 1\nCMD [\"sh\"]\n", 2},
	"shell-form-command":                        {"FROM alpine:3.20\nUSER 1\nCMD sh -c true\n", 3},
	"runs-as-root":                              {"FROM alpine:3.20\nCMD [\"sh\"]\n", 1},
	"unquoted-json-form":                        {"FROM alpine:3.20\nUSER 1\nCMD [greeter]\n", 3},
	"heredoc-unsupported":                       {"FROM alpine:3.20\nRUN <<EOF\ntrue\nEOF\nUSER 1\nCMD [\"sh\"]\n", 2},
	"buildkit-stage-name-casing":                {"FROM alpine:3.20 AS Base\nUSER 1\nCMD [\"sh\"]\n", 1},
	"buildkit-from-as-casing":                   {"FROM alpine:3.20 as base\nUSER 1\nCMD [\"sh\"]\n", 1},
	"buildkit-consistent-instruction-casing":    {"FROM alpine:3.20\nUSER 1\nCmd [\"sh\"]\n", 3},
	"buildkit-legacy-key-value-format":          {"FROM alpine:3.20\nLABEL team web\nUSER 1\nCMD [\"sh\"]\n", 2},
	"buildkit-no-empty-continuation":            {"FROM alpine:3.20\nRUN true \\\n\n && true\nUSER 1\nCMD [\"sh\"]\n", 4},
	"buildkit-duplicate-stage-name":             {"FROM alpine:3.20 AS a\nFROM alpine:3.20 AS a\nUSER 1\nCMD [\"sh\"]\n", 2},
	"buildkit-reserved-stage-name":              {"FROM alpine:3.20 AS scratch\nFROM alpine:3.20\nUSER 1\nCMD [\"sh\"]\n", 1},
	"buildkit-undefined-arg-in-from":            {"FROM alpine:$TAG\nUSER 1\nCMD [\"sh\"]\n", 1},
	"buildkit-workdir-relative-path":            {"FROM alpine:3.20\nWORKDIR src\nUSER 1\nCMD [\"sh\"]\n", 2},
	"buildkit-multiple-instructions-disallowed": {"FROM alpine:3.20\nUSER 1\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n", 3},
	"buildkit-secrets-used-in-arg-or-env":       {"FROM alpine:3.20\nARG GITHUB_TOKEN\nUSER 1\nCMD [\"sh\"]\n", 2},
	"buildkit-redundant-target-platform":        {"FROM --platform=${TARGETPLATFORM} alpine:3.20\nUSER 1\nCMD [\"sh\"]\n", 1},
	"buildkit-expose-proto-casing":              {"FROM alpine:3.20\nEXPOSE 53/UDP\nUSER 1\nCMD [\"sh\"]\n", 2},
}

func TestDockerfileLintEveryRuleFailsWithItsReason(t *testing.T) {
	for _, rule := range dockerfile.Rules() {
		t.Run(rule.ID, func(t *testing.T) {
			sample, ok := ruleSamples[rule.ID]
			if !ok {
				t.Fatalf("no sample Dockerfile for rule %s", rule.ID)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(sample.src), 0o644); err != nil {
				t.Fatal(err)
			}
			at := "Dockerfile:" + strconv.Itoa(sample.line) + ":"

			r := runKindAt(t, dockerfileLintKind, "fail_on: info", dir)
			if r.Status != Fail || r.Reason != rule.ID || !strings.HasPrefix(r.Message, at) {
				t.Fatalf("got %s/%q %q\n%s\nwant fail/%q starting with %q", r.Status, r.Reason, r.Message, strings.Join(r.Evidence, "\n"), rule.ID, at)
			}
			if len(r.Evidence) != 1 || !strings.HasPrefix(r.Evidence[0], at) || !strings.HasSuffix(r.Evidence[0], "["+rule.ID+"]") {
				t.Errorf("evidence = %q", r.Evidence)
			}

			// At the default fail_on only errors fail; lower findings pass and are
			// still shown.
			r = runKindAt(t, dockerfileLintKind, "", dir)
			wantStatus := Pass
			if rule.Severity == dockerfile.SeverityError {
				wantStatus = Fail
			}
			if r.Status != wantStatus || len(r.Evidence) != 1 {
				t.Errorf("default fail_on: got %s %q with evidence %q, want %s", r.Status, r.Message, r.Evidence, wantStatus)
			}

			r = runKindAt(t, dockerfileLintKind, "{fail_on: info, ignore: ["+rule.ID+"]}", dir)
			if r.Status != Pass || len(r.Evidence) != 0 {
				t.Errorf("ignored: got %s %q with evidence %q, want a clean pass", r.Status, r.Message, r.Evidence)
			}
		})
	}
}

func TestDockerfileLintDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "Dockerfile"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := runKindAt(t, dockerfileLintKind, "", dir)
	if r.Status != Fail || r.Reason != "is-directory" || !strings.Contains(r.Message, "Dockerfile is a directory") || r.Hint == "" {
		t.Errorf("got %s/%q %q (hint %q), want an is-directory failure", r.Status, r.Reason, r.Message, r.Hint)
	}
}

func TestDockerfileLintParams(t *testing.T) {
	tests := []struct{ with, err string }{
		{"path: ../Dockerfile", "outside the workspace"},
		{"path: /Dockerfile", "relative to the workspace"},
		{"fail_on: fatal", "fail_on: unknown severity"},
		{"ignore: [no-cmd]", `unknown rule "no-cmd"`},
		{"failon: warning", "failon"},
	}
	for _, tt := range tests {
		t.Run(tt.with, func(t *testing.T) {
			_, err := dockerfileLintKind.New(withNode(t, tt.with))
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "dockerfile_lint: ") {
				t.Errorf("New(%q) error = %v, want one containing %q", tt.with, err, tt.err)
			}
		})
	}
	if dockerfileLintKind.NeedsEngine {
		t.Error("dockerfile_lint must run without an engine")
	}
}

func TestKindsRegistered(t *testing.T) {
	for _, name := range []string{"dockerfile_lint", "file_exists"} {
		k, ok := Lookup(name)
		if !ok || k.Name != name || k.Summary == "" {
			t.Errorf("kind %s not registered properly: %+v", name, k)
		}
	}
	if !slices.IsSorted(Names()) {
		t.Error("Names() not sorted")
	}
}
