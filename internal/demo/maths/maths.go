// Package maths is the maths service of the calculator demo: the four
// arithmetic operations over HTTP, each counted and timed as Prometheus
// metrics so a team can see which operations people use.
package maths

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Operations are the routes the service answers, /<operation>?x=&y=.
var Operations = []string{"add", "subtract", "multiply", "divide"}

// Result is the body of a successful operation.
type Result struct {
	Operation string  `json:"operation"`
	X         float64 `json:"x"`
	Y         float64 `json:"y"`
	Result    float64 `json:"result"`
}

// ErrorResponse is the body of an error answer.
type ErrorResponse struct {
	Error string `json:"error"`
}

// Server is the maths service with its own metrics registry, so that two
// servers in one process (tests, `demo up`) never share counters.
type Server struct {
	reg       *prometheus.Registry
	ops       *prometheus.CounterVec
	durations *prometheus.HistogramVec
}

// NewServer returns a server whose metrics start at zero.
func NewServer() *Server {
	s := &Server{
		reg: prometheus.NewRegistry(),
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "maths_operations_total",
			Help: "Operations requested, by operation and outcome (ok or error).",
		}, []string{"operation", "outcome"}),
		durations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "maths_operation_duration_seconds",
			Help:    "Time to answer an operation, by operation.",
			Buckets: prometheus.ExponentialBuckets(0.00001, 4, 10),
		}, []string{"operation"}),
	}
	s.reg.MustRegister(s.ops, s.durations)
	// Pre-create the series so a dashboard shows every operation at zero.
	for _, op := range Operations {
		s.ops.WithLabelValues(op, "ok")
		s.ops.WithLabelValues(op, "error")
	}
	return s
}

// Handler routes the operations, /metrics and /healthz.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, op := range Operations {
		mux.Handle("GET /"+op, s.operation(op))
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	return mux
}

func (s *Server) operation(op string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		defer func() { s.durations.WithLabelValues(op).Observe(time.Since(start).Seconds()) }()
		res, err := compute(op, r.URL.Query())
		if err != nil {
			s.ops.WithLabelValues(op, "error").Inc()
			writeJSON(w, http.StatusBadRequest, ErrorResponse{Error: err.Error()})
			return
		}
		s.ops.WithLabelValues(op, "ok").Inc()
		writeJSON(w, http.StatusOK, res)
	})
}

// ErrDivisionByZero is returned for divide with y=0.
var ErrDivisionByZero = errors.New("division by zero: y must not be 0")

func compute(op string, q map[string][]string) (Result, error) {
	x, err := operand(q, "x")
	if err != nil {
		return Result{}, err
	}
	y, err := operand(q, "y")
	if err != nil {
		return Result{}, err
	}
	res := Result{Operation: op, X: x, Y: y}
	switch op {
	case "add":
		res.Result = x + y
	case "subtract":
		res.Result = x - y
	case "multiply":
		res.Result = x * y
	case "divide":
		if y == 0 {
			return Result{}, ErrDivisionByZero
		}
		res.Result = x / y
	default:
		return Result{}, fmt.Errorf("unknown operation %q", op)
	}
	if math.IsInf(res.Result, 0) {
		return Result{}, fmt.Errorf("the result of %s is too large to represent", op)
	}
	return res, nil
}

func operand(q map[string][]string, name string) (float64, error) {
	vs := q[name]
	if len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
		return 0, fmt.Errorf("%s is missing: give two numbers, e.g. ?x=2&y=3", name)
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(vs[0]), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%s=%q is not a number: give a number such as 2, -1.5 or 1e3", name, vs[0])
	}
	return v, nil
}

// Format writes a number the way the demo shows it: the shortest decimal that
// reads back as the same value, so 1+1 shows as 2 and 1/4 as 0.25.
func Format(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
