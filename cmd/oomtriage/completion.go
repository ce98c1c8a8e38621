package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"
)

// Shell completion follows the protocol of posener/complete, through
// kongplete: the shell runs oomtriage itself with COMP_LINE (and
// COMP_POINT) set to the line being edited, and oomtriage prints the
// candidates, one per line, from the kong model: commands, flags, enum
// values, and file or folder names where the `predictor` tag says so.
// The scripts below only hand the line over.

// completionPredictors are the names the `predictor` struct tags use.
var completionPredictors = map[string]complete.Predictor{
	"file":     pathPredictor(true),
	"dir":      pathPredictor(false),
	"severity": complete.PredictSet("warning", "error"), // analyze --fail-on
}

// pathPredictor completes the path being typed with the names in its
// folder: folders with a trailing slash, and files too when files is set.
// (posener/complete's own file predictor drops paths that start with
// "../".) Hidden names are offered once a dot is typed; "~/" is kept as
// typed.
func pathPredictor(files bool) complete.Predictor {
	return complete.PredictFunc(func(a complete.Args) []string {
		typed := a.Last
		dir, prefix := "", typed
		if i := strings.LastIndexByte(typed, '/'); i >= 0 {
			dir, prefix = typed[:i+1], typed[i+1:]
		}
		list := dir
		if list == "" {
			list = "."
		} else if rest, ok := strings.CutPrefix(list, "~/"); ok {
			if home, err := os.UserHomeDir(); err == nil {
				list = filepath.Join(home, rest)
			}
		}
		entries, err := os.ReadDir(list)
		if err != nil {
			return nil
		}
		var out []string
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, prefix) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(prefix, ".")) {
				continue
			}
			isDir := e.IsDir()
			if e.Type()&os.ModeSymlink != 0 {
				if fi, err := os.Stat(filepath.Join(list, name)); err == nil {
					isDir = fi.IsDir()
				}
			}
			switch {
			case isDir:
				out = append(out, dir+name+"/")
			case files:
				out = append(out, dir+name)
			}
		}
		return out
	})
}

// completeCLI answers a completion request (COMP_LINE set) on the parser's
// stdout and exits through the parser; without one it returns at once.
func completeCLI(parser *kong.Kong) {
	kongplete.Complete(parser, kongplete.WithPredictors(completionPredictors))
}

type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"bash, zsh or fish."`
}

func (c completionCmd) Run(e env) error {
	_, err := fmt.Fprint(e.stdout, completionScripts[c.Shell])
	return err
}

// completionScripts call the oomtriage found on PATH, so one script serves
// a package (/usr/bin) and a binary unpacked anywhere else.
var completionScripts = map[string]string{
	// Install as /usr/share/bash-completion/completions/oomtriage, or
	// source it: source <(oomtriage completion bash)
	"bash": `# bash completion for oomtriage
complete -C oomtriage oomtriage
`,
	// Install as _oomtriage in a folder of $fpath (such as
	// /usr/share/zsh/site-functions), or source it after compinit:
	// source <(oomtriage completion zsh)
	"zsh": `#compdef oomtriage
# zsh completion for oomtriage

_oomtriage() {
  local line="${(j: :)words[1,CURRENT]}"
  local -a candidates dirs others
  candidates=("${(@f)$(COMP_LINE="$line" COMP_POINT=${#line} oomtriage 2>/dev/null)}")
  local c
  for c in $candidates; do
    [[ -z $c ]] && continue
    if [[ $c == */ ]]; then dirs+=("$c"); else others+=("$c"); fi
  done
  (( ${#dirs} )) && compadd -Q -S '' -- $dirs
  (( ${#others} )) && compadd -Q -- $others
  return 0
}

if [[ "$funcstack[1]" == _oomtriage ]]; then
  _oomtriage "$@"
else
  compdef _oomtriage oomtriage
fi
`,
	// Install as /usr/share/fish/vendor_completions.d/oomtriage.fish, or
	// ~/.config/fish/completions/oomtriage.fish.
	"fish": `# fish completion for oomtriage
function __complete_oomtriage
    set -lx COMP_LINE (commandline -cp)
    test -z (commandline -ct)
    and set COMP_LINE "$COMP_LINE "
    oomtriage
end
complete -f -c oomtriage -a "(__complete_oomtriage)"
`,
}
