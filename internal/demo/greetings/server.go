package greetings

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Server is the greetings HTTP service.
type Server struct {
	chooser *Chooser
	store   *Store
	log     *slog.Logger
	// OnChoice, when set, sees every choice made (the ab_test check counts
	// them); it runs before the response is written.
	OnChoice func(Choice, Likes)
}

// NewServer serves greetings chosen by c, with likes kept in s, logging a line
// per request to log.
func NewServer(c *Chooser, s *Store, log *slog.Logger) *Server {
	return &Server{chooser: c, store: s, log: log}
}

// GreetingResponse is the body of GET /greeting/{name}.
type GreetingResponse struct {
	Greeting string   `json:"greeting"`
	Text     string   `json:"text"`
	Strategy Strategy `json:"strategy"`
	Tied     bool     `json:"tied"`
	Likes    Likes    `json:"likes"`
}

// LikeResponse is the body of POST /like_greeting and GET /likes.
type LikeResponse struct {
	Greeting string `json:"greeting,omitempty"`
	Likes    Likes  `json:"likes"`
}

// maxName bounds a name: a greeting for a whole book helps nobody.
const maxName = 100

// requestTimeout bounds the Redis work of one request, retries included.
const requestTimeout = 5 * time.Second

// Handler routes the service's endpoints.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /greeting/{name}", s.greet)
	mux.HandleFunc("POST /like_greeting", s.like)
	mux.HandleFunc("GET /likes", s.likes)
	mux.HandleFunc("GET /healthz", s.health)
	return mux
}

func (s *Server) greet(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PathValue("name"))
	if name == "" || len(name) > maxName {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("give a name of 1 to %d characters: /greeting/Ada", maxName))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	likes, err := s.store.Likes(ctx)
	if err != nil {
		s.log.Error("greeting", "name", name, "err", err)
		writeError(w, http.StatusServiceUnavailable, "the like counters cannot be read: "+err.Error())
		return
	}
	ch := s.chooser.Choose(likes)
	if s.OnChoice != nil {
		s.OnChoice(ch, likes)
	}
	s.log.Info("greeting", "name", name, "greeting", ch.Greeting, "strategy", ch.Strategy, "tied", ch.Tied,
		"likes_hello", likes[Hello], "likes_howdy", likes[Howdy])
	writeJSON(w, http.StatusOK, GreetingResponse{
		Greeting: ch.Greeting, Text: ch.Greeting + " " + name, Strategy: ch.Strategy, Tied: ch.Tied, Likes: likes,
	})
}

func (s *Server) like(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "send the like as a form: greeting=Hello or greeting=Howdy")
		return
	}
	raw, given := r.Form["greeting"]
	if !given || len(raw) != 1 {
		writeError(w, http.StatusBadRequest, "name the greeting you like in the form field greeting: Hello or Howdy")
		return
	}
	g, ok := Canonical(raw[0])
	if !ok {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("unknown greeting %q: like one of %s", raw[0], strings.Join(Names, ", ")))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	likes, err := s.store.Like(ctx, g)
	if err != nil {
		s.log.Error("like", "greeting", g, "err", err)
		writeError(w, http.StatusServiceUnavailable, "the like was not counted: "+err.Error())
		return
	}
	s.log.Info("like", "greeting", g, "likes_hello", likes[Hello], "likes_howdy", likes[Howdy])
	writeJSON(w, http.StatusOK, LikeResponse{Greeting: g, Likes: likes})
}

func (s *Server) likes(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	likes, err := s.store.Likes(ctx)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "the like counters cannot be read: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, LikeResponse{Likes: likes})
}

// health is ready only when Redis answers, so an orchestrator waits for it
// instead of sending likes that would be lost.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		writeError(w, http.StatusServiceUnavailable, "redis is not reachable: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// ErrorResponse is the body of every error answer of the demo services.
type ErrorResponse struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, ErrorResponse{Error: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
