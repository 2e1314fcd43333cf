package demo

import (
	"context"
	"os"
	"strconv"
	"strings"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/demo"
	"github.com/spf13/cobra"
)

// ServeOptions are the inputs of `demo serve`.
type ServeOptions struct {
	common
	Service                string
	Port                   int
	GreetingsURL, MathsURL string
}

// serviceAliases maps what a person may type to a service name.
var serviceAliases = map[string]string{
	"app": demo.App, "awesome-app": demo.App, "awesome_app": demo.App,
	"greetings": demo.Greetings, "maths": demo.Maths, "math": demo.Maths,
}

// NewCmdServe builds `demo serve`.
func NewCmdServe(f *cmdutil.Factory, runF func(context.Context, *ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{common: common{IO: f.IOStreams}}
	cmd := &cobra.Command{
		Use:   "serve <app|greetings|maths>",
		Short: "Run one service of the calculator demo alone, as a container would",
		Long: `Run one service of the calculator demo on its own.

  app        the page; finds the others at --greetings-url and --maths-url
             (GREETINGS_URL, MATHS_URL)
  greetings  the A/B-tested greeting; keeps likes in --redis (REDIS_URL), or in
             an embedded Redis when none is given; explores --epsilon (EPSILON)
             of the time
  maths      the arithmetic, with Prometheus metrics on /metrics

The port is --port, else PORT, else the service's usual one (5000, 5002, 5001).
In a container, listen on all addresses: --host 0.0.0.0.`,
		Example: `  devopsctl demo serve maths
  REDIS_URL=redis://redis:6379 devopsctl demo serve greetings --host 0.0.0.0
  devopsctl demo serve app --greetings-url http://localhost:5002 --maths-url http://localhost:5001`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{demo.App, demo.Greetings, demo.Maths},
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, ok := serviceAliases[strings.ToLower(args[0])]
			if !ok {
				return cmdutil.UsageErrorf("unknown service %q: pick app, greetings or maths", args[0])
			}
			opts.Service = svc
			if !cmd.Flags().Changed("port") {
				opts.Port = demo.DefaultPorts[svc]
				if p, ok := os.LookupEnv("PORT"); ok {
					n, err := strconv.Atoi(strings.TrimSpace(p))
					if err != nil {
						return cmdutil.UsageErrorf("PORT=%s is not a port number; give one from 1 to 65535", p)
					}
					opts.Port = n
				}
			}
			if opts.Port < 1 || opts.Port > 65535 {
				return cmdutil.UsageErrorf("port %d: give a port from 1 to 65535", opts.Port)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Port, "port", 0, "Port to listen on (default: PORT, else the service's usual port)")
	cmd.Flags().StringVar(&opts.GreetingsURL, "greetings-url", os.Getenv("GREETINGS_URL"), "Where the app finds greetings (GREETINGS_URL works too)")
	cmd.Flags().StringVar(&opts.MathsURL, "maths-url", os.Getenv("MATHS_URL"), "Where the app finds maths (MATHS_URL works too)")
	opts.flags(cmd)
	return cmd
}

func serveRun(ctx context.Context, opts *ServeOptions) error {
	o, err := opts.options()
	if err != nil {
		return err
	}
	o.Ports = map[string]int{opts.Service: opts.Port}
	o.GreetingsURL, o.MathsURL = opts.GreetingsURL, opts.MathsURL
	return serve(ctx, opts.IO, o, func(string) string { return "--port" }, opts.Service)
}
