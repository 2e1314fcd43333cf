package labs_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// hostileSpec builds the workspace's image, then runs it and asks it for a page.
const hostileSpec = `
id: hostile
title: A workspace that attacks its host
summary: Each case is one way a container or a build step can harm the machine.
difficulty: beginner
minutes: 1
checks:
  - id: build
    title: The image builds
    kind: image_build
    timeout: 90s
  - id: serve
    title: The container answers
    kind: container_http
    needs: [build]
    timeout: 60s
    with:
      port: 8080
      startup: 30s
`

// TestHostileWorkspaces runs workspaces that attack the host, each in a way the
// sandbox must contain: the check ends in time with its own verdict, the host
// keeps its memory, and nothing labelled is left behind. Time to verdict and
// the peak of host memory in use are logged for each case.
func TestHostileWorkspaces(t *testing.T) {
	eng := testenv.Engine(t)
	tests := []struct {
		name       string
		dockerfile string
		check      string // the check that must fail, and why
		reason     checks.Reason
		message    string
		// buildTimeout replaces the build's time limit: a 4 GB allocation
		// takes the kernel over a minute to stop at the build's 1.5 GiB on
		// a busy machine (a few seconds on a quiet one).
		buildTimeout string
	}{
		{name: "fork bomb in CMD",
			dockerfile: "FROM busybox:1.36\nCMD [\"sh\", \"-c\", \"b() { b | b & }; b; sleep 60\"]\n",
			check:      "serve", reason: checks.ReasonTooManyProcesses, message: "started too many processes: a container may run at most 128"},
		{name: "1,500 processes in RUN",
			dockerfile: "FROM busybox:1.36\nRUN for i in $(seq 1500); do sleep 30 & done; wait\nCMD [\"true\"]\n",
			check:      "build", reason: checks.ReasonBuildTooManyProcesses, message: "at most 256 at once"},
		{name: "fork bomb in RUN",
			dockerfile: "FROM busybox:1.36\nRUN b() { b | b & }; b; sleep 60\nCMD [\"true\"]\n",
			check:      "build", reason: checks.ReasonBuildTooManyProcesses, message: "started too many processes"},
		{name: "4 GB allocation in CMD",
			dockerfile: "FROM busybox:1.36\nCMD [\"dd\", \"if=/dev/zero\", \"of=/dev/null\", \"bs=4000M\", \"count=1\"]\n",
			check:      "serve", reason: checks.ReasonOutOfMemory, message: "ran out of memory: a container may use at most 256 MiB"},
		{name: "4 GB allocation in RUN",
			dockerfile: "FROM busybox:1.36\nRUN dd if=/dev/zero of=/dev/null bs=4000M count=1\nCMD [\"true\"]\n",
			check:      "build", reason: checks.ReasonBuildOutOfMemory, message: "Dockerfile:2 (RUN dd if=/dev/zero of=/dev/null bs=4000M count=1): the step ran out of memory",
			buildTimeout: "3m"},
		{name: "RUN reaches out",
			dockerfile: "FROM busybox:1.36\nRUN nc -w 3 192.0.2.1 80 </dev/null\nCMD [\"true\"]\n",
			check:      "build", reason: "run-failed", message: "Network is unreachable"},
		{name: "endless RUN",
			dockerfile: "FROM busybox:1.36\nRUN sleep 3600\nCMD [\"true\"]\n",
			check:      "build", reason: checks.ReasonBuildTimeout, message: "did not finish within 15s, its time limit: it was still at Dockerfile:2 (RUN sleep 3600)",
			buildTimeout: "15s"},
		{name: "2 GB through a VOLUME",
			dockerfile: "FROM busybox:1.36\nVOLUME /data\nCMD [\"dd\", \"if=/dev/zero\", \"of=/data/big\", \"bs=1M\", \"count=2048\"]\n",
			check:      "serve", reason: checks.ReasonVolumeFull, message: "each VOLUME of the image is a 64 MB space"},
		{name: "log flood",
			dockerfile: "FROM busybox:1.36\nCMD [\"yes\", \"a line of a log flood, again and again\"]\n",
			check:      "serve", reason: checks.ReasonLogFlood, message: "wrote too much output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			yaml := hostileSpec
			if tt.buildTimeout != "" {
				yaml = strings.Replace(yaml, "timeout: 90s", "timeout: "+tt.buildTimeout, 1)
			}
			spec, err := labs.ParseSpec("lab.yaml", []byte(yaml))
			if err != nil {
				t.Fatal(err)
			}
			lab := &labs.Lab{Spec: spec}
			dir := filepath.Join(t.TempDir(), "ws")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(tt.dockerfile), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { docker.CleanWorkspace(eng, dir) })
			mem := watchHostMemory()
			start := time.Now()
			rep := (&labs.Runner{Lab: lab, Dir: dir, Engine: eng}).Run(context.Background())
			took := time.Since(start)
			peak := mem()
			t.Logf("verdict in %.1fs, host memory in use peaked %d MiB above its start", took.Seconds(), peak>>20)
			var got *labs.CheckResult
			for i := range rep.Checks {
				if rep.Checks[i].ID == tt.check {
					got = &rep.Checks[i]
				}
			}
			if got == nil || got.Status != checks.Fail || got.Reason != string(tt.reason) || !strings.Contains(got.Message+strings.Join(got.Evidence, "\n"), tt.message) {
				t.Fatalf("check %s: %+v, want a fail (%s) saying %q", tt.check, got, tt.reason, tt.message)
			}
			if peak > 3<<30 {
				t.Errorf("host memory in use grew by %d MiB", peak>>20)
			}
			waitNoRun(t, eng, dir)
		})
	}
}

// waitNoRun waits until no container, network or volume of the workspace is
// left, nor any build step container, which carries none of our labels but has
// the workspace's build going.
func waitNoRun(t *testing.T, eng *docker.Client, dir string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := eng.ListManaged(context.Background(), map[string]string{docker.LabelWorkspace: dir})
		if err != nil {
			t.Fatal(err)
		}
		n := len(res.Containers) + len(res.Networks) + len(res.Volumes)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("left on the engine for %s: %v %v %v", dir, res.Containers, res.Networks, res.Volumes)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// watchHostMemory samples the host's memory in use until the returned func is
// called, which returns its peak above the first sample.
func watchHostMemory() func() int64 {
	base := memInUse()
	var mu sync.Mutex
	peak := int64(0)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			mu.Lock()
			peak = max(peak, memInUse()-base)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return func() int64 {
		close(stop)
		<-done
		return peak
	}
}

// memInUse is MemTotal - MemAvailable from /proc/meminfo, 0 where there is none.
func memInUse() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	vals := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 {
			n, _ := strconv.ParseInt(fields[1], 10, 64)
			vals[strings.TrimSuffix(fields[0], ":")] = n << 10
		}
	}
	return vals["MemTotal"] - vals["MemAvailable"]
}

// reachSpec runs the image and expects its page to say that the host service
// was out of reach.
const reachSpec = `
id: reach
title: A container that reaches out
summary: Its page says what it could reach.
difficulty: beginner
minutes: 1
checks:
  - id: build
    title: The image builds
    kind: image_build
  - id: serve
    title: The container reached nothing
    kind: container_http
    needs: [build]
    with:
      startup: 30s
      body: "gateway=closed public=no route"
`

// TestContainerHasNoWayOut starts a server on the host's docker0 address, which
// containers on the default bridge can reach, and a workspace whose CMD tries it
// and a TEST-NET address before serving what it found. The isolated container
// reaches neither and the server sees no connection; the same image run with
// network: true does reach the server, which proves the test can see it.
func TestContainerHasNoWayOut(t *testing.T) {
	eng := testenv.Engine(t)
	gw := docker0Address(t)
	ln, err := net.Listen("tcp", gw+":0")
	if err != nil {
		t.Skipf("cannot listen on docker0 (%s): %v", gw, err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	script := fmt.Sprintf(`mkdir -p /tmp/www
if nc -w 3 %s %d </dev/null; then g=open; else g=closed; fi
if nc -w 3 192.0.2.1 80 </dev/null 2>/tmp/err; then p=connected; else p=$(grep -o -i 'no route\|unreachable\|timed out' /tmp/err | tr A-Z a-z); fi
echo "gateway=$g public=$p" > /tmp/www/index.html
exec httpd -f -p 8080 -h /tmp/www`, gw, port)
	dockerfile := "FROM busybox:1.36\nCMD [\"sh\", \"-c\", " + strconv.Quote(script) + "]\n"

	for _, outbound := range []bool{false, true} {
		t.Run(fmt.Sprintf("network=%v", outbound), func(t *testing.T) {
			yaml := reachSpec
			if outbound {
				yaml = strings.Replace(yaml, `body: "gateway=closed public=no route"`, "network: true\n      body: \"gateway=open\"", 1)
			}
			spec, err := labs.ParseSpec("lab.yaml", []byte(yaml))
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "ws")
			os.MkdirAll(dir, 0o755)
			if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { docker.CleanWorkspace(eng, dir) })
			before := conns.Load()
			rep := (&labs.Runner{Lab: &labs.Lab{Spec: spec}, Dir: dir, Engine: eng}).Run(context.Background())
			if !rep.Passed {
				t.Fatalf("%s: %+v", rep.Summary(), rep.Checks)
			}
			got := conns.Load() - before
			if outbound && got == 0 {
				t.Errorf("with network: true the container did not reach the host service")
			}
			if !outbound && got != 0 {
				t.Errorf("the isolated container opened %d connections to the host service", got)
			}
			waitNoRun(t, eng, dir)
		})
	}
}

// docker0Address is the host's address on the default bridge.
func docker0Address(t *testing.T) string {
	t.Helper()
	iface, err := net.InterfaceByName("docker0")
	if err != nil {
		t.Skipf("no docker0 on this host (%v): the engine runs elsewhere", err)
	}
	addrs, _ := iface.Addrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil {
			return ipn.IP.String()
		}
	}
	t.Skip("docker0 has no IPv4 address")
	return ""
}
