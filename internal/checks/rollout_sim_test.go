package checks

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Params shared by the cases: the lab's fixed scenario around a file.
const (
	composeWith = `{file: compose.yaml, service: web, replicas: 10, requests: 100, startup_s: 5, releases: [%s]}`
	specWith    = `{file: rollout.yaml, replicas: 10, requests: 100, startup_s: 5, releases: [%s]}`
)

func TestRolloutSim(t *testing.T) {
	tests := []struct {
		name      string
		workspace string
		with      string
		reason    string // "" passes
		message   []string
	}{
		{"compose update keeps capacity", "compose-good", with(composeWith,
			`{name: new release, constraints: {min_serving: 10, max_instances: 12, max_failed_requests: 0, must_promote: true}}`),
			"", []string{"compose.yaml meets every limit", "new release: completed"}},
		{"rolling spec keeps capacity", "spec-rolling", with(specWith,
			`{name: new release, constraints: {min_serving: 10, max_instances: 11, must_promote: true}}`),
			"", []string{"rollout.yaml meets every limit"}},
		{"blue/green switches back from a bad release", "spec-bluegreen-watched", with(specWith,
			`{name: good, constraints: {must_promote: true, min_serving: 10}}, {name: bad, error_rate: 0.3, constraints: {must_roll_back: true, max_failed_requests: 600}}`),
			"", []string{"good: completed", "bad: rolled-back"}},
		{"a lab may spell the strategy bluegreen", "spec-bluegreen-watched",
			`{file: rollout.yaml, strategies: [bluegreen], releases: [{name: good, constraints: {must_promote: true}}]}`,
			"", []string{"good: completed"}},

		{"all at once leaves nobody serving", "compose-all-at-once", with(composeWith,
			`{name: new release, constraints: {min_serving: 8}}`),
			"below-min-serving", []string{"new release (a healthy version): at t=0s only 0 of 10 instances were serving users; the lab asks for at least 8"}},
		{"default fences leave 8 ready", "spec-rolling-default", with(specWith,
			`{name: new release, constraints: {min_available: 9}}`),
			"below-min-available", []string{"at t=0s only 8 of 10 instances were ready; the lab asks for at least 9"}},
		{"wide start-first batches cost too much", "compose-wide-batches", with(composeWith,
			`{name: new release, constraints: {max_instances: 13}}`),
			"over-max-instances", []string{"15 instances were running at once; the lab allows at most 13"}},
		{"dropped requests count as failures", "compose-all-at-once", with(composeWith,
			`{name: new release, constraints: {max_failed_requests: 0}}`),
			"too-many-failures", []string{"by t=0s 100 requests had failed; the lab allows at most 0"}},
		{"a wide canary fails too many users", "spec-canary-wide", with(specWith,
			`{name: bad, error_rate: 0.25, constraints: {must_roll_back: true, max_failed_share: 0.02}}`),
			"too-many-failures", []string{"bad (fails 25% of its requests):", "of requests failed", "the lab allows at most 2.00%"}},
		{"no analysis keeps a bad release", "spec-bluegreen-unwatched", with(specWith,
			`{name: bad, error_rate: 0.3, constraints: {must_roll_back: true, max_failed_requests: 10}}`),
			"not-rolled-back", []string{"bad (fails 30% of its requests): the rollout ended with every instance on the new version"}},
		{"a strict analysis rejects a good release", "spec-canary-strict", with(specWith,
			`{name: good, error_rate: 0.01, constraints: {must_promote: true}}`),
			"not-promoted", []string{"good (fails 1% of its requests): the rollout ended rolled back"}},

		{"both fences zero", "spec-rolling-frozen", with(specWith, `{name: r}`),
			"invalid-settings", []string{"rollout.yaml: these settings cannot run", "both 0"}},
		{"compose refuses a value", "compose-badorder", with(composeWith, `{name: r}`),
			"invalid-settings", []string{"compose.yaml", "order"}},
		{"replicas differ from the lab", "compose-six", with(composeWith, `{name: r}`),
			"invalid-settings", []string{"compose.yaml asks for 6 replicas, but this lab runs the service with 10"}},
		{"spec replicas differ from the lab", "spec-replicas", with(specWith, `{name: r}`),
			"invalid-settings", []string{"asks for 4 replicas"}},
		{"strategy the check is not about", "spec-rolling", `{file: rollout.yaml, strategies: [canary], releases: [{name: r}]}`,
			"invalid-settings", []string{"rollout.yaml uses a rolling rollout, but this check is about canary"}},
		{"compose syntax error", "compose-badyaml", with(composeWith, `{name: r}`),
			"parse-error", []string{"compose.yaml:6:"}},
		{"spec syntax error", "spec-badyaml", with(specWith, `{name: r}`),
			"parse-error", []string{"rollout.yaml:2: did not find expected key"}},
		{"spec typo", "spec-typo", with(specWith, `{name: r}`),
			"parse-error", []string{"rollout.yaml:4: field wieght not found in canary.steps[0] (did you mean weight?)"}},
		{"spec typo in the analysis", "spec-analysis-typo", with(specWith, `{name: r}`),
			"parse-error", []string{"rollout.yaml:8: field min_succes_percent not found in canary.analysis (did you mean min_success_percent?)"}},
		{"spec section of another strategy", "spec-extra-section", with(specWith, `{name: r}`),
			"parse-error", []string{"rollout.yaml:2: the canary: section has no effect because strategy is rolling"}},
		{"spec unknown strategy", "spec-unknown-strategy", with(specWith, `{name: r}`),
			"parse-error", []string{`rollout.yaml:1: strategy "recreate" is unknown`}},
		{"spec empty", "spec-empty", with(specWith, `{name: r}`),
			"parse-error", []string{"rollout.yaml:1: the file is empty"}},
		{"file missing", "compose-good", with(specWith, `{name: r}`),
			"missing", []string{"rollout.yaml not found"}},
		{"file misnamed", "near-miss", with(specWith, `{name: r}`),
			"missing", []string{`found "rollout.yml"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runKindAt(t, rolloutSimKind, tt.with, filepath.Join("testdata", "rollout_sim", tt.workspace))
			if tt.reason == "" {
				wantStatus(t, r, Pass, "")
			} else {
				wantStatus(t, r, Fail, tt.reason)
				// Limits broken by the simulation get their hint from the
				// lab; problems with the file itself carry their own.
				if fileProblem := tt.reason == "parse-error" || tt.reason == "invalid-settings" || tt.reason == "missing"; fileProblem && r.Hint == "" {
					t.Errorf("no hint for %s", tt.reason)
				}
			}
			for _, m := range tt.message {
				if !strings.Contains(r.Message, m) && !strings.Contains(strings.Join(r.Evidence, "\n"), m) {
					t.Errorf("message %q (evidence %q) lacks %q", r.Message, r.Evidence, m)
				}
			}
		})
	}
}

func TestRolloutSimIsDeterministic(t *testing.T) {
	w := with(specWith, `{name: bad, error_rate: 0.25, constraints: {max_failed_share: 0.001}}`)
	dir := filepath.Join("testdata", "rollout_sim", "spec-canary-wide")
	first := runKindAt(t, rolloutSimKind, w, dir)
	for range 3 {
		if again := runKindAt(t, rolloutSimKind, w, dir); again.Message != first.Message {
			t.Fatalf("runs differ:\n%s\n%s", first.Message, again.Message)
		}
	}
}

func TestRolloutSimParams(t *testing.T) {
	tests := []struct {
		name, with, want string
	}{
		{"no file", `{releases: [{name: r}]}`, "path is required"},
		{"file outside", `{file: ../x.yaml, releases: [{name: r}]}`, "outside the workspace"},
		{"no releases", `{file: a.yaml}`, "list at least one release"},
		{"unnamed release", `{file: a.yaml, releases: [{error_rate: 0.1}]}`, "release 1 has no name"},
		{"error rate above 1", `{file: a.yaml, releases: [{name: r, error_rate: 5}]}`, "between 0 and 1"},
		{"unknown strategy", `{file: a.yaml, strategies: [recreate], releases: [{name: r}]}`, `"recreate" is unknown`},
		{"unknown constraint", `{file: a.yaml, releases: [{name: r, constraints: {min_servng: 3}}]}`, "min_servng"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rolloutSimKind.New(withNode(t, tt.with))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func with(format, releases string) string { return strings.Replace(format, "%s", releases, 1) }

// TestRolloutSimComposeExtends reads the files a compose service extends
// through the workspace, as it reads the compose file: one inside it is
// used, one outside it (by a link or by name) or over the size cap is
// refused, and nothing of its content shows.
func TestRolloutSimComposeExtends(t *testing.T) {
	const base = "services:\n  web:\n    image: shop-web:2.0\n    deploy:\n      replicas: 10\n      update_config: {parallelism: 2, order: start-first}\n"
	const secret = "TOPSECRET-extends"
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "web.yaml"), []byte(base+"# "+secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		file    string // what extends names
		files   map[string]string
		link    string // a link at base/web.yaml to this file outside
		reason  string // "" passes
		message string
	}{
		{name: "a file in a folder of the workspace", file: "base/web.yaml", files: map[string]string{"base/web.yaml": base}},
		{name: "a link out of the workspace", file: "base/web.yaml", link: filepath.Join(outside, "web.yaml"),
			reason: "invalid-settings", message: "extends file base/web.yaml: it is outside the workspace"},
		{name: "a path out of the workspace", file: "../" + filepath.Base(outside) + "/web.yaml",
			reason: "invalid-settings", message: "it is outside the workspace"},
		{name: "an absolute path", file: filepath.Join(outside, "web.yaml"),
			reason: "invalid-settings", message: "give it as a path inside the workspace"},
		{name: "a file over the cap", file: "big.yaml", files: map[string]string{"big.yaml": base + "#" + strings.Repeat("x", MaxLearnerFile) + "\n"},
			reason: "invalid-settings", message: "extends file big.yaml: it is over 1024 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := filepath.Join(outside, "ws-"+strings.ReplaceAll(tt.name, " ", "-"))
			files := map[string]string{"compose.yaml": "services:\n  web:\n    extends: {file: " + tt.file + ", service: web}\n"}
			maps.Copy(files, tt.files)
			for name, body := range files {
				p := filepath.Join(ws, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.link != "" {
				os.MkdirAll(filepath.Join(ws, "base"), 0o755)
				if err := os.Symlink(tt.link, filepath.Join(ws, "base", "web.yaml")); err != nil {
					t.Skipf("no symlinks here: %v", err)
				}
			}
			r := runKindAt(t, rolloutSimKind, with(composeWith, `{name: r, constraints: {must_promote: true}}`), ws)
			if tt.reason == "" {
				wantStatus(t, r, Pass, "")
				return
			}
			wantStatus(t, r, Fail, tt.reason)
			all := r.Message + strings.Join(r.Evidence, "\n")
			if !strings.Contains(all, tt.message) {
				t.Errorf("message %q lacks %q", r.Message, tt.message)
			}
			if strings.Contains(all, secret) {
				t.Errorf("the report shows the outside file: %q", all)
			}
		})
	}
}
