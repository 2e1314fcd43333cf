// Command greeter serves a small web page that greets whoever the NAME
// environment variable names. It is the app the container labs package.
package main

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Greeter</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f3f5fa; color: #1f2937;
         display: grid; place-items: center; min-height: 100vh; margin: 0; }
  main { background: #fff; padding: 2rem 3rem; border-radius: 12px; max-width: 34rem;
         box-shadow: 0 6px 20px rgba(0, 0, 0, .08); border-top: 6px solid #16a34a; }
  main.warn { border-top-color: #d97706; }
  code { background: #eef2ff; padding: 0 .3em; border-radius: 4px; }
  small { color: #6b7280; }
</style>
</head>
<body>
{{if .Name}}<main>
  <h1>Hello, {{.Name}}! 👋</h1>
  <p>This page was served from inside a container, and it knew your name
  because the <code>NAME</code> environment variable told it.</p>
{{else}}<main class="warn">
  <h1>Hello, stranger!</h1>
  <p>I couldn't find your name — did you set the <code>NAME</code> environment variable?</p>
{{end}}  <p><small>Served by host {{.Host}}</small></p>
</main>
</body>
</html>
`))

func main() {
	log.SetOutput(os.Stdout)
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	// Read once: a container's environment is fixed when it starts.
	name := strings.TrimSpace(os.Getenv("NAME"))
	host, _ := os.Hostname()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.Execute(w, struct{ Name, Host string }{name, host}); err != nil {
			log.Printf("rendering the page: %v", err)
		}
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})

	srv := &http.Server{Addr: ":" + port, Handler: logRequests(mux), ReadHeaderTimeout: 5 * time.Second}
	// docker stop sends SIGTERM; answering it promptly saves a 10 s wait for SIGKILL.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	if name == "" {
		log.Printf("listening on :%s (NAME is not set, the page will say so)", port)
	} else {
		log.Printf("listening on :%s, greeting %s", port, name)
	}

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Printf("cannot serve on port %s: %v", port, err)
			os.Exit(1)
		}
	case <-ctx.Done():
		log.Print("shutting down")
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil {
			log.Printf("shutting down: %v", err)
		}
	}
}

// statusWriter remembers the status code so the request log can show it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		log.Printf("%s %s %d %s", r.Method, r.URL.Path, sw.status, time.Since(start).Round(time.Microsecond))
	})
}
