package demo

import (
	"context"
	"fmt"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/demo"
	"github.com/spf13/cobra"
)

// UpOptions are the inputs of `demo up`.
type UpOptions struct {
	common
	Ports map[string]int
}

// NewCmdUp builds `demo up`.
func NewCmdUp(f *cmdutil.Factory, runF func(context.Context, *UpOptions) error) *cobra.Command {
	opts := &UpOptions{common: common{IO: f.IOStreams}, Ports: map[string]int{}}
	ports := map[string]*int{}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Run the awesome app, maths and greetings together until Ctrl-C",
		Long: `Run the three services of the calculator demo in this process, with an
embedded Redis, and print their addresses. Open the awesome app's page, e.g.
/Ada/2/3, press Like and watch the greetings log: each request says whether the
A/B test explored or exploited and the like counts behind the choice.

Ctrl-C stops every service cleanly.`,
		Example: `  devopsctl demo up
  devopsctl demo up --app-port 8000 --epsilon 0.2
  devopsctl demo up --redis redis://localhost:6379`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for svc, p := range ports {
				if *p < 1 || *p > 65535 {
					return cmdutil.UsageErrorf("--%s-port %d: give a port from 1 to 65535", svc, *p)
				}
				opts.Ports[svc] = *p
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return upRun(cmd.Context(), opts)
		},
	}
	for _, svc := range demo.Services {
		ports[svc] = cmd.Flags().Int(svc+"-port", demo.DefaultPorts[svc], fmt.Sprintf("Port of %s", serviceTitle(svc)))
	}
	opts.flags(cmd)
	return cmd
}

func upRun(ctx context.Context, opts *UpOptions) error {
	o, err := opts.options()
	if err != nil {
		return err
	}
	o.Ports = opts.Ports
	return serve(ctx, opts.IO, o, func(svc string) string { return "--" + svc + "-port" })
}

func serviceTitle(svc string) string {
	if svc == demo.App {
		return "the awesome app"
	}
	return svc
}
