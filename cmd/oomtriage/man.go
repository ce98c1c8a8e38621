package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kong"
)

// manCmd prints the man page oomtriage(1) in roff, generated from the kong
// model, so the commands, arguments and flags it lists are those of this
// binary. The release build runs it (goreleaser.yaml) and ships
// manpages/oomtriage.1.gz.
//
// The page is written here rather than with alecthomas/mango-kong v0.1.0:
// that generator runs the first flag of every command into its own heading
// (a missing .TP), lists no positional arguments, enum values or
// defaults, passes help text to Printf as a format (a '%' in a help string
// breaks it), and dates the page with the time of the build, which makes
// the packages irreproducible.
type manCmd struct{}

func (manCmd) Run(ctx *kong.Context, e env) error {
	_, err := fmt.Fprint(e.stdout, manPage(ctx.Model, manDate()))
	return err
}

const manSummary = "find and explain the kernel OOM killer's kills in logs and support bundles"

// manPage is the roff source of oomtriage(1) for the model.
func manPage(app *kong.Application, date time.Time) string {
	var b strings.Builder
	name := app.Name
	fmt.Fprintf(&b, ".TH %s 1 %q %q %q\n", strings.ToUpper(name), date.Format("2006-01-02"), name+" "+version, "User Commands")
	b.WriteString(".SH NAME\n")
	fmt.Fprintf(&b, "%s \\- %s\n", name, roffText(manSummary))

	cmds := manCommands(app.Node)
	b.WriteString(".SH SYNOPSIS\n")
	for i, c := range cmds {
		if i > 0 {
			b.WriteString(".br\n")
		}
		fmt.Fprintf(&b, "\\fB%s %s\\fR %s\n", name, roffText(c.Path()), roffText(manArgs(c)))
	}
	b.WriteString(".SH DESCRIPTION\n")
	b.WriteString(roffParagraphs(app.Help))
	if flags := visibleFlags(app.Node.Flags); len(flags) > 0 {
		b.WriteString(".SH OPTIONS\n")
		for _, f := range flags {
			writeManFlag(&b, f)
		}
	}
	b.WriteString(".SH COMMANDS\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, ".SS \"%s %s\"\n", name, roffText(strings.TrimSpace(c.Path()+" "+manArgs(c))))
		b.WriteString(roffParagraphs(c.Help))
		if c.Detail != "" {
			b.WriteString(".PP\n" + roffParagraphs(c.Detail))
		}
		for _, p := range c.Positional {
			fmt.Fprintf(&b, ".TP\n\\fI%s\\fR\n%s\n", roffText(p.Name), roffText(withEnum(p.Help, p)))
		}
		for _, f := range visibleFlags(c.Flags) {
			writeManFlag(&b, f)
		}
	}
	for _, s := range manSections {
		fmt.Fprintf(&b, ".SH %s\n", strings.ToUpper(s.title))
		for i, line := range s.lines {
			switch {
			case strings.HasPrefix(line, "$ "):
				fmt.Fprintf(&b, ".PP\n.nf\n.RS 4\n%s\n.RE\n.fi\n", roffText(line[2:]))
			case strings.Contains(line, "\t"):
				tag, text, _ := strings.Cut(line, "\t")
				fmt.Fprintf(&b, ".TP\n\\fB%s\\fR\n%s\n", roffText(tag), roffText(text))
			default:
				if i > 0 {
					b.WriteString(".PP\n")
				}
				b.WriteString(roffText(line) + "\n")
			}
		}
	}
	return b.String()
}

// manCommands lists the visible leaf commands, depth first.
func manCommands(n *kong.Node) []*kong.Node {
	var out []*kong.Node
	for _, c := range n.Children {
		if c.Hidden {
			continue
		}
		if len(c.Children) > 0 {
			out = append(out, manCommands(c)...)
			continue
		}
		out = append(out, c)
	}
	return out
}

// manArgs is a command's synopsis after its name: [flags] and positionals.
func manArgs(c *kong.Node) string {
	var parts []string
	if len(visibleFlags(c.Flags)) > 0 {
		parts = append(parts, "[flags]")
	}
	for _, p := range c.Positional {
		parts = append(parts, p.Summary())
	}
	return strings.Join(parts, " ")
}

func visibleFlags(fs []*kong.Flag) []*kong.Flag {
	var out []*kong.Flag
	for _, f := range fs {
		if !f.Hidden {
			out = append(out, f)
		}
	}
	return out
}

// writeManFlag writes one flag as a tagged paragraph: -o, --output=FORMAT
// and its help, its values and its default.
func writeManFlag(b *strings.Builder, f *kong.Flag) {
	tag := "\\fB" + roffText("--"+f.Name) + "\\fR"
	if f.Short != 0 {
		tag = "\\fB" + roffText("-"+string(f.Short)) + "\\fR, " + tag
	}
	if !f.IsBool() && !f.IsCounter() {
		var ph string
		switch {
		case f.PlaceHolder != "":
			ph = f.FormatPlaceHolder() // KEY, or KEY,... for a list
		case f.Enum != "":
			ph = strings.Trim(strings.ReplaceAll(f.Enum, ",", "|"), "|")
		default:
			ph = strings.ToUpper(f.Name)
		}
		tag += "=\\fI" + roffText(ph) + "\\fR"
	}
	help := withEnum(f.Help, f.Value)
	if f.HasDefault && f.Default != "" {
		help += " Default: " + f.Default + "."
	}
	for _, env := range f.Envs {
		help += " Environment: " + env + "."
	}
	fmt.Fprintf(b, ".TP\n%s\n%s\n", tag, roffText(help))
}

// withEnum adds the values of an enum that the help does not name.
func withEnum(help string, v *kong.Value) string {
	if v.Enum == "" {
		return help
	}
	var vals []string
	for _, e := range v.EnumSlice() {
		if e != "" && !strings.Contains(help, e) {
			vals = append(vals, e)
		}
	}
	if len(vals) > 0 {
		help += " One of: " + strings.Join(vals, ", ") + "."
	}
	return help
}

// roffText escapes text for roff: backslashes; dashes, which groff may
// print as hyphens that a pasted command line would not take; and a dot or
// apostrophe that would start a line and so be read as a request.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// roffParagraphs turns blank-line separated text into .PP paragraphs.
func roffParagraphs(s string) string {
	var b strings.Builder
	for i, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if i > 0 {
			b.WriteString(".PP\n")
		}
		b.WriteString(roffText(strings.TrimSpace(p)) + "\n")
	}
	return b.String()
}

// manSections follow COMMANDS. A line "tag\ttext" is a tagged paragraph,
// "$ command" an example, anything else a paragraph.
var manSections = []struct {
	title string
	lines []string
}{
	{"Exit status", []string{
		"0\tSuccess.",
		"1\tNo input could be read, or a report file (--html, --parquet, --state) could not be written.",
		"2\tUsage error.",
		"3\tanalyze --fail-on: an incident in the report has a finding of that severity or above. The reports were written first.",
		"Reports go to standard output, diagnostics to standard error. A bad input is named on standard error and in the report, and the run goes on with the others.",
	}},
	{"Environment", []string{
		"OOMTRIAGE_PURE_GO\tSet to 1 to turn off the xz, zstd and pigz child processes used for decompression when they are installed.",
		"COMP_LINE, COMP_POINT\tSet by the completion scripts (oomtriage completion bash|zsh|fish) to ask oomtriage for the candidates of the line being edited.",
	}},
	{"Examples", []string{
		"Report on a sosreport:",
		"$ oomtriage analyze sosreport-worker-3.tar.xz",
		"Every bundle of a folder, as JSON and as a Parquet dataset:",
		"$ oomtriage analyze -o json --parquet oom/ bundles/",
		"From cron: read only the files that are new or changed since the last run, print the incidents of the last day one per line, and exit with 3 when one of them has a warning:",
		"$ oomtriage analyze -q --state /var/lib/oomtriage/state --since 24h --fail-on warning -o jsonl /var/log/archive/",
	}},
	{"See also", []string{
		"The README at https://github.com/oomtriage/oomtriage describes the inputs read, the JSON report and the Parquet dataset.",
	}},
}

// manDate dates the page reproducibly: SOURCE_DATE_EPOCH when set
// (goreleaser.yaml sets it to the commit's time), else the build date of a
// release binary, else today.
func manDate() time.Time {
	if s, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil && s > 0 {
		return time.Unix(s, 0).UTC()
	}
	if d, err := time.Parse(time.RFC3339, date); err == nil {
		return d.UTC()
	}
	return time.Now().UTC()
}
