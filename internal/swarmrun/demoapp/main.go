// Command demoapp is the versioned web service that real rollouts deploy, and the
// traffic generator that watches them. It uses the standard library only, because
// swarmrun builds it from this very file in an empty module, and it runs FROM
// scratch, so it must need nothing from the filesystem.
//
//	demoapp [serve]          answer GET / with $VERSION; $BAD_MODE=errors|crash misbehaves
//	demoapp load -target URL send -rps requests a second for -duration, then report
//
// The load mode prints one JSON line per second of traffic on stdout and a final
// {"done":true} line.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// VersionHeader carries the answering version on every response.
const VersionHeader = "X-Demo-Version"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	mode := "serve"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	var err error
	switch mode {
	case "serve":
		err = serve(ctx, os.Getenv("VERSION"), os.Getenv("BAD_MODE"), envOr("PORT", "8080"))
	case "load":
		err = load(ctx, os.Args[2:], os.Stdout)
	default:
		err = fmt.Errorf("unknown mode %q: usage: demoapp [serve] | demoapp load -target URL [-rps N] [-duration D]", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demoapp:", err)
		os.Exit(1)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// serve runs until ctx ends, then drains in-flight requests: a task being replaced
// gets SIGTERM after it left the service's DNS, and a clean drain is what makes a
// rolling update lossless.
func serve(ctx context.Context, version, badMode, port string) error {
	if version == "" {
		version = "dev"
	}
	switch badMode {
	case "":
	case "crash":
		// Live long enough to be seen running, as a broken release often is.
		time.Sleep(500 * time.Millisecond)
		return fmt.Errorf("version %s crashed at start (BAD_MODE=crash)", version)
	case "errors":
	default:
		return fmt.Errorf("unknown BAD_MODE %q: want errors or crash", badMode)
	}
	srv := &http.Server{
		Addr:              ":" + port,
		Handler:           newHandler(version, badMode == "errors"),
		ReadHeaderTimeout: 5 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// newHandler answers / and /healthz. A faulty handler fails four requests in five,
// so a rollout to it shows errors without ever crashing.
func newHandler(version string, faulty bool) http.Handler {
	host, _ := os.Hostname()
	var n atomic.Uint64
	fail := func() bool { return faulty && n.Add(1)%5 != 0 }
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(VersionHeader, version)
		if faulty {
			http.Error(w, "unhealthy", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(VersionHeader, version)
		if fail() {
			http.Error(w, "version "+version+" is broken", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"version": version, "host": host})
	})
	return mux
}

// Second is the tally of the requests sent during one wall-clock second.
type Second struct {
	T    int64          `json:"t"` // unix seconds
	OK   map[string]int `json:"ok,omitempty"`
	Fail map[string]int `json:"fail,omitempty"` // by cause
}

// Done is the last line the load mode prints.
type Done struct {
	Done bool `json:"done"`
	Sent int  `json:"sent"`
}

type outcome struct {
	sec     int64
	version string // set when the request succeeded
	cause   string // set when it failed
}

func load(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	target := fs.String("target", "", "URL to send GET requests to")
	rps := fs.Int("rps", 20, "requests a second")
	duration := fs.Duration("duration", 30*time.Second, "how long to send")
	timeout := fs.Duration("timeout", time.Second, "per-request timeout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(*target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("-target %q is not an absolute URL", *target)
	}
	if *rps < 1 || *rps > 1000 {
		return fmt.Errorf("-rps %d is out of range 1..1000", *rps)
	}
	if *duration <= 0 || *duration > 30*time.Minute {
		return fmt.Errorf("-duration %s is out of range (0, 30m]", *duration)
	}
	g := newGenerator(u, *timeout)
	results := make(chan outcome, 256)
	tallied := make(chan struct{})
	go func() { defer close(tallied); tally(results, *timeout, out) }()
	sent := g.run(ctx, *rps, *duration, results)
	<-tallied
	return json.NewEncoder(out).Encode(Done{Done: true, Sent: sent})
}

type generator struct {
	target *url.URL
	client *http.Client
	lookup func(ctx context.Context, host string) ([]string, error)
}

func newGenerator(target *url.URL, timeout time.Duration) *generator {
	return &generator{
		target: target,
		// A new connection per request, and a fresh DNS answer for it, is what a
		// client balancing by DNS round robin does; keep-alive would pin it to one task.
		client: &http.Client{
			Timeout:   timeout,
			Transport: &http.Transport{DisableKeepAlives: true},
		},
		lookup: net.DefaultResolver.LookupHost,
	}
}

// run paces requests evenly and returns how many it sent; it closes results once
// every request has finished.
func (g *generator) run(ctx context.Context, rps int, duration time.Duration, results chan<- outcome) int {
	var wg sync.WaitGroup
	defer func() { wg.Wait(); close(results) }()
	// Bound the requests in flight so a hung service cannot exhaust the task's pids.
	inflight := make(chan struct{}, 32)
	tick := time.NewTicker(time.Second / time.Duration(rps))
	defer tick.Stop()
	end := time.After(duration)
	sent := 0
	for {
		select {
		case <-ctx.Done():
			return sent
		case <-end:
			return sent
		case now := <-tick.C:
			sent++
			sec := now.Unix()
			select {
			case inflight <- struct{}{}:
			default:
				results <- outcome{sec: sec, cause: "client_busy"}
				continue
			}
			wg.Add(1)
			go func() {
				defer func() { <-inflight; wg.Done() }()
				results <- g.once(ctx, sec)
			}()
		}
	}
}

func (g *generator) once(ctx context.Context, sec int64) outcome {
	host, port := g.target.Hostname(), g.target.Port()
	addrs, err := g.lookup(ctx, host)
	if err != nil || len(addrs) == 0 {
		return outcome{sec: sec, cause: "dns"}
	}
	u := *g.target
	u.Host = net.JoinHostPort(addrs[rand.IntN(len(addrs))], port)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return outcome{sec: sec, cause: "request"}
	}
	req.Host = g.target.Host
	resp, err := g.client.Do(req)
	if err != nil {
		return outcome{sec: sec, cause: classify(err)}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return outcome{sec: sec, cause: fmt.Sprintf("status_%d", resp.StatusCode)}
	}
	v := resp.Header.Get(VersionHeader)
	if v == "" {
		return outcome{sec: sec, cause: "no_version"}
	}
	return outcome{sec: sec, version: v}
}

func classify(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "reset"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "unreachable"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	default:
		return "other"
	}
}

// tally prints each second once no request sent in it can still be running, so
// that every line is final.
func tally(results <-chan outcome, timeout time.Duration, out io.Writer) {
	secs := map[int64]*Second{}
	enc := json.NewEncoder(out)
	flush := func(upTo int64) {
		keys := make([]int64, 0, len(secs))
		for k := range secs {
			if k <= upTo {
				keys = append(keys, k)
			}
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		for _, k := range keys {
			enc.Encode(secs[k])
			delete(secs, k)
		}
	}
	ticker := time.NewTicker(500 * time.Millisecond)
	defer ticker.Stop()
	settle := int64(timeout/time.Second) + 2
	for {
		select {
		case r, ok := <-results:
			if !ok {
				flush(1 << 62)
				return
			}
			s := secs[r.sec]
			if s == nil {
				s = &Second{T: r.sec}
				secs[r.sec] = s
			}
			if r.cause != "" {
				if s.Fail == nil {
					s.Fail = map[string]int{}
				}
				s.Fail[r.cause]++
			} else {
				if s.OK == nil {
					s.OK = map[string]int{}
				}
				s.OK[r.version]++
			}
		case now := <-ticker.C:
			flush(now.Unix() - settle)
		}
	}
}
