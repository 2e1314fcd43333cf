package awesomeapp

import "testing"

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/Bob/1/1":               "/Bob/1/1",
		"/Bob%20Ross/1/2":        "/Bob%20Ross/1/2",
		"":                       "/",
		"//evil.example/x":       "/",
		"https://evil.example/":  "/",
		"/\\evil.example":        "/",
		"javascript:alert(1)":    "/",
		"relative/path":          "/",
		"/%2F%2Fevil.example/ok": "/%2F%2Fevil.example/ok",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
