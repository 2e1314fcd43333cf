package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// Binary returns the path of the first of names found on PATH or as an
// absolute path. A missing program skips the test loudly on a developer's
// machine, but fails it in CI (CI=true), where .ci/run installs it.
func Binary(t testing.TB, pkg string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%v not found, though CI must have it: .ci/run installs the Debian package %s", names, pkg)
	}
	t.Skipf("SKIPPED: %v not found; install the Debian package %s to run this test (in CI it is required)", names, pkg)
	return ""
}

// OutDir is a folder that outlives the test for a person to look at
// (screenshots): $DEVOPSCTL_TEST_OUT/<test> when set, else testdata/out/<test>
// beside the test's package, which git ignores.
func OutDir(t testing.TB) string {
	t.Helper()
	base := os.Getenv("DEVOPSCTL_TEST_OUT")
	if base == "" {
		base = "testdata/out"
	}
	dir := base + "/" + sanitize(t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("test output folder: %v", err)
	}
	return dir
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}
