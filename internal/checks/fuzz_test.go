package checks

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// shippedFile reads a file of a shipped lab, as a fuzz seed.
func shippedFile(f *testing.F, rel string) []byte {
	f.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "labs", filepath.FromSlash(rel)))
	if err != nil {
		f.Fatal(err)
	}
	return data
}

// shippedWith returns the `with:` block of check id in a shipped lab.yaml, so
// that a fuzz target judges files as that lab does.
func shippedWith(f *testing.F, lab, id string) string {
	f.Helper()
	var spec struct {
		Checks []struct {
			ID   string    `yaml:"id"`
			With yaml.Node `yaml:"with"`
		} `yaml:"checks"`
	}
	if err := yaml.Unmarshal(shippedFile(f, lab+"/lab.yaml"), &spec); err != nil {
		f.Fatal(err)
	}
	for _, c := range spec.Checks {
		if c.ID == id {
			out, err := yaml.Marshal(&c.With)
			if err != nil {
				f.Fatal(err)
			}
			return string(out)
		}
	}
	f.Fatalf("lab %s has no check %s", lab, id)
	return ""
}

// fuzzCheck builds a check from its `with:` block outside any test.
func fuzzCheck(f *testing.F, kind, with string) Check {
	f.Helper()
	k, ok := Lookup(kind)
	if !ok {
		f.Fatalf("kind %s not registered", kind)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(with), &doc); err != nil {
		f.Fatal(err)
	}
	c, err := k.New(doc.Content[0])
	if err != nil {
		f.Fatalf("new %s: %v", kind, err)
	}
	return c
}

// runOnFile writes data as the learner's file rel in a fresh workspace and
// runs c there, failing when the run takes longer than any file should need.
func runOnFile(t *testing.T, c Check, rel string, data []byte) Result {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, rel), data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r := c.Run(ctx, &Env{Dir: dir, LabID: "fuzz", Timeout: 20 * time.Second})
	if ctx.Err() != nil {
		t.Fatalf("still judging %q after 20s", data)
	}
	return r
}

// wantVerdict fails unless r is a pass, or a failure for one of reasons whose
// message says what is wrong (for a parse error, where: file:line, and how to
// fix it; other reasons get their hints from the lab).
func wantVerdict(t *testing.T, r Result, rel string, reasons ...string) {
	t.Helper()
	switch {
	case r.Status == Pass:
	case r.Status != Fail:
		t.Fatalf("got %s (%s), want pass or fail: a learner's file is never the tool's error", r.Status, r.Message)
	case !slices.Contains(reasons, r.Reason):
		t.Fatalf("failure reason %q is not one of %v: %s", r.Reason, reasons, r.Message)
	case r.Message == "":
		t.Fatalf("failure %q without a message: %+v", r.Reason, r)
	case r.Reason == "parse-error" && r.Hint == "":
		t.Fatalf("parse error without a hint: %+v", r)
	case r.Reason == "parse-error" && !regexp.MustCompile(`^`+regexp.QuoteMeta(rel)+`:\d+`).MatchString(r.Message):
		t.Fatalf("parse error does not start with %s:line: %s", rel, r.Message)
	}
}

// FuzzAnswers proves that any answers file gets a verdict (pass, or a failure
// that says why and, for a file that does not parse, where), and that the
// answers read back the same when written out again.
func FuzzAnswers(f *testing.F) {
	c := fuzzCheck(f, "answers", shippedWith(f, "bluegreen-vs-rolling", "questions"))
	f.Add(shippedFile(f, "bluegreen-vs-rolling/starter/answers.yaml"))
	f.Add(shippedFile(f, "bluegreen-vs-rolling/solution/answers.yaml"))
	for _, seed := range []string{
		"", "needs-2n: [a, b]\n", "needs-2n: a: b\n", "- a\n", "needs-2n: \"blue: green\"\n",
		"needs-2n: &a x\nmixed-versions: *a\n", "? [a]\n: b\n", "needs-2n: |\n  block\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := runOnFile(t, c, "answers.yaml", data)
		wantVerdict(t, r, "answers.yaml", "parse-error", "wrong-answer", "unanswered")

		given, err := readAnswers(data)
		if err != nil {
			return
		}
		out, err := yaml.Marshal(given)
		if err != nil {
			t.Fatalf("write answers back: %v", err)
		}
		back, err := readAnswers(out)
		if err != nil {
			t.Fatalf("answers written back do not read: %v\n%s", err, out)
		}
		if !maps.Equal(given, back) {
			t.Fatalf("answers changed when written back:\n%q\n%q", given, back)
		}
	})
}

// FuzzReadEnvFile proves that an env file either reads as NAME=value pairs
// that read back the same when written out again, or is refused with an error
// naming the file (and the line, for a bad line); never a panic.
func FuzzReadEnvFile(f *testing.F) {
	f.Add(shippedFile(f, "env-vars/solution/greeter.env"))
	for _, seed := range []string{
		"", "NAME=Ada\n# comment\n\nPORT=9090\n", "export PORT=1\n", "BARE\n", "A B=1\n",
		"X=\"quoted\" \r\n", "=value\n", "K==v=\n", "\xff\xfe=\x00\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.env")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		vars, err := ReadEnvFile(path, "app.env", noLookup)
		if err != nil {
			if !regexp.MustCompile(`^(app\.env:\d+: |read app\.env: )`).MatchString(err.Error()) {
				t.Fatalf("error does not name the file and line: %v", err)
			}
			return
		}
		for _, v := range vars {
			name, _, ok := strings.Cut(v, "=")
			if !ok || name == "" || strings.ContainsAny(name, " \t\n") {
				t.Fatalf("read %q, not NAME=value", v)
			}
		}
		if err := os.WriteFile(path, []byte(strings.Join(vars, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		back, err := ReadEnvFile(path, "app.env", noLookup)
		if err != nil || !slices.Equal(vars, back) {
			t.Fatalf("variables written back read as %q (%v), want %q", back, err, vars)
		}
	})
}

// FuzzRolloutSpec proves that any rollout spec a learner writes (rolling,
// blue/green or canary settings) gets a verdict, never the tool's error or a
// panic, and that one it cannot read is reported at its line.
func FuzzRolloutSpec(f *testing.F) {
	// A small service, so that each simulation is quick; any strategy goes.
	c := fuzzCheck(f, "rollout_sim", `{file: rollout.yaml, replicas: 4, requests: 20, startup_s: 2,
  releases: [{name: good, error_rate: 0, constraints: {must_promote: true}},
             {name: bad, error_rate: 0.5, constraints: {must_roll_back: true}}]}`)
	f.Add(shippedFile(f, "bluegreen-vs-rolling/solution/bluegreen.yaml"))
	f.Add(shippedFile(f, "bluegreen-vs-rolling/starter/bluegreen.yaml"))
	f.Add(shippedFile(f, "canary/solution/canary.yaml"))
	f.Add(shippedFile(f, "canary/starter/canary.yaml"))
	for _, seed := range []string{
		"", "strategy: rolling\nrolling:\n  max_surge: 25%\n  max_unavailable: 1\n",
		"strategy: rolling\nrolling: {max_surge: 0, max_unavailable: 0}\n",
		"strategy: canary\ncanary: {steps: []}\n", "strategy: swarm\n", "strategy: [x]\n",
		"strategy: blue-green\nblue_green: {scale_down_delay_s: -1}\n",
		"strategy: rolling\nrolling: {max_surge: \"999999999999%\"}\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := runOnFile(t, c, "rollout.yaml", data)
		wantVerdict(t, r, "rollout.yaml", "parse-error", "invalid-settings",
			"below-min-serving", "below-min-available", "over-max-instances", "too-many-failures", "not-rolled-back", "not-promoted")
	})
}

// noLookup is an empty environment: a bare NAME in an env file then sets nothing.
func noLookup(string) (string, bool) { return "", false }
