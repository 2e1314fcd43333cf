// Package app builds the root command and maps errors to exit codes, in one place.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/devopsctl/devopsctl/internal/buildinfo"
	"github.com/devopsctl/devopsctl/internal/cli/check"
	"github.com/devopsctl/devopsctl/internal/cli/demo"
	"github.com/devopsctl/devopsctl/internal/cli/doctor"
	"github.com/devopsctl/devopsctl/internal/cli/lab"
	"github.com/devopsctl/devopsctl/internal/cli/lesson"
	"github.com/devopsctl/devopsctl/internal/cli/man"
	"github.com/devopsctl/devopsctl/internal/cli/sim"
	"github.com/devopsctl/devopsctl/internal/cli/submit"
	"github.com/devopsctl/devopsctl/internal/cli/version"
	"github.com/devopsctl/devopsctl/internal/cli/watchrun"
	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
)

// Main runs devopsctl with the process's arguments and returns the exit code.
func Main() int {
	// compose-go reports deprecations through logrus's global logger, straight
	// to stderr in the middle of a check's report; the checks say what matters.
	logrus.SetOutput(io.Discard)
	f := cmdutil.NewFactory(buildinfo.Get().Version)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, f, os.Args[1:])
}

// Run runs devopsctl with args and returns the exit code.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	reaped := startReaper(f)
	err := root.ExecuteContext(ctx)
	code := exitCode(err, f.IOStreams.ErrOut)
	reaped()
	return code
}

// reaperWait bounds how long a command waits, after its own work, for the
// removal of orphans to finish.
const reaperWait = 10 * time.Second

// startReaper removes, beside the command, what earlier runs left on the
// engine when they were killed or outlived their lease (docker.Reap). It never
// fails the command: without an engine there is nothing to reap. The returned
// func waits for it, up to reaperWait.
func startReaper(f *cmdutil.Factory) (wait func()) {
	if f.Engine == nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if eng, err := f.Engine(); err == nil && eng != nil {
			docker.Reap(eng)
		}
	}()
	return func() {
		select {
		case <-done:
		case <-time.After(reaperWait):
		}
	}
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	var noColor bool
	var labPaths []string
	root := &cobra.Command{
		Use:   "devopsctl <command>",
		Short: "Learn DevOps by doing: labs checked for real, lessons, simulations",
		Long: `devopsctl teaches DevOps by doing. Start a lab, edit the files it gives you,
and run "devopsctl check": your Dockerfile is built on the real Docker engine,
your container is started and asked for its page, and every step says in plain
words what passed, what did not and what to try next.

Labs work offline: nothing is downloaded while you learn.`,
		Example: `  devopsctl lab list
  devopsctl lab start dockerfile
  cd dockerfile && devopsctl check
  devopsctl lab hint`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       f.Version,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if noColor {
				f.IOStreams.SetColorEnabled(false)
			}
			f.LabPaths = append(append(labs.InstalledPacks(), labs.PackPaths(os.Getenv(labs.EnvLabPaths))...), labPaths...)
			return nil
		},
	}
	root.PersistentFlags().BoolVar(&noColor, "no-color", false, "Print without colours (NO_COLOR is honoured too)")
	root.PersistentFlags().StringArrayVar(&labPaths, "labs", nil, "Also load labs from this instructor pack `folder` (repeatable; DEVOPSCTL_LABS works too)")
	root.SetFlagErrorFunc(cmdutil.FlagError)
	root.AddCommand(lab.NewCmdLab(f))
	root.AddCommand(check.NewCmdCheck(f, nil))
	root.AddCommand(sim.NewCmdSim(f))
	root.AddCommand(lesson.NewCmdLesson(f))
	root.AddCommand(demo.NewCmdDemo(f))
	root.AddCommand(watchrun.NewCmdWatchRun(f, nil))
	root.AddCommand(doctor.NewCmdDoctor(f, nil))
	root.AddCommand(version.NewCmdVersion(f, nil))
	root.AddCommand(man.NewCmdMan(f, nil))
	root.AddCommand(submit.NewCmdSubmit(f, nil))
	return root
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return cmdutil.ExitOK
	}
	var ee *cmdutil.ExitError
	if errors.As(err, &ee) {
		if !ee.Silent && ee.Err != nil {
			fmt.Fprintln(stderr, "error:", ee.Err)
		}
		return ee.Code
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "interrupted")
		return cmdutil.ExitInterrupted
	}
	// cobra reports unknown commands and bad arguments as plain errors.
	fmt.Fprintln(stderr, "error:", err)
	return cmdutil.ExitUsage
}
