package cmdutil

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/devopsctl/devopsctl/internal/labs"
	"github.com/moby/buildkit/util/suggest"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// StringEnumFlag defines a string flag that takes one of options, checked
// when the flag is parsed, so that every command refuses a wrong value the
// same way (exit 2, the flag named, the values listed, the nearest suggested)
// and shells complete the values. Case is ignored; the value stored is the
// option as spelled in options.
func StringEnumFlag(cmd *cobra.Command, p *string, name, shorthand, defaultValue string, options []string, usage string) {
	*p = defaultValue
	cmd.Flags().VarP(&enumValue{value: p, options: options}, name, shorthand, fmt.Sprintf("%s: %s", usage, orList(options)))
	_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return options, cobra.ShellCompDirectiveNoFileComp
	})
}

type enumValue struct {
	value   *string
	options []string
}

func (e *enumValue) Set(s string) error {
	i := slices.IndexFunc(e.options, func(o string) bool { return strings.EqualFold(o, s) })
	if i < 0 {
		err := fmt.Errorf("use %s", orList(e.options))
		if m, ok := suggest.Search(s, e.options, false); ok {
			err = fmt.Errorf("did you mean %s? Use %s", m, orList(e.options))
		}
		return err
	}
	*e.value = e.options[i]
	return nil
}

func (e *enumValue) String() string { return *e.value }
func (e *enumValue) Type() string   { return "string" }

// orList spells options as "a, b or c".
func orList(options []string) string {
	if len(options) < 2 {
		return strings.Join(options, "")
	}
	return strings.Join(options[:len(options)-1], ", ") + " or " + options[len(options)-1]
}

// CompleteLabIDs completes a command's first argument with the ids of the
// labs it can load, instructor packs included.
func CompleteLabIDs(f *Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		// The root's pre-run may not have read --labs and DEVOPSCTL_LABS into
		// LabPaths when a shell asks for completions, so they are read here too.
		var packs []string
		given, _ := cmd.Flags().GetStringArray("labs")
		for _, p := range slices.Concat(f.LabPaths, labs.PackPaths(os.Getenv(labs.EnvLabPaths)), given) {
			if !slices.Contains(packs, p) {
				packs = append(packs, p)
			}
		}
		cat, err := labs.LoadCatalog(packs...)
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var ids []string
		for _, l := range cat.Labs() {
			ids = append(ids, l.ID+"\t"+l.Title)
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	}
}

// FlagError turns cobra's flag parsing errors into bad input (exit 2). A value
// the flag's type cannot hold is said in words, with the flag named, instead
// of the parser's own message ("strconv.ParseUint: parsing ...").
func FlagError(cmd *cobra.Command, err error) error {
	var bad *pflag.InvalidValueError
	if errors.As(err, &bad) {
		fl := bad.GetFlag()
		return UsageErrorf("--%s %q: %s\nSee '%s --help'.", fl.Name, bad.GetValue(), valueProblem(fl.Value.Type(), bad.Unwrap()), cmd.CommandPath())
	}
	return UsageError(fmt.Errorf("%w\nSee '%s --help'.", err, cmd.CommandPath()))
}

func valueProblem(typ string, cause error) string {
	var num *strconv.NumError
	if !errors.As(cause, &num) {
		return cause.Error()
	}
	what := "a number"
	switch {
	case strings.HasPrefix(typ, "uint"):
		what = "a whole number, 0 or more"
	case strings.HasPrefix(typ, "int"):
		what = "a whole number"
	}
	if errors.Is(num.Err, strconv.ErrRange) {
		return fmt.Sprintf("too large; give %s in range", what)
	}
	return "not " + what
}
