// Greetings greets a person by name and learns which greeting people like.
//
// It runs an online A/B test between two greetings. Most of the time it
// exploits (serves the greeting with more likes); with probability EPSILON, or
// while the counts are tied, it explores (picks one at random). Likes are
// counted in Redis, so they outlive this process.
//
//	GET  /greeting/<name>   the greeting, as text ("Hello Ada")
//	POST /like_greeting     form field greeting=hello|howdy; answers the new count
//	GET  /likes             the counts, as JSON
//	GET  /healthz           200 once Redis answers, 503 before
//
// Settings: PORT (default 5002), REDIS_URL (redis://host:port, required),
// EPSILON (default 0.1).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// greetings are the two variants under test, by the key their likes are counted under.
var greetings = map[string]string{"hello": "Hello", "howdy": "Howdy"}

func main() {
	port := env("PORT", "5002")
	raw := os.Getenv("REDIS_URL")
	if raw == "" {
		log.Fatal("greetings: REDIS_URL is not set; give it the address of Redis, e.g. redis://redis:6379")
	}
	addr, err := redisAddr(raw)
	if err != nil {
		log.Fatalf("greetings: REDIS_URL=%q: %v", raw, err)
	}
	eps, err := strconv.ParseFloat(env("EPSILON", "0.1"), 64)
	if err != nil || eps < 0 || eps > 1 {
		log.Fatalf("greetings: EPSILON must be a number from 0 to 1, got %q", os.Getenv("EPSILON"))
	}
	s := &server{db: &redis{addr: addr}, epsilon: eps}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /greeting/{name}", s.greet)
	mux.HandleFunc("POST /like_greeting", s.like)
	mux.HandleFunc("GET /likes", s.likes)
	mux.HandleFunc("GET /healthz", s.health)
	log.Printf("greetings: listening on :%s, Redis at %s, epsilon %.2f", port, addr, eps)
	log.Fatal(http.ListenAndServe(":"+port, mux))
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// redisAddr reads host:port from redis://host:port[/db].
func redisAddr(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if u.Scheme != "redis" || u.Hostname() == "" {
		return "", errors.New("want redis://host:port")
	}
	port := u.Port()
	if port == "" {
		port = "6379"
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}

type server struct {
	db      *redis
	epsilon float64
}

func (s *server) counts() (map[string]int64, error) {
	out := map[string]int64{}
	for key := range greetings {
		n, err := s.db.get("likes:" + key)
		if err != nil {
			return nil, err
		}
		out[key] = n
	}
	return out, nil
}

func (s *server) greet(w http.ResponseWriter, r *http.Request) {
	counts, err := s.counts()
	if err != nil {
		http.Error(w, "greetings cannot reach Redis: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	key, strategy := "hello", "exploit"
	if counts["howdy"] > counts["hello"] {
		key = "howdy"
	}
	if counts["hello"] == counts["howdy"] || rand.Float64() <= s.epsilon {
		strategy = "explore"
		key = []string{"hello", "howdy"}[rand.IntN(2)]
	}
	log.Printf("greetings: %s -> %s (likes: hello=%d howdy=%d)", strategy, key, counts["hello"], counts["howdy"])
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Greeting", key)
	fmt.Fprintf(w, "%s %s", greetings[key], r.PathValue("name"))
}

func (s *server) like(w http.ResponseWriter, r *http.Request) {
	key := strings.ToLower(r.FormValue("greeting"))
	if _, ok := greetings[key]; !ok {
		http.Error(w, `the form field "greeting" must be "hello" or "howdy"`, http.StatusBadRequest)
		return
	}
	n, err := s.db.incr("likes:" + key)
	if err != nil {
		http.Error(w, "greetings cannot reach Redis: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	log.Printf("greetings: a like for %s, now %d", key, n)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"greeting": key, "likes": n})
}

func (s *server) likes(w http.ResponseWriter, r *http.Request) {
	counts, err := s.counts()
	if err != nil {
		http.Error(w, "greetings cannot reach Redis: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(counts)
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.db.ping(); err != nil {
		http.Error(w, "waiting for Redis: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}

// redis speaks just enough of the Redis protocol (RESP) for PING, GET and
// INCR. Each command dials afresh, so a Redis that starts late or restarts is
// simply found on the next request.
type redis struct {
	addr string
	mu   sync.Mutex
}

func (c *redis) do(args ...string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	conn, err := net.DialTimeout("tcp", c.addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(3 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	rd := bufio.NewReader(conn)
	line, err := rd.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("empty reply")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", errors.New(line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil {
			return "", fmt.Errorf("bad reply %q", line)
		}
		if n < 0 {
			return "", nil // no such key
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
	return "", fmt.Errorf("unexpected reply %q", line)
}

func (c *redis) ping() error {
	_, err := c.do("PING")
	return err
}

func (c *redis) get(key string) (int64, error) {
	v, err := c.do("GET", key)
	if err != nil || v == "" {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

func (c *redis) incr(key string) (int64, error) {
	v, err := c.do("INCR", key)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}
