package correlate

// Scenario tests of the correlation stage: each directory under
// testdata/correlate/ is one case (see its README.md). A case is built from
// real or adapted kernel logs, pod objects written to match them, kubelet
// and runtime journal lines, and an expect.json naming what every incident
// must say: kind, scope, kubernetes identity and adj verdict, outcome,
// findings, the kubelet events joined to it and the head of the ranking.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/oomtriage/oomtriage/parse"
)

const (
	caseRoot    = "../testdata/correlate"
	corpusRoot  = "../../shared/corpus/dev" // beside the checkout; absent in some clones
	kernelRoot  = "../testdata/kernel"
	kubeletRoot = "../testdata/kubelet"
	sampleRoot  = "../testdata/sample"
)

// caseFile is the layout of a case's expect.json.
type caseFile struct {
	About string `json:"about"`
	// Bug, when set, marks a case that shows a defect in the code under
	// test: it is skipped with this text unless OOMTRIAGE_BUGS=1.
	Bug string `json:"bug"`
	// Fixed records the defect a regression case once showed.
	Fixed string `json:"fixed"`
	// Inputs read before the case directory's own files, in order.
	Inputs    []caseInput      `json:"inputs"`
	Host      caseHost         `json:"host"`
	Incidents []incidentExpect `json:"incidents"`
}

// caseInput names a file outside the case directory: "corpus:NAME" (the
// shared dev corpus), "kernel:NAME" (testdata/kernel), "kubelet:NAME"
// (testdata/kubelet) or "sample:REL" (testdata/sample); Reader is kernel,
// log, kube or objects.
type caseInput struct {
	Path   string `json:"path"`
	Reader string `json:"reader"`
}

// caseHost is the host context of every input of a case: what a bundle's
// fact files would give (hostname, proc/meminfo, proc/stat btime, the
// collection year, the zone).
type caseHost struct {
	Name       string `json:"name"`
	Year       int    `json:"year"`
	BootTime   string `json:"boot_time"`
	MemTotalKB *int64 `json:"meminfo_kb"`
	Timezone   string `json:"timezone"`
}

// incidentExpect is what one incident, in report order, must say.
type incidentExpect struct {
	// Match is a subset of the incident's JSON: every key given must be
	// there with that value (objects compared key by key, recursively;
	// null means the value must be null).
	Match map[string]any `json:"match"`
	// Findings is the exact set of finding codes (nil: not checked).
	Findings []string `json:"findings"`
	// FindingsAbsent lists codes that must not be there.
	FindingsAbsent []string `json:"findings_absent"`
	// Severity gives the severity of some of those findings.
	Severity map[string]string `json:"severity"`
	// Messages lists substrings that the message of a finding must hold.
	Messages map[string][]string `json:"messages"`
	// KubeletEvents is the exact list of the joined events' kinds, in
	// order (nil: not checked).
	KubeletEvents []string `json:"kubelet_events"`
	// RankingTop is compared with the first entries of the ranking, each
	// as a subset.
	RankingTop []map[string]any `json:"ranking_top"`
}

func TestJoinCases(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(caseRoot, "*", "expect.json"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases under %s", caseRoot)
	}
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cf, a := runCase(t, dir)
			checkCase(t, cf, a)
		})
	}
}

// runCase reads a case's inputs into a Collector and analyzes them. It skips
// the test when the case is a marked bug or needs the absent shared corpus.
func runCase(t *testing.T, dir string) (caseFile, Analysis) {
	t.Helper()
	cf := readCaseFile(t, filepath.Join(dir, "expect.json"))
	if cf.Bug != "" && os.Getenv("OOMTRIAGE_BUGS") != "1" {
		t.Skip(cf.Bug)
	}
	col := NewCollector()
	for _, in := range caseInputs(t, dir, cf) {
		feed(t, col, in)
	}
	hc := hostContext(t, cf.Host)
	return cf, col.Analyze(func(string) HostContext { return hc })
}

func readCaseFile(t *testing.T, path string) caseFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cf caseFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cf); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return cf
}

// caseInputs resolves the inputs named in expect.json, then adds the case
// directory's own files, sorted, with the reader their name implies.
func caseInputs(t *testing.T, dir string, cf caseFile) []caseInput {
	t.Helper()
	var out []caseInput
	for _, in := range cf.Inputs {
		prefix, name, ok := strings.Cut(in.Path, ":")
		if !ok {
			t.Fatalf("input %q: want corpus:, kernel:, kubelet: or sample:", in.Path)
		}
		var root string
		switch prefix {
		case "corpus":
			root = corpusRoot
			if _, err := os.Stat(root); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s is required in CI: %v", root, err)
				}
				t.Skipf("skipping: %s is not present beside the checkout (needed for %s)", root, name)
			}
		case "kernel":
			root = kernelRoot
		case "kubelet":
			root = kubeletRoot
		case "sample":
			root = sampleRoot
		default:
			t.Fatalf("input %q: unknown prefix", in.Path)
		}
		out = append(out, caseInput{Path: filepath.Join(root, name), Reader: in.Reader})
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "expect.json" || strings.HasSuffix(name, ".md") {
			continue
		}
		out = append(out, caseInput{Path: filepath.Join(dir, name), Reader: readerFor(t, name)})
	}
	return out
}

// readerFor picks the reader for a case file by its name: kernel*.log (a
// kernel log: dumps only), journal*.log (a full journal: dumps and events),
// kubelet*.log / containerd*.log (events only), *.yaml / *.json (objects).
func readerFor(t *testing.T, name string) string {
	switch {
	case strings.HasPrefix(name, "kernel") && strings.HasSuffix(name, ".log"):
		return "kernel"
	case strings.HasPrefix(name, "journal") && strings.HasSuffix(name, ".log"):
		return "log"
	case (strings.HasPrefix(name, "kubelet") || strings.HasPrefix(name, "containerd")) && strings.HasSuffix(name, ".log"):
		return "kube"
	case strings.HasSuffix(name, ".yaml"), strings.HasSuffix(name, ".json"):
		return "objects"
	}
	t.Fatalf("%s: no reader for this name", name)
	return ""
}

// feed scans one input with its reader into the collector, as the analyze
// command does for a member of a bundle (one host, key "").
func feed(t *testing.T, col *Collector, in caseInput) {
	t.Helper()
	f, err := os.Open(in.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	dump := func(d *parse.Dump) { col.AddDump(in.Path, "", d) }
	event := func(e parse.KubeEvent) { col.AddEvent("", e) }
	var st parse.InputStats
	switch in.Reader {
	case "kernel":
		st, err = parse.ScanKernelLog(ctx, in.Path, f, dump)
	case "log":
		st, err = parse.ScanLog(ctx, in.Path, f, parse.Sink{Dump: dump, Event: event})
	case "kube":
		st, err = parse.ScanKubeLog(ctx, in.Path, f, event)
	case "objects":
		var objs parse.Objects
		objs, st, err = parse.ReadObjects(ctx, in.Path, f)
		col.AddObjects("", objs)
	default:
		t.Fatalf("%s: unknown reader %q", in.Path, in.Reader)
	}
	if err != nil {
		t.Fatalf("%s: %v", in.Path, err)
	}
	if in.Reader == "objects" && len(st.Errors) > 0 {
		t.Fatalf("%s: %v", in.Path, st.Errors)
	}
}

func hostContext(t *testing.T, h caseHost) HostContext {
	t.Helper()
	hc := HostContext{Hostname: h.Name, Clock: parse.Clock{Year: h.Year}}
	if h.MemTotalKB != nil {
		b := *h.MemTotalKB * 1024
		hc.MemTotalBytes = &b
	}
	if h.BootTime != "" {
		bt, err := time.Parse(time.RFC3339Nano, h.BootTime)
		if err != nil {
			t.Fatalf("boot_time: %v", err)
		}
		hc.Clock.BootTime = &bt
	}
	if h.Timezone != "" {
		loc, err := time.LoadLocation(h.Timezone)
		if err != nil {
			t.Fatalf("timezone: %v", err)
		}
		hc.Clock.Location = loc
	}
	return hc
}

func checkCase(t *testing.T, cf caseFile, a Analysis) {
	t.Helper()
	if len(a.Incidents) != len(cf.Incidents) {
		t.Fatalf("got %d incidents, want %d:\n%s", len(a.Incidents), len(cf.Incidents), describeAll(a.Incidents))
	}
	for i := range cf.Incidents {
		if errs := checkIncident(t, &a.Incidents[i], &cf.Incidents[i]); len(errs) > 0 {
			t.Errorf("incident %d:\n  %s\nas analyzed:\n%s", i, strings.Join(errs, "\n  "), describe(&a.Incidents[i]))
		}
	}
}

// checkIncident returns what in inc differs from want.
func checkIncident(t *testing.T, inc *Incident, want *incidentExpect) []string {
	t.Helper()
	var errs []string
	errorf := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	got := asJSON(t, inc)
	for key, w := range want.Match {
		g, ok := got[key]
		if !ok {
			errorf("no field %q in the incident", key)
			continue
		}
		if msg := subsetDiff(key, g, w); msg != "" {
			errorf("%s", msg)
		}
	}
	if want.Findings != nil {
		if codes := findingCodes(inc); !reflect.DeepEqual(sorted(codes), sorted(want.Findings)) {
			errorf("findings = %v, want %v", codes, want.Findings)
		}
	}
	for _, code := range want.FindingsAbsent {
		if f, ok := findingByCode(inc, code); ok {
			errorf("finding %s should not be there: %s", code, f.Message)
		}
	}
	for code, sev := range want.Severity {
		f, ok := findingByCode(inc, code)
		if !ok || f.Severity != sev {
			errorf("finding %s severity = %q (present %v), want %q", code, f.Severity, ok, sev)
		}
	}
	for code, subs := range want.Messages {
		f, ok := findingByCode(inc, code)
		if !ok {
			errorf("no finding %s to check the message of", code)
			continue
		}
		for _, s := range subs {
			if !strings.Contains(f.Message, s) {
				errorf("finding %s message %q does not hold %q", code, f.Message, s)
			}
		}
	}
	for _, f := range inc.Findings {
		switch f.Severity {
		case "info", "warning", "error":
		default:
			errorf("finding %s has severity %q", f.Code, f.Severity)
		}
		if f.Message == "" {
			errorf("finding %s has no message", f.Code)
		}
	}
	if want.KubeletEvents != nil {
		var kinds []string
		for _, e := range inc.KubeletEvents {
			kinds = append(kinds, e.Kind)
		}
		if strings.Join(kinds, ",") != strings.Join(want.KubeletEvents, ",") {
			errorf("kubelet_events = %v, want %v", kinds, want.KubeletEvents)
		}
	}
	if len(want.RankingTop) > len(inc.Ranking) {
		errorf("ranking has %d entries, want at least %d", len(inc.Ranking), len(want.RankingTop))
	} else {
		rk := asJSON(t, map[string]any{"r": inc.Ranking})["r"].([]any)
		for j, w := range want.RankingTop {
			if msg := subsetDiff(fmt.Sprintf("ranking[%d]", j), rk[j], any(w)); msg != "" {
				errorf("%s", msg)
			}
		}
	}
	return errs
}

// asJSON gives a value as the report would print it, decoded into maps.
func asJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// subsetDiff compares got with want, where want may leave out object keys;
// arrays must have the same length. It returns "" when they agree.
func subsetDiff(path string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s = %s, want an object", path, compact(got))
		}
		var msgs []string
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				msgs = append(msgs, fmt.Sprintf("%s.%s is missing", path, k))
				continue
			}
			if m := subsetDiff(path+"."+k, gv, w[k]); m != "" {
				msgs = append(msgs, m)
			}
		}
		return strings.Join(msgs, "; ")
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s = %s, want %s", path, compact(got), compact(want))
		}
		var msgs []string
		for i := range w {
			if m := subsetDiff(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); m != "" {
				msgs = append(msgs, m)
			}
		}
		return strings.Join(msgs, "; ")
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("%s = %s, want %s", path, compact(got), compact(want))
	}
	return ""
}

func compact(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func findingCodes(inc *Incident) []string {
	codes := []string{}
	for _, f := range inc.Findings {
		codes = append(codes, f.Code)
	}
	return codes
}

func findingByCode(inc *Incident, code string) (Finding, bool) {
	for _, f := range inc.Findings {
		if f.Code == code {
			return f, true
		}
	}
	return Finding{}, false
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// describe prints what a failing case needs to be understood: the fields
// the cases assert, on a few lines.
func describe(inc *Incident) string {
	var b strings.Builder
	victim := "null"
	if inc.Victim != nil {
		victim = fmt.Sprintf("%d %s adj=%s", inc.Victim.PID, inc.Victim.Comm, compact(inc.Victim.OOMScoreAdj))
	}
	fmt.Fprintf(&b, "  kind=%s oom_kind=%s scope=%s time=%s victim=%s outcome=%s\n", inc.Kind, inc.OOMKind,
		compact(inc.Scope), compact(inc.Time), victim, compact(inc.Outcome))
	fmt.Fprintf(&b, "  kubernetes=%s\n", compact(inc.Kubernetes))
	for _, f := range inc.Findings {
		fmt.Fprintf(&b, "  finding %s (%s): %s\n", f.Code, f.Severity, f.Message)
	}
	var kinds []string
	for _, e := range inc.KubeletEvents {
		kinds = append(kinds, e.Kind+"@"+strOr(e.Time))
	}
	fmt.Fprintf(&b, "  kubelet_events=%v\n", kinds)
	if len(inc.Ranking) > 0 {
		fmt.Fprintf(&b, "  ranking=%s\n", compact(inc.Ranking[:min(3, len(inc.Ranking))]))
	}
	return b.String()
}

func describeAll(incs []Incident) string {
	var b strings.Builder
	for i := range incs {
		fmt.Fprintf(&b, "#%d\n%s", i, describe(&incs[i]))
	}
	return b.String()
}
