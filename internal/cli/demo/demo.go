// Package demo holds `devopsctl demo`: the calculator demo (awesome app,
// greetings with its A/B test, maths with metrics) run on this machine.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/demo"
	"github.com/devopsctl/devopsctl/internal/demo/greetings"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"
)

// NewCmdDemo builds `demo` and its verbs.
func NewCmdDemo(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo <command>",
		Short: "Run the calculator demo: three microservices and an A/B test",
		Long: `The calculator demo is a friendly calculator split into three services, as
teams split an app: the awesome app (the page, port 5000), maths (the
arithmetic, port 5001, with Prometheus metrics) and greetings (a personal
greeting chosen by an online A/B test whose likes live in Redis, port 5002).

"demo up" runs all three in this process; "demo serve" runs one alone, as a
container would. Redis is embedded unless --redis (or REDIS_URL) names a server.`,
		Args: cmdutil.GroupArgs,
		RunE: cmdutil.GroupRun,
	}
	cmd.AddCommand(NewCmdUp(f, nil))
	cmd.AddCommand(NewCmdServe(f, nil))
	return cmd
}

// common are the settings both verbs share.
type common struct {
	IO       *iostreams.IOStreams
	Host     string
	RedisURL string
	Epsilon  string
	Seed     uint64
}

func (c *common) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.Host, "host", "127.0.0.1", "Address to listen on (0.0.0.0 to be reachable from other machines or in a container)")
	cmd.Flags().StringVar(&c.RedisURL, "redis", os.Getenv("REDIS_URL"), "Use the Redis server at this `URL` (redis://host:port) instead of the embedded one (REDIS_URL works too)")
	cmd.Flags().StringVar(&c.Epsilon, "epsilon", envOr(greetings.EnvEpsilon, strconv.FormatFloat(greetings.DefaultEpsilon, 'f', -1, 64)), "Share of greetings chosen at random to explore, 0 to 1 (EPSILON works too)")
	cmd.Flags().Uint64Var(&c.Seed, "seed", 0, "Seed the A/B test's random draws to replay the same choices (0: random)")
}

func (c *common) options() (demo.Options, error) {
	eps, err := greetings.ParseEpsilon(c.Epsilon)
	if err != nil {
		return demo.Options{}, cmdutil.UsageErrorf("--epsilon: %v", err)
	}
	return demo.Options{Host: c.Host, RedisURL: c.RedisURL, Epsilon: eps, Seed: c.Seed, Log: c.IO.ErrOut}, nil
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// serve starts the services, prints where they are, and serves until ctx is
// cancelled (Ctrl-C), which is a normal end.
func serve(ctx context.Context, io *iostreams.IOStreams, opts demo.Options, portFlag func(string) string, services ...string) error {
	// go-redis logs its dial retries itself; the greetings log already says
	// when Redis is out of reach, in its own words.
	redis.SetLogger(quiet{})
	run, err := demo.Start(opts, services...)
	if err != nil {
		var inUse *demo.PortInUseError
		var badURL *demo.RedisURLError
		switch {
		case errors.As(err, &inUse):
			return cmdutil.UsageErrorf("%v with %s", err, portFlag(inUse.Service))
		case errors.As(err, &badURL):
			return cmdutil.UsageErrorf("--redis: %v", err)
		}
		return cmdutil.UsageError(err)
	}
	printURLs(io.Out, run)
	pingCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	if err := run.PingRedis(pingCtx); err != nil && ctx.Err() == nil {
		fmt.Fprintf(io.ErrOut, "warning: Redis at %s does not answer yet (%v); greetings answers 503 and /healthz says not ready until it does\n", redacted(run.RedisURL), err)
	}
	cancel()
	err = run.Wait(ctx)
	fmt.Fprintln(io.Out, "Stopped.")
	if err != nil {
		return cmdutil.EnvironmentError(err)
	}
	return nil
}

func printURLs(w io.Writer, run *demo.Running) {
	redisNote := ""
	switch {
	case run.Embedded != nil:
		redisNote = "Redis: embedded, likes last until the demo stops"
	case run.RedisURL != "":
		redisNote = "Redis: " + redacted(run.RedisURL)
	}
	fmt.Fprintln(w, "The calculator demo is running.")
	if u, ok := run.URLs[demo.App]; ok {
		fmt.Fprintf(w, "  awesome app  %s/Ada/2/3\n", u)
	}
	if u, ok := run.URLs[demo.Maths]; ok {
		fmt.Fprintf(w, "  maths        %s/add?x=2&y=3   metrics: %s/metrics\n", u, u)
	}
	if u, ok := run.URLs[demo.Greetings]; ok {
		fmt.Fprintf(w, "  greetings    %s/greeting/Ada   likes: %s/likes\n", u, u)
	}
	if redisNote != "" {
		fmt.Fprintln(w, redisNote)
	}
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}

type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// redacted hides the password of a Redis URL, which must not end up in a
// terminal's scrollback or a CI log.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}
