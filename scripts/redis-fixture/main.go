// Command redis-fixture is a stand-in for the redis image on machines that
// cannot pull one: a Redis-protocol server built on miniredis, which keeps its
// data in memory for as long as the container lives. scripts/offline-images.sh
// builds it into an image tagged like the real one.
//
// Called as redis-server it serves on :6379 (or --port N). Called as
// redis-cli it does what health checks of the real image do: `redis-cli ping`
// (with -h host and -p port) prints PONG, or fails.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/alicebob/miniredis/v2"
)

func main() {
	name := filepath.Base(os.Args[0])
	if name == "redis-cli" {
		os.Exit(cli(os.Args[1:]))
	}
	os.Exit(server(os.Args[1:]))
}

func server(args []string) int {
	fs := flag.NewFlagSet("redis-server", flag.ContinueOnError)
	port := fs.Int("port", 6379, "TCP port to serve on")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr(fmt.Sprintf(":%d", *port)); err != nil {
		fmt.Fprintln(os.Stderr, "redis-server:", err)
		return 1
	}
	fmt.Printf("redis-server (miniredis stand-in): ready to accept connections on :%d\n", *port)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	m.Close()
	return 0
}

func cli(args []string) int {
	fs := flag.NewFlagSet("redis-cli", flag.ContinueOnError)
	host := fs.String("h", "127.0.0.1", "server host")
	port := fs.Int("p", 6379, "server port")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || !strings.EqualFold(fs.Arg(0), "ping") {
		fmt.Fprintln(os.Stderr, "redis-cli: this stand-in knows only: redis-cli [-h host] [-p port] ping")
		return 2
	}
	conn, err := net.DialTimeout("tcp", net.JoinHostPort(*host, fmt.Sprint(*port)), 2*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, "redis-cli:", err)
		return 1
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		fmt.Fprintln(os.Stderr, "redis-cli:", err)
		return 1
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "+PONG") {
		fmt.Fprintf(os.Stderr, "redis-cli: no PONG (%q, %v)\n", line, err)
		return 1
	}
	fmt.Println("PONG")
	return 0
}
