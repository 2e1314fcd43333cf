package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandler(t *testing.T) {
	tests := []struct {
		name     string
		faulty   bool
		path     string
		requests int
		want200  int
	}{
		{"healthy root", false, "/", 10, 10},
		{"healthy healthz", false, "/healthz", 3, 3},
		{"faulty root fails four in five", true, "/", 10, 2},
		{"faulty healthz", true, "/healthz", 3, 0},
		{"unknown path", false, "/nope", 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHandler("v7", tt.faulty)
			ok := 0
			for range tt.requests {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
				if rec.Code == http.StatusOK {
					ok++
					if got := rec.Header().Get(VersionHeader); got != "v7" {
						t.Errorf("version header %q, want v7", got)
					}
				}
			}
			if ok != tt.want200 {
				t.Errorf("%d of %d answered 200, want %d", ok, tt.requests, tt.want200)
			}
		})
	}
}

func TestServeCrashMode(t *testing.T) {
	err := serve(context.Background(), "v3", "crash", "0")
	if err == nil || !strings.Contains(err.Error(), "crashed") {
		t.Fatalf("err = %v, want a crash", err)
	}
	if err := serve(context.Background(), "v3", "sideways", "0"); err == nil {
		t.Fatal("an unknown BAD_MODE was accepted")
	}
}

// readReport parses the load mode's output.
func readReport(t *testing.T, out string) (seconds []Second, done Done) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Bytes()
		if bytes.Contains(line, []byte(`"done"`)) {
			if err := json.Unmarshal(line, &done); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var s Second
		if err := json.Unmarshal(line, &s); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		seconds = append(seconds, s)
	}
	return seconds, done
}

func TestLoadTalliesVersionsAndFailures(t *testing.T) {
	good := httptest.NewServer(newHandler("v1", false))
	defer good.Close()
	bad := httptest.NewServer(newHandler("v3", true))
	defer bad.Close()
	// A port nothing listens on: bind one, then free it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()

	tests := []struct {
		name      string
		target    string
		wantOK    string // version expected among successes
		wantCause string // cause expected among failures
	}{
		{"healthy", good.URL + "/", "v1", ""},
		{"errors", bad.URL + "/", "v3", "status_500"},
		{"nothing listening", "http://" + closed + "/", "", "refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			args := []string{"-target", tt.target, "-rps", "50", "-duration", "600ms", "-timeout", "500ms"}
			if err := load(context.Background(), args, &out); err != nil {
				t.Fatal(err)
			}
			seconds, done := readReport(t, out.String())
			if !done.Done || done.Sent < 20 {
				t.Fatalf("final line %+v, want done after about 30 requests", done)
			}
			ok, fail, counted := map[string]int{}, map[string]int{}, 0
			for _, s := range seconds {
				for k, v := range s.OK {
					ok[k] += v
					counted += v
				}
				for k, v := range s.Fail {
					fail[k] += v
					counted += v
				}
			}
			if counted != done.Sent {
				t.Errorf("tallied %d requests, sent %d", counted, done.Sent)
			}
			if tt.wantOK != "" && ok[tt.wantOK] == 0 {
				t.Errorf("no answers from %s: ok %v fail %v", tt.wantOK, ok, fail)
			}
			if tt.wantCause == "" && len(fail) > 0 {
				t.Errorf("failures against a healthy server: %v", fail)
			}
			if tt.wantCause != "" && fail[tt.wantCause] == 0 {
				t.Errorf("no %s failures: ok %v fail %v", tt.wantCause, ok, fail)
			}
		})
	}
}

func TestLoadRejectsBadFlags(t *testing.T) {
	tests := [][]string{
		{"-target", "not a url"},
		{"-target", "http://x/", "-rps", "0"},
		{"-target", "http://x/", "-duration", "2h"},
		{"-bogus"},
	}
	for _, args := range tests {
		if err := load(context.Background(), args, &bytes.Buffer{}); err == nil {
			t.Errorf("load %q was accepted", args)
		}
	}
}

func TestLoadStopsOnCancel(t *testing.T) {
	srv := httptest.NewServer(newHandler("v1", false))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var out bytes.Buffer
	start := time.Now()
	if err := load(ctx, []string{"-target", srv.URL + "/", "-rps", "20", "-duration", "1m"}, &out); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("load ran %s after its context ended", took)
	}
	if _, done := readReport(t, out.String()); !done.Done {
		t.Error("a cancelled load must still print its final line")
	}
}
