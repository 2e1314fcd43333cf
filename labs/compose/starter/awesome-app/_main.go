// Awesome app is the calculator's page. It asks the greetings service for a
// greeting and the maths service for a sum, and shows both with a Like button.
//
//	GET  /<name>/<x>/<y>   the page
//	POST /like             form fields greeting and back; passes the like on
//	                       to greetings, then returns to the page
//	GET  /healthz          200 while it serves
//
// Settings: PORT (default 5000), GREETINGS_URL (default http://greetings:5002),
// MATHS_URL (default http://maths:5001).
package main

import (
	"fmt"
	"html/template"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A really friendly calculator</title></head>
<body>
<h1 id="greeting">{{.Greeting}}</h1>
<p id="sum">{{.X}} + {{.Y}} = {{.Sum}}</p>
<form method="post" action="/like">
<input type="hidden" name="greeting" value="{{.Key}}">
<input type="hidden" name="back" value="{{.Back}}">
<button type="submit" id="like">Like</button>
</form>
</body>
</html>
`))

var client = &http.Client{Timeout: 5 * time.Second}

func main() {
	port := env("PORT", "5000")
	greetings := strings.TrimRight(env("GREETINGS_URL", "http://greetings:5002"), "/")
	maths := strings.TrimRight(env("MATHS_URL", "http://maths:5001"), "/")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{name}/{x}/{y}", func(w http.ResponseWriter, r *http.Request) {
		name, x, y := r.PathValue("name"), r.PathValue("x"), r.PathValue("y")
		greeting, hdr, err := call(http.MethodGet, greetings+"/greeting/"+url.PathEscape(name), nil)
		if err != nil {
			http.Error(w, "the greetings service did not answer: "+err.Error(), http.StatusBadGateway)
			return
		}
		sum, _, err := call(http.MethodGet, maths+"/add?"+url.Values{"x": {x}, "y": {y}}.Encode(), nil)
		if err != nil {
			http.Error(w, "the maths service did not answer: "+err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page.Execute(w, map[string]string{
			"Greeting": greeting, "Key": hdr.Get("X-Greeting"), "X": x, "Y": y, "Sum": sum,
			"Back": r.URL.Path,
		})
	})
	mux.HandleFunc("POST /like", func(w http.ResponseWriter, r *http.Request) {
		form := url.Values{"greeting": {r.FormValue("greeting")}}
		if _, _, err := call(http.MethodPost, greetings+"/like_greeting", form); err != nil {
			http.Error(w, "the like did not reach the greetings service: "+err.Error(), http.StatusBadGateway)
			return
		}
		back := r.FormValue("back")
		if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") {
			back = "/"
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	log.Printf("awesome-app: listening on :%s, greetings at %s, maths at %s", port, greetings, maths)
	log.Fatal(http.ListenAndServe(":"+port, mux))
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// call sends one request to another service and returns its body, which must
// come with a 2xx status.
func call(method, target string, form url.Values) (string, http.Header, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		return "", nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode/100 != 2 {
		return "", nil, fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	return strings.TrimSpace(string(b)), resp.Header, nil
}
