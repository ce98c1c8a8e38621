package parse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// Identities shared by the kubelet and runtime tests and fixtures: the pod
// of testdata/carriers (README there).
const (
	tPod     = "shop/checkout-7d9f8b6c5-x2k4p"
	tPodName = "checkout-7d9f8b6c5-x2k4p"
	tUID     = "3f6b2a1e-8c4d-4e7a-9b5f-2d1c0e9a8b7c"
	tUIDSd   = "3f6b2a1e_8c4d_4e7a_9b5f_2d1c0e9a8b7c"
	tCID     = "189459c7825e1561f401e8f11f75c848d4e793834a2f52201978ae8702a3ff95"
	tSandbox = "d7833a191251728c91f1884cc929e1d35a5b4eefee9c40f5977e2242f48837be"
)

// evWant is the part of a KubeEvent the table tests compare. Pod is
// "ns/name"; exit is -1 when unknown; stamp is as stampString prints it.
type evWant struct {
	kind, pod, uid, container, id string
	exit                          int
	reason, stamp                 string
}

func summarize(e KubeEvent) evWant {
	w := evWant{kind: e.Kind, pod: e.Pod, uid: e.PodUID, container: e.Container, id: e.ContainerID,
		exit: -1, reason: e.Reason, stamp: stampString(e.Wall)}
	if e.Namespace != "" {
		w.pod = e.Namespace + "/" + e.Pod
	}
	if e.ExitCode != nil {
		w.exit = *e.ExitCode
	}
	return w
}

// stampString prints a zoned stamp in RFC 3339, a year-less one as
// "MM-DDThh:mm:ss.ffffff".
func stampString(s *Stamp) string {
	switch {
	case s == nil:
		return ""
	case s.Zoned:
		return s.T.Format(time.RFC3339Nano)
	case s.NoYear:
		return s.T.Format("01-02T15:04:05.999999999")
	}
	return s.T.Format("2006-01-02T15:04:05.999999999")
}

// decodeLine runs one line through a fresh Decoder.
func decodeLine(t testing.TB, line string) []Record {
	t.Helper()
	var recs []Record
	if err := NewDecoder("x.log").Decode([]byte(line), 3, func(r Record) { recs = append(recs, r) }); err != nil {
		t.Fatalf("decode %q: %v", line, err)
	}
	return recs
}

func TestParseKeyValues(t *testing.T) {
	line := `pod="ns/a b" podUID=27aff94d-1 exitCode=137 err="rpc error: code = Unknown desc = \"x \\\"y\\\"\"" ` +
		`event=&{ID:u Type:ContainerDied Data:c} ev2={"ID":"u","Type":"x y"} pods=[ns/a ns/b] stray multi=< tail ok=true`
	got := unquotedPairs(parseKeyValues(line))
	want := kvPairs{
		{"pod", "ns/a b"}, {"podUID", "27aff94d-1"}, {"exitCode", "137"},
		{"err", `rpc error: code = Unknown desc = "x \"y\""`},
		{"event", "&{ID:u Type:ContainerDied Data:c}"}, {"ev2", `{"ID":"u","Type":"x y"}`},
		{"pods", "[ns/a ns/b]"}, {"multi", "<"}, {"ok", "true"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	for _, s := range []string{"", "=", `a="unterminated`, "a={unbalanced b=1", `"quoted" k=v`, "k=", "]]]} k=v"} {
		parseKeyValues(s) // must not panic or loop
	}
}

// unquotedPairs returns ps with every value unquoted, as get gives it.
func unquotedPairs(ps kvPairs) kvPairs {
	out := make(kvPairs, len(ps))
	for i, p := range ps {
		out[i] = kvPair{p.key, unquoteValue(p.raw)}
	}
	return out
}

func TestParseStructText(t *testing.T) {
	tests := []struct {
		in   string
		want kvPairs
	}{
		{"&{ID:u Type:ContainerDied Data:c}", kvPairs{{"ID", "u"}, {"Type", "ContainerDied"}, {"Data", "c"}}},
		{`&pleg.PodLifecycleEvent{ID:"u", Type:"ContainerDied", Data:"c"}`, kvPairs{{"ID", "u"}, {"Type", "ContainerDied"}, {"Data", "c"}}},
		{`{"ID":"u","Type":"ContainerDied","Data":"c"}`, kvPairs{{"ID", "u"}, {"Type", "ContainerDied"}, {"Data", "c"}}},
		{`container_id:"c"  id:"c"  pid:7 exited_at:{seconds:1 nanos:2}`, kvPairs{{"container_id", "c"}, {"id", "c"}, {"pid", "7"}, {"exited_at", "{seconds:1 nanos:2}"}}},
		{"&TaskExit{ContainerID:c,ID:c,Pid:7,ExitStatus:137,ExitedAt:2026-11-27 11:44:17.2 +0000 UTC,XXX_unrecognized:[],}",
			kvPairs{{"ContainerID", "c"}, {"ID", "c"}, {"Pid", "7"}, {"ExitStatus", "137"}, {"ExitedAt", "2026-11-27 11:44:17.2 +0000 UTC"}, {"XXX_unrecognized", "[]"}}},
		{"&{Pid:1 ProcessName:C2 CompilerThre TimeOfDeath:2026-11-27 11:44:16 +0000 UTC ContainerName:/ VictimContainerName:/ Constraint:CONSTRAINT_NONE}",
			kvPairs{{"Pid", "1"}, {"ProcessName", "C2 CompilerThre"}, {"TimeOfDeath", "2026-11-27 11:44:16 +0000 UTC"}, {"ContainerName", "/"}, {"VictimContainerName", "/"}, {"Constraint", "CONSTRAINT_NONE"}}},
		{"&{1 java 2026-11-27 / /x CONSTRAINT_NONE}", kvPairs{{"", "1"}, {"", "java"}, {"", "2026-11-27"}, {"", "/"}, {"", "/x"}, {"", "CONSTRAINT_NONE"}}},
	}
	for _, tt := range tests {
		if got := unquotedPairs(parseStructText(tt.in)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseStructText(%q)\n got  %q\n want %q", tt.in, got, tt.want)
		}
	}
	for _, s := range []string{"", "&", "{", "}", `"k":`, "a:", ":::", `{"a":"b`, "&x{", ",,,"} {
		parseStructText(s)
	}
}

func TestSplitPodRef(t *testing.T) {
	tests := []struct{ in, ns, name, uid string }{
		{"shop/checkout", "shop", "checkout", ""},
		{`"shop/checkout"`, "shop", "checkout", ""},
		{"checkout_shop(" + tUID + ")", "shop", "checkout", tUID},
		{`{"name":"checkout","namespace":"shop"}`, "shop", "checkout", ""},
		{"checkout", "", "checkout", ""},
		{"<nil>", "", "", ""},
		{"two words", "", "", ""},
	}
	for _, tt := range tests {
		ns, name, uid := splitPodRef(tt.in)
		if ns != tt.ns || name != tt.name || uid != tt.uid {
			t.Errorf("splitPodRef(%q) = %q %q %q", tt.in, ns, name, uid)
		}
	}
	for in, want := range map[string]string{
		"a_ns(u), b_ns(v)": "a_ns(u)",
		"[ns/a ns/b]":      "ns/a",
		`["ns/a","ns/b"]`:  `"ns/a"`,
		`[{"name":"a","namespace":"ns"},{"name":"b"}]`: `{"name":"a","namespace":"ns"}`,
		"[]": "",
		"":   "",
	} {
		if got := firstRankedPod(in); got != want {
			t.Errorf("firstRankedPod(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCgroupPodAndContainer(t *testing.T) {
	for _, p := range []string{
		"/kubepods/burstable/pod" + tUID + "/" + tCID,
		"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + tUIDSd + ".slice/cri-containerd-" + tCID + ".scope",
		"/kubepods.slice/kubepods-pod" + tUIDSd + ".slice/crio-" + tCID + ".scope",
	} {
		if uid, id := cgroupPodAndContainer(p); uid != tUID || id != tCID {
			t.Errorf("cgroupPodAndContainer(%q) = %q %q", p, uid, id)
		}
	}
	if uid, id := cgroupPodAndContainer("/"); uid != "" || id != "" {
		t.Errorf("root cgroup gave %q %q", uid, id)
	}
}

func TestClipMessage(t *testing.T) {
	long := strings.Repeat("é", 2000) // 4000 bytes
	got := clipMessage("  " + long)
	if len(got) > maxEventMessage || !strings.HasPrefix(long, got) || len(got) < maxEventMessage-1 {
		t.Errorf("clipMessage: %d bytes", len(got))
	}
}

// fixtureEvent is one event of a testdata/kubelet/*.expected.json file.
type fixtureEvent struct {
	Kind        string  `json:"kind"`
	Pod         *string `json:"pod"`
	Container   *string `json:"container"`
	ContainerID *string `json:"container_id"`
	ExitCode    *int    `json:"exit_code"`
}

// TestScanKubeLogFixtures reads every log in testdata/kubelet and checks its
// events, in order, against the .expected.json beside it.
func TestScanKubeLogFixtures(t *testing.T) {
	paths, err := filepath.Glob("../testdata/kubelet/*.log")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			b, err := os.ReadFile(strings.TrimSuffix(p, ".log") + ".expected.json")
			if err != nil {
				t.Fatal(err)
			}
			var want struct {
				Events []fixtureEvent `json:"events"`
			}
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var got []fixtureEvent
			st, err := ScanKubeLog(context.Background(), p, f, func(e KubeEvent) {
				if e.Source.Path != p || e.Source.Line < 1 || e.Wall == nil || e.Host == "" {
					t.Errorf("event without source, stamp or host: %+v", e)
				}
				got = append(got, toFixtureEvent(e))
			})
			if err != nil || len(st.Errors) > 0 {
				t.Fatalf("scan: %v %v", err, st.Errors)
			}
			if st.Lines == 0 || st.Bytes == 0 {
				t.Errorf("stats: %+v", st)
			}
			gj, _ := json.MarshalIndent(got, "", "  ")
			wj, _ := json.MarshalIndent(want.Events, "", "  ")
			if !bytes.Equal(gj, wj) {
				t.Errorf("events differ\ngot  %s\nwant %s", gj, wj)
			}
		})
	}
}

func toFixtureEvent(e KubeEvent) fixtureEvent {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	pod := e.Pod
	if e.Namespace != "" {
		pod = e.Namespace + "/" + e.Pod
	}
	return fixtureEvent{Kind: e.Kind, Pod: opt(pod), Container: opt(e.Container), ContainerID: opt(e.ContainerID), ExitCode: e.ExitCode}
}

// TestScanKubeLogSkipsKernel: kernel records are counted, never events,
// even when they quote kubelet or runtime lines.
func TestScanKubeLogSkipsKernel(t *testing.T) {
	in := "Nov 27 11:44:16 worker-3 kernel: I1127 11:44:17.911402    1342 generic.go:334] \"Generic (PLEG): container finished\" podID=\"u\" containerID=\"c\" exitCode=137\n" +
		"[ 1237.900760] time=\"2026-11-27T11:44:16.9Z\" level=info msg=\"TaskOOM event container_id:\\\"" + tCID + "\\\"\"\n"
	n := 0
	st, err := ScanKubeLog(context.Background(), "k", strings.NewReader(in), func(KubeEvent) { n++ })
	if err != nil || n != 0 || st.Kernel != 2 || st.Lines != 2 {
		t.Errorf("events %d, stats %+v, err %v", n, st, err)
	}
}

type failingReader struct{ r io.Reader }

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("disk on fire")
	}
	return n, err
}

// TestScanKubeLogReadError keeps the events read before the error.
func TestScanKubeLogReadError(t *testing.T) {
	in := `I1127 11:44:17.911402    1342 generic.go:334] "Generic (PLEG): container finished" podID="u" containerID="c" exitCode=137` + "\n"
	n := 0
	st, err := ScanKubeLog(context.Background(), "k", &failingReader{strings.NewReader(in)}, func(KubeEvent) { n++ })
	if err == nil || n != 1 || len(st.Errors) != 1 {
		t.Errorf("events %d, stats %+v, err %v", n, st, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ScanKubeLog(ctx, "k", strings.NewReader(in), func(KubeEvent) {}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled scan: %v", err)
	}
}

// benchKubeLog is a generated kubelet + containerd journal of about 50 MiB:
// mostly the lines a busy node logs at --v=2 (probes, status, volume and
// sync noise), with an OOM kill, a back-off and an eviction every few
// hundred lines.
var benchKubeLog = sync.OnceValue(func() []byte {
	noise := []string{
		`I1127 %s    1342 prober.go:107] "Probe failed" probeType="Readiness" pod="shop/web-%d" podUID=%s containerName="app" probeResult="failure" output="Get \"http://10.244.3.17:8080/ready\": context deadline exceeded"`,
		`I1127 %s    1342 kubelet.go:2470] "SyncLoop (probe)" probe="readiness" status="ready" pod="shop/web-%d"`,
		`I1127 %s    1342 status_manager.go:877] "Status for pod updated successfully" pod="shop/web-%d" statusVersion=3 status={"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}`,
		`I1127 %s    1342 reconciler_common.go:258] "operationExecutor.VerifyControllerAttachedVolume started for volume \"kube-api-access-x\" (UniqueName: \"kubernetes.io/projected/%d\")" pod="shop/web-1"`,
		`I1127 %s    1342 kubelet.go:2157] "SyncLoop (PLEG): event for pod" pod="shop/web-%d" event={"ID":"%s","Type":"ContainerStarted","Data":"` + tSandbox + `"}`,
		`E1127 %s    1342 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"app\" with ImagePullBackOff: \"Back-off pulling image \\\"registry/web:%d\\\"\"" pod="shop/web-1" podUID="u"`,
	}
	relevant := []string{
		`I1127 %s    1342 generic.go:334] "Generic (PLEG): container finished" podID="` + tUID + `" containerID="` + tCID + `" exitCode=137 n=%d`,
		`I1127 %s    1342 kubelet.go:2157] "SyncLoop (PLEG): event for pod" pod="` + tPod + `" event={"ID":"` + tUID + `","Type":"ContainerDied","Data":"` + tCID + `"} n=%d`,
		`E1127 %s    1342 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"app\" with CrashLoopBackOff: \"back-off 10s restarting failed container=app pod=` + tPodName + `_shop(` + tUID + `)\"" pod="` + tPod + `" podUID="` + tUID + `" n=%d`,
		`I1127 %s    1342 eviction_manager.go:414] "Eviction manager: pods ranked for eviction" pods=["default/hog-%d","` + tPod + `"]`,
	}
	containerd := []string{
		`time="2026-11-27T11:44:%02d.903512396Z" level=info msg="ExecSync for \"` + tSandbox + `\" with command [/bin/true] and timeout 1 (s)" n=%d`,
		`time="2026-11-27T11:44:%02d.903512396Z" level=info msg="TaskOOM event container_id:\"` + tCID + `\"" n=%d`,
	}
	var b bytes.Buffer
	for i := 0; b.Len() < 50<<20; i++ {
		if i%97 == 0 {
			fmt.Fprintf(&b, "Nov 27 11:44:%02d worker-3 containerd[1187]: ", i%60)
			fmt.Fprintf(&b, containerd[i/97%2], i%60, i)
			b.WriteByte('\n')
			continue
		}
		stamp := fmt.Sprintf("11:%02d:%02d.%06d", i/60000%60, i/1000%60, i%1000000)
		fmt.Fprintf(&b, "Nov 27 11:44:%02d worker-3 kubelet[1342]: ", i%60)
		switch f := noise[i%len(noise)]; {
		case i%500 < 4:
			fmt.Fprintf(&b, relevant[i%500], stamp, i)
		case strings.Count(f, "%s") == 2:
			fmt.Fprintf(&b, f, stamp, i, tUID)
		default:
			fmt.Fprintf(&b, f, stamp, i)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
})

// BenchmarkScanKubeLog scans the generated 50 MiB log. LineReader is the
// floor (splitting the same bytes into lines and nothing else) and Decoder
// adds the carrier decoding that ScanKubeLog builds on.
func BenchmarkScanKubeLog(b *testing.B) {
	data := benchKubeLog()
	b.Run("LineReader", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			lr := NewLineReader(bytes.NewReader(data))
			for {
				if _, _, err := lr.Next(); err != nil {
					break
				}
			}
		}
	})
	b.Run("Decoder", func(b *testing.B) { // what every scanner pays before its own work
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			lr, dec := NewLineReader(bytes.NewReader(data)), NewDecoder("bench")
			for {
				line, n, err := lr.Next()
				if err != nil {
					break
				}
				_ = dec.Decode(line, n, func(Record) {})
			}
		}
	})
	b.Run("ScanKubeLog", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		events := 0
		for b.Loop() {
			events = 0
			if _, err := ScanKubeLog(context.Background(), "bench", bytes.NewReader(data), func(KubeEvent) { events++ }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(events), "events/op")
	})
}
