package checks

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/testenv"
)

// composeLabWorkspace lays out the compose lab's starter (its Go files under
// their workspace names) with compose.yaml and the extra files given.
func composeLabWorkspace(t *testing.T, compose string, extra map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("..", "..", "labs", "compose", "starter")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		base := filepath.Base(rel)
		switch {
		case base == "_go.mod":
			rel = filepath.Join(filepath.Dir(rel), "go.mod")
		case strings.HasPrefix(base, "_") && strings.HasSuffix(base, ".go"):
			rel = filepath.Join(filepath.Dir(rel), base[1:])
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	extra["compose.yaml"] = compose
	for name, content := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestComposeUpReal brings the compose lab's project up on the engine: the
// shipped solution and another correct answer pass, and the mistakes that only
// show when the project runs fail for their reason. The three service images
// are built once in the engine's cache and found there by every case. Refusals
// before anything runs are proven with a fake (TestComposeUpRefuses), and the
// lab's known-wrong variants prove a port published to the wrong container port.
func TestComposeUpReal(t *testing.T) {
	// Runs beside the package's other long engine tests.
	t.Parallel()
	eng := testenv.Engine(t)
	sol := composeSolution(t)
	edit := func(old, new string) string {
		if !strings.Contains(sol, old) {
			t.Fatalf("solution has no %q", old)
		}
		return strings.Replace(sol, old, new, 1)
	}
	// Health checks that answer fast keep each case short.
	fast := strings.ReplaceAll(sol, "interval: 2s", "interval: 1s")
	for _, tc := range []struct {
		name, compose string
		extra         map[string]string
		reason        Reason
		inMsg         string
		with          string
	}{
		{name: "shipped solution", compose: fast},
		{name: "alternative answer", compose: composeAlternative, extra: map[string]string{"greetings.env": "REDIS_URL=redis://redis:6379\n"}},
		{name: "greetings given an http URL", compose: edit("redis://redis:6379", "http://redis:6379"), reason: ReasonServiceExited, inMsg: "greetings"},
		{name: "maths health check on the wrong port", compose: strings.Replace(edit("http://localhost:5001/healthz", "http://localhost:5009/healthz"), "      retries: 10\n    networks: [calculator]\n\n  greetings", "      retries: 2\n    networks: [calculator]\n\n  greetings", 1), reason: ReasonServiceUnhealthy, inMsg: "maths"},
		{name: "broken Dockerfile", compose: fast, extra: map[string]string{"maths/Dockerfile": "FROM golang:1.26\nRUN exit 3\n"}, reason: ReasonServiceBuildFailed, inMsg: "maths"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.extra == nil {
				tc.extra = map[string]string{}
			}
			dir := composeLabWorkspace(t, tc.compose, tc.extra)
			testenv.CleanupImages(t, eng, testenv.WorkspaceMatch(dir))
			env := engineEnv(dir, "compose", eng)
			env.Timeout = 4 * time.Minute
			ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
			defer cancel()
			r := mustCheck(t, "compose_up", tc.with+"startup: 2m").Run(ctx, env)
			testenv.NoLeftoversIn(t, eng, testenv.WorkspaceMatch(dir))
			if tc.reason == "" {
				wantStatus(t, r, Pass, "")
				return
			}
			wantStatus(t, r, Fail, string(tc.reason))
			if !strings.Contains(r.Message, tc.inMsg) {
				t.Errorf("message %q does not mention %q", r.Message, tc.inMsg)
			}
		})
	}
}
