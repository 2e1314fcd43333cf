package rollout

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzFromCompose proves that any compose file either becomes a Swarm scenario
// the simulator accepts or refuses with an error, or is rejected with an error
// that names the file; never a panic.
func FuzzFromCompose(f *testing.F) {
	for _, p := range []string{
		"../../labs/bluegreen-vs-rolling/solution/compose.yaml",
		"../../labs/bluegreen-vs-rolling/starter/compose.yaml",
		"testdata/swarm-good.yaml",
		"testdata/swarm-badorder.yaml",
		"testdata/swarm-badyaml.yaml",
	} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "web")
	}
	for _, seed := range []string{
		"",
		"services: {}\n",
		"services:\n  web:\n    image: x\n    deploy: {mode: global}\n",
		"services:\n  web:\n    image: x\n    deploy:\n      update_config: {parallelism: 4294967296, delay: 1ns, monitor: -5s}\n",
		"services:\n  web:\n    image: ${IMAGE:?set IMAGE}\n",
		"services:\n  web:\n    extends: {file: nothing.yaml, service: web}\n",
	} {
		f.Add([]byte(seed), "web")
	}
	f.Fuzz(func(t *testing.T, data []byte, service string) {
		path := filepath.Join(t.TempDir(), "compose.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		sc, err := FromCompose(ctx, path, service)
		if ctx.Err() != nil {
			t.Fatalf("still reading %q after 20s", data)
		}
		if err != nil {
			var ce *ComposeError
			if !errors.As(err, &ce) && !strings.HasPrefix(err.Error(), path+":") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if sc.Strategy.Kind != KindSwarm || sc.Strategy.Swarm == nil || sc.Name != service {
			t.Fatalf("scenario is not the service's swarm update: %+v", sc)
		}
		if sc.Replicas < 0 || sc.Replicas > 50 {
			return // a fleet this size is the simulator's own concern, not the reader's
		}
		sc.Traffic.RPS = 10
		sc.MaxS = 600
		r, err := Simulate(sc)
		if err == nil && (r == nil || r.DurationS < 0) {
			t.Fatalf("simulation of a scenario read from compose gave %+v", r)
		}
	})
}
