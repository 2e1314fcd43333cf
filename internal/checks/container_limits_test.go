package checks

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
)

// TestOverLimits names the limit a running container is stuck at, from what
// the engine says of its processes and its log.
func TestOverLimits(t *testing.T) {
	tests := []struct {
		name    string
		usage   docker.Usage
		reason  Reason // "" for none
		message string
	}{
		{"fork bomb at the limit", docker.Usage{Pids: 128, PidsLimit: 128}, ReasonTooManyProcesses, "a container may run at most 128"},
		{"fork bomb near the limit", docker.Usage{Pids: 120, PidsLimit: 128}, ReasonTooManyProcesses, "reached that limit"},
		{"a server with a few processes", docker.Usage{Pids: 6, PidsLimit: 128, LogBytes: 300, LogLines: 4}, "", ""},
		{"a log flood", docker.Usage{Pids: 2, PidsLimit: 128, LogBytes: 200 << 10, LogLines: 5000}, ReasonLogFlood, "wrote too much output"},
		{"a chatty start-up", docker.Usage{Pids: 2, PidsLimit: 128, LogBytes: 20 << 10, LogLines: 300}, "", ""},
		{"no process limit known", docker.Usage{Pids: 500}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := &docker.Fake{
				ContainerUsageFunc: func(context.Context, string) (docker.Usage, error) { return tt.usage, nil },
				ContainerLogsFunc:  func(context.Context, string, int) (string, error) { return "y\ny\n", nil },
			}
			r, ok := overLimits(context.Background(), &Env{Engine: eng, Progress: io.Discard, Timeout: time.Minute}, "c1")
			if tt.reason == "" {
				if ok {
					t.Fatalf("over a limit: %+v", r)
				}
				return
			}
			if !ok || r.Status != Fail || r.Reason != string(tt.reason) || !strings.Contains(r.Message, tt.message) || r.Hint == "" {
				t.Fatalf("got %+v (%v), want a fail (%s) saying %q with a hint", r, ok, tt.reason, tt.message)
			}
		})
	}
}

// TestExitedAtLimit names the limit a container stopped at, from its state
// and its last lines.
func TestExitedAtLimit(t *testing.T) {
	tests := []struct {
		name   string
		state  docker.ContainerState
		logs   string
		reason Reason
	}{
		{"killed for memory", docker.ContainerState{ExitCode: 137, OOMKilled: true}, "", ReasonOutOfMemory},
		{"volume full", docker.ContainerState{ExitCode: 1}, "dd: error writing '/data/big': No space left on device\n", ReasonVolumeFull},
		{"could not fork", docker.ContainerState{ExitCode: 2}, "sh: can't fork: Resource temporarily unavailable\n", ReasonTooManyProcesses},
		{"a plain crash", docker.ContainerState{ExitCode: 1}, "panic: nil map\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := exitedAtLimit(tt.state, tt.logs)
			if ok != (tt.reason != "") || r.Reason != string(tt.reason) {
				t.Fatalf("got %+v (%v), want reason %q", r, ok, tt.reason)
			}
		})
	}
}

// TestBuildStepAtLimit names the limit a RUN step failed at, and an endless
// build the step it was at.
func TestBuildStepAtLimit(t *testing.T) {
	dockerfile := []byte("FROM busybox:1.36\nRUN make\nRUN sleep 3600\n")
	tests := []struct {
		name   string
		be     docker.BuildError
		reason Reason
	}{
		{"killed for memory", docker.BuildError{Step: "Step 2/3 : RUN make", Message: "returned a non-zero code: 137", OutOfMemory: true}, ReasonBuildOutOfMemory},
		{"killed at the process limit", docker.BuildError{Step: "Step 2/3 : RUN make", Message: "returned a non-zero code: 137", ProcessesKilled: true}, ReasonBuildTooManyProcesses},
		{"could not fork", docker.BuildError{Step: "Step 2/3 : RUN make", Message: "returned a non-zero code: 2", Log: "Step 2/3 : RUN make\nsh: can't fork\n"}, ReasonBuildTooManyProcesses},
		{"a plain failure", docker.BuildError{Step: "Step 2/3 : RUN make", Message: "returned a non-zero code: 2", Log: "Step 2/3 : RUN make\nmake: no rule\n"}, "run-failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := buildFailure("Dockerfile", dockerfile, &tt.be)
			if r.Status != Fail || r.Reason != string(tt.reason) || !strings.Contains(r.Message, "Dockerfile:2") {
				t.Fatalf("got %+v, want a fail (%s) at Dockerfile:2", r, tt.reason)
			}
		})
	}
	r := buildTimeout("Dockerfile", dockerfile, "Step 3/3 : RUN sleep 3600", 15*time.Second)
	if r.Reason != string(ReasonBuildTimeout) || !strings.Contains(r.Message, "within 15s, its time limit: it was still at Dockerfile:3 (RUN sleep 3600)") {
		t.Errorf("buildTimeout: %+v", r)
	}
}
