package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadEnvFile follows `docker run --env-file`: what it passes, and what it
// rejects, with the line.
func TestReadEnvFile(t *testing.T) {
	env := map[string]string{"FROM_ENV": "outside"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	tests := []struct {
		name    string
		body    string
		want    []string
		wantErr string
	}{
		{name: "plain lines", body: "A=1\n\n# c\nC=a=b\n", want: []string{"A=1", "C=a=b"}},
		{name: "leading whitespace trimmed", body: "  \tA=1\n   # indented comment\n", want: []string{"A=1"}},
		{name: "value kept as written", body: "A= spaced \nQ=\"quoted\"\nE=\n", want: []string{"A= spaced ", `Q="quoted"`, "E="}},
		{name: "bare name from the environment", body: "FROM_ENV\nNOT_SET\n", want: []string{"FROM_ENV=outside"}},
		{name: "byte order mark", body: "\xef\xbb\xbfA=1\n", want: []string{"A=1"}},
		{name: "windows line endings", body: "A=1\r\nB=2\r\n", want: []string{"A=1", "B=2"}},
		{name: "space before =", body: "NAME=Ada\nPORT = 9090\n", wantErr: `app.env:2: "PORT " has a space before the =`},
		{name: "tab before =", body: "PORT\t=9090\n", wantErr: "app.env:1:"},
		{name: "bare name with a trailing space", body: "FROM_ENV \n", wantErr: "app.env:1:"},
		{name: "export", body: "export A=1\n", wantErr: `app.env:1: remove "export"`},
		{name: "space inside the name", body: "OK=1\nbad name=2\n", wantErr: `app.env:2: "bad name" is not a valid variable name`},
		{name: "no name", body: "=1\n", wantErr: "app.env:1: the line has no variable name"},
		{name: "not utf-8", body: "A=1\nB=\xff\n", wantErr: "app.env:2: the line is not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "app.env")
			if err := os.WriteFile(p, []byte(tt.body), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadEnvFile(p, "app.env", lookup)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
