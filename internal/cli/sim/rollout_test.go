package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/rollout"
	"github.com/devopsctl/devopsctl/internal/rollout/view"
)

func exitCode(err error) int {
	var ee *cmdutil.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.Code
	}
	return -1
}

// execute runs `sim rollout args` with the given streams and reports the error.
func execute(t *testing.T, ios *iostreams.IOStreams, args string, runF func(context.Context, *RolloutOptions) error) error {
	t.Helper()
	cmd := NewCmdRollout(&cmdutil.Factory{IOStreams: ios}, runF)
	cmd.SetFlagErrorFunc(cmdutil.FlagError)
	cmd.SetArgs(strings.Fields(args))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	return cmd.ExecuteContext(context.Background())
}

func TestRolloutFlags(t *testing.T) {
	tests := []struct {
		args     string
		code     int
		strategy string
		message  string
	}{
		{"", 0, rollout.KindRolling, ""},
		{"--strategy bluegreen --replicas 4", 0, rollout.KindBlueGreen, ""},
		{"--strategy blue-green", 0, rollout.KindBlueGreen, ""},
		{"-s canary --steps 5:30,50:10 --bad-version 20%", 0, rollout.KindCanary, ""},
		{"--strategy swarm --parallelism 2 --order start-first", 0, rollout.KindSwarm, ""},
		{"--max-surge 1 --max-unavailable 0", 0, rollout.KindRolling, ""},
		{"--compare --max-surge 1 --steps 10:10", 0, rollout.KindRolling, ""},
		{"--from compose.yaml web", 0, rollout.KindSwarm, ""},
		{"--max-surge 0 --max-unavailable 0", 2, "", "--max-surge and --max-unavailable cannot both be 0: nothing could ever be replaced"},
		{"--max-surge 0% --max-unavailable 0%", 2, "", "cannot both be 0"},
		{"--max-surge lots", 2, "", `--max-surge: "lots" is neither a whole number nor a percentage`},
		{"--max-unavailable 150%", 2, "", "more than 100%"},
		{"--max-surge -1", 2, "", "--max-surge is -1; use 0 to 1000, or 0% to 1000%"},
		{"--strategy recreate", 2, "", `--strategy "recreate": use rolling, swarm, bluegreen, blue-green or canary`},
		{"--strategy Canary", 0, rollout.KindCanary, ""},
		{"--strategy canery", 2, "", "did you mean canary?"},
		{"--strategy canary --max-surge 1", 2, "", "--max-surge applies to --strategy rolling, not canary"},
		{"--parallelism 3", 2, "", "--parallelism applies to --strategy swarm, not rolling"},
		{"--replicas 0", 2, "", "--replicas is 0; use 1 to 1000"},
		{"--requests -5", 2, "", "--requests is -5; use 0 to 1000000"},
		{"--bad-version 1.5", 2, "", "--bad-version \"1.5\""},
		{"--bad-version many", 2, "", "from 0 to 1"},
		{"--steps 10:30,200:5 -s canary", 2, "", "step 2 \"200:5\""},
		{"--min-success 120", 2, "", "--min-success is 120; use a percentage from 0 to 100"},
		{"--output yaml", 2, "", `--output "yaml": use text or json`},
		{"--output JSON", 0, rollout.KindRolling, ""},
		{"--speed 0", 2, "", "--speed is 0; use 0.1 to 1000"},
		{"--from compose.yaml", 2, "", "--from needs the service"},
		{"web", 2, "", "only makes sense with --from"},
		{"--from compose.yaml web --strategy canary", 2, "", "--from reads a Swarm update_config"},
		{"--from compose.yaml web --parallelism 2", 2, "", "deploy.update_config in compose.yaml"},
		// Every flag has a range; NaN and the infinities are outside all of them.
		{"-s swarm --parallelism 1000000000", 2, "", "--parallelism is 1000000000; use 0 to 1000"},
		{"--requests 9223372036854775807", 2, "", "--requests is 9223372036854775807; use 0 to 1000000"},
		{"--requests 1e18", 2, "", `--requests "1e18": not a whole number`},
		{"--replicas 1001", 2, "", "--replicas is 1001; use 1 to 1000"},
		{"--startup 3601", 2, "", "--startup is 3601; use 0 to 3600"},
		{"-s swarm --delay 99999", 2, "", "--delay is 99999; use 0 to 3600"},
		{"--max-surge 5000", 2, "", "--max-surge is 5000; use 0 to 1000"},
		{"-s canary --min-success NaN", 2, "", "--min-success is NaN"},
		{"-s canary --min-success -Inf", 2, "", "--min-success is -Inf"},
		{"--bad-version NaN", 2, "", `--bad-version "NaN"`},
		{"--bad-version Inf%", 2, "", `--bad-version "Inf%"`},
		{"--speed NaN", 2, "", "--speed is NaN"},
		{"--speed +Inf", 2, "", "--speed is +Inf"},
		{"--speed 0.01", 2, "", "--speed is 0.01; use 0.1 to 1000"},
		{"--seed abc", 2, "", `--seed "abc": not a whole number, 0 or more`},
		{"--seed -1", 2, "", `--seed "-1": not a whole number, 0 or more`},
		{"-s canary --steps 10", 2, "", `step 1 "10" should be weight:seconds`},
		{"-s canary --steps 10:0", 2, "", `step 1 "10:0" should be weight:seconds`},
		{"-s canary --steps 10:30,50:", 2, "", `step 2 "50:" should be weight:seconds`},
		{"-s canary --steps 1:1,2:1,3:1,4:1,5:1,6:1,7:1,8:1,9:1,10:1,11:1,12:1,13:1,14:1,15:1,16:1,17:1,18:1,19:1,20:1,21:1", 2, "", "--steps has 21 steps; use 1 to 20"},
		{"-s swarm --order start_first", 2, "", "did you mean start-first?"},
		{"-s swarm --failure-action rolback", 2, "", "did you mean rollback?"},
		{"--engine swam", 2, "", "did you mean swarm?"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *RolloutOptions
			err := execute(t, ios, tt.args, func(_ context.Context, o *RolloutOptions) error { got = o; return nil })
			if code := exitCode(err); code != tt.code {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.code)
			}
			if tt.code != 0 {
				if !strings.Contains(err.Error(), tt.message) {
					t.Errorf("error %q lacks %q", err, tt.message)
				}
				return
			}
			if got.Strategy != tt.strategy {
				t.Errorf("strategy %q, want %q", got.Strategy, tt.strategy)
			}
		})
	}
}

// What --from reads is bounded too: a device or a huge file is refused after
// reading at most the cap, and values above the flags' ranges are refused.
func TestRolloutFromFileLimits(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	deploy := func(body string) string {
		return "services:\n  web:\n    image: shop:2\n    deploy:\n" + body
	}
	tests := []struct {
		name, file, want string
	}{
		{"a device", "/dev/zero", "/dev/zero: not a regular file"},
		{"a huge file", write("huge.yaml", strings.Repeat("#", rollout.MaxComposeBytes+1)), "larger than 1024 KiB"},
		{"too many replicas", write("replicas.yaml", deploy("      replicas: 1000000\n")), "deploy.replicas of web is 1000000; the simulator takes 1 to 1000"},
		{"parallelism too high", write("par.yaml", deploy("      update_config:\n        parallelism: 100000\n")), "deploy.update_config.parallelism of web is 100000"},
		{"delay too long", write("delay.yaml", deploy("      update_config:\n        delay: 100h\n")), "deploy.update_config.delay of web is 360000s"},
		{"a typo", write("typo.yaml", deploy("      update_config:\n        paralelism: 2\n")), "typo.yaml:6:9: services.web.deploy.update_config: additional property paralelism is not allowed (did you mean parallelism?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat(tt.file); err != nil {
				t.Skip(err)
			}
			ios, _, _, _ := iostreams.Test()
			err := execute(t, ios, "--from "+tt.file+" web", nil)
			if exitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want exit 2 with %q", err, tt.want)
			}
		})
	}
}

// A simulation still computing when Ctrl-C comes ends the command at once.
func TestSimulateHonoursCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sc := rollout.Scenario{Replicas: 1000, Traffic: rollout.Traffic{RPS: 2000}, From: rollout.Version{StartupS: 3600}, To: rollout.Version{StartupS: 3600},
		Strategy: rollout.Strategy{Kind: rollout.KindRolling}}
	start := time.Now()
	_, err := simulate(ctx, []rollout.Scenario{sc, sc, sc})
	if !errors.Is(err, cmdutil.ErrInterrupted) {
		t.Fatalf("err = %v, want interrupted", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %s, want under a second", d)
	}
}

func TestRolloutPlainOutput(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := execute(t, ios, "--replicas 4 --max-surge 1 --max-unavailable 0", nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Kubernetes rolling update: maxSurge 1 = 1 extra, maxUnavailable 0 = 0 may be down; 4 replicas, 100 requests/s",
		"serving  traffic v1/v2  errors",
		"Peak instances  5 for 4 replicas",
		"Fewest serving  4 of 4",
		"rollout complete: all 4 instances run v2",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out.String(), "\x1b[") {
		t.Errorf("plain output has escape codes")
	}
}

func TestRolloutJSON(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := execute(t, ios, "--strategy bluegreen --replicas 5 --output json", nil); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, key := range []string{"peak_instances", "min_available", "errors", "mixed_versions_s", "rolled_back", "timeline"} {
		if _, ok := got[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
	if got["peak_instances"] != float64(10) || got["mixed_versions_s"] != float64(0) {
		t.Errorf("blue/green of 5: peak %v mixed %v, want 10 and 0", got["peak_instances"], got["mixed_versions_s"])
	}
}

func TestRolloutCompare(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	if err := execute(t, ios, "--compare --bad-version 0.2 --output json", nil); err != nil {
		t.Fatal(err)
	}
	var runs []rollout.Result
	if err := json.Unmarshal(out.Bytes(), &runs); err != nil {
		t.Fatal(err)
	}
	got := map[string]rollout.Result{}
	for _, r := range runs {
		got[r.Strategy] = r
	}
	if len(got) != 3 {
		t.Fatalf("want three strategies, got %d", len(runs))
	}
	// The same bad release: Kubernetes does not notice, the other two roll back,
	// and the canary exposes far fewer users.
	if got["rolling"].RolledBack || !got["blue-green"].RolledBack || !got["canary"].RolledBack {
		t.Errorf("rolled back: rolling %v blue-green %v canary %v", got["rolling"].RolledBack, got["blue-green"].RolledBack, got["canary"].RolledBack)
	}
	if got["canary"].Errors*3 > got["blue-green"].Errors {
		t.Errorf("canary failed %d requests, blue/green %d; the canary should fail far fewer", got["canary"].Errors, got["blue-green"].Errors)
	}

	ios, _, out, _ = iostreams.Test()
	if err := execute(t, ios, "--compare", nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"strategy", "rolling", "blue-green", "canary", "fewest serving"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("compare table lacks %q:\n%s", want, out)
		}
	}
}

func TestRolloutFromCompose(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	compose := "services:\n  web:\n    image: shop:2\n    deploy:\n      replicas: 6\n      update_config:\n        parallelism: 2\n        order: start-first\n"
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	ios, _, out, _ := iostreams.Test()
	if err := execute(t, ios, "--from "+file+" web --output json", nil); err != nil {
		t.Fatal(err)
	}
	var r rollout.Result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Strategy != rollout.KindSwarm || r.Replicas != 6 || r.PeakInstances != 8 || r.MinAvailable != 6 {
		t.Errorf("got %s of %d, peak %d, fewest %d; want swarm of 6, peak 8, fewest 6", r.Strategy, r.Replicas, r.PeakInstances, r.MinAvailable)
	}

	ios, _, _, _ = iostreams.Test()
	err := execute(t, ios, "--from "+file+" api", nil)
	if exitCode(err) != 2 || !strings.Contains(err.Error(), `no service "api"; the file defines: web`) {
		t.Errorf("unknown service: %v", err)
	}
}

func TestModelPlaysPausesAndEnds(t *testing.T) {
	sc := rollout.Scenario{Seed: 1, Replicas: 4, Traffic: rollout.Traffic{RPS: 50},
		From: rollout.Version{StartupS: 2}, To: rollout.Version{StartupS: 2}, Strategy: rollout.Strategy{Kind: rollout.KindRolling}}
	r, err := rollout.Simulate(sc)
	if err != nil {
		t.Fatal(err)
	}
	m := tea.Model(newModel([]rollout.Scenario{sc}, []*rollout.Result{r}, 4, view.NewStyle(false)))
	m, _ = m.Update(tea.WindowSizeMsg{Width: 90, Height: 30})

	m, cmd := m.Update(tickMsg{gen: 0})
	if m.(model).t != 1 || cmd == nil {
		t.Fatalf("a tick should advance to t=1 and schedule the next, got t=%d", m.(model).t)
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{' '}})
	if !m.(model).paused || !strings.Contains(m.View(), "paused") {
		t.Fatalf("space should pause:\n%s", m.View())
	}
	m, _ = m.Update(tickMsg{gen: m.(model).gen})
	if m.(model).t != 1 {
		t.Errorf("a paused animation moved to t=%d", m.(model).t)
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'+'}})
	if m.(model).speed != 4 {
		t.Errorf("+ should go from 4x to 8x, speed index %d", m.(model).speed)
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRight})
	if m.(model).t != 2 {
		t.Errorf("→ should step to t=2, at %d", m.(model).t)
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'e'}})
	v := m.View()
	if !m.(model).done() || !strings.Contains(v, "Peak instances") || !strings.Contains(v, "finished") {
		t.Errorf("e should jump to the end and show the summary:\n%s", v)
	}
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'q'}}); cmd == nil || cmd() != tea.Quit() {
		t.Errorf("q should quit")
	}
}

func TestModelComparesSideBySide(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var opts *RolloutOptions
	if err := execute(t, ios, "--compare", func(_ context.Context, o *RolloutOptions) error { opts = o; return nil }); err != nil {
		t.Fatal(err)
	}
	scs, err := opts.scenarios(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var runs []*rollout.Result
	for _, sc := range scs {
		r, err := rollout.Simulate(sc)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	m := tea.Model(newModel(scs, runs, 4, view.NewStyle(false)))
	m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	first := strings.Split(m.View(), "\n")[0]
	for _, s := range []string{"rolling", "blue-green", "canary"} {
		if !strings.Contains(first, s) {
			t.Errorf("the first line should title all three columns, got %q", first)
		}
	}
	m, _ = m.Update(tea.WindowSizeMsg{Width: 60, Height: 40})
	if first := strings.Split(m.View(), "\n")[0]; strings.Contains(first, "canary") {
		t.Errorf("too narrow for columns, the frames should stack: %q", first)
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'e'}})
	if !strings.Contains(m.View(), "fewest serving") {
		t.Errorf("the end of a comparison shows the table:\n%s", m.View())
	}
}
