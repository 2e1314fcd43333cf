package checks

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/dockerfile"
)

// noAnswer explains a container that runs but does not answer: it looks at the
// sockets listening inside the container, because "nothing answered" has two
// common causes a learner cannot see from outside: a server bound to 127.0.0.1
// and a server on another port.
func (c *containerHTTP) noAnswer(env *Env, id string, lastErr error) Result {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	// It may have stopped since the last look (killed for memory a moment
	// ago): that is the verdict, not the silence before it.
	if st, err := env.Engine.InspectContainer(ctx, id); err == nil && !st.Running {
		return c.exited(env, id, st)
	}
	if r, ok := overLimits(ctx, env, id); ok {
		return r
	}
	logs, _ := env.Engine.ContainerLogs(ctx, id, 20)
	r := Failf(ReasonNoAnswer, "The container is running, but nothing answered on port %d within %s (last attempt: %v).", c.Port, time.Duration(c.Startup), shortNetErr(lastErr)).
		WithEvidence(logLines(logs)...).
		WithHint(fmt.Sprintf("Your server must listen on port %d on all interfaces (0.0.0.0), not only on localhost inside the container.", c.Port))
	sockets, err := env.Engine.ListeningSockets(ctx, id, env.Labels())
	if err != nil {
		return r.WithEvidence(fmt.Sprintf("(the sockets inside the container could not be read: %v)", err))
	}
	return diagnoseSockets(r, c.Port, sockets)
}

// diagnoseSockets turns what listens inside the container into the reason
// nothing answered on port.
func diagnoseSockets(r Result, port int, sockets []docker.Socket) Result {
	sockets = slices.DeleteFunc(slices.Clone(sockets), engineDNS)
	if len(sockets) == 0 {
		r.Message += " Nothing in the container listens on any TCP port."
		return r.WithEvidence("listening inside the container: nothing")
	}
	var all []string
	var onPort []docker.Socket
	for _, s := range sockets {
		all = append(all, s.String())
		if s.Port == port {
			onPort = append(onPort, s)
		}
	}
	evidence := "listening inside the container: " + strings.Join(all, ", ")
	switch {
	case len(onPort) > 0 && !slices.ContainsFunc(onPort, func(s docker.Socket) bool { return !s.Loopback() }):
		return Failf(ReasonLocalhostOnly, "The app listens on %s inside the container, which only the container itself can reach: listen on 0.0.0.0, not %s.", onPort[0], onPort[0].IP).
			WithEvidence(evidence).
			WithHint(fmt.Sprintf("Docker forwards a published port to the container's own network address, never to its loopback. Make the server listen on 0.0.0.0:%d (in Go, \":%d\" or \"0.0.0.0:%d\" rather than \"localhost:%d\").", port, port, port, port))
	case len(onPort) == 0:
		ports := []string{}
		for _, s := range sockets {
			if p := fmt.Sprint(s.Port); !slices.Contains(ports, p) {
				ports = append(ports, p)
			}
		}
		return Failf(ReasonWrongPort, "The app listens inside the container on port %s, not on %d, where the lab asks for it.", strings.Join(ports, ", "), port).
			WithEvidence(evidence).
			WithHint(fmt.Sprintf("Make the app listen on port %d: check the port in its code and the PORT variable it is given (ENV, -e, --env-file).", port))
	}
	return r.WithEvidence(evidence)
}

// unquotedCommand recognises the exit of a container whose CMD or ENTRYPOINT was
// written in brackets without quotes (`CMD [greeter]`): Docker took it as shell
// form and /bin/sh found no program called "[greeter]" (exit code 127).
func unquotedCommand(env *Env, st docker.ContainerState) (Result, bool) {
	if st.ExitCode != 127 {
		return Result{}, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	img, err := env.Engine.InspectImage(ctx, env.ImageTag())
	if err != nil {
		return Result{}, false
	}
	for _, c := range []struct {
		name string
		argv []string
	}{{"ENTRYPOINT", img.Entrypoint}, {"CMD", img.Cmd}} {
		if len(c.argv) != 3 || c.argv[0] != "/bin/sh" || c.argv[1] != "-c" {
			continue
		}
		fix, ok := dockerfile.JSONFormFix(c.argv[2])
		if !ok {
			continue
		}
		return Failf(ReasonUnquotedCommand, "The container stopped at once (exit code 127): %s %s is not JSON, so /bin/sh looked for a program called %q and found none. The brackets need double quotes around each word: %s %s.",
			c.name, c.argv[2], strings.Fields(c.argv[2])[0], c.name, fix).
			WithEvidence("image " + strings.ToLower(c.name) + ": " + argv(c.argv)).
			WithHint(fmt.Sprintf("Write %s %s in the Dockerfile and build again.", c.name, fix)), true
	}
	return Result{}, false
}

// engineDNS is the resolver the engine itself runs inside every container on
// a user-defined network (127.0.0.11, on a random port): not the learner's.
func engineDNS(s docker.Socket) bool {
	return s.IP.Equal(net.IPv4(127, 0, 0, 11))
}
