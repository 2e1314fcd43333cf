// Command testserver is a tiny web server used by devopsctl's tests as the
// program inside test images. Its behaviour is chosen by environment variables,
// so one binary can play every well- and ill-behaved server a check must judge.
//
//	MODE=serve (default)  answer "hello <NAME>" on $PORT (default 8080)
//	MODE=exit             exit at once with status 3
//	MODE=error            answer 500
//	MODE=silent           run but never listen
//	HOST=127.0.0.1        listen on that address only (default: all of them)
package main

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	switch os.Getenv("MODE") {
	case "exit":
		fmt.Println("testserver: exiting as asked")
		os.Exit(3)
	case "silent":
		fmt.Println("testserver: not listening")
		time.Sleep(time.Hour)
	case "error":
		http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "broken on purpose", http.StatusInternalServerError)
		})
	default:
		http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			name := os.Getenv("NAME")
			if name == "" {
				fmt.Fprintln(w, "hello, but I couldn't find your name")
				return
			}
			fmt.Fprintf(w, "hello %s\n", name)
		})
	}
	fmt.Println("testserver: listening on", port)
	if err := http.ListenAndServe(os.Getenv("HOST")+":"+port, nil); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
