// Command oomtriage finds the kernel OOM killer's kills in logs and support
// bundles and reports which process died, where, why, and what happened next.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/alecthomas/kong"
)

// Set by the release build (-ldflags "-X main.version=…").
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // no input could be read, or the report could not be written
	exitUsage   = 2

	exitFindings = 3 // analyze --fail-on: a finding at or above the severity was reported
)

type cli struct {
	Analyze analyzeCmd `cmd:"" help:"Read logs and report every OOM kill they hold."`
	Watch   watchCmd   `cmd:"" help:"Follow this node's kernel log (/dev/kmsg) and report each OOM kill as it happens."`
	Rank    rankCmd    `cmd:"" help:"Rank this node's processes (or a sosreport's) by what the OOM killer would kill next."`
	Version versionCmd `cmd:"" help:"Print version, commit and build date."`

	Completion completionCmd `cmd:"" help:"Print the shell completion script for bash, zsh or fish."`
	Man        manCmd        `cmd:"" hidden:"" help:"Print the man page (roff) on standard output."`
}

// env is what a command may touch: its streams and a context that ends on
// SIGINT or SIGTERM.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// kongExit unwinds kong's own exits (after --help) without ending the process
// inside run, so that run stays testable.
type kongExit struct{ code int }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(os.Args[1:], env{ctx: ctx, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// run parses args, runs the command and returns the process's exit code.
func run(args []string, e env) (code int) {
	var c cli
	parser, err := kong.New(&c,
		kong.Name("oomtriage"),
		kong.Description("Which process did the kernel's OOM killer kill, in which pod and container, why that one, and what happened next."),
		kong.Writers(e.stdout, e.stderr),
		kong.Exit(func(code int) { panic(kongExit{code}) }),
		kong.UsageOnError(),
	)
	if err != nil {
		fmt.Fprintf(e.stderr, "oomtriage: %v\n", err)
		return exitFailure
	}
	defer func() {
		if r := recover(); r != nil {
			ke, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			code = ke.code
		}
	}()
	completeCLI(parser) // answers the shell's completion request (COMP_LINE) and exits
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintf(e.stderr, "oomtriage: %v\n", err)
		return exitUsage
	}
	if err := kctx.Run(e); err != nil {
		fmt.Fprintf(e.stderr, "oomtriage: %v\n", err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return exitFailure
	}
	return exitOK
}

type versionCmd struct{}

func (versionCmd) Run(e env) error {
	_, err := fmt.Fprintf(e.stdout, "oomtriage %s (commit %s, built %s)\n", version, commit, date)
	return err
}
