package checks

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"gopkg.in/yaml.v3"
)

// mustCheck builds a check of kind from a `with:` block written as YAML.
func mustCheck(t *testing.T, kind, with string) Check {
	t.Helper()
	k, ok := Lookup(kind)
	if !ok {
		t.Fatalf("kind %s not registered", kind)
	}
	c, err := k.New(nodeOf(t, with))
	if err != nil {
		t.Fatalf("new %s: %v", kind, err)
	}
	return c
}

func engineEnv(dir, lab string, eng docker.Engine) *Env {
	return &Env{Dir: dir, LabID: lab, Engine: eng, Progress: io.Discard, Timeout: 2 * time.Minute}
}

func run(t *testing.T, c Check, env *Env) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	return c.Run(ctx, env)
}

func wantStatus[R ~string](t *testing.T, r Result, status Status, reason R) {
	t.Helper()
	if r.Status != status || r.Reason != string(reason) {
		t.Fatalf("got %s/%q, want %s/%q\nmessage: %s\nevidence: %v", r.Status, r.Reason, status, reason, r.Message, r.Evidence)
	}
	if r.Message == "" {
		t.Errorf("result has no message")
	}
}

// nodeOf parses a `with:` block; "" is no block at all.
func nodeOf(t *testing.T, with string) *yaml.Node {
	t.Helper()
	if with == "" {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(with), &doc); err != nil {
		t.Fatalf("test params: %v", err)
	}
	return doc.Content[0]
}
