package lesson

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
)

// exitCode is the code err maps to, 0 for nil and -1 for an untyped error.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return -1
}

func TestLessonShortcutShowsTopic(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	cmd := NewCmdLesson(&cmdutil.Factory{IOStreams: ios})
	cmd.SetArgs([]string{"iac"})
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("lesson iac: %v", err)
	}
	if !strings.Contains(out.String(), "Infrastructure as code") || !strings.Contains(out.String(), "Pets and cattle") {
		t.Errorf("lesson iac printed:\n%s", out.String())
	}
}

func TestLessonUnknownTopic(t *testing.T) {
	for _, args := range [][]string{{"cicd"}, {"show", "cicd"}, {"quiz", "cicd", "--answers", "a"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			cmd := NewCmdLesson(&cmdutil.Factory{IOStreams: ios})
			cmd.SetArgs(args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if exitCode(err) != cmdutil.ExitUsage {
				t.Fatalf("error = %v (exit %d), want a usage error", err, exitCode(err))
			}
			for _, want := range []string{`unknown lesson "cicd"`, "try one of: devops, ci-cd,", "see devopsctl lesson list"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestLessonSubcommands(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	cmd := NewCmdLesson(&cmdutil.Factory{IOStreams: ios})
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
	}
	if got := strings.Join(names, ","); got != "list,quiz,show" {
		t.Errorf("subcommands = %s, want list,quiz,show", got)
	}
}

func TestLessonBareShowsHelp(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	cmd := NewCmdLesson(&cmdutil.Factory{IOStreams: ios})
	help := &bytes.Buffer{}
	cmd.SetArgs([]string{})
	cmd.SetOut(help)
	cmd.SetErr(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(help.String(), "devopsctl lesson quiz containers") || out.Len() != 0 {
		t.Errorf("help = %q, lesson output = %q", help, out)
	}
}
