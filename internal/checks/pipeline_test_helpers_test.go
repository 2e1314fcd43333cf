package checks

import (
	"os"
	"path/filepath"
	"testing"
)

// pipelineWorkspace is a workspace holding the lab app and the pipeline
// fixture testdata/pipeline/<fixture> at rel.
func pipelineWorkspace(t *testing.T, fixture, rel string) string {
	t.Helper()
	dir := t.TempDir()
	app := filepath.Join("..", "..", "labs", "pipeline", "starter")
	for src, dst := range map[string]string{"_go.mod": "go.mod", "_main.go": "main.go", "_main_test.go": "main_test.go", "Dockerfile": "Dockerfile"} {
		data, err := os.ReadFile(filepath.Join(app, src))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, dst, data)
	}
	if fixture != "" {
		data, err := os.ReadFile(filepath.Join("testdata", "pipeline", fixture))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, rel, data)
	}
	return dir
}

func writeFile(t *testing.T, dir, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
