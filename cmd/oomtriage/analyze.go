package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/oomtriage/oomtriage/correlate"
	"github.com/oomtriage/oomtriage/parse"
	"github.com/oomtriage/oomtriage/parse/archive"
	"github.com/oomtriage/oomtriage/parse/bundle"
	"github.com/oomtriage/oomtriage/parse/ingest"
	"github.com/oomtriage/oomtriage/report"
)

type analyzeCmd struct {
	Paths       []string `arg:"" name:"path" help:"Log files, folders, archives or bundles to read; - reads standard input."`
	Output      string   `short:"o" enum:"text,json,markdown,html" default:"text" help:"Report format on standard output: text, json, markdown or html."`
	HTML        string   `name:"html" placeholder:"FILE" help:"Also write the HTML report to FILE."`
	Parquet     string   `placeholder:"DIR" help:"Also write the Parquet dataset (tables incidents, tasks, pods, containers, kubelet_events, inputs) under DIR."`
	PartitionBy []string `enum:"host,date" placeholder:"KEY" help:"Hive-style partitions of the Parquet dataset: host, date or both (comma-separated)."`
	Timezone    string   `help:"Time zone of stamps that carry none (dmesg -T, syslog), e.g. Europe/Berlin. Default: the bundle's zone, else UTC."`
	Year        int      `help:"Year of syslog and klog stamps that print none. Default: the bundle's collection date; without one such stamps give no wall-clock time."`
	Workers     int      `help:"Inputs read at once (default: number of CPUs)."`
	Quiet       bool     `short:"q" help:"No progress bars (they are shown only when stderr is a terminal)."`

	MaxTotalBytes  byteSize `default:"64GiB" help:"Stop reading an input after this many decompressed bytes."`
	MaxMemberBytes byteSize `default:"8GiB" help:"Stop reading one archive member after this many decompressed bytes."`
	MaxDepth       int      `default:"6" help:"Deepest nesting of archives and compression read."`
	MaxMembers     int      `default:"1000000" help:"Most archive members read per input."`
}

func (a *analyzeCmd) Run(e env) error {
	clk, err := a.clock()
	if err != nil {
		return &exitError{exitUsage, err}
	}
	opt := ingest.Options{Limits: a.limits(), Workers: a.Workers, Stdin: e.stdin}
	bars := newProgress(e.stderr, a.Quiet)
	if bars != nil {
		opt.Progress = bars
	}
	res, err := ingest.Run(e.ctx, a.Paths, opt)
	if bars != nil {
		bars.Wait()
	}
	if err != nil {
		return err
	}
	rep := report.New(version)
	col := correlate.NewCollector()
	events := 0
	for _, m := range res.Members {
		events += len(m.Events) + len(m.Objects.Events)
	}
	col.ReserveEvents(events)
	for i := range res.Members {
		addMember(rep, col, res.Members[i])
		// The collector has them now; let the member's copy go.
		res.Members[i].Dumps, res.Members[i].Events, res.Members[i].Objects = nil, nil, parse.Objects{}
	}
	addProblems(rep, res, e.stderr)
	hostFor := hostContexts(res, clk)
	an := col.Analyze(hostFor)
	rep.Incidents, rep.Pods, rep.KubeletEvents = an.Incidents, an.Pods, an.Events
	addHosts(rep, res)
	if err := a.write(e.stdout, rep); err != nil {
		return err
	}
	if err := a.writeFiles(rep); err != nil {
		return &exitError{exitFailure, err}
	}
	if len(res.Members) == 0 && len(res.Skipped) == 0 {
		return &exitError{exitFailure, errors.New("no input could be read")}
	}
	return nil
}

func (a *analyzeCmd) clock() (parse.Clock, error) {
	clk := parse.Clock{Year: a.Year}
	if a.Timezone != "" {
		loc, err := time.LoadLocation(a.Timezone)
		if err != nil {
			return clk, fmt.Errorf("--timezone %q: %w", a.Timezone, err)
		}
		clk.Location = loc
	}
	return clk, nil
}

func (a *analyzeCmd) limits() archive.Limits {
	return archive.Limits{MaxTotalBytes: int64(a.MaxTotalBytes), MaxMemberBytes: int64(a.MaxMemberBytes),
		MaxDepth: a.MaxDepth, MaxMembers: a.MaxMembers}
}

func (a *analyzeCmd) write(w io.Writer, rep *report.Report) error {
	switch a.Output {
	case "json":
		return report.WriteJSON(w, rep)
	case "markdown":
		return report.WriteMarkdown(w, rep)
	case "html":
		return report.WriteHTML(w, rep)
	}
	return report.WriteText(w, rep)
}

// writeFiles writes the reports that go to files: --html and --parquet.
func (a *analyzeCmd) writeFiles(rep *report.Report) error {
	if a.HTML != "" {
		if err := writeFileAtomic(a.HTML, func(w io.Writer) error { return report.WriteHTML(w, rep) }); err != nil {
			return fmt.Errorf("--html: %w", err)
		}
	}
	if a.Parquet != "" {
		opt := report.ParquetOptions{Dir: a.Parquet, PartitionBy: a.PartitionBy, InputDigest: inputDigest(rep)}
		if err := report.WriteParquet(rep, opt); err != nil {
			return fmt.Errorf("--parquet: %w", err)
		}
	}
	return nil
}

// inputDigest names a run's inputs: the same files give the same digest,
// so that a re-run replaces its Parquet files instead of adding to them.
func inputDigest(rep *report.Report) string {
	h := sha256.New()
	for _, in := range rep.Inputs {
		fmt.Fprintf(h, "%s\x00%d\x00%d\n", in.Path, in.Bytes, in.Lines)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// writeFileAtomic writes a file under a temporary name and renames it, so a
// failed run never leaves half a report.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriter(f)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// addMember passes what one member held to the collector and lists it
// among the inputs.
func addMember(rep *report.Report, col *correlate.Collector, m ingest.Member) {
	for _, d := range m.Dumps {
		col.AddDump(m.Path, m.HostKey, d)
	}
	col.AddEvents(m.HostKey, m.Events)
	col.AddObjects(m.HostKey, m.Objects)
	in := report.Input{Path: m.Path, Kind: string(m.Kind), Bytes: m.Stats.Bytes, Lines: m.Stats.Lines,
		Truncated: m.Truncated, Incidents: m.Stats.Dumps, Formats: []string{}, Errors: append([]string{}, m.Stats.Errors...)}
	for _, f := range m.Stats.Formats {
		in.Formats = append(in.Formats, string(f))
	}
	if m.Err != nil && len(in.Errors) == 0 {
		in.Errors = append(in.Errors, m.Err.Error())
	}
	rep.Inputs = append(rep.Inputs, in)
	rep.Warnings = append(rep.Warnings, m.Stats.Notes...)
}

// addProblems reports what could not be read, on stderr and in the report.
func addProblems(rep *report.Report, res *ingest.Result, stderr io.Writer) {
	for _, p := range res.Problems {
		fmt.Fprintf(stderr, "oomtriage: %s: %s\n", p.Path, p.Err)
		if p.Failed {
			rep.Inputs = append(rep.Inputs, report.Input{Path: p.Path, Kind: "unknown", Formats: []string{}, Errors: []string{p.Err}})
			continue
		}
		rep.Warnings = append(rep.Warnings, p.Path+": "+p.Err)
	}
	for _, s := range res.Skipped {
		rep.Skipped = append(rep.Skipped, report.Skipped{Path: s.Path, Members: s.Members, Bytes: s.Bytes})
	}
}

// hostContexts gives each host its name and clock: flags first, then what
// the bundle's fact files say.
func hostContexts(res *ingest.Result, flags parse.Clock) func(string) correlate.HostContext {
	return func(key string) correlate.HostContext {
		hc := correlate.HostContext{Clock: flags}
		h := res.Hosts[key]
		if h == nil {
			return hc
		}
		hc.Hostname = h.Name()
		hc.MemTotalBytes = h.Facts.MemTotalBytes
		hc.Clock.BootTime, hc.Clock.Collected = h.Facts.BootTime, h.Facts.Collected
		if hc.Clock.Location == nil {
			hc.Clock.Location = h.Facts.Location
		}
		return hc
	}
}

// addHosts lists the bundle hosts and what each lacks: a bundle without a
// kernel log cannot show an OOM kill, which is not the same as none.
func addHosts(rep *report.Report, res *ingest.Result) {
	for _, key := range res.HostKeys() {
		h := res.Hosts[key]
		out := report.Host{Key: key, Name: optString(h.Name()), Layout: string(h.Layout),
			KernelRelease: optString(h.Facts.KernelRelease), MemTotalBytes: h.Facts.MemTotalBytes,
			Inputs: map[string]int{}, Missing: []string{}}
		for k, n := range h.Kinds {
			out.Inputs[string(k)] = n
		}
		if t := h.Facts.BootTime; t != nil {
			out.BootTime = optString(correlate.FormatTime(*t))
		}
		if t := h.Facts.Collected; t != nil {
			out.Collected = optString(correlate.FormatTime(*t))
		}
		if l := h.Facts.Location; l != nil {
			out.TimeZone = optString(l.String())
		}
		if h.Kinds[bundle.KindKernel]+h.Kinds[bundle.KindSyslog]+h.Kinds[bundle.KindJournal] == 0 {
			out.Missing = append(out.Missing, "kernel log")
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: no kernel log (dmesg, journal or messages) in this bundle: no OOM kill can be seen, which does not mean there was none", key))
		}
		rep.Hosts = append(rep.Hosts, out)
	}
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
