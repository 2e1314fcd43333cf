// Package demo runs the calculator demo: the awesome app, greetings and maths
// services, together in one process (`demo up`) or one alone (`demo serve`),
// with Redis embedded (miniredis) unless a real server is named.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/devopsctl/devopsctl/internal/demo/awesomeapp"
	"github.com/devopsctl/devopsctl/internal/demo/greetings"
	"github.com/devopsctl/devopsctl/internal/demo/maths"
	"github.com/redis/go-redis/v9"
)

// Service names, as `demo serve` takes them.
const (
	App       = "app"
	Greetings = "greetings"
	Maths     = "maths"
)

// Services lists the service names in the order they start.
var Services = []string{Maths, Greetings, App}

// DefaultPorts are the ports of the original demo.
var DefaultPorts = map[string]int{App: 5000, Maths: 5001, Greetings: 5002}

// Options configure a run of the demo.
type Options struct {
	// Host is the address to listen on (127.0.0.1 keeps the demo on this machine).
	Host string
	// Ports of each service; 0 picks a free port (tests).
	Ports map[string]int
	// RedisURL names a real Redis (redis://host:port/db); empty embeds miniredis.
	RedisURL string
	// Epsilon is the exploration share of the greetings A/B test.
	Epsilon float64
	// Seed makes the A/B choices reproducible; 0 seeds from the clock.
	Seed uint64
	// GreetingsURL and MathsURL are where the app finds the services when it
	// runs alone; `Up` wires them itself.
	GreetingsURL, MathsURL string
	// Log receives the services' request logs.
	Log io.Writer
}

// PortInUseError says which service's port is taken.
type PortInUseError struct {
	Service string
	Addr    string
	Err     error
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("%s cannot listen on %s: the port is already in use; stop what is using it (another `devopsctl demo up`?) or pick another port", e.Service, e.Addr)
}

func (e *PortInUseError) Unwrap() error { return e.Err }

// Running is a started demo: where each service listens, and how to stop it.
type Running struct {
	URLs     map[string]string
	RedisURL string
	// Embedded is the miniredis server when no Redis was named.
	Embedded *miniredis.Miniredis

	servers []*http.Server
	rdb     *redis.Client
	errs    chan error
}

// Start listens on every port first, so a port in use stops the demo before
// anything serves, then serves the named services in the background.
func Start(opts Options, services ...string) (*Running, error) {
	if len(services) == 0 {
		services = Services
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	run := &Running{URLs: map[string]string{}, errs: make(chan error, len(services))}
	listeners := map[string]net.Listener{}
	closeAll := func() {
		for _, l := range listeners {
			_ = l.Close()
		}
		run.closeRedis()
	}
	for _, svc := range services {
		if _, ok := DefaultPorts[svc]; !ok {
			closeAll()
			return nil, fmt.Errorf("unknown service %q: pick %s, %s or %s", svc, App, Greetings, Maths)
		}
		addr := net.JoinHostPort(opts.Host, strconv.Itoa(opts.Ports[svc]))
		l, err := net.Listen("tcp", addr)
		if err != nil {
			closeAll()
			if errors.Is(err, syscall.EADDRINUSE) {
				return nil, &PortInUseError{Service: svc, Addr: addr, Err: err}
			}
			return nil, fmt.Errorf("%s cannot listen on %s: %w", svc, addr, err)
		}
		listeners[svc] = l
		run.URLs[svc] = "http://" + hostForURL(l.Addr(), opts.Host)
	}
	handlers := map[string]http.Handler{}
	for _, svc := range services {
		switch svc {
		case Maths:
			handlers[svc] = maths.NewServer().Handler()
		case Greetings:
			h, err := run.greetings(opts)
			if err != nil {
				closeAll()
				return nil, err
			}
			handlers[svc] = h
		case App:
			gURL, mURL := opts.GreetingsURL, opts.MathsURL
			if u, ok := run.URLs[Greetings]; ok {
				gURL = u
			}
			if u, ok := run.URLs[Maths]; ok {
				mURL = u
			}
			if gURL == "" || mURL == "" {
				closeAll()
				return nil, errors.New("the app needs the URLs of greetings and maths: set --greetings-url and --maths-url (or GREETINGS_URL and MATHS_URL)")
			}
			handlers[svc] = awesomeapp.NewServer(gURL, mURL).Handler()
		}
	}
	for _, svc := range services {
		srv := &http.Server{Handler: handlers[svc], ReadHeaderTimeout: 10 * time.Second}
		run.servers = append(run.servers, srv)
		go func(l net.Listener) {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				run.errs <- fmt.Errorf("%s: %w", svc, err)
			}
		}(listeners[svc])
	}
	return run, nil
}

// greetings builds the greetings handler over the named Redis or an embedded one.
func (run *Running) greetings(opts Options) (http.Handler, error) {
	url := opts.RedisURL
	if url == "" {
		mr, err := miniredis.Run()
		if err != nil {
			return nil, fmt.Errorf("start the embedded redis: %w", err)
		}
		run.Embedded = mr
		url = "redis://" + mr.Addr()
	}
	ro, err := redis.ParseURL(url)
	if err != nil {
		return nil, &RedisURLError{URL: url, Err: err}
	}
	run.RedisURL = url
	run.rdb = redis.NewClient(ro)
	seed := opts.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	log := slog.New(slog.NewTextHandler(opts.Log, nil)).With("service", Greetings)
	srv := greetings.NewServer(greetings.NewChooser(opts.Epsilon, rng), greetings.NewStore(run.rdb), log)
	return srv.Handler(), nil
}

// RedisURLError is a Redis URL that cannot be used.
type RedisURLError struct {
	URL string
	Err error
}

func (e *RedisURLError) Error() string {
	shown := e.URL
	if u, err := url.Parse(e.URL); err == nil {
		shown = u.Redacted()
	}
	return fmt.Sprintf("redis URL %q: %v; write it as redis://host:port (optionally /db)", shown, e.Err)
}

func (e *RedisURLError) Unwrap() error { return e.Err }

// PingRedis reports whether the Redis of greetings answers now; nil when
// greetings is not part of the run.
func (run *Running) PingRedis(ctx context.Context) error {
	if run.rdb == nil {
		return nil
	}
	return run.rdb.Ping(ctx).Err()
}

// Wait serves until ctx ends or a server fails, then shuts down.
func (run *Running) Wait(ctx context.Context) error {
	var err error
	select {
	case <-ctx.Done():
	case err = <-run.errs:
	}
	return errors.Join(err, run.Close())
}

// Close stops the servers, letting requests in flight finish for a few seconds,
// and stops the embedded Redis.
func (run *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, s := range run.servers {
		if err := s.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	run.closeRedis()
	return errors.Join(errs...)
}

func (run *Running) closeRedis() {
	if run.rdb != nil {
		_ = run.rdb.Close()
	}
	if run.Embedded != nil {
		run.Embedded.Close()
	}
}

// hostForURL names the listener in a URL a person can open: a wildcard address
// becomes localhost.
func hostForURL(a net.Addr, host string) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	h := host
	if h == "" || h == "0.0.0.0" || h == "::" {
		h = "localhost"
	}
	return net.JoinHostPort(h, strconv.Itoa(tcp.Port))
}
