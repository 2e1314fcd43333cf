// Package awesomeapp is the page of the calculator demo: /<name>/<x>/<y> asks
// the greetings service for a greeting and the maths service for x+y, and shows
// both with a Like button that works with and without JavaScript.
package awesomeapp

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/demo/maths"
)

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("page").Parse(pageHTML))

// Server is the awesome app. It holds the base URLs of the services it calls.
type Server struct {
	greetingsURL string
	mathsURL     string
	client       *http.Client
}

// NewServer calls greetings and maths at the given base URLs
// (http://host:port, no trailing path).
func NewServer(greetingsURL, mathsURL string) *Server {
	return &Server{
		greetingsURL: strings.TrimRight(greetingsURL, "/"),
		mathsURL:     strings.TrimRight(mathsURL, "/"),
		client:       &http.Client{Timeout: 10 * time.Second},
	}
}

// Handler routes the page, the like and /healthz.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{name}/{x}/{y}", s.page)
	mux.HandleFunc("POST /like", s.like)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/Ada/1/1", http.StatusFound)
	})
	return mux
}

type pageData struct {
	Path         string
	Greeting     string
	GreetingText string
	Likes        int64
	X, Y, Sum    string
	Error        string
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	name, x, y := r.PathValue("name"), r.PathValue("x"), r.PathValue("y")
	d := pageData{Path: r.URL.EscapedPath()}
	var g struct {
		Greeting string           `json:"greeting"`
		Text     string           `json:"text"`
		Likes    map[string]int64 `json:"likes"`
	}
	var problems []string
	code := http.StatusOK
	if c, err := s.get(r.Context(), s.greetingsURL+"/greeting/"+url.PathEscape(name), &g); err != nil {
		problems = append(problems, "greetings: "+err.Error())
		code = max(code, c)
	} else {
		d.Greeting, d.GreetingText, d.Likes = g.Greeting, g.Text, g.Likes[g.Greeting]
	}
	var m maths.Result
	q := url.Values{"x": {x}, "y": {y}}
	if c, err := s.get(r.Context(), s.mathsURL+"/add?"+q.Encode(), &m); err != nil {
		problems = append(problems, "maths: "+err.Error())
		code = max(code, c)
	} else {
		d.X, d.Y, d.Sum = maths.Format(m.X), maths.Format(m.Y), maths.Format(m.Result)
	}
	d.Error = strings.Join(problems, "; ")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_ = page.Execute(w, d)
}

// like passes a like on to greetings. A browser without JavaScript posts the
// form and is sent back to the page it came from (the form says which, so no
// Referer is needed); a script asks for JSON and gets the new count.
func (s *Server) like(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "send the like as a form with the field greeting", http.StatusBadRequest)
		return
	}
	form := url.Values{"greeting": {r.PostForm.Get("greeting")}}
	var res struct {
		Greeting string           `json:"greeting"`
		Likes    map[string]int64 `json:"likes"`
	}
	code, err := s.post(r.Context(), s.greetingsURL+"/like_greeting", form, &res)
	wantsJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	if err != nil {
		if wantsJSON {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
			return
		}
		http.Error(w, "the like was not counted: "+err.Error(), code)
		return
	}
	if wantsJSON {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"greeting": res.Greeting, "likes": res.Likes[res.Greeting]})
		return
	}
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
}

// localPath keeps a redirect on this site: a path of its own, never another
// host (//evil.example or a full URL), which would make the form an open
// redirect.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') {
		return "/"
	}
	return p
}

// errorBody is what the demo services answer on failure.
type errorBody struct {
	Error string `json:"error"`
}

func (s *Server) get(ctx context.Context, u string, v any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return http.StatusInternalServerError, err
	}
	return s.do(req, v)
}

func (s *Server) post(ctx context.Context, u string, form url.Values, v any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return http.StatusInternalServerError, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req, v)
}

// do sends req and decodes a JSON answer into v. A 4xx from a service is the
// visitor's mistake and is passed on with the service's message; anything else
// going wrong is a bad gateway.
func (s *Server) do(req *http.Request, v any) (int, error) {
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return http.StatusBadGateway, fmt.Errorf("not reachable at %s: %v", req.URL.Host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return http.StatusBadGateway, fmt.Errorf("read the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e errorBody
		msg := strings.TrimSpace(string(body))
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			msg = e.Error
		}
		code := http.StatusBadGateway
		if resp.StatusCode >= 400 && resp.StatusCode < 500 {
			code = resp.StatusCode
		}
		return code, fmt.Errorf("%s (%s)", msg, resp.Status)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return http.StatusBadGateway, fmt.Errorf("answered something that is not JSON: %w", err)
	}
	return http.StatusOK, nil
}
