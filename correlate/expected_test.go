package correlate

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/oomtriage/oomtriage/parse"
)

// The fixture sets checked against their hand-read .expected.json files:
// the real dumps of the shared corpus and the hand-made ones in testdata.
var expectedSets = []string{
	"../../shared/corpus/dev",
	"../testdata/kernel",
	"../testdata/carriers",
}

// expectedFile is the layout of a .expected.json file.
type expectedFile struct {
	KernelVersion *string          `json:"kernel_version"`
	Format        string           `json:"format"`
	Events        []map[string]any `json:"oom_events"`
}

func TestExpectedFixtures(t *testing.T) {
	n := 0
	for _, dir := range expectedSets {
		logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
		if len(logs) == 0 {
			if os.Getenv("CI") == "true" || !strings.Contains(dir, "shared") {
				t.Errorf("no fixtures in %s", dir)
			} else {
				t.Logf("skipping %s: not present beside the checkout", dir)
			}
			continue
		}
		for _, log := range logs {
			n++
			t.Run(filepath.Base(log), func(t *testing.T) { checkExpected(t, log) })
		}
	}
	t.Logf("%d fixtures checked", n)
}

func checkExpected(t *testing.T, logPath string) {
	want := readExpected(t, strings.TrimSuffix(logPath, ".log")+".expected.json")
	incs, st := analyzeFile(t, logPath)
	if len(incs) != len(want.Events) {
		t.Fatalf("got %d incidents, want %d\n%s", len(incs), len(want.Events), summarize(incs))
	}
	if !formatMatches(want.Format, st.Formats) {
		t.Errorf("formats = %v, want %s", st.Formats, want.Format)
	}
	for i, ev := range want.Events {
		got := flatten(&incs[i])
		for key, w := range ev {
			g, ok := got[key]
			if !ok {
				t.Errorf("event %d: the test does not know expected key %q", i, key)
				continue
			}
			if !sameValue(key, g, w) {
				t.Errorf("event %d: %s = %v, want %v", i, key, g, w)
			}
		}
		checkRanking(t, i, &incs[i])
		if want.KernelVersion != nil && !sameValue("kernel_version", got["kernel_version"], *want.KernelVersion) {
			t.Errorf("event %d: kernel_version = %v, want %v", i, got["kernel_version"], *want.KernelVersion)
		}
	}
}

func readExpected(t *testing.T, path string) expectedFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e expectedFile
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return e
}

func noHost(string) HostContext { return HostContext{} }

// analyzeFile runs the parse and collect stages over one file.
func analyzeFile(t *testing.T, path string) ([]Incident, parse.InputStats) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	col := NewCollector()
	st, err := parse.ScanKernelLog(context.Background(), path, f, func(d *parse.Dump) { col.AddDump(path, "", d) })
	if err != nil {
		t.Fatal(err)
	}
	return col.Incidents(noHost), st
}

// formatMatches compares the fixtures' format name with the carriers the
// decoder saw, most frequent first. "other" is raw text or a mix.
func formatMatches(want string, got []parse.Format) bool {
	switch {
	case want == "":
		return true
	case len(got) == 0:
		return false
	case want == "other":
		return got[0] == parse.FormatRaw || len(got) > 1
	case want == "journal-short":
		return got[0] == parse.FormatJournalMono
	}
	return string(got[0]) == want
}

// flatten gives an incident's values under the fixtures' key names, as JSON
// values (numbers as float64, absent as nil).
func flatten(inc *Incident) map[string]any {
	m := map[string]any{
		"trigger_comm": nil, "trigger_pid": nil, "trigger_oom_score_adj": nil, "trigger_order": nil, "trigger_gfp_mask": nil,
		"victim_pid": nil, "victim_comm": nil, "victim_uid": nil, "victim_oom_score_adj": nil,
		"victim_anon_rss_kb": nil, "victim_file_rss_kb": nil, "victim_shmem_rss_kb": nil,
		"victim_total_vm_kb": nil, "victim_pgtables_kb": nil,
		"memcg_limit_kb": nil, "memcg_usage_kb": nil, "pod_uid": nil, "container_id": nil,
	}
	if tr := inc.Trigger; tr != nil {
		m["trigger_comm"], m["trigger_pid"], m["trigger_oom_score_adj"] = tr.Comm, tr.PID, tr.OOMScoreAdj
		m["trigger_order"], m["trigger_gfp_mask"] = tr.Order, tr.GFPMask
	}
	if v := inc.Victim; v != nil {
		m["victim_pid"], m["victim_comm"], m["victim_uid"], m["victim_oom_score_adj"] = v.PID, v.Comm, v.UID, v.OOMScoreAdj
		m["victim_anon_rss_kb"], m["victim_file_rss_kb"], m["victim_shmem_rss_kb"] = v.AnonRSSKB, v.FileRSSKB, v.ShmemRSSKB
		m["victim_total_vm_kb"], m["victim_pgtables_kb"] = v.TotalVMKB, v.PgtablesKB
	}
	if mc := inc.Memcg; mc != nil {
		m["memcg_limit_kb"], m["memcg_usage_kb"] = mc.LimitKB, mc.UsageKB
	}
	if c := inc.TaskCgroup; c != nil {
		m["pod_uid"], m["container_id"] = c.PodUID, c.ContainerID
	}
	group := []int{}
	for _, g := range inc.GroupKills {
		group = append(group, g.PID)
	}
	m["oom_group_kills"] = group
	m["constraint"], m["oom_memcg"], m["task_memcg"] = inc.Constraint, inc.OOMMemcg, inc.TaskMemcg
	m["task_table_rows"], m["oom_kind"], m["partial"] = len(inc.Tasks), inc.OOMKind, !inc.Complete
	m["missing"], m["host"], m["boot_seconds"], m["time"] = inc.Missing, inc.Host, inc.BootSeconds, inc.Time
	m["kernel_version"], m["page_size_bytes"] = inc.KernelVersion, inc.PageSizeBytes
	b, _ := json.Marshal(m)
	out := map[string]any{}
	_ = json.Unmarshal(b, &out)
	return out
}

func sameValue(key string, got, want any) bool {
	switch key {
	case "boot_seconds":
		g, gok := got.(float64)
		w, wok := want.(float64)
		return gok == wok && (!gok || math.Abs(g-w) < 1e-6)
	case "time":
		gs, gok := got.(string)
		ws, wok := want.(string)
		if gok != wok || !gok {
			return gok == wok
		}
		g, err1 := time.Parse(time.RFC3339Nano, gs)
		w, err2 := time.Parse(time.RFC3339Nano, ws)
		return err1 == nil && err2 == nil && g.Equal(w)
	case "missing":
		return sameSet(got, want)
	case "partial":
		return got == want || (want == nil && got == false)
	}
	return reflect.DeepEqual(got, want)
}

func sameSet(got, want any) bool {
	toStrings := func(v any) []string {
		var out []string
		for _, x := range asSlice(v) {
			s, _ := x.(string)
			out = append(out, s)
		}
		sort.Strings(out)
		return out
	}
	return reflect.DeepEqual(toStrings(got), toStrings(want))
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func summarize(incs []Incident) string {
	var b strings.Builder
	for _, inc := range incs {
		v := "-"
		if inc.Victim != nil {
			v = inc.Victim.Comm
		}
		b.WriteString(inc.Sources[0].Path + ":" + itoa(inc.Sources[0].Line) + " victim " + v + "\n")
	}
	return b.String()
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// checkRanking asserts that the recomputed badness reproduces the kernel's
// choice on every dump complete enough to recompute it.
func checkRanking(t *testing.T, i int, inc *Incident) {
	t.Helper()
	if inc.Victim == nil || inc.Victim.From != "kill_line" || len(inc.Ranking) == 0 {
		return
	}
	// Before 5.1 the kernel names the task it chose ("Kill process N …
	// or sacrifice child") and may then kill a child instead.
	want := int64(inc.Victim.PID)
	if inc.Selected != nil {
		want = int64(inc.Selected.PID)
	}
	if got := inc.Ranking[0].PID; got != want {
		t.Errorf("event %d: ranking puts pid %d first, the kernel chose %d (%+v)", i, got, want, inc.RankingBasis)
	}
}
