package parse

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"gopkg.in/yaml.v3"
)

// ---------------------------------------------------------------------------
// helpers

func objI64(v int64) *int64 { return &v }
func objI32(v int32) *int32 { return &v }
func objInt(v int) *int     { return &v }

func objTime(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	t = t.UTC()
	return &t
}

func objStamp(s string) *Stamp { return zoned(*objTime(s)) }

// objReadFixture reads a file of testdata/objects and fails on any problem.
func objReadFixture(t testing.TB, path string) (Objects, InputStats) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	objs, st, err := ReadObjects(context.Background(), path, f)
	if err != nil {
		t.Fatalf("ReadObjects(%s): %v", path, err)
	}
	if len(st.Errors) != 0 {
		t.Fatalf("ReadObjects(%s): stats errors %v", path, st.Errors)
	}
	return objs, st
}

func objReadString(t testing.TB, path, in string) (Objects, InputStats, error) {
	t.Helper()
	return ReadObjects(context.Background(), path, strings.NewReader(in))
}

// objSameJSON compares by value and shows both sides as JSON when they differ.
func objSameJSON(t testing.TB, what string, got, want any) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	gl, wl := strings.Split(string(g), "\n"), strings.Split(string(w), "\n")
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if gl[i] != wl[i] {
			t.Errorf("%s differ at JSON line %d:\n got: %s\nwant: %s", what, i+1, gl[i], wl[i])
			break
		}
	}
	t.Errorf("%s:\n got: %s\nwant: %s", what, g, w)
}

func objContainsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// fixtures

// TestReadMixedList reads kubectl get … -o yaml of a List holding a Pod, a
// ConfigMap whose data looks like YAML items, a Service written with a wider
// dash, a Node, and an events.k8s.io/v1 Event whose item starts with a bare
// dash.
func TestReadMixedList(t *testing.T) {
	const path = "../testdata/objects/mixed-list.yaml"
	objs, st := objReadFixture(t, path)
	want := Objects{
		Pods: []Pod{{
			UID: "533d4d29-8861-4471-b1b7-6786c7e49861", Namespace: "kube-system", Name: "coredns-668d6bf9bc-hs68x",
			Node: "worker-1", PriorityClassName: "system-cluster-critical", Priority: objI32(2000000000), QOSClass: "Burstable",
			Containers: []Container{{
				Name:        "coredns",
				ContainerID: "containerd://19581e27de7ced00ff1ce50b2047e7a567c76b1cbaebabe5ef03f7c3017bb5b7",
				Runtime:     "containerd",
				Requests:    Resources{MemoryBytes: objI64(70 << 20), CPUMilli: objI64(100)},
				Limits:      Resources{MemoryBytes: objI64(170 << 20)},
				State:       "running",
			}},
			Source: Source{path, 3},
		}},
		Nodes: []Node{{
			Name: "worker-1", CapacityMemoryBytes: objI64(8107556 << 10), AllocatableMemoryBytes: objI64(8005316608),
			KubeletVersion: "v1.29.10-eks-59bf375", Source: Source{path, 49},
		}},
		Events: []KubeEvent{{
			Kind: "evicted", Wall: objStamp("2026-11-27T11:40:02.123456Z"), Host: "worker-1",
			Namespace: "web", Pod: "nginx-7d9c8", PodUID: "f07700a5-b996-4b1a-a3af-5f99ecb29549",
			Reason:  "Evicted",
			Message: "The node was low on resource: memory. Threshold quantity: 100Mi, available: 92604Ki. Container nginx was using 4395616Ki, request is 0, has larger consumption of memory. ",
			Source:  Source{path, 61},
		}},
		Skipped: map[string]int{"ConfigMap": 1, "Service": 1},
	}
	objSameJSON(t, "objects", objs, want)
	if st.Lines != 84 || st.Formats[0] != FormatKubeYAML || len(st.Notes) != 1 || st.Notes[0] != "objects not kept: ConfigMap 1, Service 1" {
		t.Errorf("stats = %+v", st)
	}
}

// TestReadMultiDoc reads three YAML documents: a hand-written Pod with bare
// numbers as quantities, a Node ended by "...", and an EventList in the API
// server's key order (kind first) whose items name no kind.
func TestReadMultiDoc(t *testing.T) {
	const path = "../testdata/objects/multi-doc.yaml"
	objs, st := objReadFixture(t, path)
	want := Objects{
		Pods: []Pod{{
			UID: "27aff94d-1b2c-4d3e-8f40-5a6b7c8d9e0f", Namespace: "default", Name: "stress", Node: "worker-3",
			QOSClass: "Burstable",
			Containers: []Container{{
				Name:            "stress",
				ContainerID:     "containerd://7902699be42c8a8e46fbbb4501726517e86b22c56a189f7625a6da49081b2451",
				LastContainerID: "containerd://2c624232cdd221771294dfbb310aca000a0df6ac8b66b696d90ef06fdefb64a3",
				Runtime:         "containerd",
				Requests:        Resources{MemoryBytes: objI64(1 << 30), CPUMilli: objI64(500)},
				Limits:          Resources{MemoryBytes: objI64(1e9), CPUMilli: objI64(1000)},
				RestartCount:    2, State: "terminated", StateReason: "OOMKilled",
				LastTerminationReason: "OOMKilled", LastExitCode: objInt(137), LastFinishedAt: objTime("2026-11-27T11:44:16Z"),
			}},
			Source: Source{path, 3},
		}},
		Nodes: []Node{{
			Name: "worker-3", CapacityMemoryBytes: objI64(16393572 << 10), AllocatableMemoryBytes: objI64(15242596 << 10),
			KubeletVersion: "v1.31.4", Source: Source{path, 38},
		}},
		Events: []KubeEvent{{
			Kind: "system_oom", Wall: objStamp("2026-11-27T11:44:17Z"), Host: "worker-3",
			Reason: "SystemOOM", Message: "System OOM encountered, victim process: stress, pid: 24177",
			Source: Source{path, 66},
		}, {
			Kind: "crashloop_backoff", Wall: objStamp("2026-11-27T11:46:01Z"), Host: "worker-3",
			Namespace: "default", Pod: "stress", PodUID: "27aff94d-1b2c-4d3e-8f40-5a6b7c8d9e0f", Container: "stress",
			Reason:  "BackOff",
			Message: "Back-off restarting failed container stress in pod stress_default(27aff94d-1b2c-4d3e-8f40-5a6b7c8d9e0f)",
			Source:  Source{path, 82},
		}},
	}
	objSameJSON(t, "objects", objs, want)
	if st.Lines != 104 {
		t.Errorf("lines = %d", st.Lines)
	}
}

// TestReadCrictlInspectp reads crictl inspectp of a containerd sandbox (keys
// sorted, info first) and of a CRI-O one (as in sos_commands/crio/pods/).
func TestReadCrictlInspectp(t *testing.T) {
	const cd, crio = "../testdata/objects/crictl-inspectp-containerd.json", "../testdata/objects/crictl-inspectp-crio.json"
	tests := []struct {
		path string
		sb   Sandbox
		pod  Pod
	}{
		{cd, Sandbox{
			ID:     "bb3b311a34072532d5d8ca35d9c847bde1e67dcec899ebb61db8b0ad3d70d576",
			PodUID: "f07700a5-b996-4b1a-a3af-5f99ecb29549", Namespace: "develop", Name: "web-with-logger",
			CgroupParent: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf07700a5_b996_4b1a_a3af_5f99ecb29549.slice",
			CgroupsPath:  "kubepods-burstable-podf07700a5_b996_4b1a_a3af_5f99ecb29549.slice:cri-containerd:bb3b311a34072532d5d8ca35d9c847bde1e67dcec899ebb61db8b0ad3d70d576",
			Runtime:      "containerd", Source: Source{cd, 1},
		}, Pod{
			UID: "f07700a5-b996-4b1a-a3af-5f99ecb29549", Namespace: "develop", Name: "web-with-logger", Source: Source{cd, 1},
		}},
		{crio, Sandbox{
			ID:     "3fdba35f04dc8c462986c992bcf875546257113072a909c162f7e470e581e278",
			PodUID: "6b51d431df5d7f141cbececcf79edf3d", Namespace: "openshift-etcd", Name: "etcd-cp-1",
			CgroupParent: "kubepods-burstable-pod6b51d431df5d7f141cbececcf79edf3d.slice",
			CgroupsPath:  "kubepods-burstable-pod6b51d431df5d7f141cbececcf79edf3d.slice:crio:3fdba35f04dc8c462986c992bcf875546257113072a909c162f7e470e581e278",
			Runtime:      "cri-o", Source: Source{crio, 1},
		}, Pod{
			UID: "6b51d431df5d7f141cbececcf79edf3d", Namespace: "openshift-etcd", Name: "etcd-cp-1", Static: true, Source: Source{crio, 1},
		}},
	}
	for _, tt := range tests {
		objs, _ := objReadFixture(t, tt.path)
		objSameJSON(t, "sandboxes", objs.Sandboxes, []Sandbox{tt.sb})
		objSameJSON(t, "pods", objs.Pods, []Pod{tt.pod})
	}
}

// TestReadCrictlVariants: crictl pods -o json, inspectp info one level
// down, and crictl inspect of a container (not kept).
func TestReadCrictlVariants(t *testing.T) {
	const in = `{"items": [
  {"id": "51cd8bdaa13a65518e790d307359d33f9288fc82664879c609029b1a83862db6",
   "metadata": {"name": "crashing-app-699c49b4ff-86wrh", "uid": "0c65ce05-bd3a-4db2-ad79-131186dc2086", "namespace": "default", "attempt": 0},
   "state": "SANDBOX_READY", "createdAt": "1618746959894040481",
   "labels": {"io.kubernetes.pod.uid": "0c65ce05-bd3a-4db2-ad79-131186dc2086"},
   "annotations": {"kubernetes.io/config.source": "api"}, "runtimeHandler": ""}
]}
{"status": {"id": "f7ca", "metadata": {"name": "x"}, "labels": {"io.kubernetes.pod.namespace": "ns", "io.kubernetes.pod.uid": "u"}},
 "info": {"info": {"runtimeType": "io.containerd.runc.v2", "runtimeSpec": {"linux": {"cgroupsPath": "/kubepods/besteffort/podu/f7ca"}}}}}
{"status": {"id": "4bd4", "metadata": {"name": "app", "attempt": 7}, "state": "CONTAINER_EXITED", "reason": "OOMKilled",
 "labels": {"io.kubernetes.container.name": "app", "io.kubernetes.pod.uid": "u"}}}
`
	objs, _, err := objReadString(t, "c.json", in)
	if err != nil {
		t.Fatal(err)
	}
	want := []Sandbox{{
		ID: "51cd8bdaa13a65518e790d307359d33f9288fc82664879c609029b1a83862db6", PodUID: "0c65ce05-bd3a-4db2-ad79-131186dc2086",
		Namespace: "default", Name: "crashing-app-699c49b4ff-86wrh", Source: Source{"c.json", 2},
	}, {
		ID: "f7ca", PodUID: "u", Namespace: "ns", Name: "x", CgroupsPath: "/kubepods/besteffort/podu/f7ca", Runtime: "containerd",
		Source: Source{"c.json", 8},
	}}
	objSameJSON(t, "sandboxes", objs.Sandboxes, want)
	if len(objs.Pods) != 2 || objs.Pods[1].Namespace != "ns" {
		t.Errorf("pods = %+v", objs.Pods)
	}
	if !reflect.DeepEqual(objs.Skipped, map[string]int{"crictl container": 1}) {
		t.Errorf("skipped = %v", objs.Skipped)
	}
}

// TestReadLayoutsAgree reads the support bundle's PodList as JSON, as a JSON
// array, and as YAML in the layouts yaml.v3 and kubectl write (items
// indented by 4, 2, or not at all, and flow style): the pods must be the
// same but for their lines.
func TestReadLayoutsAgree(t *testing.T) {
	raw, err := os.ReadFile(objFixBundle)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := objReadFixture(t, objFixBundle)
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	array, _ := json.Marshal(tree["items"])
	layouts := map[string][]byte{"json array": array}
	for _, indent := range []int{4, 2} {
		var b bytes.Buffer
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(indent)
		if err := enc.Encode(tree); err != nil {
			t.Fatal(err)
		}
		layouts[fmt.Sprintf("yaml indent %d", indent)] = b.Bytes()
	}
	// kubectl's layout: the items' dashes at column 0.
	y2 := string(layouts["yaml indent 2"])
	layouts["yaml kubectl"] = []byte(strings.ReplaceAll(strings.ReplaceAll(y2, "\n  - ", "\n- "), "\n    ", "\n  "))
	layouts["yaml flow"] = []byte("--- " + string(raw))
	layouts["yaml multi-doc"] = []byte("---\n" + string(raw) + "\n---\n" + string(raw))
	for name, in := range layouts {
		t.Run(name, func(t *testing.T) {
			objs, _, err := ReadObjects(context.Background(), objFixBundle, bytes.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			if name == "yaml multi-doc" {
				if len(objs.Pods) != 2*len(want.Pods) {
					t.Fatalf("got %d pods", len(objs.Pods))
				}
				objs.Pods = objs.Pods[:len(want.Pods)]
			}
			got := append([]Pod(nil), objs.Pods...)
			for i := range got {
				if got[i].Source.Line < 1 {
					t.Errorf("pod %d: no line", i)
				}
				got[i].Source.Line = want.Pods[i].Source.Line
			}
			objSameJSON(t, "pods", got, want.Pods)
		})
	}
	// The kubectl layout is cut into items: the lines are the items' own.
	objs, _, _ := ReadObjects(context.Background(), "k.yaml", bytes.NewReader(layouts["yaml kubectl"]))
	lines := strings.Split(string(layouts["yaml kubectl"]), "\n")
	for _, p := range objs.Pods {
		if l := lines[p.Source.Line-1]; !strings.HasPrefix(l, "- ") {
			t.Errorf("pod %s at line %d: %q", p.Name, p.Source.Line, l)
		}
	}
}

// TestObjectMembers: the JSON reader's member lookup covers every json tag
// of kubeObject, so that a top-level object decodes as encoding/json would.
func TestObjectMembers(t *testing.T) {
	var o kubeObject
	var check func(reflect.Type)
	check = func(rt reflect.Type) {
		for i := 0; i < rt.NumField(); i++ {
			f := rt.Field(i)
			if f.Anonymous {
				check(f.Type)
				continue
			}
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if tag == "items" {
				continue // streamed
			}
			if o.member(tag) == nil {
				t.Errorf("member(%q) = nil", tag)
			}
		}
	}
	check(reflect.TypeOf(o))
	if o.member("spec.containers") != nil {
		t.Error("unknown member has a place")
	}
}

// ---------------------------------------------------------------------------
// bad input

func TestReadBadInput(t *testing.T) {
	mixed, err := os.ReadFile("../testdata/objects/mixed-list.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := os.ReadFile(objFixBundle)
	if err != nil {
		t.Fatal(err)
	}
	// cut inside the Event's quoted note: items 1-4 stand
	cutAt := bytes.Index(mixed, []byte("92604Ki"))
	truncatedYAML := mixed[:cutAt]
	// the second pod's metadata loses a quote
	badBundle := bytes.Replace(bundle, []byte(`"name": "kube-apiserver-cp-1",`), []byte(`"name": kube-apiserver-cp-1",`), 1)

	tests := []struct {
		name   string
		in     string
		pods   []string // namespace/name of the pods kept
		nodes  int
		events int
		skip   map[string]int
		errs   []string // substrings of the error, in the order of the problems; nil: no error
	}{
		{
			name: "truncated YAML List", in: string(truncatedYAML),
			pods: []string{"kube-system/coredns-668d6bf9bc-hs68x"}, nodes: 1, skip: map[string]int{"ConfigMap": 1, "Service": 1},
			errs: []string{"in: document 1 item 5 (line 60): yaml: line 70: found unexpected end of stream"},
		},
		{
			name: "broken document between good ones",
			in:   "kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: b\nspec: {}\n---\nkind: Pod\nmetadata: {name: c}\n",
			pods: []string{"/a", "/c"},
			errs: []string{"in: document 2 (line 4): yaml: line 5: did not find expected ',' or '}'"},
		},
		{
			name: "invalid JSON mid-list", in: string(badBundle),
			pods: []string{"mesh/gateway-0"},
			errs: []string{"in: document 1 item 2 (line 148): invalid character 'k' looking for beginning of value (at line 150)"},
		},
		{
			name: "truncated JSON", in: string(bundle[:bytes.Index(bundle, []byte(`"name": "report`))]),
			pods: []string{"mesh/gateway-0", "kube-system/kube-apiserver-cp-1"},
			errs: []string{"in: document 1 item 3 (line 214): unexpected end of input (truncated?) (at line 216)"},
		},
		{
			name: "JSON stream goes on after a broken object",
			in:   "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Pod\",\n \"metadata\": {\"name\": oops}}\n{\"kind\":\"Pod\",\"metadata\":{\"name\":\"c\"}}\n",
			pods: []string{"/a", "/c"},
			errs: []string{"in: document 2 (line 2): invalid character 'o' looking for beginning of value (at line 3)"},
		},
		{
			name: "unknown kinds",
			in:   "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n---\napiVersion: apps/v1\nkind: Deployment\n---\n{}\n",
			skip: map[string]int{"ConfigMap": 1, "Deployment": 1, "": 1},
		},
		{
			name: "not objects",
			in:   "just text\n---\n- a\n- b\n---\n~\n---\nkind: Pod\n",
			pods: []string{"/"},
			errs: []string{"in: document 1 (line 1): not a Kubernetes object (a YAML scalar)", "in: document 2 (line 3): not a Kubernetes object (a YAML sequence)"},
		},
		{
			name:  "JSON scalars",
			in:    "{\"kind\":\"Node\",\"metadata\":{\"name\":\"n\"}}\n42\n\"x\"\n[true, null, {\"kind\":\"Pod\"}]",
			nodes: 1, pods: []string{"/"}, skip: map[string]int{"": 1},
			errs: []string{
				"in: document 2 (line 2): not a Kubernetes object (a JSON number)",
				"in: document 3 (line 3): not a Kubernetes object (a JSON string)",
				"in: document 4 item 1 (line 4): not a Kubernetes object (a JSON bool)",
			},
		},
		{
			name: "log file passed as JSON",
			in:   "[ 1237.900760] Memory cgroup out of memory\n[ 1237.900761] Killed process 1\n",
			errs: []string{
				"in: document 1 item 1 (line 1): not a Kubernetes object (a JSON number)",
				"in: document 2 (line 1): invalid character 'M' looking for beginning of value",
				"in: document 3 item 1 (line 2): not a Kubernetes object (a JSON number)",
				"in: document 4 (line 2): invalid character 'K' looking for beginning of value",
			},
		},
		{
			name: "alias cycle",
			in:   "kind: Pod\nmetadata: &m {name: a, x: *m}\n---\nkind: Pod\nmetadata: {name: b}\n",
			pods: []string{"/b"},
			errs: []string{"in: document 1 (line 1): yaml: anchor \"m\" value contains itself"},
		},
		{
			name: "empty documents",
			in:   "---\n# nothing\n---\n---\nkind: Pod\nmetadata: {name: a}\n...\n# after the end\n...\n%YAML 1.2\n---\nkind: Pod\nmetadata: {name: b}\n---\n",
			pods: []string{"/a", "/b"},
		},
		{
			name: "BOM and CRLF",
			in:   "\ufeffapiVersion: v1\r\nkind: List\r\nitems:\r\n- kind: Pod\r\n  metadata:\r\n    name: a\r\n- kind: Pod\r\n  metadata:\r\n    name: b\r\n",
			pods: []string{"/a", "/b"},
		},
		{
			name: "items that are not a list",
			in:   `{"kind":"List","items":{"kind":"Pod"}}` + "\n" + `{"kind":"List","items":7}`,
			errs: []string{"in: document 1 (line 1): items is an object, not a list; skipped", "in: document 2 (line 2): items is a number, not a list; skipped"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, st, err := objReadString(t, "in", tt.in)
			var pods []string
			for _, p := range objs.Pods {
				pods = append(pods, p.Namespace+"/"+p.Name)
			}
			if fmt.Sprint(pods) != fmt.Sprint(tt.pods) || len(objs.Nodes) != tt.nodes || len(objs.Events) != tt.events {
				t.Errorf("pods %v nodes %d events %d; want %v %d %d", pods, len(objs.Nodes), len(objs.Events), tt.pods, tt.nodes, tt.events)
			}
			if tt.skip != nil && !reflect.DeepEqual(objs.Skipped, tt.skip) {
				t.Errorf("skipped = %v, want %v", objs.Skipped, tt.skip)
			}
			if tt.errs == nil {
				if err != nil {
					t.Errorf("err = %v", err)
				}
				return
			}
			var oe *ObjectsError
			if !errors.As(err, &oe) {
				t.Fatalf("err = %v, want an *ObjectsError", err)
			}
			if len(oe.Problems) < len(tt.errs) || len(st.Errors) != len(oe.Problems) {
				t.Fatalf("problems = %q (stats %q), want %q", oe.Problems, st.Errors, tt.errs)
			}
			for i, want := range tt.errs {
				if !strings.HasPrefix(oe.Problems[i], want) {
					t.Errorf("problem %d = %q\nwant prefix %q", i, oe.Problems[i], want)
				}
			}
		})
	}
}

// TestReadJSONResync: in a JSON stream with a broken object after every good
// one, spread over far more than the reader's buffers, every good object is
// read, at its own line, and every broken one is reported.
func TestReadJSONResync(t *testing.T) {
	var b strings.Builder
	var wantLines []int
	line := 1
	pad := strings.Repeat("x", 3000)
	for i := 0; i < 150; i++ {
		wantLines = append(wantLines, line)
		fmt.Fprintf(&b, "{\"kind\": \"Pod\",\n \"metadata\": {\"name\": \"p%d\", \"annotations\": {\"pad\": %q}}}\n", i, pad)
		fmt.Fprintf(&b, "{\"kind\": \"Pod\",\n \"metadata\": {\"name\": broken%d}}\n", i)
		line += 4
	}
	defer func(old int) { maxObjectResyncs = old }(maxObjectResyncs)
	maxObjectResyncs = 1000
	objs, _, err := objReadString(t, "in", b.String())
	if len(objs.Pods) != 150 {
		t.Fatalf("read %d pods", len(objs.Pods))
	}
	for i, p := range objs.Pods {
		if p.Name != fmt.Sprintf("p%d", i) || p.Source.Line != wantLines[i] {
			t.Errorf("pod %d: %s at line %d, want line %d", i, p.Name, p.Source.Line, wantLines[i])
		}
	}
	var oe *ObjectsError
	if !errors.As(err, &oe) || oe.Total != 150 || oe.Problems[19] != "in: document 40 (line 79): invalid character 'b' looking for beginning of value (at line 80)" {
		t.Errorf("err = %v", err)
	}
}

// TestReadAliasBombs: the classic billion laughs (nine levels of ten
// aliases, 10^9 nodes once expanded) is refused at once, at the top of a
// document or inside the fields of a Pod, and the next document is still
// read. A bomb small enough to pass objCheckAliases but shaped like what is
// decoded (300 aliases of a pod of 100 aliased containers, in a List nested
// where it is decoded in one piece) trips yaml.v3's own check, and that
// error is reported too.
func TestReadAliasBombs(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for c := 'b'; c <= 'i'; c++ {
		p := string(c - 1)
		fmt.Fprintf(&b, "%c: &%c [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n", c, c, p, p, p, p, p, p, p, p, p, p)
	}
	billion := b.String()
	inPod := "kind: Pod\nmetadata:\n  name: bomb\n  annotations:\n    " +
		strings.ReplaceAll(strings.TrimSuffix(billion, "\n"), "\n", "\n    ") + "\nspec:\n  containers: *i\n"

	var s strings.Builder
	s.WriteString("kind: List\nitems:\n- kind: List\n  items:\n  - kind: List\n    items: [&p {kind: Pod, metadata: {name: p}, spec: {containers: [&c {name: c, resources: {requests: {memory: 1Gi}}}")
	for i := 0; i < 99; i++ {
		s.WriteString(", *c")
	}
	s.WriteString("]}}")
	for i := 0; i < 300; i++ {
		s.WriteString(", *p")
	}
	s.WriteString("]\n")
	shaped := s.String()

	for _, tt := range []struct {
		name, in, want string
	}{
		{"billion laughs", billion, "in: document 1 (line 1): yaml: document contains excessive aliasing: "},
		{"billion laughs in a pod", inPod, "in: document 1 (line 1): yaml: document contains excessive aliasing: "},
		{"shaped like pods", shaped, "in: document 1 item 1 (line 5): yaml: document contains excessive aliasing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			objs, _, err := objReadString(t, "in", tt.in+"---\nkind: Pod\nmetadata: {name: after}\n")
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if len(objs.Pods) != 1 || objs.Pods[0].Name != "after" {
				t.Errorf("%d pods: %+v", len(objs.Pods), objs.Pods)
			}
		})
	}
	// The shaped bomb passes objCheckAliases: the error above is yaml.v3's.
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(shaped), &n); err != nil {
		t.Fatal(err)
	}
	if err := objCheckAliases(n.Content[0]); err != nil {
		t.Errorf("objCheckAliases(shaped) = %v; the test no longer exercises yaml.v3's check", err)
	}
}

// TestReadObjectTooLarge lowers the size cap: the big document is refused,
// the ones around it are read, in YAML and in JSON.
func TestReadObjectTooLarge(t *testing.T) {
	defer func(old int) { maxObjectBytes = old }(maxObjectBytes)
	maxObjectBytes = 4 << 10
	big := strings.Repeat("x", 8<<10)
	t.Run("yaml", func(t *testing.T) {
		in := "kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata:\n  name: big\n  annotations: {k: " + big + "}\n---\nkind: Pod\nmetadata: {name: c}\n"
		objs, _, err := objReadString(t, "in", in)
		if len(objs.Pods) != 2 || objs.Pods[1].Name != "c" {
			t.Errorf("pods = %+v", objs.Pods)
		}
		if err == nil || !strings.Contains(err.Error(), "in: document 2 (line 4): larger than 4096 bytes; skipped") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("yaml List item", func(t *testing.T) {
		in := "kind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n- kind: Pod\n  metadata: {name: big, x: " + big + "}\n- kind: Pod\n  metadata: {name: c}\n"
		objs, _, err := objReadString(t, "in", in)
		if len(objs.Pods) != 2 || objs.Pods[1].Name != "c" {
			t.Errorf("pods = %+v", objs.Pods)
		}
		if err == nil || !strings.Contains(err.Error(), "in: document 1 item 2 (line 5): larger than 4096 bytes; skipped") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("json", func(t *testing.T) {
		in := "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Pod\",\"metadata\":{\"name\":\"big\",\"x\":\"" + big + "\"}}\n{\"kind\":\"Pod\",\"metadata\":{\"name\":\"c\"}}\n"
		objs, _, err := objReadString(t, "in", in)
		if len(objs.Pods) != 2 || objs.Pods[1].Name != "c" {
			t.Errorf("pods = %+v", objs.Pods)
		}
		if err == nil || !strings.Contains(err.Error(), "in: document 2 (line 2): larger than 4096 bytes; skipped") {
			t.Errorf("err = %v", err)
		}
	})
}

// TestReadObjectsErrorCap: the error lists the first 20 problems and counts
// the rest.
func TestReadObjectsErrorCap(t *testing.T) {
	in := strings.Repeat("kind: Pod\nmetadata: {name: [}\n---\n", 30)
	_, st, err := objReadString(t, "in", in)
	var oe *ObjectsError
	if !errors.As(err, &oe) || oe.Total != 30 || len(oe.Problems) != 20 || !strings.HasSuffix(err.Error(), "; and 10 more") {
		t.Fatalf("err = %v", err)
	}
	if len(st.Errors) != 21 || st.Errors[20] != "further errors not shown" {
		t.Errorf("stats errors = %q", st.Errors)
	}
}

type objCancelReader struct {
	parts  []string
	n      int
	cancel func()
}

func (r *objCancelReader) Read(p []byte) (int, error) {
	if r.n == len(r.parts) {
		return 0, io.EOF
	}
	if r.n == 1 {
		r.cancel()
	}
	r.n++
	return copy(p, r.parts[r.n-1]), nil
}

func TestReadObjectsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, in := range []string{"kind: Pod\n", `{"kind":"Pod"}`} {
		_, _, err := ReadObjects(ctx, "in", strings.NewReader(in))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%q: err = %v", in, err)
		}
	}
	// Cancelled in the middle of a List: what was read stays, and the
	// cancellation is the only error. The input cancels when it is asked
	// for more than its first part.
	ctx, cancel = context.WithCancel(context.Background())
	pr := &objCancelReader{parts: []string{
		`{"kind": "PodList", "items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}},`,
		` {"metadata": {"name": "c"}}, {"metadata": {"name": "d"}}]}`,
	}, cancel: cancel}
	objs, _, err := ReadObjects(ctx, "in", pr)
	var oe *ObjectsError
	if !errors.Is(err, context.Canceled) || errors.As(err, &oe) || len(objs.Pods) < 2 {
		t.Errorf("err = %v, %d pods", err, len(objs.Pods))
	}
}

// ---------------------------------------------------------------------------
// a big PodList

// objGenPodList writes a PodList as a support bundle holds it
// (cluster-resources/pods/<ns>.json: indented, items without kind), each pod
// about 10 KB with the fields real pods carry (managed fields, the
// last-applied annotation, env, volumes, conditions).
func objGenPodList(w io.Writer, n int) error {
	b := bufio.NewWriterSize(w, 64<<10)
	b.WriteString("{\n  \"kind\": \"PodList\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {\n    \"resourceVersion\": \"1\"\n  },\n  \"items\": [\n")
	env := strings.Repeat(`              {
                "name": "SOME_SETTING_WITH_A_LONG_NAME",
                "value": "some value that is long enough to be realistic"
              },
`, 24)
	applied := strings.Repeat(`{\"name\":\"SOME_SETTING\",\"value\":\"x\"},`, 40)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(b, `    {
      "metadata": {
        "name": "app-%[1]d-7d9c8f6b5-x2x7q",
        "generateName": "app-%[1]d-7d9c8f6b5-",
        "namespace": "ns-%[2]d",
        "uid": "%08[1]x-b996-4b1a-a3af-5f99ecb29549",
        "resourceVersion": "88%[1]d",
        "creationTimestamp": "2026-11-25T10:00:00Z",
        "labels": {"app": "app-%[1]d", "pod-template-hash": "7d9c8f6b5", "team": "payments"},
        "annotations": {
          "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"env\":[%[3]s]}]}}",
          "kubernetes.io/config.seen": "2026-11-25T10:00:00.123456789Z"
        },
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "app-%[1]d-7d9c8f6b5", "uid": "0d6e6b8c-1a2b-4c3d-8e9f-0a1b2c3d4e5f", "controller": true}],
        "managedFields": [
          {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1", "time": "2026-11-25T10:00:00Z", "fieldsType": "FieldsV1",
           "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}, "f:pod-template-hash": {}}, "f:ownerReferences": {".": {}, "k:{\"uid\":\"0d6e6b8c\"}": {}}},
                        "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:env": {}, "f:image": {}, "f:imagePullPolicy": {}, "f:name": {}, "f:resources": {".": {}, "f:limits": {".": {}, "f:memory": {}}, "f:requests": {".": {}, "f:cpu": {}, "f:memory": {}}}}}}}},
          {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": "2026-11-27T11:44:20Z", "fieldsType": "FieldsV1", "subresource": "status",
           "fieldsV1": {"f:status": {"f:conditions": {"k:{\"type\":\"Ready\"}": {".": {}, "f:lastProbeTime": {}, "f:lastTransitionTime": {}, "f:status": {}, "f:type": {}}}, "f:containerStatuses": {}, "f:hostIP": {}, "f:phase": {}, "f:podIP": {}, "f:startTime": {}}}}
        ]
      },
      "spec": {
        "volumes": [
          {"name": "config", "configMap": {"name": "app-config", "defaultMode": 420}},
          {"name": "kube-api-access-abcde", "projected": {"sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}, {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}], "defaultMode": 420}}
        ],
        "containers": [
          {
            "name": "app",
            "image": "registry.example.com/payments/app:1.2.%[1]d",
            "env": [
%[4]s              {"name": "LAST", "value": "x"}
            ],
            "resources": {
              "limits": {"memory": "512Mi"},
              "requests": {"cpu": "250m", "memory": "256Mi"}
            },
            "volumeMounts": [{"name": "config", "mountPath": "/etc/app"}, {"name": "kube-api-access-abcde", "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
            "terminationMessagePath": "/dev/termination-log",
            "imagePullPolicy": "IfNotPresent"
          },
          {
            "name": "log-shipper",
            "image": "registry.example.com/infra/shipper:3.1",
            "resources": {
              "limits": {"cpu": "100m", "memory": "64Mi"},
              "requests": {"cpu": "100m", "memory": "64Mi"}
            }
          }
        ],
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "serviceAccountName": "default",
        "nodeName": "worker-%[5]d",
        "securityContext": {},
        "schedulerName": "default-scheduler",
        "tolerations": [
          {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
          {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
        ],
        "priority": 0,
        "enableServiceLinks": true,
        "preemptionPolicy": "PreemptLowerPriority"
      },
      "status": {
        "phase": "Running",
        "conditions": [
          {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2026-11-25T10:00:00Z"},
          {"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2026-11-27T11:44:20Z"},
          {"type": "ContainersReady", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2026-11-27T11:44:20Z"},
          {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2026-11-25T10:00:00Z"}
        ],
        "hostIP": "10.0.3.13",
        "podIP": "10.244.3.17",
        "startTime": "2026-11-25T10:00:00Z",
        "containerStatuses": [
          {
            "name": "app",
            "state": {"running": {"startedAt": "2026-11-27T11:44:19Z"}},
            "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": "2026-11-25T10:00:05Z", "finishedAt": "2026-11-27T11:44:16Z", "containerID": "containerd://%064[1]x"}},
            "ready": true,
            "restartCount": 3,
            "image": "registry.example.com/payments/app:1.2.%[1]d",
            "imageID": "registry.example.com/payments/app@sha256:4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce",
            "containerID": "containerd://%064[6]x",
            "started": true
          },
          {
            "name": "log-shipper",
            "state": {"running": {"startedAt": "2026-11-25T10:00:06Z"}},
            "lastState": {},
            "ready": true,
            "restartCount": 0,
            "image": "registry.example.com/infra/shipper:3.1",
            "imageID": "registry.example.com/infra/shipper@sha256:d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35",
            "containerID": "containerd://%064[7]x",
            "started": true
          }
        ],
        "qosClass": "Burstable"
      }
    }`, i, i%40, applied, env, i%50, i+1<<40, i+2<<40)
	}
	b.WriteString("\n  ]\n}\n")
	return b.Flush()
}

func objPodListBytes(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 12 << 10)
	if err := objGenPodList(&b, n); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// objPodListStream generates the list while it is read, so that the input
// does not sit in the heap being measured.
func objPodListStream(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(objGenPodList(pw, n)) }()
	return pr
}

// objRetainedSize estimates the heap the kept pods hold: the structs (at the
// capacity of their slices), their strings and what their pointers point to.
func objRetainedSize(objs Objects) int64 {
	n := int64(cap(objs.Pods)) * int64(unsafe.Sizeof(Pod{}))
	for _, p := range objs.Pods {
		n += int64(len(p.UID) + len(p.Namespace) + len(p.Name) + len(p.Node) + len(p.PriorityClassName) + len(p.QOSClass) + len(p.Source.Path))
		if p.Priority != nil {
			n += 4
		}
		for _, cs := range [][]Container{p.Containers, p.InitContainers} {
			n += int64(cap(cs)) * int64(unsafe.Sizeof(Container{}))
			for _, c := range cs {
				n += int64(len(c.Name) + len(c.ContainerID) + len(c.LastContainerID) + len(c.Runtime) + len(c.State) + len(c.StateReason) + len(c.LastTerminationReason))
				n += 8 * 4 // the resource pointers, at most four
				if c.LastExitCode != nil {
					n += 8
				}
				if c.LastFinishedAt != nil {
					n += int64(unsafe.Sizeof(time.Time{}))
				}
			}
		}
	}
	return n
}

// objHeapPeak runs f and samples HeapInuse every millisecond; it returns the
// growth of the peak over the heap in use before f, and after f (with a GC).
func objHeapPeak(f func()) (peak, after int64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := int64(ms.HeapInuse)
	var mu sync.Mutex
	max := base
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				mu.Lock()
				if v := int64(ms.HeapInuse); v > max {
					max = v
				}
				mu.Unlock()
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	if v := int64(ms.HeapInuse); v > max {
		max = v
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return max - base, int64(ms.HeapInuse) - base
}

// TestReadBigPodList reads a 50 MB PodList of 5,000 pods and checks that the
// heap never holds much more than the pods that are kept. The list is
// generated while it is read, as a file would be streamed, so that the
// input itself is not part of the heap.
//
// The bound: the kept pods (objRetainedSize, about 5 MB here) plus the garbage
// of decoding, which the GC lets grow to about the live heap again
// (GOGC=100, and at least 4 MB), plus the decoder's buffer for one item and
// the readers' buffers. 3x the retained estimate plus 8 MiB holds that with
// room to spare and is still well under the input's 50 MB: materialising the
// list as map[string]any would take several times the input.
func TestReadBigPodList(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB input")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	var objs Objects
	var st InputStats
	var err error
	peak, after := objHeapPeak(func() {
		objs, st, err = ReadObjects(context.Background(), "pods.json", objPodListStream(5000))
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes < 50e6 {
		t.Fatalf("read %d bytes, want 50 MB", st.Bytes)
	}
	if len(objs.Pods) != 5000 {
		t.Fatalf("read %d pods", len(objs.Pods))
	}
	p := objs.Pods[4321]
	if p.Name != "app-4321-7d9c8f6b5-x2x7q" || p.Namespace != "ns-1" || len(p.Containers) != 2 ||
		p.Containers[0].LastTerminationReason != "OOMKilled" || *p.Containers[0].Limits.MemoryBytes != 512<<20 ||
		p.Containers[0].LastContainerID != fmt.Sprintf("containerd://%064x", 4321) || p.Source.Line < 2 {
		t.Errorf("pod 4321 = %+v", p)
	}
	retained := objRetainedSize(objs)
	bound := 3*retained + 8<<20
	t.Logf("input %.1f MB, retained estimate %.1f MB, heap growth: peak %.1f MB, after GC %.1f MB (bound %.1f MB)",
		float64(st.Bytes)/1e6, float64(retained)/1e6, float64(peak)/1e6, float64(after)/1e6, float64(bound)/1e6)
	if peak > bound || peak > st.Bytes/2 {
		t.Errorf("peak heap growth %d > %d", peak, bound)
	}
	runtime.KeepAlive(objs)

	// Cut in the middle of pod 3000: the 3000 before it are kept.
	data := objPodListBytes(3010)
	cut := data[:bytes.Index(data, []byte(`"name": "app-3000-`))+10]
	objs, _, err = ReadObjects(context.Background(), "pods.json", bytes.NewReader(cut))
	if len(objs.Pods) != 3000 {
		t.Errorf("read %d pods of the cut list, want 3000", len(objs.Pods))
	}
	if err == nil || !strings.Contains(err.Error(), "pods.json: document 1 item 3001 (line ") || !strings.Contains(err.Error(), "unexpected end of input") {
		t.Errorf("err = %v", err)
	}
}

// objGenPodListYAML writes the same pods as kubectl get pods -o yaml does: a
// List whose items' dashes are at column 0.
func objGenPodListYAML(w io.Writer, n int) error {
	var tree map[string]any
	if err := json.Unmarshal(objPodListBytes(1), &tree); err != nil {
		return err
	}
	var one bytes.Buffer
	enc := yaml.NewEncoder(&one)
	enc.SetIndent(2)
	if err := enc.Encode(tree["items"].([]any)[0]); err != nil {
		return err
	}
	item := "- " + strings.ReplaceAll(strings.TrimSuffix(one.String(), "\n"), "\n", "\n  ") + "\n"
	b := bufio.NewWriterSize(w, 64<<10)
	b.WriteString("apiVersion: v1\nitems:\n")
	for i := 0; i < n; i++ {
		b.WriteString(strings.ReplaceAll(item, "app-0-", fmt.Sprintf("app-%d-", i)))
	}
	b.WriteString("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
	return b.Flush()
}

// TestReadBigPodListYAML does for kubectl's YAML what TestReadBigPodList does
// for JSON: the reader cuts the List into items, so the heap holds one item's
// YAML tree at a time, not the document's.
func TestReadBigPodListYAML(t *testing.T) {
	if testing.Short() {
		t.Skip("big input")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	var objs Objects
	var st InputStats
	var err error
	peak, _ := objHeapPeak(func() {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(objGenPodListYAML(pw, 5000)) }()
		objs, st, err = ReadObjects(context.Background(), "pods.yaml", pr)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(objs.Pods) != 5000 || objs.Pods[4999].Name != "app-4999-7d9c8f6b5-x2x7q" || objs.Pods[4999].Containers[0].LastTerminationReason != "OOMKilled" {
		t.Fatalf("read %d pods, last %+v", len(objs.Pods), objs.Pods[len(objs.Pods)-1])
	}
	retained := objRetainedSize(objs)
	bound := 3*retained + 8<<20
	t.Logf("input %.1f MB, retained estimate %.1f MB, peak heap growth %.1f MB (bound %.1f MB)",
		float64(st.Bytes)/1e6, float64(retained)/1e6, float64(peak)/1e6, float64(bound)/1e6)
	if peak > bound {
		t.Errorf("peak heap growth %d > %d", peak, bound)
	}
}

// BenchmarkReadPodList5000 reads a 50 MB PodList of 5,000 pods. The
// peak-heap metric is measured once, on a streamed input.
func BenchmarkReadPodList5000(b *testing.B) {
	objBenchPodList(b, "pods.json", func(w io.Writer) error { return objGenPodList(w, 5000) })
}

// BenchmarkReadPodList5000YAML reads the same pods as kubectl -o yaml
// writes them, which the reader cuts into items.
func BenchmarkReadPodList5000YAML(b *testing.B) {
	objBenchPodList(b, "pods.yaml", func(w io.Writer) error { return objGenPodListYAML(w, 5000) })
}

func objBenchPodList(b *testing.B, path string, gen func(io.Writer) error) {
	stream := func() io.Reader {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(gen(pw)) }()
		return pr
	}
	var objs Objects
	var err error
	peak, _ := objHeapPeak(func() { objs, _, err = ReadObjects(context.Background(), path, stream()) })
	if err != nil || len(objs.Pods) != 5000 {
		b.Fatalf("%d pods, %v", len(objs.Pods), err)
	}
	var buf bytes.Buffer
	if err := gen(&buf); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		objs, _, err = ReadObjects(context.Background(), path, bytes.NewReader(data))
		if err != nil || len(objs.Pods) != 5000 {
			b.Fatalf("%d pods, %v", len(objs.Pods), err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// ---------------------------------------------------------------------------
// fuzzing

// FuzzReadObjects feeds arbitrary bytes to ReadObjects: no panic, bounded
// time, and everything kept points back into the input.
func FuzzReadObjects(f *testing.F) {
	paths, _ := filepath.Glob("../testdata/objects/*")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		start := time.Now()
		objs, st, err := ReadObjects(context.Background(), "f", bytes.NewReader(in))
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("took %v for %d bytes", d, len(in))
		}
		if st.Bytes > int64(len(in)) || (err == nil && st.Bytes != int64(len(in))) {
			t.Fatalf("stats bytes %d, input %d", st.Bytes, len(in))
		}
		if err == nil && len(st.Errors) != 0 {
			t.Fatalf("stats errors %q without an error", st.Errors)
		}
		check := func(src Source) {
			if src.Path != "f" || src.Line < 0 || src.Line > st.Lines+1 {
				t.Fatalf("source %+v of %d lines", src, st.Lines)
			}
		}
		for _, p := range objs.Pods {
			check(p.Source)
		}
		for _, n := range objs.Nodes {
			check(n.Source)
		}
		for _, e := range objs.Events {
			check(e.Source)
		}
	})
}
