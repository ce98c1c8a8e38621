package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/oomtriage/oomtriage/correlate"
	"github.com/oomtriage/oomtriage/parse"
	"github.com/oomtriage/oomtriage/report"
)

type analyzeCmd struct {
	Paths    []string `arg:"" name:"path" help:"Log files or folders to read; - reads standard input."`
	Output   string   `short:"o" enum:"text,json" default:"text" help:"Report format: text or json."`
	Timezone string   `help:"Time zone of stamps that carry none (dmesg -T, syslog), e.g. Europe/Berlin (default: UTC)."`
	Year     int      `help:"Year of syslog and journal stamps that print none (default: such stamps give no wall-clock time)."`
}

func (a *analyzeCmd) Run(e env) error {
	clk := parse.Clock{Year: a.Year}
	if a.Timezone != "" {
		loc, err := time.LoadLocation(a.Timezone)
		if err != nil {
			return &exitError{exitUsage, fmt.Errorf("--timezone %q: %w", a.Timezone, err)}
		}
		clk.Location = loc
	}
	rep := report.New(version)
	col := correlate.NewCollector()
	read := 0
	for _, p := range a.Paths {
		for _, in := range expand(p, e.stderr) {
			if a.scan(e, in, rep, col) {
				read++
			}
		}
	}
	rep.Incidents = col.Incidents(func(string) correlate.HostContext { return correlate.HostContext{Clock: clk} })
	if err := a.write(e.stdout, rep); err != nil {
		return err
	}
	if read == 0 {
		return &exitError{exitFailure, errors.New("no input could be read")}
	}
	return nil
}

// scan reads one input into the collector and the report's inputs. It
// reports whether the input could be opened and read at all.
func (a *analyzeCmd) scan(e env, path string, rep *report.Report, col *correlate.Collector) bool {
	r, closeFn, err := open(path, e.stdin)
	if err != nil {
		fmt.Fprintf(e.stderr, "oomtriage: %v\n", err)
		rep.Inputs = append(rep.Inputs, report.Input{Path: path, Kind: "unknown", Formats: []string{}, Errors: []string{err.Error()}})
		return false
	}
	defer closeFn()
	st, err := parse.ScanKernelLog(e.ctx, path, r, func(d *parse.Dump) { col.AddDump(path, "", d) })
	if err != nil {
		fmt.Fprintf(e.stderr, "oomtriage: %v (kept what was read before it)\n", err)
	}
	rep.Inputs = append(rep.Inputs, inputOf(st))
	rep.Warnings = append(rep.Warnings, st.Notes...)
	return st.Lines > 0 || err == nil
}

func (a *analyzeCmd) write(w io.Writer, rep *report.Report) error {
	if a.Output == "json" {
		return report.WriteJSON(w, rep)
	}
	return report.WriteText(w, rep)
}

func inputOf(st parse.InputStats) report.Input {
	in := report.Input{Path: st.Path, Bytes: st.Bytes, Lines: st.Lines, Incidents: st.Dumps,
		Formats: []string{}, Errors: st.Errors, Kind: "unknown"}
	if in.Errors == nil {
		in.Errors = []string{}
	}
	for _, f := range st.Formats {
		in.Formats = append(in.Formats, string(f))
	}
	if len(st.Formats) > 0 {
		in.Kind = kindOf(st.Formats[0])
	}
	return in
}

// kindOf names an input's kind after its main carrier.
func kindOf(f parse.Format) string {
	switch f {
	case parse.FormatSyslog, parse.FormatSyslog5424:
		return "syslog"
	case parse.FormatJournalJSON, parse.FormatJournalMono:
		return "journal"
	case parse.FormatKlog:
		return "kubelet"
	}
	return "kernel"
}

// expand turns a folder into its files, in a stable order.
func expand(path string, stderr io.Writer) []string {
	fi, err := os.Stat(path)
	if path == "-" || err != nil || !fi.IsDir() {
		return []string{path}
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			fmt.Fprintf(stderr, "oomtriage: %v\n", err)
			return nil
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		fmt.Fprintf(stderr, "oomtriage: %s: %v\n", path, err)
	}
	sort.Strings(files)
	return files
}

// open returns a reader for a path, or standard input for "-". Binary and
// compressed files are refused with a clear error rather than read as text.
func open(path string, stdin io.Reader) (io.Reader, func(), error) {
	if path == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	head := make([]byte, 8192)
	n, _ := io.ReadFull(f, head)
	if bytes.IndexByte(head[:n], 0) >= 0 {
		f.Close()
		return nil, nil, fmt.Errorf("%s: binary or compressed file, not read (archives and compressed logs are not supported yet)", path)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, func() { f.Close() }, nil
}
