// Command relay is the one way into a learner's container on its isolated
// network: it runs beside it, on the default bridge with a published port as
// well, and forwards each connection to the container. devopsctl builds it
// into a tiny image on first use; it needs nothing but the standard library.
//
//	relay LISTEN=TARGET...   e.g. relay :8080=172.29.0.2:8080
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: relay LISTEN=TARGET...")
		os.Exit(2)
	}
	for _, pair := range os.Args[1:] {
		listen, target, ok := strings.Cut(pair, "=")
		if !ok {
			fmt.Fprintf(os.Stderr, "relay: %q is not LISTEN=TARGET\n", pair)
			os.Exit(2)
		}
		ln, err := net.Listen("tcp", listen)
		if err != nil {
			fmt.Fprintln(os.Stderr, "relay:", err)
			os.Exit(1)
		}
		go serve(ln, target)
	}
	select {}
}

func serve(ln net.Listener, target string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			continue
		}
		go forward(c.(*net.TCPConn), target)
	}
}

// forward copies both ways. When nothing listens at the target, the client's
// connection is reset, as a closed port would do.
func forward(c *net.TCPConn, target string) {
	defer c.Close()
	u, err := net.DialTimeout("tcp", target, 2*time.Second)
	if err != nil {
		c.SetLinger(0)
		return
	}
	defer u.Close()
	go func() {
		io.Copy(u, c)
		u.(*net.TCPConn).CloseWrite()
	}()
	io.Copy(c, u)
}
