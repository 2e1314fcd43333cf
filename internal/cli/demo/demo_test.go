package demo

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/iostreams"
)

func exitCode(err error) int {
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestUpFlags(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	t.Setenv("EPSILON", "")
	tests := []struct {
		args     []string
		wantCode int
		check    func(*testing.T, *UpOptions)
	}{
		{args: nil, check: func(t *testing.T, o *UpOptions) {
			if o.Ports["app"] != 5000 || o.Ports["maths"] != 5001 || o.Ports["greetings"] != 5002 || o.Host != "127.0.0.1" {
				t.Errorf("defaults: %+v", o)
			}
		}},
		{args: []string{"--app-port", "8000", "--redis", "redis://r:6379", "--epsilon", "0.3"}, check: func(t *testing.T, o *UpOptions) {
			if o.Ports["app"] != 8000 || o.RedisURL != "redis://r:6379" || o.Epsilon != "0.3" {
				t.Errorf("flags: %+v", o)
			}
		}},
		{args: []string{"--maths-port", "70000"}, wantCode: cmdutil.ExitUsage},
		{args: []string{"extra"}, wantCode: -1},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *UpOptions
			cmd := NewCmdUp(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *UpOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if c := exitCode(err); c != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", c, err, tt.wantCode)
			}
			if tt.check != nil {
				tt.check(t, got)
			}
		})
	}
}

func TestServeFlags(t *testing.T) {
	tests := []struct {
		args     []string
		env      map[string]string
		wantCode int
		service  string
		port     int
	}{
		{args: []string{"greetings"}, service: "greetings", port: 5002},
		{args: []string{"awesome-app"}, service: "app", port: 5000},
		{args: []string{"maths"}, env: map[string]string{"PORT": "8080"}, service: "maths", port: 8080},
		{args: []string{"maths", "--port", "9000"}, env: map[string]string{"PORT": "8080"}, service: "maths", port: 9000},
		{args: []string{"maths"}, env: map[string]string{"PORT": "http"}, wantCode: cmdutil.ExitUsage},
		{args: []string{"redis"}, wantCode: cmdutil.ExitUsage},
		{args: []string{}, wantCode: -1},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Setenv("PORT", "") // restored after the test
			os.Unsetenv("PORT")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			ios, _, _, _ := iostreams.Test()
			var got *ServeOptions
			cmd := NewCmdServe(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *ServeOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if c := exitCode(err); c != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", c, err, tt.wantCode)
			}
			if tt.wantCode == 0 && (got.Service != tt.service || got.Port != tt.port) {
				t.Fatalf("got %s on %d, want %s on %d", got.Service, got.Port, tt.service, tt.port)
			}
		})
	}
}

// TestUpServesUntilCancelled runs the real command: it prints the URLs, the
// page answers, and cancelling (Ctrl-C) ends it cleanly.
func TestUpServesUntilCancelled(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	opts := &UpOptions{common: common{IO: ios, Host: "127.0.0.1", Epsilon: "0.1"}, Ports: map[string]int{"app": freePort(t), "maths": freePort(t), "greetings": freePort(t)}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- upRun(ctx, opts) }()
	url := "http://" + net.JoinHostPort("127.0.0.1", itoa(opts.Ports["app"])) + "/Ada/2/3"
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("page: %s", resp.Status)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page did not answer within 10s: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo up ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("demo up did not stop within 10s of Ctrl-C")
	}
	if !strings.Contains(out.String(), url) || !strings.Contains(out.String(), "Stopped.") {
		t.Fatalf("output:\n%s", out)
	}

	// The same ports again while a listener holds one: exit 2, naming the flag.
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", itoa(opts.Ports["maths"])))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	err = upRun(context.Background(), opts)
	if exitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "--maths-port") {
		t.Fatalf("port in use: %v", err)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestRedactedHidesThePassword(t *testing.T) {
	for in, want := range map[string]string{
		"redis://:s3cret@redis:6379/0": "redis://:xxxxx@redis:6379/0",
		"redis://localhost:6379":       "redis://localhost:6379",
	} {
		if got := redacted(in); got != want {
			t.Errorf("redacted(%q) = %q, want %q", in, got, want)
		}
	}
}
