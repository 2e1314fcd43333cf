package docker

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
)

// ProbeImage runs the probe that reads a container's sockets. It is one of the
// base images scripts/offline-images.sh makes, so it is there without a registry.
const ProbeImage = "busybox:1.36"

// Socket is a TCP socket listening inside a container, as the container sees it.
type Socket struct {
	IP   net.IP
	Port int
}

// Loopback reports a socket only the container itself can reach.
func (s Socket) Loopback() bool { return s.IP.IsLoopback() }

func (s Socket) String() string { return net.JoinHostPort(s.IP.String(), strconv.Itoa(s.Port)) }

// ListeningSockets lists the TCP sockets listening in a running container's
// network namespace.
//
// The app's image may have no shell or tools at all (FROM scratch), so an exec
// into it cannot read anything, and the engine's archive API cannot copy from
// /proc. Instead a short-lived probe container from ProbeImage joins the app
// container's network namespace (NetworkMode container:<id>) and prints
// /proc/net/tcp and tcp6, which show the sockets of the namespace of whoever
// reads them. The probe is unprivileged, read-only and carries labels like
// everything else devopsctl makes; it is removed before this returns.
func (c *Client) ListeningSockets(ctx context.Context, id string, labels map[string]string) ([]Socket, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	pids := int64(8)
	created, err := c.api.ContainerCreate(ctx, &container.Config{
		Image:  ProbeImage,
		Cmd:    []string{"sh", "-c", "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; true"},
		Labels: labels,
	}, &container.HostConfig{
		NetworkMode:    container.NetworkMode("container:" + id),
		CapDrop:        []string{"ALL"},
		SecurityOpt:    []string{"no-new-privileges"},
		ReadonlyRootfs: true,
		Resources:      container.Resources{Memory: 16 << 20, MemorySwap: 16 << 20, PidsLimit: &pids},
	}, &network.NetworkingConfig{}, nil, "")
	if err != nil {
		return nil, fmt.Errorf("create the socket probe from %s: %s", ProbeImage, cleanEngineError(err))
	}
	defer func() {
		rctx, rcancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer rcancel()
		c.RemoveContainer(rctx, created.ID)
	}()
	waitC, errC := c.api.ContainerWait(ctx, created.ID, container.WaitConditionNextExit)
	if err := c.api.ContainerStart(ctx, created.ID, container.StartOptions{}); err != nil {
		return nil, fmt.Errorf("start the socket probe: %s", cleanEngineError(err))
	}
	select {
	case <-waitC:
	case err := <-errC:
		return nil, fmt.Errorf("wait for the socket probe: %w", err)
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for the socket probe: %w", ctx.Err())
	}
	out, err := c.ContainerLogs(ctx, created.ID, 10000)
	if err != nil {
		return nil, err
	}
	return ParseProcNetTCP(out), nil
}

// tcpListen is the state column of /proc/net/tcp for a listening socket.
const tcpListen = "0A"

// ParseProcNetTCP reads the listening sockets out of the text of
// /proc/net/tcp and /proc/net/tcp6 (lines like
// "0: 0100007F:1F90 00000000:0000 0A …"), skipping headers and anything else.
func ParseProcNetTCP(text string) []Socket {
	var out []Socket
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasSuffix(f[0], ":") || f[3] != tcpListen {
			continue
		}
		s, ok := parseHexAddr(f[1])
		if ok && !seen[s.String()] {
			seen[s.String()] = true
			out = append(out, s)
		}
	}
	return out
}

// parseHexAddr decodes "0100007F:1F90": the address as the kernel stores it,
// 32-bit words in host byte order (little-endian here), and the port in hex.
func parseHexAddr(s string) (Socket, bool) {
	addr, port, ok := strings.Cut(s, ":")
	p, err := strconv.ParseUint(port, 16, 16)
	raw, herr := hex.DecodeString(addr)
	if !ok || err != nil || herr != nil || (len(raw) != 4 && len(raw) != 16) {
		return Socket{}, false
	}
	ip := make(net.IP, len(raw))
	for w := 0; w < len(raw); w += 4 {
		for b := 0; b < 4; b++ {
			ip[w+b] = raw[w+3-b]
		}
	}
	return Socket{IP: ip, Port: int(p)}, true
}
