package correlate

import (
	"testing"

	"github.com/oomtriage/oomtriage/parse"
)

const (
	qMi = int64(1) << 20
	qGi = int64(1) << 30
)

// qv returns a pointer to v, for the optional quantities of parse.Resources.
func qv(v int64) *int64 { return &v }

// qres builds a Resources; a negative argument means unset.
func qres(cpuMilli, memBytes int64) parse.Resources {
	var r parse.Resources
	if cpuMilli >= 0 {
		r.CPUMilli = qv(cpuMilli)
	}
	if memBytes >= 0 {
		r.MemoryBytes = qv(memBytes)
	}
	return r
}

// unset marks an absent quantity in qres.
const unset = -1

func qctr(name string, req, lim parse.Resources) parse.Container {
	return parse.Container{Name: name, Requests: req, Limits: lim}
}

func qinit(name string, req, lim parse.Resources) parse.Container {
	c := qctr(name, req, lim)
	c.Init = true
	return c
}

func qsidecar(name string, req, lim parse.Resources) parse.Container {
	c := qinit(name, req, lim)
	c.Sidecar = true
	return c
}

var (
	qNone  = parse.Resources{}
	qGuar1 = qres(1000, qGi) // cpu 1, memory 1Gi
)

// TestQOSClassReferenceVectors runs kubernetes-side.md §1.2. raw is the
// reference's result (kubectl GetPodQOS without API defaulting); defaulted is
// what QOSClass returns, with the API's limits-into-requests defaulting.
func TestQOSClassReferenceVectors(t *testing.T) {
	tests := []struct {
		name           string
		pod            parse.Pod
		raw, defaulted string
	}{
		{"a/no-resources", parse.Pod{Containers: []parse.Container{qctr("c", qNone, qNone)}},
			QOSBestEffort, QOSBestEffort},
		{"b/cpu-mem-req-eq-lim", parse.Pod{Containers: []parse.Container{qctr("c", qGuar1, qGuar1)}},
			QOSGuaranteed, QOSGuaranteed},
		{"c/mem-only-req-eq-lim", parse.Pod{Containers: []parse.Container{qctr("c", qres(unset, qGi), qres(unset, qGi))}},
			QOSBurstable, QOSBurstable},
		{"d/limits-only", parse.Pod{Containers: []parse.Container{qctr("c", qNone, qGuar1)}},
			QOSBurstable, QOSGuaranteed},
		{"e/guaranteed-plus-empty", parse.Pod{Containers: []parse.Container{qctr("b", qGuar1, qGuar1), qctr("x", qNone, qNone)}},
			QOSBurstable, QOSBurstable},
		{"f/besteffort-init-guaranteed-main", parse.Pod{
			InitContainers: []parse.Container{qinit("i", qNone, qNone)},
			Containers:     []parse.Container{qctr("c", qGuar1, qGuar1)}},
			QOSBurstable, QOSBurstable},
		{"f2/guaranteed-init-guaranteed-main", parse.Pod{
			InitContainers: []parse.Container{qinit("i", qres(2000, 2*qGi), qres(2000, 2*qGi))},
			Containers:     []parse.Container{qctr("c", qGuar1, qGuar1)}},
			QOSGuaranteed, QOSGuaranteed},
		{"g/burstable-sidecar-guaranteed-app", parse.Pod{
			InitContainers: []parse.Container{qsidecar("s", qres(10, 32*qMi), qres(100, 64*qMi))},
			Containers:     []parse.Container{qctr("c", qGuar1, qGuar1)}},
			QOSBurstable, QOSBurstable},
		// h: the only request/limit is nvidia.com/gpu, which parse.Resources
		// does not carry: the container has no cpu or memory.
		{"h/gpu-only", parse.Pod{Containers: []parse.Container{qctr("c", qNone, qNone)}},
			QOSBestEffort, QOSBestEffort},
		{"i/cpu-request-zero", parse.Pod{Containers: []parse.Container{qctr("c", qres(0, unset), qNone)}},
			QOSBestEffort, QOSBestEffort},
		// j: hugepages-2Mi is not carried either.
		{"j/hugepages-ignored", parse.Pod{Containers: []parse.Container{qctr("c", qGuar1, qGuar1)}},
			QOSGuaranteed, QOSGuaranteed},
		// k: 1000m == 1 and 1024Mi == 1Gi once parsed to millicores and bytes.
		{"k/compared-by-value", parse.Pod{Containers: []parse.Container{qctr("c", qres(1000, 1024*qMi), qres(1000, qGi))}},
			QOSGuaranteed, QOSGuaranteed},
		{"l/pod-level-guaranteed", parse.Pod{PodRequests: &qGuar1, PodLimits: &qGuar1,
			Containers: []parse.Container{qctr("c", qNone, qNone)}},
			QOSGuaranteed, QOSGuaranteed},
		{"m/pod-level-memory-only-wins", parse.Pod{PodRequests: &parse.Resources{MemoryBytes: qv(qGi)}, PodLimits: &parse.Resources{MemoryBytes: qv(qGi)},
			Containers: []parse.Container{qctr("c", qGuar1, qGuar1)}},
			QOSBurstable, QOSBurstable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := computeQOS(&tt.pod, true, false); got != tt.raw {
				t.Errorf("without defaulting: got %s, want %s", got, tt.raw)
			}
			if got := QOSClass(&tt.pod); got != tt.defaulted {
				t.Errorf("QOSClass: got %s, want %s", got, tt.defaulted)
			}
		})
	}
}

func TestQOSClassMore(t *testing.T) {
	tests := []struct {
		name string
		pod  *parse.Pod
		want string
	}{
		{"nil pod", nil, ""},
		{"no containers", &parse.Pod{}, QOSBestEffort},
		{"status ignored", &parse.Pod{QOSClass: QOSGuaranteed, Containers: []parse.Container{qctr("c", qNone, qNone)}}, QOSBestEffort},
		{"cpu request only", &parse.Pod{Containers: []parse.Container{qctr("c", qres(100, unset), qNone)}}, QOSBurstable},
		{"memory request only", &parse.Pod{Containers: []parse.Container{qctr("c", qres(unset, 64*qMi), qNone)}}, QOSBurstable},
		{"explicit zeros", &parse.Pod{Containers: []parse.Container{qctr("c", qres(0, 0), qres(0, 0))}}, QOSBestEffort},
		{"request below limit", &parse.Pod{Containers: []parse.Container{qctr("c", qres(500, qGi), qGuar1)}}, QOSBurstable},
		{"memory limit only defaults to Burstable", &parse.Pod{Containers: []parse.Container{qctr("c", qNone, qres(unset, 100*qMi))}}, QOSBurstable},
		{"partial defaulting: cpu request set, memory from limit", &parse.Pod{Containers: []parse.Container{qctr("c", qres(1000, unset), qGuar1)}}, QOSGuaranteed},
		{"partial defaulting: cpu request lower", &parse.Pod{Containers: []parse.Container{qctr("c", qres(500, unset), qGuar1)}}, QOSBurstable},
		{"init-only requests", &parse.Pod{
			InitContainers: []parse.Container{qinit("i", qres(unset, 100*qMi), qNone)},
			Containers:     []parse.Container{qctr("c", qNone, qNone)}}, QOSBurstable},
		{"init-only limits (defaulted Guaranteed init, empty main)", &parse.Pod{
			InitContainers: []parse.Container{qinit("i", qNone, qGuar1)},
			Containers:     []parse.Container{qctr("c", qNone, qNone)}}, QOSBurstable},
		{"all limits-only", &parse.Pod{
			InitContainers: []parse.Container{qinit("i", qNone, qres(200, 2*qGi))},
			Containers:     []parse.Container{qctr("a", qNone, qGuar1), qctr("b", qNone, qres(100, 10*qMi))}}, QOSGuaranteed},
		{"guaranteed sidecar and main", &parse.Pod{
			InitContainers: []parse.Container{qsidecar("s", qres(100, 64*qMi), qres(100, 64*qMi))},
			Containers:     []parse.Container{qctr("c", qGuar1, qGuar1)}}, QOSGuaranteed},
		{"empty pod-level block falls back to containers", &parse.Pod{PodRequests: &parse.Resources{}, PodLimits: &parse.Resources{},
			Containers: []parse.Container{qctr("c", qGuar1, qGuar1)}}, QOSGuaranteed},
		{"pod-level block wins over burstable containers", &parse.Pod{PodRequests: &qGuar1, PodLimits: &qGuar1,
			Containers: []parse.Container{qctr("c", qres(100, 10*qMi), qNone)}}, QOSGuaranteed},
		{"pod-level cpu only", &parse.Pod{PodRequests: &parse.Resources{CPUMilli: qv(1000)}, PodLimits: &parse.Resources{CPUMilli: qv(1000)},
			Containers: []parse.Container{qctr("c", qNone, qNone)}}, QOSBurstable},
	}
	for _, tt := range tests {
		if got := QOSClass(tt.pod); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestQOSPodLevelBlock checks the pod-level path with separate requests and
// limits, which parse.Pod cannot carry yet, including the API's
// defaultPodRequests.
func TestQOSPodLevelBlock(t *testing.T) {
	empty := []parse.Container{qctr("c", qNone, qNone)}
	tests := []struct {
		name       string
		req, lim   parse.Resources
		containers []parse.Container
		init       []parse.Container
		want       string
	}{
		{"req == lim", qGuar1, qGuar1, empty, nil, QOSGuaranteed},
		{"req < lim", qres(500, qGi), qGuar1, empty, nil, QOSBurstable},
		{"requests only", qGuar1, qNone, empty, nil, QOSBurstable},
		{"limits only, no container requests: requests = limits", qNone, qGuar1, empty, nil, QOSGuaranteed},
		{"limits only, container requests aggregate below", qNone, qGuar1,
			[]parse.Container{qctr("a", qres(200, 256*qMi), qNone), qctr("b", qres(300, 256*qMi), qNone)}, nil, QOSBurstable},
		{"limits only, container requests aggregate equal", qNone, qGuar1,
			[]parse.Container{qctr("a", qres(500, 512*qMi), qNone), qctr("b", qres(500, 512*qMi), qNone)}, nil, QOSGuaranteed},
		{"limits only, init container sets the aggregate", qNone, qGuar1,
			[]parse.Container{qctr("a", qres(100, 100*qMi), qNone)},
			[]parse.Container{qinit("i", qGuar1, qNone)}, QOSGuaranteed},
		{"memory limit only, cpu from nowhere", qNone, qres(unset, qGi), empty, nil, QOSBurstable},
	}
	for _, tt := range tests {
		p := &parse.Pod{Containers: tt.containers, InitContainers: tt.init}
		b := &podLevelBlock{req: tt.req, lim: tt.lim}
		if got := computeQOSBlock(p, b, true); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestAggregateRequests(t *testing.T) {
	mem := func(r parse.Resources) *int64 { return r.MemoryBytes }
	tests := []struct {
		name       string
		containers []parse.Container
		init       []parse.Container
		want       int64
		wantOK     bool
	}{
		{"none stated", []parse.Container{qctr("a", qNone, qNone)}, nil, 0, false},
		{"sum of regular", []parse.Container{qctr("a", qres(unset, qGi), qNone), qctr("b", qres(unset, 2*qGi), qNone)}, nil, 3 * qGi, true},
		{"limit defaults the request", []parse.Container{qctr("a", qNone, qres(unset, qGi))}, nil, qGi, true},
		{"classic init larger than sum", []parse.Container{qctr("a", qres(unset, qGi), qNone)},
			[]parse.Container{qinit("i", qres(unset, 8*qGi), qNone)}, 8 * qGi, true},
		{"sidecar adds to sum", []parse.Container{qctr("a", qres(unset, qGi), qNone)},
			[]parse.Container{qsidecar("s", qres(unset, 64*qMi), qNone)}, qGi + 64*qMi, true},
		{"init after sidecar carries it", []parse.Container{qctr("a", qres(unset, qGi), qNone)},
			[]parse.Container{qsidecar("s", qres(unset, qGi), qNone), qinit("i", qres(unset, 2*qGi), qNone)}, 3 * qGi, true},
		{"init before sidecar does not", []parse.Container{qctr("a", qres(unset, qGi), qNone)},
			[]parse.Container{qinit("i", qres(unset, 2*qGi), qNone), qsidecar("s", qres(unset, qGi), qNone)}, 2 * qGi, true},
	}
	for _, tt := range tests {
		got, ok := aggregateRequests(&parse.Pod{Containers: tt.containers, InitContainers: tt.init}, mem)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: got %d,%v want %d,%v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}
