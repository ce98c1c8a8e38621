package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProcPath(t *testing.T) {
	tests := []struct {
		name, prefix string
		pid          int
		file         string
		ok           bool
	}{
		{"sosreport-x/proc/1234/status", "sosreport-x/", 1234, "status", true},
		{"proc/1/oom_score_adj", "", 1, "oom_score_adj", true},
		{"a/b/proc/77/cgroup", "a/b/", 77, "cgroup", true},
		{"x/proc/77/comm", "x/", 77, "comm", true},
		{"x/proc/77/task/78/status", "", 0, "", false}, // a thread, not a process
		{"x/proc/77/limits", "", 0, "", false},         // not a file rank reads
		{"x/proc/self/status", "", 0, "", false},
		{"x/proc/0/status", "", 0, "", false},
		{"x/myproc/77/status", "", 0, "", false},
		{"x/proc/meminfo", "", 0, "", false},
		{"status", "", 0, "", false},
	}
	for _, tt := range tests {
		prefix, pid, file, ok := ProcPath(tt.name)
		if ok != tt.ok || prefix != tt.prefix || pid != tt.pid || file != tt.file {
			t.Errorf("ProcPath(%q) = %q, %d, %q, %v; want %q, %d, %q, %v", tt.name, prefix, pid, file, ok, tt.prefix, tt.pid, tt.file, tt.ok)
		}
	}
}

func TestParseProcCgroup(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"v1 file", "12:pids:/kubepods/x\n4:memory:/kubepods/burstable/podA/cid\n1:name=systemd:/kubepods/y\n0::/\n", "/kubepods/burstable/podA/cid", true},
		{"v2 file", "0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-x.scope\n", "/kubepods.slice/kubepods-pod1.slice/cri-containerd-x.scope", true},
		{"hybrid: memory wins over unified", "0::/user.slice\n5:memory:/docker/abc\n", "/docker/abc", true},
		{"joined controllers", "3:cpu,cpuacct,memory:/lxc/c1\n", "/lxc/c1", true},
		{"ps comma form", "12:pids:/a,11:cpu,cpuacct:/b,4:memory:/c,1:name=systemd:/d", "/c", true},
		{"ps comma form, memory first", "4:memory:/c,1:name=systemd:/d", "/c", true},
		{"ps comma form v2", "0::/system.slice/containerd.service", "/system.slice/containerd.service", true},
		{"ps none", "-", "", false},
		{"only other controllers", "2:cpu:/x\n", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseProcCgroup([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: ParseProcCgroup = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseProcStatus(t *testing.T) {
	var p Proc
	ParseProcStatus([]byte("Name:\tC2 CompilerThre\nState:\tS (sleeping)\nTgid:\t10\nKthread:\t0\nVmRSS:\t    1764 kB\nVmSwap:\t      12 kB\nThreads:\t3\n"), &p)
	if p.statusName != "C2 CompilerThre" || p.State != "S" || p.Threads != 3 || p.Kthread {
		t.Errorf("status: %+v", p)
	}
	if p.VmRSSKB == nil || *p.VmRSSKB != 1764 || p.VmSwapKB == nil || *p.VmSwapKB != 12 || !p.HasMM() {
		t.Errorf("memory: %+v", p)
	}
	var k Proc
	ParseProcStatus([]byte("Name:\tkthreadd\nState:\tS (sleeping)\nKthread:\t1\nThreads:\t1\n"), &k)
	if k.HasMM() || !k.Kthread {
		t.Errorf("a kernel thread has memory: %+v", k)
	}
	var z Proc
	ParseProcStatus([]byte("Name:\tdefunct\nState:\tZ (zombie)\nThreads:\t1\n"), &z)
	if z.HasMM() || z.State != "Z" {
		t.Errorf("a zombie has memory: %+v", z)
	}
	var n Proc
	ParseProcStatus([]byte(`Name:	a\nb\\c`+"\n"), &n)
	if n.statusName != "a\nb\\c" {
		t.Errorf("escaped name %q", n.statusName)
	}
}

func TestProcTreeAdd(t *testing.T) {
	tr := NewProcTree()
	tr.Add(5, "oom_score", []byte("1374\n"))
	tr.Add(5, "oom_score_adj", []byte("-998\n"))
	tr.Add(5, "status", []byte("Name:\tjava\nVmRSS:\t100 kB\n"))
	tr.Add(5, "stack", []byte("ignored"))
	tr.Add(6, "oom_score", []byte("garbage"))
	tr.Add(6, "cpuset", []byte("/kubepods/besteffort/podX/abc\n"))
	tr.Add(7, "cpuset", []byte("/\n"))
	tr.AddPsCgroups([]byte("  PID COMMAND CGROUP\n    5 java 4:memory:/from/ps\n    8 Web Content 0::/x\n"))
	ps := tr.Procs()
	if len(ps) != 3 {
		t.Fatalf("%d procs, want 3: %+v", len(ps), ps)
	}
	p := ps[0]
	if p.PID != 5 || p.Comm != "java" || *p.OOMScore != 1374 || *p.OOMScoreAdj != -998 || p.Cgroup != "/from/ps" || p.CgroupFrom != "ps" {
		t.Errorf("pid 5: %+v", p)
	}
	if ps[1].OOMScore != nil || ps[1].Cgroup != "/kubepods/besteffort/podX/abc" || ps[1].CgroupFrom != "cpuset" {
		t.Errorf("pid 6: %+v", ps[1])
	}
	if ps[2].Cgroup != "" {
		t.Errorf("pid 7: the root cpuset is no cgroup: %+v", ps[2])
	}
	if len(tr.Errors) != 1 {
		t.Errorf("errors %q, want the bad oom_score", tr.Errors)
	}
}

// TestReadProcDir reads the fixture node's proc tree (cgroup v2, systemd
// driver) and, where the machine allows it, this process's own /proc entry.
func TestReadProcDir(t *testing.T) {
	tr, err := ReadProcDir("../testdata/proc/node-1/proc")
	if err != nil {
		t.Fatal(err)
	}
	ps := tr.Procs()
	if len(ps) != 15 {
		t.Fatalf("%d processes, want 15 (threads under task/ are not processes)", len(ps))
	}
	byPID := map[int]Proc{}
	for _, p := range ps {
		byPID[p.PID] = p
	}
	java := byPID[2001]
	if java.Comm != "java" || *java.OOMScore != 1374 || *java.OOMScoreAdj != 875 || *java.VmRSSKB != 3145728 || *java.VmSwapKB != 1024 ||
		java.CgroupFrom != "cgroup" || filepath.Base(java.Cgroup) != "cri-containerd-"+strings.Repeat("a1", 32)+".scope" {
		t.Errorf("java: %+v", java)
	}
	if byPID[2].HasMM() || byPID[4102].HasMM() {
		t.Error("kthreadd or the zombie has memory")
	}
	if len(tr.Errors) != 0 {
		t.Errorf("errors: %q", tr.Errors)
	}

	if _, err := os.Stat("/proc/self/oom_score_adj"); err != nil {
		t.Skip("no /proc here:", err)
	}
	self := NewProcTree()
	ReadProc(self, "/proc/self", os.Getpid())
	got := self.Procs()
	if len(got) != 1 || got[0].OOMScoreAdj == nil || got[0].Comm == "" || !got[0].HasMM() {
		t.Errorf("own /proc entry: %+v", got)
	}
}
