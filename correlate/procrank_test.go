package correlate

import (
	"context"
	"os"
	"testing"

	"github.com/oomtriage/oomtriage/parse"
)

const fixtureNode = "../testdata/proc/node-1"

func fixtureProcs(t *testing.T) []parse.Proc {
	t.Helper()
	tr, err := parse.ReadProcDir(fixtureNode + "/proc")
	if err != nil {
		t.Fatal(err)
	}
	return tr.Procs()
}

func fixturePods(t *testing.T) parse.Objects {
	t.Helper()
	f, err := os.Open("../testdata/proc/pods.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o, _, err := parse.ReadObjects(context.Background(), "pods.yaml", f)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

type wantRank struct {
	rank     int // 0: no rank
	expected string
	rule     string
	mismatch string // "", "ok", "MISMATCH"
	pod      string
	ctr      string
	qos      string
}

func checkRanks(t *testing.T, res RankResult, want map[int]wantRank) {
	t.Helper()
	seen := map[int]bool{}
	for i := range res.Processes {
		p := &res.Processes[i]
		seen[p.PID] = true
		w, ok := want[p.PID]
		if !ok {
			t.Errorf("unexpected pid %d (%s)", p.PID, p.Comm)
			continue
		}
		rank := 0
		if p.Rank != nil {
			rank = *p.Rank
		}
		mm := ""
		if p.AdjMismatch != nil {
			mm = map[bool]string{false: "ok", true: "MISMATCH"}[*p.AdjMismatch]
		}
		rule := ""
		if p.ExpectedAdjRule != nil {
			rule = *p.ExpectedAdjRule
		}
		pod, ctr, qos := "", "", ""
		if k := p.Kubernetes; k != nil {
			switch {
			case k.Namespace != nil:
				pod = *k.Namespace + "/" + strOr(k.Pod)
			case k.PodUID != nil:
				pod = *k.PodUID
			}
			switch {
			case k.Sandbox:
				ctr = "(sandbox)"
			case k.Container != nil:
				ctr = *k.Container
			case k.ContainerID != nil:
				ctr = (*k.ContainerID)[:12]
			}
			qos = strOr(k.QOSClass)
		}
		got := wantRank{rank, p.ExpectedString(), rule, mm, pod, ctr, qos}
		if got != w {
			t.Errorf("pid %d (%s):\n got %+v\nwant %+v", p.PID, p.Comm, got, w)
		}
	}
	for pid := range want {
		if !seen[pid] {
			t.Errorf("pid %d missing", pid)
		}
	}
}

const (
	uidCheckout = "3f6b2a1e-0c4d-4e5f-8a9b-0c1d2e3f4a5b"
	uidDB       = "7c9d1e2f-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
	uidBE       = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"
	uidNginx    = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"
)

// TestRankProcsWithPods ranks the fixture node with its pods and Node
// object: Burstable containers get their exact value from the request and
// MemTotal (1000 - 1000*2Gi/16Gi = 875).
func TestRankProcsWithPods(t *testing.T) {
	mem := int64(16 << 30)
	res := RankProcs(RankInput{Procs: fixtureProcs(t), Objects: fixturePods(t), Hostname: "node-1", MemTotal: &mem})
	if res.NoMemory != 2 {
		t.Errorf("NoMemory = %d, want 2 (kthreadd, the zombie)", res.NoMemory)
	}
	if res.Version.String() != "1.31" {
		t.Errorf("kubelet version from the Node object = %s", res.Version)
	}
	checkRanks(t, res, map[int]wantRank{
		2001: {1, "875", "burstable", "ok", "shop/checkout-7d9f8b6c5-x2k4p", "app", "Burstable"},
		4001: {2, "1000", "qos-tier-besteffort", "ok", uidBE, "e5e5e5e5e5e5", "BestEffort"},
		4103: {3, "3..999", "burstable-range", "ok", uidNginx, "d4d4d4d4d4d4", "Burstable"}, // same score as 4101, more RSS
		4101: {4, "3..999", "burstable-range", "ok", uidNginx, "d4d4d4d4d4d4", "Burstable"},
		2002: {5, "875", "burstable", "ok", "shop/checkout-7d9f8b6c5-x2k4p", "app", "Burstable"},
		3002: {6, "-997", "guaranteed", "MISMATCH", "db/greatdb-0", "greatdb", "Guaranteed"},
		901:  {7, "-999", "node-daemon", "MISMATCH", "", "", ""},
		3001: {8, "-997", "guaranteed", "ok", "db/greatdb-0", "greatdb", "Guaranteed"},
		1999: {9, "-998", "node-daemon", "ok", "", "", ""},
		2000: {10, "-998", "pod-sandbox", "ok", "shop/checkout-7d9f8b6c5-x2k4p", "(sandbox)", "Burstable"},
		900:  {11, "-999", "node-daemon", "ok", "", "", ""},
		1:    {0, "-", "", "", "", "", ""}, // init is never killed
		800:  {0, "-", "", "", "", "", ""}, // oom_score_adj -1000
	})
	// Ranked processes first, in rank order; unranked last.
	for i, p := range res.Processes {
		if p.Rank != nil && *p.Rank != i+1 {
			t.Errorf("position %d has rank %d", i, *p.Rank)
		}
	}
}

// TestRankProcsWithoutPods: only the cgroup path is known, so Burstable is
// a range and names are UIDs.
func TestRankProcsWithoutPods(t *testing.T) {
	res := RankProcs(RankInput{Procs: fixtureProcs(t)})
	if res.MemTotal != nil || !res.Version.unknown() {
		t.Errorf("memtotal %v, version %s", res.MemTotal, res.Version)
	}
	checkRanks(t, res, map[int]wantRank{
		2001: {1, "3..999", "burstable-range", "ok", uidCheckout, "a1a1a1a1a1a1", "Burstable"},
		4001: {2, "1000", "qos-tier-besteffort", "ok", uidBE, "e5e5e5e5e5e5", "BestEffort"},
		4103: {3, "3..999", "burstable-range", "ok", uidNginx, "d4d4d4d4d4d4", "Burstable"},
		4101: {4, "3..999", "burstable-range", "ok", uidNginx, "d4d4d4d4d4d4", "Burstable"},
		2002: {5, "3..999", "burstable-range", "ok", uidCheckout, "a1a1a1a1a1a1", "Burstable"},
		3002: {6, "-997", "qos-tier-guaranteed", "MISMATCH", uidDB, "c3c3c3c3c3c3", "Guaranteed"},
		901:  {7, "-999", "node-daemon", "MISMATCH", "", "", ""},
		3001: {8, "-997", "qos-tier-guaranteed", "ok", uidDB, "c3c3c3c3c3c3", "Guaranteed"},
		1999: {9, "-998", "node-daemon", "ok", "", "", ""},
		2000: {10, "-998", "pod-sandbox", "ok", uidCheckout, "(sandbox)", "Burstable"},
		900:  {11, "-999", "node-daemon", "ok", "", "", ""},
		1:    {0, "-", "", "", "", "", ""},
		800:  {0, "-", "", "", "", "", ""},
	})
}

// TestRankProcsPolicy: the kubelet version picks -998/2 (up to 1.19) or
// -997/3; a Burstable container with its pod but no MemTotal is a range;
// a node-critical static pod's Guaranteed value in the Burstable tier is
// not flagged without the pod object.
func TestRankProcsPolicy(t *testing.T) {
	procs := []parse.Proc{
		proc(10, "app", 100, -998, "/kubepods/pod"+uidDB+"/"+hex64("c3")),
		proc(11, "web", 90, 500, "/kubepods/burstable/pod"+uidCheckout+"/"+hex64("a1")),
		proc(12, "kube-apiserver", 80, -997, "/kubepods/burstable/pod"+uidNginx+"/"+hex64("d4")),
		proc(13, "kube-proxy", 70, -999, "/kubepods/besteffort/pod"+uidBE+"/"+hex64("e5")),
		proc(14, "conmon", 60, -1000, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"+
			"5a4b3c2d_1e0f_4a9b_8c7d_6e5f4a3b2c1d.slice/crio-conmon-"+hex64("f6")+".scope"),
		proc(15, "odd", 60, 2, "/kubepods/burstable/pod"+uidNginx+"/"+hex64("d4")),
	}
	objs := fixturePods(t)
	objs.Nodes = nil // no capacity: MemTotal unknown
	res := RankProcs(RankInput{Procs: procs, Objects: objs, Version: KubeVersion{1, 19}})
	checkRanks(t, res, map[int]wantRank{
		10: {1, "-998", "guaranteed", "ok", "db/greatdb-0", "greatdb", "Guaranteed"},
		11: {2, "2..999", "burstable-memtotal-unknown", "ok", "shop/checkout-7d9f8b6c5-x2k4p", "app", "Burstable"},
		12: {3, "2..999", "burstable-range", "MISMATCH", uidNginx, "d4d4d4d4d4d4", "Burstable"}, // node-critical is -998 up to 1.19
		13: {4, "-999", "node-daemon", "ok", uidBE, "e5e5e5e5e5e5", "BestEffort"},
		15: {5, "2..999", "burstable-range", "ok", uidNginx, "d4d4d4d4d4d4", "Burstable"},
		14: {0, "-1000", "cri-o-conmon", "ok", uidNginx, "f6f6f6f6f6f6", "Burstable"},
	})
	// With 1.20+, -998 is a mismatch for Guaranteed, and the floor is 3.
	res = RankProcs(RankInput{Procs: procs, Objects: objs})
	if p := find(res, 10); p.AdjMismatch == nil || !*p.AdjMismatch || *p.ExpectedOOMScoreAdj != -997 {
		t.Errorf("1.20+ Guaranteed: %+v", p)
	}
	if p := find(res, 12); p.AdjMismatch == nil || *p.AdjMismatch {
		t.Errorf("-997 in the Burstable tier without its pod should not be flagged: %+v", p)
	}
	if p := find(res, 15); p.AdjMismatch == nil || !*p.AdjMismatch {
		t.Errorf("2 is below the 1.20+ floor of 3: %+v", p)
	}
}

func TestGroupByPod(t *testing.T) {
	mem := int64(16 << 30)
	res := RankProcs(RankInput{Procs: fixtureProcs(t), Objects: fixturePods(t), Hostname: "node-1", MemTotal: &mem})
	groups := GroupByPod(res.Processes)
	var keys []string
	for _, g := range groups {
		keys = append(keys, g.Key)
	}
	want := []string{"shop/checkout-7d9f8b6c5-x2k4p", uidBE, uidNginx, "db/greatdb-0", ""}
	if len(keys) != len(want) {
		t.Fatalf("groups %q, want %q", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Fatalf("groups %q, want %q", keys, want)
		}
	}
	if n := len(groups[0].Processes); n != 3 || groups[0].Processes[0].PID != 2001 || groups[0].Processes[2].PID != 2000 {
		t.Errorf("checkout group: %d processes", n)
	}
	if groups[4].Namespace != nil || len(groups[4].Processes) != 5 {
		t.Errorf("host group: %+v", groups[4])
	}
}

func proc(pid int, comm string, score, adj int, cgroup string) parse.Proc {
	rss := int64(1000)
	return parse.Proc{PID: pid, Comm: comm, OOMScore: &score, OOMScoreAdj: &adj, Cgroup: cgroup, CgroupFrom: "cgroup", VmRSSKB: &rss}
}

func hex64(pair string) string {
	s := ""
	for range 32 {
		s += pair
	}
	return s
}

func find(res RankResult, pid int) *ProcRank {
	for i := range res.Processes {
		if res.Processes[i].PID == pid {
			return &res.Processes[i]
		}
	}
	return nil
}
