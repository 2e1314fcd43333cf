package checks

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const abTestWith = "{env_file: greetings.env, epsilon: 0.2, seed: 7}"

type abCase struct {
	name    string
	env     *string // nil: no file
	reason  Reason  // "" passes
	message string
}

func TestABTest(t *testing.T) {
	tests := []abCase{
		{name: "the asked epsilon", env: ptr("EPSILON=0.2\n")},
		{name: "written another way", env: ptr("# explore one request in five\n  EPSILON=.20\nOTHER=1\n")},
		{name: "close enough", env: ptr("EPSILON=0.21\n")},
		{name: "no file", reason: ReasonEnvFileMissing, message: "no greetings.env"},
		{name: "spaces around =", env: ptr("EPSILON = 0.2\n"), reason: ReasonEnvFileInvalid, message: "greetings.env:1"},
		{name: "a percentage", env: ptr("# share\nEPSILON=20%\n"), reason: ReasonEpsilonInvalid, message: "greetings.env:2: the greetings service refuses it: EPSILON=20% is a percentage"},
		{name: "not a number", env: ptr("EPSILON=lots\n"), reason: ReasonEpsilonInvalid, message: "is not a number"},
		{name: "above 1", env: ptr("EPSILON=20\n"), reason: ReasonEpsilonInvalid, message: "outside 0..1"},
		{name: "unset uses the default", env: ptr("EPSILLON=0.2\n"), reason: ReasonSplitOff, message: "does not set EPSILON, so the service used its default 0.1"},
		{name: "the old default", env: ptr("EPSILON=0.1\n"), reason: ReasonSplitOff, message: "the lab asks for about 20.0%"},
		{name: "always explore", env: ptr("EPSILON=1\n"), reason: ReasonSplitOff, message: "explored 100.0%"},
		{name: "never explore", env: ptr("EPSILON=0\n"), reason: ReasonSplitOff, message: "explored 0.0%"},
	}
	for _, reason := range abTestKind.Reasons {
		if reason == ReasonOutsideWorkspace {
			continue // TestChecksRefuseLinksOutOfTheWorkspace proves it
		}
		if !slices.ContainsFunc(tests, func(tt abCase) bool { return tt.reason == reason }) {
			t.Errorf("reason %s has no failing case", reason)
		}
	}
	c := mustCheck(t, "ab_test", abTestWith)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if tt.env != nil {
				if err := os.WriteFile(filepath.Join(dir, "greetings.env"), []byte(*tt.env), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := run(t, c, engineEnv(dir, "ab-test", nil))
			if tt.reason == "" {
				wantStatus(t, r, Pass, "")
				if !strings.Contains(strings.Join(r.Evidence, "\n"), "the service now exploits Howdy") {
					t.Errorf("the likes did not make Howdy the exploit choice: %v", r.Evidence)
				}
				return
			}
			wantStatus(t, r, Fail, tt.reason)
			if !strings.Contains(r.Message, tt.message) || r.Hint == "" {
				t.Errorf("message %q (hint %q), want it to contain %q", r.Message, r.Hint, tt.message)
			}
		})
	}
}

// TestABTestToleranceHoldsAcrossSeeds runs the exact epsilon under other
// seeds: at 4 sigma a correct setting should never fail in a handful.
func TestABTestToleranceHoldsAcrossSeeds(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "greetings.env"), []byte("EPSILON=0.3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, seed := range []string{"1", "2", "3", "99"} {
		c := mustCheck(t, "ab_test", "{env_file: greetings.env, epsilon: 0.3, requests: 1000, seed: "+seed+"}")
		r := run(t, c, engineEnv(dir, "ab-test", nil))
		wantStatus(t, r, Pass, "")
	}
}

func TestABTestParams(t *testing.T) {
	tests := []struct{ with, want string }{
		{"{env_file: greetings.env}", "epsilon: give"},
		{"{env_file: greetings.env, epsilon: 1.5}", "outside 0..1"},
		{"{env_file: greetings.env, epsilon: 0.2, requests: 10}", "requests: 10 is outside"},
		{"{env_file: greetings.env, epsilon: 0.2, sigmas: 0}", "sigmas"},
		{"{env_file: greetings.env, epsilon: 0.2, like_rates: {Hi: 0.1}}", `unknown greeting "Hi"`},
		{"{env_file: greetings.env, epsilon: 0.2, like_rates: {Hello: 2}}", "like_rates.Hello"},
		{"{env_file: ../greetings.env, epsilon: 0.2}", "env_file"},
		{"{env_file: greetings.env, epsilon: 0.2, epsilom: 1}", "did you mean epsilon"},
	}
	k, _ := Lookup("ab_test")
	for _, tt := range tests {
		if _, err := k.New(nodeOf(t, tt.with)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.with, err, tt.want)
		}
	}
}

func TestABTestStopsWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "greetings.env"), []byte("EPSILON=0.2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := mustCheck(t, "ab_test", "{env_file: greetings.env, epsilon: 0.2, requests: 100000}")
	ctx, cancel := contextWithTimeout(50 * time.Millisecond)
	defer cancel()
	start := time.Now()
	r := c.Run(ctx, engineEnv(dir, "ab-test", nil))
	if r.Status != Error || time.Since(start) > 10*time.Second {
		t.Fatalf("cancelled run: %s %q after %v", r.Status, r.Message, time.Since(start))
	}
}

func ptr(s string) *string { return &s }

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
