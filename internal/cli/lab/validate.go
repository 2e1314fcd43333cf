package lab

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/cmdutil"
	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/iostreams"
	"github.com/devopsctl/devopsctl/internal/labpack"
	"github.com/devopsctl/devopsctl/internal/plural"
	"github.com/spf13/cobra"
)

// ValidateOptions are the inputs of `lab validate`.
type ValidateOptions struct {
	IO *iostreams.IOStreams
	// Engine reaches the Docker engine; only --run on a lab that needs it calls it.
	Engine  func(context.Context) (docker.Engine, error)
	Dir     string
	Run     bool
	Verbose bool
}

// NewCmdValidate builds `lab validate`.
func NewCmdValidate(f *cmdutil.Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IOStreams, Engine: func(ctx context.Context) (docker.Engine, error) { return cmdutil.ReachEngine(ctx, f) }}
	cmd := &cobra.Command{
		Use:   "validate [<dir>]",
		Short: "Check a lab pack, and with --run prove its labs on the engine",
		Long: `Check a lab pack (a folder of labs) or one lab folder without running anything:
every lab.yaml (schema, check kinds, hint_for reasons, needs, duplicate ids), the
files each lab needs, and its known-wrong variants under wrong/<name>/.

With --run, prove each lab on the Docker engine: its starter must fail, its
solution must pass, and each known-wrong variant must fail the check it names
with the reason it names. Everything the proofs make on the engine is removed.

Exit status: 0 everything valid (and proven), 1 something not proven, 2 the pack
is broken, 3 a proof needed the Docker engine and none answered.`,
		Example: `  devopsctl lab validate my-pack
  devopsctl lab validate my-pack/static-site --run`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = "."
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return validateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Run, "run", false, "Prove each lab on the engine: starter fails, solution passes, known-wrong variants fail as they say")
	cmd.Flags().BoolVarP(&opts.Verbose, "verbose", "v", false, "Stream the checks' output (build logs) to stderr while proving")
	return cmd
}

func validateRun(ctx context.Context, opts *ValidateOptions) error {
	out, errOut := opts.IO.Out, opts.IO.ErrOut
	pack, errs := labpack.Load(opts.Dir)
	if len(errs) > 0 {
		for _, err := range errs {
			fmt.Fprintf(errOut, "error: %v\n", err)
		}
		them := "them"
		if len(errs) == 1 {
			them = "it"
		}
		return cmdutil.UsageError(fmt.Errorf("lab pack %s has %s; fix %s and run lab validate again", opts.Dir, plural.N(len(errs), "problem"), them))
	}
	variants := 0
	for _, l := range pack.Labs {
		variants += len(l.Wrong)
	}
	fmt.Fprintf(out, "Lab pack %s: %s and %s are valid.\n", opts.Dir, plural.N(len(pack.Labs), "lab"), plural.N(variants, "known-wrong variant"))
	for _, n := range pack.Notes {
		fmt.Fprintf(out, "note: %s\n", n)
	}
	if !opts.Run {
		return nil
	}

	prover := &labpack.Prover{}
	if opts.Verbose {
		prover.Progress = errOut
	}
	for _, l := range pack.Labs {
		if l.NeedsEngine() {
			eng, err := opts.Engine(ctx)
			if err != nil {
				prover.EngineErr = err
			} else {
				prover.Engine = eng
			}
			break
		}
	}
	width := 0
	for _, l := range pack.Labs {
		for _, c := range labpack.Cases(l) {
			width = max(width, len(l.ID)+1+len(c.Name()))
		}
	}
	start := time.Now()
	prover.OnStart = func(c labpack.Case) {
		// A proof on the engine takes seconds to minutes: say what runs now.
		fmt.Fprintf(errOut, "… %s %s\n", c.Lab.ID, c.Name())
	}
	notProven, missing := 0, 0
	prover.OnDone = func(o labpack.Outcome) {
		name := fmt.Sprintf("%-*s", width, o.Lab.ID+" "+o.Name())
		secs := fmt.Sprintf("(%.1fs)", o.Duration.Seconds())
		if o.Proven {
			fmt.Fprintf(out, "  ✓ %s  %s %s\n", name, o.Summary, secs)
			return
		}
		if o.EngineMissing {
			missing++
			fmt.Fprintf(out, "  - %s  not proven: %s\n", name, strings.Join(o.Problems, "; "))
			return
		}
		notProven++
		fmt.Fprintf(out, "  ✗ %s  %s %s\n", name, o.Problems[0], secs)
		writeIndented(out, o.Problems[1:])
	}
	outcomes := prover.Run(ctx, pack.Labs)
	if ctx.Err() != nil {
		return cmdutil.ErrInterrupted
	}
	elapsed := time.Since(start).Round(100 * time.Millisecond)
	switch {
	case notProven > 0:
		fmt.Fprintf(out, "%d of %s not proven (%s).\n", notProven, plural.N(len(outcomes), "case"), elapsed)
		return cmdutil.ErrChecksFailed
	case missing > 0:
		return cmdutil.EngineMissing(fmt.Errorf("%d of %s need the Docker engine to be proven: %w", missing, plural.N(len(outcomes), "case"), prover.EngineErr))
	}
	all := plural.All(len(outcomes), "case")
	fmt.Fprintf(out, "%s proven (%s).\n", strings.ToUpper(all[:1])+all[1:], elapsed)
	return nil
}

func writeIndented(w io.Writer, lines []string) {
	for _, l := range lines {
		fmt.Fprintf(w, "      %s\n", strings.ReplaceAll(l, "\n", "\n      "))
	}
}
