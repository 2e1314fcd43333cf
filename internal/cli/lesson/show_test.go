package lesson

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/lessons"
)

func TestNewCmdShowFlags(t *testing.T) {
	tests := []struct {
		args      string
		wantTopic string
		wantErr   bool
	}{
		{"containers", "containers", false},
		{"", "", false},
		{"a b", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *ShowOptions
			cmd := NewCmdShow(&cmdutil.Factory{IOStreams: ios}, func(o *ShowOptions) error { got = o; return nil })
			cmd.SetArgs(strings.Fields(tt.args))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && got.Topic != tt.wantTopic {
				t.Errorf("Topic = %q, want %q", got.Topic, tt.wantTopic)
			}
		})
	}
}

func TestShowRun(t *testing.T) {
	tests := []struct {
		name      string
		tty       bool
		colour    bool
		wantPager bool
		wantESC   bool
	}{
		{"piped", false, false, false, false},
		{"piped with colour forced", false, true, false, true},
		{"terminal uses the pager", true, true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			ios.SetTTY(tt.tty)
			ios.SetColorEnabled(tt.colour)
			var paged *lessons.Lesson
			opts := &ShowOptions{IO: ios, Topic: "deployments", Pager: func(_ *iostreams.IOStreams, l *lessons.Lesson) error {
				paged = l
				return nil
			}}
			if err := showRun(opts); err != nil {
				t.Fatal(err)
			}
			if tt.wantPager {
				if paged == nil || paged.ID != "deployments" {
					t.Errorf("pager got %v, want deployments", paged)
				}
				if out.Len() != 0 {
					t.Errorf("printed besides the pager:\n%s", out)
				}
				return
			}
			if paged != nil {
				t.Errorf("pager used when not on a terminal")
			}
			text := out.String()
			if strings.Contains(text, "\x1b") != tt.wantESC {
				t.Errorf("escape codes present = %v, want %v", !tt.wantESC, tt.wantESC)
			}
			// Colour codes sit between words; compare the visible text.
			visible := strings.Join(strings.Fields(ansi.Strip(text)), " ")
			for _, want := range []string{"Blue/green deployment", "devopsctl lab start bluegreen-vs-rolling"} {
				if !strings.Contains(visible, want) {
					t.Errorf("lesson text lacks %q", want)
				}
			}
		})
	}
}
