package cmdutil

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/spf13/cobra"
)

func TestStringEnumFlag(t *testing.T) {
	tests := []struct {
		args    []string
		want    string
		wantErr string
	}{
		{nil, "text", ""},
		{[]string{"-o", "json"}, "json", ""},
		{[]string{"--output", "JSON"}, "json", ""},
		{[]string{"--output", "yaml"}, "", `--output "yaml": use text or json`},
		{[]string{"--output", "jsn"}, "", `--output "jsn": did you mean json? Use text or json`},
		{[]string{"--count", "x"}, "", `--count "x": not a whole number`},
		{[]string{"--count", "99999999999999999999"}, "", `--count "99999999999999999999": too large`},
		{[]string{"--share", "lots"}, "", `--share "lots": not a number`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var got string
			cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
			StringEnumFlag(cmd, &got, "output", "o", "text", []string{"text", "json"}, "Output format")
			cmd.Flags().Int("count", 0, "")
			cmd.Flags().Float64("share", 0, "")
			cmd.SetFlagErrorFunc(FlagError)
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				var ee *ExitError
				if !errors.As(err, &ee) || ee.Code != ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want exit 2 with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("value %q, err %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestResolveLab(t *testing.T) {
	t.Setenv("DEVOPSCTL_HOME", t.TempDir())
	root := t.TempDir()
	t.Chdir(root)
	f := NewFactory("test")
	f.IOStreams, _, _, _ = iostreams.Test()
	cat, err := labs.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	lab, _ := cat.Get("env-vars")
	if _, err := labs.Scaffold(lab, filepath.Join(root, "ws"), false); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "ws", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	damaged := filepath.Join(root, "damaged", ".devopsctl")
	if err := os.MkdirAll(damaged, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(damaged, "lab.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, id, dir   string
		wantLab, wantWS string
		wantErr         string
	}{
		{"id from the workspace", "", "ws", "env-vars", "ws", ""},
		{"from a subfolder", "", "ws/sub", "env-vars", "ws", ""},
		{"id given, its workspace", "env-vars", "ws", "env-vars", "ws", ""},
		{"id of another lab", "dockerfile", "ws", "dockerfile", "", ""},
		{"id given, no workspace", "dockerfile", "", "dockerfile", "", ""},
		{"no id, no workspace", "", "", "", "", "no lab workspace here"},
		{"unknown id", "env-var", "", "", "", `unknown lab "env-var" (did you mean env-vars?)`},
		{"damaged marker", "", "damaged", "", "", "is damaged"},
		{"damaged marker, id given", "dockerfile", "damaged", "", "", "is damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab, ws, err := f.ResolveLab(tt.id, tt.dir)
			if tt.wantErr != "" {
				var ee *ExitError
				if !errors.As(err, &ee) || ee.Code != ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want exit 2 with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if lab.ID != tt.wantLab {
				t.Errorf("lab %s, want %s", lab.ID, tt.wantLab)
			}
			switch {
			case tt.wantWS == "" && ws != nil:
				t.Errorf("workspace %s, want none", ws.Dir)
			case tt.wantWS != "" && (ws == nil || ws.Dir != filepath.Join(root, tt.wantWS)):
				t.Errorf("workspace %v, want %s", ws, tt.wantWS)
			}
		})
	}
}
