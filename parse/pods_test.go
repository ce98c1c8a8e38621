package parse

import (
	"math"
	"strings"
	"testing"
)

const (
	objFixBurstable  = "../testdata/objects/kubectl-pod-burstable-oomkilled.yaml"
	objFixBundle     = "../testdata/objects/support-bundle-pods.json"
	objFixMustGather = "../testdata/objects/must-gather-pod.yaml"
)

// TestReadPods checks every kept field of the pods in the pod fixtures:
// kubectl get pod -o yaml, a support bundle's PodList, a must-gather pod.
func TestReadPods(t *testing.T) {
	tests := []struct {
		path string
		want []Pod
	}{
		{objFixBurstable, []Pod{{
			UID: "7c9d1e2f-4a5b-4c6d-8e7f-0a1b2c3d4e5f", Namespace: "db", Name: "greatdb-0", Node: "worker-3",
			Priority: objI32(0), QOSClass: "Burstable",
			Containers: []Container{{
				Name:            "greatdb",
				ContainerID:     "containerd://4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce",
				LastContainerID: "containerd://d4735e3a265e16eee03f59718b9b5d03019c07d8b6c51f90da3a666eec13ab35",
				Runtime:         "containerd",
				Requests:        Resources{MemoryBytes: objI64(2 << 30), CPUMilli: objI64(2000)},
				Limits:          Resources{MemoryBytes: objI64(2 << 30), CPUMilli: objI64(2000)},
				RestartCount:    4, State: "running",
				LastTerminationReason: "OOMKilled", LastExitCode: objInt(137), LastFinishedAt: objTime("2026-11-27T11:44:16Z"),
			}, {
				Name:        "exporter",
				ContainerID: "containerd://4b227777d4dd1fc61c6f884f48641d02b4d121d3fd328cb08b5531fcacdabf8a",
				Runtime:     "containerd",
				Requests:    Resources{MemoryBytes: objI64(64 << 20), CPUMilli: objI64(50)},
				Limits:      Resources{MemoryBytes: objI64(128 << 20)},
				State:       "running",
			}},
			Source: Source{objFixBurstable, 1},
		}}},
		{objFixBundle, []Pod{{
			UID: "0330b2c1-a15b-4cdd-b5e5-72d4a90bee82", Namespace: "mesh", Name: "gateway-0", Node: "worker-1",
			Priority: objI32(0), QOSClass: "Burstable",
			Containers: []Container{{
				Name:        "app",
				ContainerID: "containerd://3333333333333333333333333333333333333333333333333333333333333333",
				Runtime:     "containerd",
				Requests:    Resources{MemoryBytes: objI64(256 << 20), CPUMilli: objI64(500)},
				Limits:      Resources{MemoryBytes: objI64(512 << 20)},
				State:       "running",
			}},
			InitContainers: []Container{{
				Name: "istio-init", Init: true,
				ContainerID: "containerd://5feceb66ffc86f38d952786c6d696c79c2dbc239dd4e91b46729d73a27fb57e9",
				Runtime:     "containerd",
				Requests:    Resources{MemoryBytes: objI64(10 << 20), CPUMilli: objI64(10)},
				Limits:      Resources{MemoryBytes: objI64(50 << 20), CPUMilli: objI64(100)},
				State:       "terminated", StateReason: "Completed",
			}, {
				Name: "istio-proxy", Init: true, Sidecar: true,
				ContainerID:     "containerd://2222222222222222222222222222222222222222222222222222222222222222",
				LastContainerID: "containerd://1111111111111111111111111111111111111111111111111111111111111111",
				Runtime:         "containerd",
				Requests:        Resources{MemoryBytes: objI64(32 << 20), CPUMilli: objI64(10)},
				Limits:          Resources{MemoryBytes: objI64(64 << 20), CPUMilli: objI64(100)},
				RestartCount:    1, State: "running",
				LastTerminationReason: "OOMKilled", LastExitCode: objInt(137), LastFinishedAt: objTime("2026-11-27T11:44:16.901031Z"),
			}},
			PodRequests: &Resources{MemoryBytes: objI64(1 << 30), CPUMilli: objI64(1000)},
			PodLimits:   &Resources{MemoryBytes: objI64(2 << 30)},
			Source:      Source{objFixBundle, 8},
		}, {
			UID: "6c2684cc-7a64-4810-8709-bc493a7a24a9", Namespace: "kube-system", Name: "kube-apiserver-cp-1", Node: "cp-1",
			PriorityClassName: "system-node-critical", Priority: objI32(2000001000), QOSClass: "Burstable", Static: true,
			Containers: []Container{{
				Name:            "kube-apiserver",
				ContainerID:     "containerd://5555555555555555555555555555555555555555555555555555555555555555",
				LastContainerID: "containerd://4444444444444444444444444444444444444444444444444444444444444444",
				Runtime:         "containerd",
				Requests:        Resources{CPUMilli: objI64(250)},
				RestartCount:    7, State: "running",
				LastTerminationReason: "Error", LastExitCode: objInt(137), LastFinishedAt: objTime("2026-11-01T00:00:09Z"),
			}},
			Source: Source{objFixBundle, 148},
		}, {
			UID: "eab5a334-93fe-48a8-b139-9e8079c1f163", Namespace: "batch", Name: "report-28790000-abcde", Node: "worker-2",
			Priority: objI32(0), QOSClass: "BestEffort",
			Containers: []Container{{
				Name:        "report",
				ContainerID: "docker://6666666666666666666666666666666666666666666666666666666666666666",
				Runtime:     "docker",
				State:       "terminated", StateReason: "OOMKilled",
			}, {
				Name:  "uploader",
				State: "waiting", StateReason: "ContainerCreating",
			}},
			Source: Source{objFixBundle, 214},
		}}},
		{objFixMustGather, []Pod{{
			UID: "5931aa75-4603-4e65-b552-7c71cf55cfb5", Namespace: "openshift-ingress", Name: "router-default-6c8d9f7b5-x2x7q",
			Node: "ip-10-0-141-7.ec2.internal", PriorityClassName: "system-cluster-critical", Priority: objI32(2000000000),
			QOSClass: "Burstable",
			Containers: []Container{{
				Name:            "router",
				ContainerID:     "cri-o://ef2d127de37b942baad06145e54b0c619a1f22327b2ebbcfbec78f5564afe39d",
				LastContainerID: "cri-o://e7f6c011776e8db7cd330b54174fd76f7d0216b612387a5ffcfb81e6f0919683",
				Runtime:         "cri-o",
				Requests:        Resources{MemoryBytes: objI64(256 << 20), CPUMilli: objI64(100)},
				RestartCount:    1, State: "waiting", StateReason: "CrashLoopBackOff",
				LastTerminationReason: "OOMKilled", LastExitCode: objInt(137), LastFinishedAt: objTime("2026-11-27T03:15:09Z"),
			}},
			Source: Source{objFixMustGather, 2},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			objs, st := objReadFixture(t, tt.path)
			objSameJSON(t, "pods", objs.Pods, tt.want)
			if len(objs.Nodes)+len(objs.Events)+len(objs.Sandboxes)+len(objs.Skipped) != 0 {
				t.Errorf("unexpected other objects: %+v", objs)
			}
			if st.Lines == 0 || st.Bytes == 0 {
				t.Errorf("stats = %+v", st)
			}
		})
	}
}

// TestQuantities runs the edge cases of kubernetes-side.md §7.2 through the
// conversion helpers.
func TestQuantities(t *testing.T) {
	const bad = int64(-1)
	tests := []struct {
		in    string
		bytes int64 // kubeQuantityUnits; bad: an error
		milli int64 // kubeQuantityMilli; bad: an error
	}{
		{"1Gi", 1 << 30, 1 << 30 * 1000},
		{"1G", 1e9, 1e12},
		{"1e9", 1e9, 1e12},
		{"1E3", 1000, 1e6},
		{"1e+3", 1000, 1e6},
		{"129M", 129e6, 129e9},
		{"123Mi", 128974848, 128974848000},
		{"128974848", 128974848, 128974848000},
		{"0.5Gi", 512 << 20, 512 << 20 * 1000},
		{".5Gi", 512 << 20, 512 << 20 * 1000},
		{"1.Gi", 1 << 30, 1 << 30 * 1000},
		{"5.", 5, 5000},
		{"+1Gi", 1 << 30, 1 << 30 * 1000},
		{"00100Mi", 100 << 20, 100 << 20 * 1000},
		{"1k", 1000, 1e6},
		{"500m", 1, 500}, // 0.5 bytes: rounded up, as Quantity.Value() does
		{"100m", 1, 100},
		{"1000m", 1, 1000},
		{"1001m", 2, 1001},
		{"0.1m", 1, 1},
		{"1n", 1, 1},
		{"1.0000001", 2, 1001},
		{"0", 0, 0},
		{"1E", 1e18, math.MaxInt64}, // exa; milli overflows
		{"7Ei", 7 << 60, math.MaxInt64},
		{"8Ei", math.MaxInt64, math.MaxInt64},                  // capped, as Value() caps
		{"1e19", math.MaxInt64, math.MaxInt64},                 // Value() gives 0
		{"9.3e18", math.MaxInt64, math.MaxInt64},               // Value() gives 0
		{"12345678901234567890", math.MaxInt64, math.MaxInt64}, // Value() wraps negative
		{"9223372036854775807", math.MaxInt64, math.MaxInt64},
		{"9223372036854775806.5", math.MaxInt64, math.MaxInt64},
		{"9000000000000000001", 9000000000000000001, math.MaxInt64},
		{"9223372036854775m", 9223372036855, 9223372036854775},
		{"1e100", math.MaxInt64, math.MaxInt64},
		{"1e1000", bad, bad},
		{"1e-30", 1, 1},
		{"1e-999999999", bad, bad}, // ParseQuantity would take seconds
		{"-1Gi", bad, bad},
		{"1K", bad, bad},
		{"1gi", bad, bad},
		{"1Mb", bad, bad},
		{"1 Gi", bad, bad},
		{"100Mi ", bad, bad},
		{"", bad, bad},
		{"1e", bad, bad},
		{"2.5e3Mi", bad, bad},
		{"1Mi1", bad, bad},
		{strings.Repeat("9", 80), bad, bad},
	}
	for _, tt := range tests {
		b, err := kubeQuantityUnits(tt.in)
		if tt.bytes == bad {
			if err == nil {
				t.Errorf("kubeQuantityUnits(%q) = %d, want an error", tt.in, b)
			}
		} else if err != nil || b != tt.bytes {
			t.Errorf("kubeQuantityUnits(%q) = %d, %v; want %d", tt.in, b, err, tt.bytes)
		}
		m, err := kubeQuantityMilli(tt.in)
		if tt.milli == bad {
			if err == nil {
				t.Errorf("kubeQuantityMilli(%q) = %d, want an error", tt.in, m)
			}
		} else if err != nil || m != tt.milli {
			t.Errorf("kubeQuantityMilli(%q) = %d, %v; want %d", tt.in, m, err, tt.milli)
		}
	}
}

func TestKubeRuntimeOfID(t *testing.T) {
	for id, want := range map[string]string{
		"containerd://4e07408562bedb8b": "containerd",
		"cri-o://ef2d127de37b942b":      "cri-o",
		"docker://6666":                 "docker",
		"4e07408562bedb8b":              "",
		"":                              "",
	} {
		if got := kubeRuntimeOfID(id); got != want {
			t.Errorf("kubeRuntimeOfID(%q) = %q, want %q", id, got, want)
		}
	}
}

// TestPodFieldProblems: a quantity or a time that does not parse leaves that
// field unknown, is reported with the document and line, and the pod is kept.
func TestPodFieldProblems(t *testing.T) {
	const in = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns, annotations: {kubernetes.io/config.source: api}}
spec:
  containers:
  - name: c
    resources:
      requests: {memory: 1gi, cpu: [1]}
      limits: {memory: 2Gi, cpu: "-1"}
status:
  containerStatuses:
  - name: c
    restartCount: many
    lastState: {terminated: {reason: OOMKilled, finishedAt: "yesterday", exitCode: 137}}
`
	objs, _, err := objReadString(t, "p.yaml", in)
	if len(objs.Pods) != 1 {
		t.Fatalf("pods = %+v", objs.Pods)
	}
	c := objs.Pods[0].Containers[0]
	want := Container{
		Name: "c", Limits: Resources{MemoryBytes: objI64(2 << 30)},
		LastTerminationReason: "OOMKilled", LastExitCode: objInt(137),
	}
	objSameJSON(t, "container", c, want)
	if objs.Pods[0].Static {
		t.Error("config.source api is not static")
	}
	for _, s := range []string{
		`p.yaml: document 1 (line 1): `,
		`cannot unmarshal !!str ` + "`many`" + ` into int`,
		`line 8: a quantity must be a scalar`,
		`pod ns/p: container c: resources.requests.memory: quantity "1gi"`,
		`pod ns/p: container c: resources.limits.cpu: quantity "-1" is negative`,
		`pod ns/p: container c: lastState.terminated.finishedAt: time "yesterday" is not RFC 3339`,
	} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("error %v\nlacks %q", err, s)
		}
	}
}
