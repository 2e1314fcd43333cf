package checks

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkWorkflowChecks is the work `devopsctl check` does on the pipeline
// lab with its engine check left out: actionlint and the job graph, on the
// lab's solution. bench/pipeline_lint.sh compares the whole command with
// the actionlint binary.
func BenchmarkWorkflowChecks(b *testing.B) {
	dir := b.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "pipeline", "github", "solution.yml"))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, ".github", "workflows"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".github", "workflows", "ci.yml"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	env := &Env{Dir: dir}
	lint, _ := workflowLintKind.New(nil)
	shape, _ := workflowStructureKind.New(nil)
	b.ResetTimer()
	for b.Loop() {
		if r := lint.Run(context.Background(), env); r.Status != Pass {
			b.Fatal(r.Message)
		}
		if r := shape.Run(context.Background(), env); r.Status != Pass {
			b.Fatal(r.Message)
		}
	}
}
