package correlate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// analysisJSON is the analysis as the report prints it.
func analysisJSON(t *testing.T, a Analysis) string {
	t.Helper()
	b, err := json.MarshalIndent(a, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Analyze is a pure function of the inputs: called twice on one collector,
// or on two collectors fed the same inputs, it gives the same JSON, byte
// for byte (IDs, order of incidents, events and findings included). Bug
// cases run too: their expectations are not checked here.
func TestJoinDeterminism(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(caseRoot, "*", "expect.json"))
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cf := readCaseFile(t, f)
			inputs := caseInputs(t, dir, cf)
			hc := hostContext(t, cf.Host)
			hostFor := func(string) HostContext { return hc }

			col := NewCollector()
			for _, in := range inputs {
				feed(t, col, in)
			}
			first := analysisJSON(t, col.Analyze(hostFor))
			if again := analysisJSON(t, col.Analyze(hostFor)); again != first {
				t.Errorf("a second Analyze on the same collector differs:\n%s", firstDiff(first, again))
			}
			fresh := NewCollector()
			for _, in := range inputs {
				feed(t, fresh, in)
			}
			if other := analysisJSON(t, fresh.Analyze(hostFor)); other != first {
				t.Errorf("a second collector fed the same inputs differs:\n%s", firstDiff(first, other))
			}
		})
	}
}

// The order in which a bundle's members are read (the analyze command reads
// them with several workers) must not change what is concluded: incident
// IDs, kinds, identities, outcomes, findings and joined events. Where a
// kill was read from several inputs, only the order of its sources may
// differ.
func TestJoinInputOrder(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(caseRoot, "*", "expect.json"))
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			cf := readCaseFile(t, f)
			inputs := caseInputs(t, dir, cf)
			if len(inputs) < 2 {
				t.Skip("one input")
			}
			hc := hostContext(t, cf.Host)
			run := func(order []caseInput) []string {
				col := NewCollector()
				for _, in := range order {
					feed(t, col, in)
				}
				return conclusions(t, col.Analyze(func(string) HostContext { return hc }))
			}
			reversed := make([]caseInput, len(inputs))
			for i, in := range inputs {
				reversed[len(inputs)-1-i] = in
			}
			want, got := run(inputs), run(reversed)
			if bug := inputOrderBugs[filepath.Base(dir)]; bug != "" && os.Getenv("OOMTRIAGE_BUGS") != "1" {
				if strings.Join(want, "\n") == strings.Join(got, "\n") {
					t.Errorf("marked as a bug but the order no longer matters: remove it from inputOrderBugs")
				}
				t.Skip(bug)
			}
			if strings.Join(want, "\n") != strings.Join(got, "\n") {
				t.Errorf("reading the inputs in reverse order changes the conclusions:\n%s", firstDiff(strings.Join(want, "\n"), strings.Join(got, "\n")))
			}
		})
	}
}

// inputOrderBugs are the cases whose conclusions depend on the input order
// because of a known defect (see the named bug case).
var inputOrderBugs = map[string]string{}

// conclusions are the incidents without the order of their sources.
func conclusions(t *testing.T, a Analysis) []string {
	var out []string
	for i := range a.Incidents {
		inc := a.Incidents[i]
		inc.Sources = nil
		evs := make([]string, 0, len(inc.KubeletEvents))
		for _, e := range inc.KubeletEvents {
			evs = append(evs, e.Kind+"@"+strOr(e.Time)+"#"+e.Message)
		}
		inc.KubeletEvents = nil
		b, err := json.Marshal(inc)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b)+" events="+strings.Join(evs, "|"))
	}
	return out
}

// firstDiff shows the first line where two texts differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return "(no difference)"
}

// Every finding code the code can emit (with its severity), every scope,
// every outcome and every incident kind is exercised by at least one case
// that passes (bug cases do not count), so a new code cannot be added
// without a scenario.
func TestJoinCasesCoverEveryCode(t *testing.T) {
	srcs, _ := filepath.Glob("*.go")
	codeRe := regexp.MustCompile(`Code:\s*"([a-z_]+)"`)
	codes := map[string]bool{}
	for _, s := range srcs {
		if strings.HasSuffix(s, "_test.go") {
			continue
		}
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range codeRe.FindAllStringSubmatch(string(b), -1) {
			codes[m[1]] = true
		}
	}
	if len(codes) < 15 {
		t.Fatalf("found only %d finding codes in the sources: %v", len(codes), codes)
	}
	severities := map[string]bool{}
	for c := range codes {
		severities[c] = true
	}
	scopes := map[string]bool{"container": true, "pod": true, "qos_tier": true, "node_allocatable": true,
		"cgroup": true, "system": true, "cpuset": true, "mempolicy": true}
	outcomes := map[string]bool{"restarted": true, "evicted": true, "silent": true, "terminated": true, "unknown": true}
	kinds := map[string]bool{"oom_kill": true, "eviction": true, "oom_killed_no_kernel_record": true}

	dirs, _ := filepath.Glob(filepath.Join(caseRoot, "*", "expect.json"))
	for _, f := range dirs {
		cf := readCaseFile(t, f)
		if cf.Bug != "" {
			continue
		}
		for _, inc := range cf.Incidents {
			for _, c := range inc.Findings {
				delete(codes, c)
			}
			for c := range inc.Severity {
				delete(severities, c)
			}
			if s, ok := inc.Match["scope"].(string); ok {
				delete(scopes, s)
			}
			if o, ok := inc.Match["outcome"].(string); ok {
				delete(outcomes, o)
			}
			if k, ok := inc.Match["kind"].(string); ok {
				delete(kinds, k)
			}
		}
	}
	for name, left := range map[string]map[string]bool{"finding codes": codes, "finding severities": severities, "scopes": scopes, "outcomes": outcomes, "kinds": kinds} {
		if len(left) > 0 {
			var l []string
			for k := range left {
				l = append(l, k)
			}
			sort.Strings(l)
			t.Errorf("%s without a passing case in %s: %v", name, caseRoot, l)
		}
	}
}

// Analyze leaves the collector as it found it: analyzing again with another
// host context gives what a fresh collector gives with that context, and
// does not change an analysis already returned.
func TestJoinAnalyzeDoesNotMutateCollector(t *testing.T) {
	dir := filepath.Join(caseRoot, "k8s-028-node-memory-unknown")
	cf := readCaseFile(t, filepath.Join(dir, "expect.json"))
	inputs := caseInputs(t, dir, cf)
	memTotal := int64(32 << 30)
	withMem := func(string) HostContext { return HostContext{MemTotalBytes: &memTotal} }
	without := func(string) HostContext { return HostContext{} }

	col := NewCollector()
	for _, in := range inputs {
		feed(t, col, in)
	}
	first := col.Analyze(withMem)
	firstJSON := analysisJSON(t, first)
	second := analysisJSON(t, col.Analyze(without))

	fresh := NewCollector()
	for _, in := range inputs {
		feed(t, fresh, in)
	}
	if want := analysisJSON(t, fresh.Analyze(without)); second != want {
		t.Errorf("Analyze after an Analyze with another host context differs from a fresh one:\n%s", firstDiff(want, second))
	}
	if again := analysisJSON(t, first); again != firstJSON {
		t.Errorf("a later Analyze changed an analysis already returned:\n%s", firstDiff(firstJSON, again))
	}
}
