// Package cmdutil holds what every command shares: the Factory that hands out
// streams and lazily-built services, and the typed errors that map to exit codes.
package cmdutil

import (
	"errors"
	"fmt"
	"github.com/spf13/cobra"
)

// Exit codes, mapped in one place (app.Main).
const (
	ExitOK          = 0
	ExitFailed      = 1 // a check failed: the learner is not done
	ExitUsage       = 2 // usage or bad input the tool itself needs
	ExitEnvironment = 3 // something the tool needs is missing (Docker engine)
	ExitInterrupted = 130
)

// ExitError carries an exit code and a message for the person at the terminal.
type ExitError struct {
	Code int
	Err  error
	// Silent errors have already been reported by the command.
	Silent bool
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// UsageErrorf is bad input to the tool: exit 2.
func UsageErrorf(format string, a ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, a...)}
}

// UsageError wraps err as bad input: exit 2.
func UsageError(err error) error { return &ExitError{Code: ExitUsage, Err: err} }

// EnvironmentError is a missing environment, such as no Docker engine: exit 3.
func EnvironmentError(err error) error { return &ExitError{Code: ExitEnvironment, Err: err} }

// ErrChecksFailed is returned when the command ran fine but a check failed; the
// report has been printed already.
var ErrChecksFailed = &ExitError{Code: ExitFailed, Silent: true}

// ErrInterrupted is returned after Ctrl-C, once everything has been cleaned up.
var ErrInterrupted = &ExitError{Code: ExitInterrupted, Err: errors.New("interrupted")}

// SilentExit exits with code without printing anything more.
func SilentExit(code int) error { return &ExitError{Code: code, Silent: true} }

// GroupArgs and GroupRun make a command that only groups verbs refuse an unknown
// verb with exit 2, instead of printing its help and succeeding.
var GroupArgs = func(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return UsageErrorf("unknown command %q for %q; see '%s --help'", args[0], cmd.CommandPath(), cmd.CommandPath())
	}
	return nil
}

// GroupRun shows the group's help.
func GroupRun(cmd *cobra.Command, args []string) error { return cmd.Help() }
