package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/oomtriage/oomtriage/correlate"
	"github.com/oomtriage/oomtriage/parse"
	"github.com/oomtriage/oomtriage/parse/archive"
	"github.com/oomtriage/oomtriage/parse/bundle"
	"github.com/oomtriage/oomtriage/parse/ingest"
	"github.com/oomtriage/oomtriage/report"
)

type analyzeCmd struct {
	Paths       []string `arg:"" name:"path" predictor:"file" help:"Log files, folders, archives or bundles to read; - reads standard input."`
	Output      string   `short:"o" enum:"text,json,jsonl,markdown,html" default:"text" help:"Report format on standard output: text, json, jsonl (one incident per line, for log shippers), markdown or html."`
	HTML        string   `name:"html" placeholder:"FILE" predictor:"file" help:"Also write the HTML report to FILE."`
	Parquet     string   `placeholder:"DIR" predictor:"dir" help:"Also write the Parquet dataset (tables incidents, tasks, pods, containers, kubelet_events, inputs) under DIR."`
	PartitionBy []string `enum:"host,date" placeholder:"KEY" help:"Hive-style partitions of the Parquet dataset: host, date or both (comma-separated)."`
	Timezone    string   `help:"Time zone of stamps that carry none (dmesg -T, syslog), e.g. Europe/Berlin. Default: the bundle's zone, else UTC."`
	Year        int      `help:"Year of syslog and klog stamps that print none. Default: the bundle's collection date; without one such stamps give no wall-clock time."`
	Workers     int      `help:"Inputs read at once (default: number of CPUs)."`
	Quiet       bool     `short:"q" help:"No progress bars (they are shown only when stderr is a terminal)."`

	State  string `placeholder:"FILE" predictor:"file" help:"Remember what each input file gave (path, size, mtime, digest of its head and tail, and its parse output) in FILE, and on the next run read only the files that are new or changed; the report is the same as a full run's. FILE is rewritten atomically after each run; a damaged one is named on stderr and rebuilt."`
	Since  string `placeholder:"TIME" help:"Report only incidents and kubelet events at or after TIME: RFC 3339 (2026-11-27T11:00:00Z), a date (2026-11-27, UTC) or a time ago (30m, 24h, 7d). Incidents without a wall-clock time are kept."`
	Until  string `placeholder:"TIME" help:"Report only incidents and kubelet events at or before TIME (same forms as --since). Incidents without a wall-clock time are kept."`
	FailOn string `placeholder:"SEVERITY" predictor:"severity" help:"Exit with code 3, after writing the reports, when an incident reported has a finding of this severity or above: warning or error."`

	MaxTotalBytes  byteSize `default:"64GiB" help:"Stop reading an input after this many decompressed bytes."`
	MaxMemberBytes byteSize `default:"8GiB" help:"Stop reading one archive member after this many decompressed bytes."`
	MaxDepth       int      `default:"6" help:"Deepest nesting of archives and compression read."`
	MaxMembers     int      `default:"1000000" help:"Most archive members read per input."`
	MaxSpoolBytes  byteSize `default:"256MiB" help:"Largest zip found inside a stream that is buffered in memory to be read."`

	NodeMemory byteSize `placeholder:"SIZE" help:"Memory capacity (MemTotal) of the nodes, for the expected oom_score_adj of Burstable containers when no proc/meminfo or Node object says it (e.g. 16GiB)."`
	Color      string   `enum:"auto,always,never" default:"auto" help:"Colour in the text report: auto (on a terminal, unless NO_COLOR is set), always or never."`
}

func (a *analyzeCmd) Run(e env) error {
	clk, err := a.clock()
	if err != nil {
		return &exitError{exitUsage, err}
	}
	if a.FailOn != "" && a.FailOn != "warning" && a.FailOn != "error" {
		return &exitError{exitUsage, fmt.Errorf("--fail-on must be warning or error, not %q", a.FailOn)}
	}
	now := time.Now()
	win, err := a.window(now)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	opt := ingest.Options{Limits: a.limits(), Workers: a.Workers, Stdin: e.stdin}
	var state *stateFile
	if a.State != "" {
		state = openState(a.State, toolID(), opt.Limits, func(msg string) { fmt.Fprintf(e.stderr, "oomtriage: %s\n", msg) })
		opt.Cache, opt.Exclude = state, []string{a.State}
	}
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
	if onIngest != nil {
		onIngest(res)
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
	hostFor := hostContexts(res, clk, int64(a.NodeMemory))
	an := col.Analyze(hostFor)
	rep.Incidents, rep.Pods, rep.KubeletEvents = an.Incidents, an.Pods, an.Events
	addHosts(rep, res)
	win.apply(rep)
	if err := a.write(e.stdout, rep); err != nil {
		return err
	}
	if err := a.writeFiles(rep); err != nil {
		return &exitError{exitFailure, err}
	}
	if state != nil {
		if err := state.write(now); err != nil {
			return &exitError{exitFailure, fmt.Errorf("--state: %w", err)}
		}
	}
	if len(res.Members) == 0 && len(res.Skipped) == 0 {
		return &exitError{exitFailure, errors.New("no input could be read")}
	}
	if n := countFindings(rep.Incidents, a.FailOn); n > 0 {
		return &exitError{exitFindings, fmt.Errorf("--fail-on %s: %d incident(s) with a finding of severity %s or above", a.FailOn, n, a.FailOn)}
	}
	return nil
}

// onIngest, when set (by tests), is given what the inputs held, before the
// analysis.
var onIngest func(*ingest.Result)

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
		MaxDepth: a.MaxDepth, MaxMembers: a.MaxMembers, MaxSpoolBytes: int64(a.MaxSpoolBytes)}
}

func (a *analyzeCmd) write(w io.Writer, rep *report.Report) error {
	switch a.Output {
	case "json":
		return report.WriteJSON(w, rep)
	case "jsonl":
		return writeJSONLines(w, rep)
	case "markdown":
		return report.WriteMarkdown(w, rep)
	case "html":
		return report.WriteHTML(w, rep)
	}
	return report.WriteTextWith(w, rep, report.TextOptions{Color: useColor(a.Color, w)})
}

// useColor decides on colour: always and never win; auto colours only a
// terminal, and not when NO_COLOR is set to anything (no-color.org).
func useColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
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
// --node-memory stands in for MemTotal where the inputs do not say it.
func hostContexts(res *ingest.Result, flags parse.Clock, nodeMemory int64) func(string) correlate.HostContext {
	var fallback *int64
	if nodeMemory > 0 {
		fallback = &nodeMemory
	}
	return func(key string) correlate.HostContext {
		hc := correlate.HostContext{Clock: flags, MemTotalFallback: fallback}
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

// writeJSONLines writes one incident per line (JSON Lines), in the report's
// order, each as the JSON report writes it, compact. No incidents is no
// output.
func writeJSONLines(w io.Writer, rep *report.Report) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range rep.Incidents {
		if err := enc.Encode(&rep.Incidents[i]); err != nil {
			return fmt.Errorf("writing JSON Lines: %w", err)
		}
	}
	return bw.Flush()
}

// severityRank orders finding severities for --fail-on.
var severityRank = map[string]int{"info": 1, "warning": 2, "error": 3}

// countFindings counts the incidents with a finding at or above severity;
// "" counts none.
func countFindings(incs []correlate.Incident, severity string) int {
	min := severityRank[severity]
	if min == 0 {
		return 0
	}
	n := 0
	for _, inc := range incs {
		for _, f := range inc.Findings {
			if severityRank[f.Severity] >= min {
				n++
				break
			}
		}
	}
	return n
}

// timeWindow is --since and --until; nil bounds are open.
type timeWindow struct {
	since, until *time.Time
}

func (a *analyzeCmd) window(now time.Time) (timeWindow, error) {
	var w timeWindow
	for _, b := range []struct {
		flag, value string
		to          **time.Time
	}{{"--since", a.Since, &w.since}, {"--until", a.Until, &w.until}} {
		if b.value == "" {
			continue
		}
		t, err := parseTimeBound(b.value, now)
		if err != nil {
			return w, fmt.Errorf("%s: %w", b.flag, err)
		}
		*b.to = &t
	}
	if w.since != nil && w.until != nil && w.until.Before(*w.since) {
		return w, fmt.Errorf("--until %s is before --since %s", a.Until, a.Since)
	}
	return w, nil
}

// parseTimeBound reads an RFC 3339 time, a date (midnight UTC), "now", or a
// time ago: a Go duration (90m, 24h, 1h30m) or a number of days or weeks
// (7d, 2w), with or without a leading minus.
func parseTimeBound(s string, now time.Time) (time.Time, error) {
	v := strings.TrimSpace(s)
	if v == "now" {
		return now, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	ago := strings.TrimPrefix(v, "-")
	var d time.Duration
	var err error
	switch num := strings.TrimRight(ago, "dw"); {
	case len(num) == len(ago)-1 && num != "":
		// days or weeks, which time.ParseDuration lacks
		var f float64
		f, err = strconv.ParseFloat(num, 64)
		d = time.Duration(f * float64(24*time.Hour))
		if strings.HasSuffix(ago, "w") {
			d *= 7
		}
	default:
		d, err = time.ParseDuration(ago)
	}
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("%q is not a time: use RFC 3339 (2026-11-27T11:00:00Z), a date (2026-11-27) or a time ago (30m, 24h, 7d)", s)
	}
	return now.Add(-d), nil
}

// in reports whether a stamp of the report (RFC 3339, or nil when unknown)
// is inside the window; an unknown time is.
func (w timeWindow) in(stamp *string) bool {
	if stamp == nil || (w.since == nil && w.until == nil) {
		return true
	}
	t, err := time.Parse(time.RFC3339Nano, *stamp)
	if err != nil {
		return true
	}
	return (w.since == nil || !t.Before(*w.since)) && (w.until == nil || !t.After(*w.until))
}

// apply drops the incidents and kubelet events outside the window and says
// how many went in the report's warnings.
func (w timeWindow) apply(rep *report.Report) {
	if w.since == nil && w.until == nil {
		return
	}
	incs := rep.Incidents[:0]
	for _, inc := range rep.Incidents {
		if w.in(inc.Time) {
			incs = append(incs, inc)
		}
	}
	evs := rep.KubeletEvents[:0]
	for _, ev := range rep.KubeletEvents {
		if w.in(ev.Time) {
			evs = append(evs, ev)
		}
	}
	dropInc, dropEv := len(rep.Incidents)-len(incs), len(rep.KubeletEvents)-len(evs)
	clear(rep.Incidents[len(incs):])
	clear(rep.KubeletEvents[len(evs):])
	rep.Incidents, rep.KubeletEvents = incs, evs
	if dropInc+dropEv > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("--since/--until: left out %d incident(s) and %d kubelet event(s) outside %s", dropInc, dropEv, w))
	}
}

// String is the window as "[since, until]", "…" for an open bound.
func (w timeWindow) String() string {
	since, until := "…", "…"
	if w.since != nil {
		since = correlate.FormatTime(*w.since)
	}
	if w.until != nil {
		until = correlate.FormatTime(*w.until)
	}
	return "[" + since + ", " + until + "]"
}
