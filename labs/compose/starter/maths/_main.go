// Maths does arithmetic for the calculator and counts what it is asked.
//
//	GET /add?x=1&y=2        3   (also /subtract, /multiply, /divide)
//	GET /metrics            the counters, in Prometheus' text format
//	GET /healthz            200 while it serves
//
// A missing or non-numeric x or y, or a division by zero, is a 400 with a
// message saying which. Settings: PORT (default 5001).
package main

import (
	"fmt"
	"log"
	"math"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"
)

var ops = map[string]func(x, y float64) (float64, error){
	"add":      func(x, y float64) (float64, error) { return x + y, nil },
	"subtract": func(x, y float64) (float64, error) { return x - y, nil },
	"multiply": func(x, y float64) (float64, error) { return x * y, nil },
	"divide": func(x, y float64) (float64, error) {
		if y == 0 {
			return 0, fmt.Errorf("cannot divide by zero")
		}
		return x / y, nil
	},
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "5001"
	}
	m := &metrics{count: map[string]int64{}, seconds: map[string]float64{}}
	mux := http.NewServeMux()
	for name, op := range ops {
		mux.HandleFunc("GET /"+name, m.handle(name, op))
	}
	mux.HandleFunc("GET /metrics", m.serve)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	log.Printf("maths: listening on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, mux))
}

func number(r *http.Request, name string) (float64, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return 0, fmt.Errorf("%s is missing: add ?%s=<number> to the address", name, name)
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s=%q is not a number", name, raw)
	}
	return v, nil
}

// metrics counts each operation and the time it took. The counters are
// written in Prometheus' text exposition format by hand, to keep this
// service free of dependencies.
type metrics struct {
	mu      sync.Mutex
	count   map[string]int64
	seconds map[string]float64
}

func (m *metrics) handle(name string, op func(x, y float64) (float64, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		status := "ok"
		defer func() {
			m.mu.Lock()
			m.count[name+`",status="`+status]++
			m.seconds[name] += time.Since(start).Seconds()
			m.mu.Unlock()
		}()
		x, err := number(r, "x")
		var y float64
		if err == nil {
			y, err = number(r, "y")
		}
		var z float64
		if err == nil {
			z, err = op(x, y)
		}
		if err != nil {
			status = "error"
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, strconv.FormatFloat(z, 'f', -1, 64))
	}
}

func (m *metrics) serve(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	fmt.Fprintln(w, "# HELP maths_operations_total Operations asked for, by operation and outcome.")
	fmt.Fprintln(w, "# TYPE maths_operations_total counter")
	for _, k := range sorted(m.count) {
		fmt.Fprintf(w, "maths_operations_total{operation=\"%s\"} %d\n", k, m.count[k])
	}
	fmt.Fprintln(w, "# HELP maths_operation_seconds_total Time spent on each operation.")
	fmt.Fprintln(w, "# TYPE maths_operation_seconds_total counter")
	for _, k := range sorted(m.seconds) {
		fmt.Fprintf(w, "maths_operation_seconds_total{operation=\"%s\"} %g\n", k, m.seconds[k])
	}
}

func sorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
