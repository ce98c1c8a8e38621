package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/oomtriage/oomtriage/correlate"
)

const testDigest = "0123456789abcdef"

// loadReport decodes a JSON fixture of testdata/parquet into a Report.
func pqLoad(t testing.TB, name string) *Report {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "parquet", name))
	if err != nil {
		t.Fatal(err)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &r
}

// loadNulls is nulls.json with the hand-written pods and kubelet events of
// kubernetes.json.
func pqLoadNulls(t testing.TB) *Report {
	t.Helper()
	r := pqLoad(t, "nulls.json")
	k := pqLoad(t, "kubernetes.json")
	r.Pods, r.KubeletEvents = k.Pods, k.KubeletEvents
	return r
}

func pqWrite(t testing.TB, r *Report, opt ParquetOptions) {
	t.Helper()
	if err := WriteParquet(r, opt); err != nil {
		t.Fatalf("WriteParquet: %v", err)
	}
}

// readTable reads every row of one Parquet file.
func pqRead[T any](t testing.TB, path string) ([]T, *parquet.File) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	r := parquet.NewGenericReader[T](f)
	defer r.Close()
	rows := make([]T, r.NumRows())
	n, err := r.Read(rows)
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("%s: read: %v", path, err)
	}
	if n != len(rows) {
		t.Fatalf("%s: read %d of %d rows", path, n, len(rows))
	}
	return rows, pf
}

// files lists every file under dir, relative and with / separators.
func pqFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func pqFlatFile(dir, table string) string {
	return filepath.Join(dir, table, "part-"+testDigest+".parquet")
}

func TestWriteParquetReadBack(t *testing.T) {
	r := pqLoad(t, "full.json")
	dir := t.TempDir()
	pqWrite(t, r, ParquetOptions{Dir: dir, InputDigest: testDigest})

	want := []string{}
	for _, table := range []string{TableContainers, TableIncidents, TableInputs, TableKubeletEvents, TablePods, TableTasks} {
		want = append(want, table+"/part-"+testDigest+".parquet")
	}
	if got := pqFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files:\n got %v\nwant %v", got, want)
	}

	incs, pf := pqRead[incidentRow](t, pqFlatFile(dir, TableIncidents))
	if len(incs) != len(r.Incidents) {
		t.Fatalf("incidents: %d rows, report has %d", len(incs), len(r.Incidents))
	}
	var withTime, withHost, withVictim int
	for i, row := range incs {
		inc := &r.Incidents[i]
		if row.ID != inc.ID || row.OOMKind != inc.OOMKind || row.Complete != inc.Complete {
			t.Errorf("incident %d: id/oom_kind/complete %q %q %v, want %q %q %v", i,
				row.ID, row.OOMKind, row.Complete, inc.ID, inc.OOMKind, inc.Complete)
		}
		if !reflect.DeepEqual(row.Host, inc.Host) {
			t.Errorf("incident %s: host %v, want %v", inc.ID, pqDeref(row.Host), pqDeref(inc.Host))
		}
		if (row.Time == nil) != (inc.Time == nil) || (row.Date == nil) != (inc.Time == nil) {
			t.Errorf("incident %s: time %v date %v, JSON time %v", inc.ID, row.Time, row.Date, pqDeref(inc.Time))
		}
		if inc.Time != nil {
			withTime++
			want, _ := time.Parse(time.RFC3339Nano, *inc.Time)
			if !row.Time.Equal(want) || row.Time.Location() != time.UTC {
				t.Errorf("incident %s: time %v, want %v", inc.ID, row.Time, want)
			}
			if got := partitionDate(row.Date); got != (*inc.Time)[:10] {
				t.Errorf("incident %s: date %s, want %s", inc.ID, got, (*inc.Time)[:10])
			}
		}
		if inc.Host != nil {
			withHost++
		}
		if (row.VictimPID == nil) != (inc.Victim == nil) {
			t.Errorf("incident %s: victim_pid %v, victim %v", inc.ID, row.VictimPID, inc.Victim)
		}
		if v := inc.Victim; v != nil {
			withVictim++
			if *row.VictimPID != int64(v.PID) || *row.VictimComm != v.Comm ||
				!reflect.DeepEqual(row.VictimAnonRSSKB, v.AnonRSSKB) || !reflect.DeepEqual(row.VictimUID, int64p(v.UID)) {
				t.Errorf("incident %s: victim %+v", inc.ID, row)
			}
		}
		if !slices.Equal(row.Missing, inc.Missing) || row.Missing == nil {
			t.Errorf("incident %s: missing %v, want %v", inc.ID, row.Missing, inc.Missing)
		}
		if row.TaskCount != int64(len(inc.Tasks)) || row.SourceCount != int64(len(inc.Sources)) ||
			row.GroupKillCount != int64(len(inc.GroupKills)) || len(row.FindingCodes) != len(inc.Findings) {
			t.Errorf("incident %s: counts %d %d %d %d", inc.ID, row.TaskCount, row.SourceCount, row.GroupKillCount, len(row.FindingCodes))
		}
		if (inc.Memcg == nil) != (row.MemcgUsageKB == nil && row.MemcgLimitKB == nil && row.MemcgSwapUsageKB == nil) {
			t.Errorf("incident %s: memcg %+v, columns %v %v", inc.ID, inc.Memcg, row.MemcgUsageKB, row.MemcgLimitKB)
		}
		if (inc.Kubernetes == nil) != (row.KubernetesQOSClass == nil && row.KubernetesPodUID == nil) {
			t.Errorf("incident %s: kubernetes %+v, columns %v", inc.ID, inc.Kubernetes, row.KubernetesPodUID)
		}
	}
	if withTime == 0 || withTime == len(incs) || withHost == 0 || withVictim == 0 {
		t.Errorf("fixture does not mix nulls and values: %d with time, %d with host, %d with victim", withTime, withHost, withVictim)
	}

	// Footer: metadata, created_by, codec, logical types, nullability.
	for k, v := range map[string]string{
		MetaVersion: r.Tool.Version, MetaSchemaVersion: "1", MetaInputDigest: testDigest, MetaTable: TableIncidents,
	} {
		if got, ok := pf.Lookup(k); !ok || got != v {
			t.Errorf("metadata %s = %q (%v), want %q", k, got, ok, v)
		}
	}
	if got, want := pf.Metadata().CreatedBy, "oomtriage version "+r.Tool.Version; got != want {
		t.Errorf("created_by %q, want %q", got, want)
	}
	for _, rg := range pf.Metadata().RowGroups {
		for _, c := range rg.Columns {
			if c.MetaData.Codec != format.Zstd {
				t.Errorf("column %v: codec %v", c.MetaData.PathInSchema, c.MetaData.Codec)
			}
		}
	}
	schema := pf.Schema()
	col := func(name string) parquet.Node {
		leaf, ok := schema.Lookup(name)
		if !ok {
			t.Fatalf("no column %s", name)
		}
		return leaf.Node
	}
	if lt := col("time").Type().LogicalType(); lt.String() != "TIMESTAMP(isAdjustedToUTC=true,unit=MICROS)" {
		t.Errorf("time: logical type %v, want TIMESTAMP(MICROS, UTC)", lt)
	}
	if lt := col("date").Type().LogicalType(); lt.String() != "DATE" {
		t.Errorf("date: logical type %v, want DATE", lt)
	}
	for _, name := range []string{"host", "time", "victim_pid", "victim_anon_rss_kb", "memcg_swap_limit_kb", "kubernetes_pod", "outcome"} {
		if !col(name).Optional() {
			t.Errorf("%s is not optional", name)
		}
	}
	for _, name := range []string{"id", "kind", "oom_kind", "complete", "task_count"} {
		if col(name).Optional() {
			t.Errorf("%s is optional", name)
		}
	}
	if _, ok := schema.Lookup("missing", "list", "element"); !ok {
		t.Errorf("missing is not a 3-level LIST")
	}

	// Tasks: one row per task, in incident then printed order.
	tasks, _ := pqRead[taskRow](t, pqFlatFile(dir, TableTasks))
	k := 0
	for i := range r.Incidents {
		inc := &r.Incidents[i]
		for j := range inc.Tasks {
			if k >= len(tasks) {
				t.Fatalf("tasks: only %d rows", len(tasks))
			}
			got, want := tasks[k], inc.Tasks[j]
			if got.IncidentID != inc.ID || got.TaskIndex != int64(j) || got.PID != want.PID || got.Name != want.Name ||
				!reflect.DeepEqual(got.RSSAnonPages, want.RSSAnonPages) || !reflect.DeepEqual(got.PgtablesBytes, want.PgtablesBytes) ||
				!reflect.DeepEqual(got.SwapEntries, want.SwapEntries) || !reflect.DeepEqual(got.OOMScoreAdj, want.OOMScoreAdj) {
				t.Errorf("task %d of %s: %+v, want %+v", j, inc.ID, got, want)
			}
			k++
		}
	}
	if k != len(tasks) {
		t.Errorf("tasks: %d rows, report has %d", len(tasks), k)
	}

	pods, _ := pqRead[podRow](t, pqFlatFile(dir, TablePods))
	ctrs, _ := pqRead[containerRow](t, pqFlatFile(dir, TableContainers))
	evs, _ := pqRead[kubeletEventRow](t, pqFlatFile(dir, TableKubeletEvents))
	ins, _ := pqRead[inputRow](t, pqFlatFile(dir, TableInputs))
	// Pods and events are compared through their JSON form, as the writer
	// reads them, so that this test does not depend on their Go types.
	var wantPods []podJSON
	var wantEvs []kubeletEventJSON
	if err := roundTrip(r.Pods, &wantPods); err != nil {
		t.Fatal(err)
	}
	if err := roundTrip(r.KubeletEvents, &wantEvs); err != nil {
		t.Fatal(err)
	}
	nctr := 0
	for i, p := range wantPods {
		nctr += len(p.Containers)
		if i < len(pods) && (!reflect.DeepEqual(pods[i].UID, p.UID) || !reflect.DeepEqual(pods[i].QOSClass, p.QOSClass) ||
			pods[i].ContainerCount != int64(len(p.Containers))) {
			t.Errorf("pod %d: %+v, want %+v", i, pods[i], p)
		}
	}
	if len(pods) != len(wantPods) || len(ctrs) != nctr || len(evs) != len(wantEvs) || len(ins) != len(r.Inputs) {
		t.Errorf("rows: pods %d/%d containers %d/%d kubelet_events %d/%d inputs %d/%d",
			len(pods), len(wantPods), len(ctrs), nctr, len(evs), len(wantEvs), len(ins), len(r.Inputs))
	}
	if len(pods) == 0 || nctr == 0 || len(evs) == 0 {
		t.Errorf("fixture has no pods, containers or kubelet events")
	}
	for i := range min(len(evs), len(wantEvs)) {
		e := wantEvs[i]
		if evs[i].Kind != e.Kind || !reflect.DeepEqual(evs[i].Host, e.Host) || !reflect.DeepEqual(evs[i].ExitCode, e.ExitCode) ||
			(evs[i].Time == nil) != (e.Time == nil) || !reflect.DeepEqual(evs[i].Message, e.Message) ||
			!reflect.DeepEqual(evs[i].SourceLine, e.Source.Line) {
			t.Errorf("kubelet event %d: %+v, want %+v", i, evs[i], e)
		}
	}
	for i := range min(len(ins), len(r.Inputs)) {
		in := r.Inputs[i]
		if ins[i].Path != in.Path || !slices.Equal(ins[i].Formats, in.Formats) || ins[i].Lines != int64(in.Lines) || ins[i].Bytes != in.Bytes {
			t.Errorf("input %d: %+v, want %+v", i, ins[i], in)
		}
	}
}

// TestWriteParquetNulls checks that a JSON null is a Parquet NULL and a JSON
// 0 or "" stays a value.
func TestWriteParquetNulls(t *testing.T) {
	r := pqLoadNulls(t)
	dir := t.TempDir()
	pqWrite(t, r, ParquetOptions{Dir: dir, InputDigest: testDigest})

	incs, _ := pqRead[incidentRow](t, pqFlatFile(dir, TableIncidents))
	if len(incs) != len(r.Incidents) {
		t.Fatalf("incidents: %d rows, want %d", len(incs), len(r.Incidents))
	}
	noVictim := 0
	for i, row := range incs {
		inc := &r.Incidents[i]
		if row.Time != nil || row.Date != nil || row.Host != nil || row.TimeSource != nil {
			t.Errorf("incident %s: time/date/host not NULL: %v %v %v", inc.ID, row.Time, row.Date, row.Host)
		}
		if inc.Victim == nil {
			noVictim++
			for name, v := range map[string]any{
				"victim_pid": row.VictimPID, "victim_comm": row.VictimComm, "victim_uid": row.VictimUID,
				"victim_anon_rss_kb": row.VictimAnonRSSKB, "victim_total_vm_kb": row.VictimTotalVMKB,
			} {
				if !reflect.ValueOf(v).IsNil() {
					t.Errorf("incident %s: %s is %v, want NULL", inc.ID, name, reflect.ValueOf(v).Elem())
				}
			}
		}
		if inc.Trigger == nil && (row.TriggerPID != nil || row.TriggerComm != nil || row.TriggerOrder != nil) {
			t.Errorf("incident %s: trigger columns not NULL", inc.ID)
		}
		if m := inc.Memcg; m != nil && m.SwapUsageKB != nil && (row.MemcgSwapUsageKB == nil || *row.MemcgSwapUsageKB != *m.SwapUsageKB) {
			t.Errorf("incident %s: memcg_swap_usage_kb %v, want %d", inc.ID, row.MemcgSwapUsageKB, *m.SwapUsageKB)
		}
		if row.Missing == nil || !slices.Equal(row.Missing, inc.Missing) {
			t.Errorf("incident %s: missing %v, want %v", inc.ID, row.Missing, inc.Missing)
		}
	}
	if noVictim == 0 {
		t.Errorf("nulls.json has no incident without a victim")
	}

	ctrs, _ := pqRead[containerRow](t, pqFlatFile(dir, TableContainers))
	if len(ctrs) != 3 {
		t.Fatalf("containers: %d rows, want 3", len(ctrs))
	}
	proxy := ctrs[1]
	if pqDeref(proxy.PodUID) != "3f6b2a1e-8c4d-4e7a-9b5f-2d1c0e9a8b7c" || pqDeref(proxy.Name) != "istio-proxy" ||
		proxy.ContainerID != nil || proxy.MemoryLimitBytes != nil || proxy.LastTerminatedReason != nil ||
		proxy.RestartCount == nil || *proxy.RestartCount != 0 || proxy.MemoryRequestBytes == nil {
		t.Errorf("istio-proxy container: %+v", proxy)
	}
	if ctrs[2].MemoryRequestBytes == nil || *ctrs[2].MemoryRequestBytes != 0 || ctrs[2].MemoryLimitBytes != nil {
		t.Errorf("envoy container: request %v limit %v, want 0 and NULL", ctrs[2].MemoryRequestBytes, ctrs[2].MemoryLimitBytes)
	}
	pods, _ := pqRead[podRow](t, pqFlatFile(dir, TablePods))
	if len(pods) != 3 || pods[2].UID != nil || pods[2].Namespace != nil || pqDeref(pods[2].Name) != "orphan" || pods[1].Node != nil {
		t.Errorf("pods: %+v", pods)
	}
	evs, _ := pqRead[kubeletEventRow](t, pqFlatFile(dir, TableKubeletEvents))
	if len(evs) != 4 {
		t.Fatalf("kubelet_events: %d rows, want 4", len(evs))
	}
	if e := evs[1]; e.ExitCode == nil || *e.ExitCode != 137 || e.Time == nil || e.Time.Nanosecond() != 500_000_000 {
		t.Errorf("container_died event: %+v", e)
	}
	if e := evs[2]; e.ExitCode == nil || *e.ExitCode != 0 || e.PodUID != nil {
		t.Errorf("evicted event: exit_code %v pod_uid %v, want 0 and NULL", e.ExitCode, e.PodUID)
	}
	if e := evs[3]; e.Time != nil || e.Date != nil || e.Host != nil || e.ExitCode != nil ||
		e.Message == nil || *e.Message != "" || e.SourceLine == nil || *e.SourceLine != 0 {
		t.Errorf("runtime event: %+v, want NULL time/date/host/exit_code, message '' and line 0", e)
	}
}

func TestWriteParquetDeterministic(t *testing.T) {
	for _, part := range [][]string{nil, {"host", "date"}} {
		t.Run(fmt.Sprint(part), func(t *testing.T) {
			a, b := t.TempDir(), t.TempDir()
			pqWrite(t, pqLoad(t, "full.json"), ParquetOptions{Dir: a, InputDigest: testDigest, PartitionBy: part})
			pqWrite(t, pqLoad(t, "full.json"), ParquetOptions{Dir: b, InputDigest: testDigest, PartitionBy: part})
			first := pqSnapshot(t, a)
			if second := pqSnapshot(t, b); !reflect.DeepEqual(first, second) {
				t.Fatalf("two writes differ:\n%v\n%v", pqKeys(first), pqKeys(second))
			}
			// A re-run into the same folder replaces the files with the
			// same bytes.
			pqWrite(t, pqLoad(t, "full.json"), ParquetOptions{Dir: a, InputDigest: testDigest, PartitionBy: part})
			if again := pqSnapshot(t, a); !reflect.DeepEqual(first, again) {
				t.Fatalf("re-run changed the dataset:\n%v\n%v", pqKeys(first), pqKeys(again))
			}
		})
	}
}

// snapshot maps every file under dir to its content.
func pqSnapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range pqFiles(t, dir) {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		out[f] = string(b)
	}
	return out
}

func pqKeys(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s (%d bytes)", k, len(v)))
	}
	slices.Sort(out)
	return out
}

func TestWriteParquetPartitioned(t *testing.T) {
	dir := t.TempDir()
	full := pqLoad(t, "full.json")
	pqWrite(t, full, ParquetOptions{Dir: dir, InputDigest: testDigest, PartitionBy: []string{"host", "date"}})
	const p = "/part-" + testDigest + ".parquet"
	const null = "__HIVE_DEFAULT_PARTITION__"
	want := []string{
		"containers" + p,
		"incidents/host=" + null + "/date=2026-11-27" + p,
		"incidents/host=" + null + "/date=" + null + p,
		"incidents/host=worker-3/date=2026-11-27" + p,
		"inputs" + p,
		"kubelet_events/host=agent-1/date=2026-11-27" + p,
		"kubelet_events/host=worker-1/date=2026-11-27" + p,
		"kubelet_events/host=worker-3/date=2025-11-27" + p,
		"kubelet_events/host=worker-3/date=2026-11-27" + p,
		"kubelet_events/host=worker-4/date=2026-11-27" + p,
		"pods" + p,
		"tasks/host=" + null + "/date=2026-11-27" + p,
		"tasks/host=" + null + "/date=" + null + p,
		"tasks/host=worker-3/date=2026-11-27" + p,
	}
	if got := pqFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("layout:\n got %q\nwant %q", got, want)
	}
	// Rows land in their partition and none is lost.
	total := 0
	for _, f := range want {
		if !strings.HasPrefix(f, "incidents/") {
			continue
		}
		rows, _ := pqRead[incidentRow](t, filepath.Join(dir, f))
		for _, row := range rows {
			if got := "host=" + partitionHost(row.Host) + "/date=" + partitionDate(row.Date); !strings.Contains(f, got+"/") {
				t.Errorf("incident %s in %s, want %s", row.ID, f, got)
			}
		}
		total += len(rows)
	}
	if total != len(full.Incidents) {
		t.Errorf("partitions hold %d incidents, want %d", total, len(full.Incidents))
	}

	// Another digest's files and foreign files are never touched.
	other := "fedcba9876543210"
	pqWrite(t, full, ParquetOptions{Dir: dir, InputDigest: other, PartitionBy: []string{"host", "date"}})
	foreign := []string{
		"incidents/host=worker-3/date=2026-11-27/part-" + testDigest + "0.parquet", // a longer digest
		"incidents/notes.txt",
	}
	for _, f := range foreign {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	otherFiles := pqFilter(pqFiles(t, dir), other)
	if len(otherFiles) != len(want) {
		t.Fatalf("digest %s: %d files, want %d", other, len(otherFiles), len(want))
	}

	// Re-running the first digest over a report whose rows fall in fewer
	// partitions removes its files from the partitions it no longer
	// fills, and the folders left empty.
	nulls := pqLoadNulls(t)
	pqWrite(t, nulls, ParquetOptions{Dir: dir, InputDigest: testDigest, PartitionBy: []string{"host", "date"}})
	wantNow := []string{
		"containers" + p,
		"incidents/host=" + null + "/date=" + null + p,
		"inputs" + p,
		"kubelet_events/host=" + null + "/date=" + null + p,
		"kubelet_events/host=worker-3/date=2026-11-27" + p,
		"kubelet_events/host=worker-4/date=2026-11-28" + p,
		"pods" + p,
		"tasks/host=" + null + "/date=" + null + p,
	}
	if got := pqFilter(pqFiles(t, dir), testDigest+".parquet"); !slices.Equal(got, wantNow) {
		t.Errorf("after re-run:\n got %q\nwant %q", got, wantNow)
	}
	if got := pqFilter(pqFiles(t, dir), other); !slices.Equal(got, otherFiles) {
		t.Errorf("other digest's files changed:\n got %q\nwant %q", got, otherFiles)
	}
	for _, f := range foreign {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("foreign file: %v", err)
		}
	}

	// Unpartitioned after partitioned: the digest's partition files go.
	pqWrite(t, nulls, ParquetOptions{Dir: dir, InputDigest: testDigest})
	var wantFlat []string
	for _, table := range []string{"containers", "incidents", "inputs", "kubelet_events", "pods", "tasks"} {
		wantFlat = append(wantFlat, table+p)
	}
	if got := pqFilter(pqFiles(t, dir), testDigest+".parquet"); !slices.Equal(got, wantFlat) {
		t.Errorf("after unpartitioned re-run:\n got %q\nwant %q", got, wantFlat)
	}
	if got := pqFilter(pqFiles(t, dir), other); !slices.Equal(got, otherFiles) {
		t.Errorf("other digest's files changed:\n got %q\nwant %q", got, otherFiles)
	}

	// Folders follow the order of PartitionBy; an empty table is one empty
	// file in the all-null partition, so its schema can still be read.
	empty := New("test")
	dateFirst := t.TempDir()
	pqWrite(t, empty, ParquetOptions{Dir: dateFirst, InputDigest: testDigest, PartitionBy: []string{"date", "host", "date"}})
	if got := pqFiles(t, dateFirst); !slices.Contains(got, "incidents/date="+null+"/host="+null+p) {
		t.Errorf("date-first empty layout: %q", got)
	}
	rows, pf := pqRead[incidentRow](t, filepath.Join(dateFirst, "incidents", "date="+null, "host="+null, "part-"+testDigest+".parquet"))
	if len(rows) != 0 || pf.NumRows() != 0 {
		t.Errorf("empty table has %d rows", len(rows))
	}
}

// filter keeps the names that contain s.
func pqFilter(names []string, s string) []string {
	var out []string
	for _, n := range names {
		if strings.Contains(n, s) {
			out = append(out, n)
		}
	}
	return out
}

func TestWriteParquetLeavesNoTempFiles(t *testing.T) {
	r := pqLoad(t, "full.json")
	noTemp := func(t *testing.T, dir string) {
		t.Helper()
		for _, f := range pqFiles(t, dir) {
			if strings.HasSuffix(f, ".tmp") || strings.HasPrefix(filepath.Base(f), ".") {
				t.Errorf("left behind: %s", f)
			}
		}
	}

	t.Run("unwritable dir", func(t *testing.T) {
		// A path below a regular file cannot be created, even by root.
		base := t.TempDir()
		file := filepath.Join(base, "file")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := WriteParquet(r, ParquetOptions{Dir: filepath.Join(file, "dataset"), InputDigest: testDigest}); err == nil {
			t.Fatal("no error for a dataset folder below a file")
		}
		if got := pqFiles(t, base); !slices.Equal(got, []string{"file"}) {
			t.Errorf("files: %q", got)
		}
		if os.Geteuid() == 0 {
			return // root writes into a read-only folder
		}
		ro := filepath.Join(base, "ro")
		if err := os.MkdirAll(filepath.Join(ro, TableIncidents), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(ro, TableIncidents), 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(filepath.Join(ro, TableIncidents), 0o755) })
		if err := WriteParquet(r, ParquetOptions{Dir: ro, InputDigest: testDigest}); err == nil {
			t.Fatal("no error for a read-only table folder")
		}
		noTemp(t, ro)
	})

	t.Run("rename fails after the file is written", func(t *testing.T) {
		// The final name is taken by a folder: the temporary file is
		// complete, the rename fails, and the temporary file goes.
		dir := t.TempDir()
		blocker := filepath.Join(dir, TableTasks, "part-"+testDigest+".parquet")
		if err := os.MkdirAll(filepath.Join(blocker, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		err := WriteParquet(r, ParquetOptions{Dir: dir, InputDigest: testDigest})
		if err == nil {
			t.Fatal("no error when the final name is a folder")
		}
		noTemp(t, dir)
		// The table written before the failure is complete.
		rows, _ := pqRead[incidentRow](t, pqFlatFile(dir, TableIncidents))
		if len(rows) != len(r.Incidents) {
			t.Errorf("incidents: %d rows", len(rows))
		}
	})

	t.Run("rows fail half-way", func(t *testing.T) {
		dir := t.TempDir()
		w := newDatasetWriter(r, dir, testDigest)
		path := filepath.Join(dir, "part-"+testDigest+".parquet")
		boom := errors.New("boom")
		rows := make([]int, 5000)
		for i := range rows {
			rows[i] = i
		}
		err := writeFile(path, TableTasks, w, rows, func(i int, emit func(taskRow) error) error {
			if i < 3000 { // past the first batches the writer has taken
				return emit(taskRow{IncidentID: "x", TaskIndex: int64(i)})
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("error %v, want boom", err)
		}
		if got := pqFiles(t, dir); len(got) != 0 {
			t.Errorf("left behind: %q", got)
		}
	})

	t.Run("a crash's leftovers are cleaned", func(t *testing.T) {
		dir := t.TempDir()
		leftovers := []string{
			"incidents/.part-" + testDigest + "-123456.tmp",
			"tasks/host=gone/.part-" + testDigest + "-99.tmp",
		}
		kept := []string{
			"incidents/.part-fedcba-1.tmp", // another run's, maybe still writing
		}
		for _, f := range append(leftovers, kept...) {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), []byte("half"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		pqWrite(t, r, ParquetOptions{Dir: dir, InputDigest: testDigest})
		got := pqFiles(t, dir)
		for _, f := range leftovers {
			if slices.Contains(got, f) {
				t.Errorf("not removed: %s", f)
			}
		}
		for _, f := range kept {
			if !slices.Contains(got, f) {
				t.Errorf("removed another digest's file: %s", f)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "tasks", "host=gone")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("emptied partition folder kept: %v", err)
		}
	})
}

func TestWriteParquetRejects(t *testing.T) {
	r := pqLoad(t, "full.json")
	for name, opt := range map[string]ParquetOptions{
		"no dir":        {InputDigest: testDigest},
		"no digest":     {Dir: "x"},
		"path digest":   {Dir: "x", InputDigest: "../../etc"},
		"non-hex":       {Dir: "x", InputDigest: "xyz"},
		"bad partition": {Dir: "x", InputDigest: testDigest, PartitionBy: []string{"node"}},
	} {
		dir := t.TempDir()
		if opt.Dir != "" {
			opt.Dir = filepath.Join(dir, opt.Dir)
		}
		if err := WriteParquet(r, opt); err == nil {
			t.Errorf("%s: no error", name)
		}
		if got := pqFiles(t, dir); len(got) != 0 {
			t.Errorf("%s: wrote %q", name, got)
		}
	}
	// A time that is not RFC 3339 fails before any file is written.
	bad := pqLoad(t, "full.json")
	bad.Incidents[3].Time = pqPtr("27 Nov 2026")
	dir := t.TempDir()
	if err := WriteParquet(bad, ParquetOptions{Dir: dir, InputDigest: testDigest}); err == nil || !strings.Contains(err.Error(), bad.Incidents[3].ID) {
		t.Errorf("bad time: error %v", err)
	}
	if got := pqFiles(t, dir); len(got) != 0 {
		t.Errorf("bad time: wrote %q", got)
	}
}

func TestEscapePartition(t *testing.T) {
	for in, want := range map[string]string{
		"worker-3":            "worker-3",
		"ip-10-0-1-7.ec2":     "ip-10-0-1-7.ec2",
		"a/b c":               "a%2Fb%20c",
		"x=y%":                "x%3Dy%25",
		".hidden":             "%2Ehidden",
		"_tmp":                "%5Ftmp",
		"node_1":              "node_1",
		"..":                  "%2E.",
		"wörker":              "w%C3%B6rker",
		"__HIVE_DEFAULT_PAR…": "%5F_HIVE_DEFAULT_PAR%E2%80%A6",
	} {
		if got := escapePartition(in); got != want {
			t.Errorf("escapePartition(%q) = %q, want %q", in, got, want)
		}
	}
	if got := partitionHost(pqPtr("")); got != hiveNull {
		t.Errorf("empty host: %q", got)
	}
}

// TestParquetWithDuckDB reads the dataset with DuckDB (scripts/duckdb, npm
// @duckdb/node-api) and checks it against the JSON of the same report.
func TestParquetWithDuckDB(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("-short: no DuckDB")
	}
	scripts, err := filepath.Abs(filepath.Join("..", "scripts", "duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	node := pqRequireTool(t, "node")
	if _, err := os.Stat(filepath.Join(scripts, "node_modules", "@duckdb", "node-api")); err != nil {
		npm := pqRequireTool(t, "npm")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund")
		cmd.Dir = scripts
		if out, err := cmd.CombinedOutput(); err != nil {
			pqSkipOrFail(t, fmt.Sprintf("npm install in %s: %v\n%s", scripts, err, out))
		}
	}
	cases := []struct {
		name string
		r    *Report
		part []string
		runs int
	}{
		{"full", pqLoad(t, "full.json"), nil, 1},
		{"full by host and date, run twice", pqLoad(t, "full.json"), []string{"host", "date"}, 2},
		{"nulls", pqLoadNulls(t), nil, 1},
		{"nulls by date", pqLoadNulls(t), []string{"date"}, 1},
		{"empty by host", New("test"), []string{"host"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tmp := t.TempDir()
			dataset := filepath.Join(tmp, "dataset")
			for range c.runs {
				pqWrite(t, c.r, ParquetOptions{Dir: dataset, InputDigest: testDigest, PartitionBy: c.part})
			}
			var js bytes.Buffer
			if err := WriteJSON(&js, c.r); err != nil {
				t.Fatal(err)
			}
			reportPath := filepath.Join(tmp, "report.json")
			if err := os.WriteFile(reportPath, js.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, "verify.mjs", dataset, reportPath)
			cmd.Dir = scripts
			out, err := cmd.CombinedOutput()
			t.Logf("node verify.mjs:\n%s", out)
			if err != nil {
				t.Fatalf("DuckDB check failed: %v", err)
			}
		})
	}
}

// requireTool finds a program on PATH, or skips (fails under CI).
func pqRequireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		pqSkipOrFail(t, fmt.Sprintf("%s not found: %v", name, err))
	}
	return p
}

// skipOrFail skips the test with the reason, except in CI, where a check
// that cannot run is a failure.
func pqSkipOrFail(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(reason)
	}
	t.Skip(reason)
}

// BenchmarkWriteParquet writes 100,000 incidents of 50 tasks each (5.1
// million rows), unpartitioned and by host and date, and reports rows/s,
// the heap the report itself takes, the peak heap in use while writing and
// the memory obtained from the OS.
func BenchmarkWriteParquet(b *testing.B) {
	const incidents, tasksPer = 100_000, 50
	r := pqSyntheticReport(incidents, tasksPer)
	for _, part := range [][]string{nil, {"host", "date"}} {
		name := "flat"
		if part != nil {
			name = strings.Join(part, ",")
		}
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapInuse

			var peakHeap atomic.Uint64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				tick := time.NewTicker(10 * time.Millisecond)
				defer tick.Stop()
				var ms runtime.MemStats
				for {
					runtime.ReadMemStats(&ms)
					if ms.HeapInuse > peakHeap.Load() {
						peakHeap.Store(ms.HeapInuse)
					}
					select {
					case <-stop:
						return
					case <-tick.C:
					}
				}
			}()
			b.ResetTimer()
			for range b.N {
				if err := WriteParquet(r, ParquetOptions{Dir: dir, InputDigest: testDigest, PartitionBy: part}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			runtime.ReadMemStats(&ms)
			rows := float64(incidents * (1 + tasksPer))
			b.ReportMetric(rows*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(base)/(1<<20), "report-heap-MiB")
			b.ReportMetric(float64(peakHeap.Load())/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MiB")
			var size int64
			names := pqFiles(b, dir)
			for _, f := range names {
				if st, err := os.Stat(filepath.Join(dir, f)); err == nil {
					size += st.Size()
				}
			}
			b.ReportMetric(float64(size)/(1<<20), "dataset-MiB")
			b.ReportMetric(float64(len(names)), "files")
		})
	}
}

// pqSyntheticReport makes n incidents with tasksPer task rows each, on 20
// hosts over 14 days. Incidents share 500 task tables to keep the report
// itself small; every incident still writes its own rows.
func pqSyntheticReport(n, tasksPer int) *Report {
	r := New("bench")
	const tables = 500
	taskTables := make([][]correlate.Task, tables)
	for i := range taskTables {
		ts := make([]correlate.Task, tasksPer)
		for j := range ts {
			pid := int64(1000 + i*tasksPer + j)
			ts[j] = correlate.Task{
				PID: pid, UID: int64(j % 3 * 1000), TGID: pid, TotalVMPages: pid * 37 % 1_000_000,
				RSSPages: pid * 13 % 500_000, PgtablesBytes: pqPtr(pid * 4096 % 10_000_000), SwapEntries: pqPtr(int64(0)),
				OOMScoreAdj: pqPtr(int64(j%7*150 - 998)), Name: fmt.Sprintf("proc-%d", j%40),
			}
			if j%2 == 0 {
				ts[j].RSSAnonPages, ts[j].RSSFilePages, ts[j].RSSShmemPages = pqPtr(pid%9000), pqPtr(pid%700), pqPtr(int64(0))
			}
		}
		taskTables[i] = ts
	}
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	r.Incidents = make([]correlate.Incident, n)
	for i := range r.Incidents {
		tasks := taskTables[i%tables]
		victim := tasks[len(tasks)-1]
		inc := correlate.Incident{
			ID: fmt.Sprintf("%016x", uint64(i)*0x9e3779b97f4a7c15), Kind: "oom_kill", OOMKind: "memcg",
			BootSeconds: pqPtr(float64(i) * 1.5), KernelVersion: pqPtr("6.1.0-18-amd64"),
			Trigger:    &correlate.Trigger{PID: pqPtr(int(victim.PID)), Comm: victim.Name, OOMScoreAdj: pqPtr(0), GFPMask: pqPtr("0xcc0(GFP_KERNEL)"), Order: pqPtr(0)},
			Constraint: pqPtr("CONSTRAINT_MEMCG"),
			OOMMemcg:   pqPtr(fmt.Sprintf("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%08x.slice", i)),
			TaskMemcg:  pqPtr(fmt.Sprintf("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%08x.slice/cri-containerd-%064x.scope", i, i)),
			Memcg:      &correlate.Memcg{UsageKB: pqPtr(int64(2097152)), LimitKB: pqPtr(int64(2097152)), Failcnt: pqPtr(int64(i % 500))},
			Victim: &correlate.Victim{PID: int(victim.PID), Comm: victim.Name, UID: pqPtr(1000), OOMScoreAdj: pqPtr(900),
				TotalVMKB: pqPtr(victim.TotalVMPages * 4), AnonRSSKB: pqPtr(victim.RSSPages * 4), FileRSSKB: pqPtr(int64(0)),
				ShmemRSSKB: pqPtr(int64(0)), PgtablesKB: pqPtr(int64(400)), From: "kill_line"},
			GroupKills: []correlate.Kill{}, PageSizeBytes: 4096, PageSizeFrom: "default",
			TaskColumns: []string{"pgtables_bytes", "swapents", "oom_score_adj"}, Tasks: tasks, Complete: true,
			Missing: []string{}, Sources: []correlate.Source{{Path: fmt.Sprintf("host-%d/kern.log", i%20), Line: i, Format: "syslog"}},
			Scope: pqPtr("container"), Findings: []correlate.Finding{{Code: "trigger_not_victim"}},
		}
		if i%10 != 0 { // one in ten without host and time
			inc.Host = pqPtr(fmt.Sprintf("worker-%d", i%20))
			inc.Time = pqPtr(base.Add(time.Duration(i) * 12 * time.Second).Format(time.RFC3339Nano))
		}
		r.Incidents[i] = inc
	}
	return r
}

func pqPtr[T any](v T) *T { return &v }

func pqDeref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
