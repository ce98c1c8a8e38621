package parse

import (
	"reflect"
	"testing"
)

func TestParseTrigger(t *testing.T) {
	tests := []struct {
		line                 string
		comm, gfp, nodemask  string
		order, adj, scoreAdj any
	}{
		{"memhog invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0", "memhog", "0x201da", "", 0, 0, nil},
		{"java invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0", "java", "0x201da", "", 0, 0, 0},
		{"sed invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0", "sed", "0x201da", "", 0, nil, 0},
		{"x invoked oom-killer: gfp_mask=0x24000c0(GFP_KERNEL), order=0, oom_score_adj=-998", "x", "0x24000c0(GFP_KERNEL)", "", 0, nil, -998},
		{"a b invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), nodemask=0-2,4, order=3, oom_score_adj=999", "a b", "0x14200ca(GFP_HIGHUSER_MOVABLE)", "0-2,4", 3, nil, 999},
		{"runc:[2:INIT] invoked oom-killer: gfp_mask=0x14000c0(GFP_KERNEL), nodemask=(null),  order=0, oom_score_adj=1000", "runc:[2:INIT]", "0x14000c0(GFP_KERNEL)", "(null)", 0, nil, 1000},
		{"kworker/0:2 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=-1, oom_score_adj=0", "kworker/0:2", "0xcc0(GFP_KERNEL)", "", -1, nil, 0},
		{"CPU 11/KVM invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=830", "CPU 11/KVM", "0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)", "", 0, nil, 830},
	}
	for _, tt := range tests {
		tr, ok := parseTrigger(tt.line)
		if !ok {
			t.Errorf("%q: not parsed", tt.line)
			continue
		}
		got := []any{tr.Comm, tr.GFPMask, tr.Nodemask, deref(tr.Order), deref(tr.OOMAdj), deref(tr.OOMScoreAdj)}
		want := []any{tt.comm, tt.gfp, tt.nodemask, tt.order, tt.adj, tt.scoreAdj}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %v\nwant %v", tt.line, got, want)
		}
	}
	if _, ok := parseTrigger("x invoked oom-killer: gfp_mask=0x201da, ord"); ok {
		t.Error("a cut trigger line parsed")
	}
}

func TestParseKilled(t *testing.T) {
	tests := []struct {
		line   string
		reason string
		pid    int
		comm   string
		uid    any
		vm     any
		anon   any
		shmem  any
		pgt    any
		adj    any
	}{
		{"Killed process 1234 (x)", "", 1234, "x", nil, nil, nil, nil, nil, nil},
		{"Killed process 13536 (memorymonster) vsz:33558652kB, anon-rss:920kB, file-rss:452kB", "", 13536, "memorymonster", nil, int64(33558652), int64(920), nil, nil, nil},
		{"Killed process 13536 (memorymonster) total-vm:33558652kB, anon-rss:920kB, file-rss:452kB", "", 13536, "memorymonster", nil, int64(33558652), int64(920), nil, nil, nil},
		{"Killed process 2195, UID 27, (mysqld) total-vm:1470288kB, anon-rss:367596kB, file-rss:76kB", "", 2195, "mysqld", 27, int64(1470288), int64(367596), nil, nil, nil},
		{"Killed process 6576 (mysqld), UID 12345, total-vm:33914892kB, anon-rss:20629004kB, file-rss:0kB, shmem-rss:0kB", "", 6576, "mysqld", 12345, int64(33914892), int64(20629004), int64(0), nil, nil},
		{"Memory cgroup out of memory: Killed process 70870 (qemu-system-x86) total-vm:73209856kB, anon-rss:66852088kB, file-rss:21948kB, shmem-rss:4kB", "Memory cgroup out of memory", 70870, "qemu-system-x86", nil, int64(73209856), int64(66852088), int64(4), nil, nil},
		{"Out of memory: Killed process 473206 (doxygen) total-vm:30290680kB, anon-rss:9234320kB, file-rss:4kB, shmem-rss:0kB, UID:504 pgtables:59264kB oom_score_adj:0", "Out of memory", 473206, "doxygen", 504, int64(30290680), int64(9234320), int64(0), int64(59264), 0},
		{"Out of memory (oom_kill_allocating_task): Killed process 77 ((sd-pam)) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:4kB, UID:0 pgtables:5kB oom_score_adj:-1000", "Out of memory (oom_kill_allocating_task)", 77, "(sd-pam)", 0, int64(1), int64(2), int64(4), int64(5), -1000},
		{"Memory cgroup out of memory: Killed process 9 (a) b)) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:4kB, UID:0 pgtables:5kB oom_score_adj:1", "Memory cgroup out of memory", 9, "a) b)", 0, int64(1), int64(2), int64(4), int64(5), 1},
	}
	for _, tt := range tests {
		k, ok := parseKilled(tt.line)
		if !ok {
			t.Errorf("%q: not parsed", tt.line)
			continue
		}
		got := []any{k.Reason, k.PID, k.Comm, deref(k.UID), deref(k.TotalVMKB), deref(k.AnonRSSKB), deref(k.ShmemRSSKB), deref(k.PgtablesKB), deref(k.OOMScoreAdj)}
		want := []any{tt.reason, tt.pid, tt.comm, tt.uid, tt.vm, tt.anon, tt.shmem, tt.pgt, tt.adj}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %v\nwant %v", tt.line, got, want)
		}
	}
	for _, quoted := range []string{
		`I1127 11:44:17.1 1234 log_monitor.go:160] Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, file-rss:3kB`,
		`OOMKilling: "Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, file-rss:3kB"`,
		`kernel: [123.4] Killed process 4242 (x) total-vm:1kB, anon-rss:2kB, file-rss:3kB`,
	} {
		if k, ok := parseKilled(quoted); ok {
			t.Errorf("%q: a quoted kill line parsed as %+v", quoted, k)
		}
	}
}

func TestParseSummary(t *testing.T) {
	tests := []struct {
		line                                      string
		constraint                                any
		nodemask, cpuset, mems, oomMemcg, taskMcg string
		global                                    bool
		comm                                      string
		pid, uid                                  int
	}{
		{"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=doxygen,pid=473206,uid=504",
			"CONSTRAINT_NONE", "(null)", "/", "0", "", "/user.slice", true, "doxygen", 473206, 504},
		{"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=0-2,4,cpuset=a,mems_allowed=0-2,4,oom_memcg=/k,task_memcg=/k/c,task=a,b,pid=1,uid=2",
			"CONSTRAINT_MEMCG", "0-2,4", "a", "0-2,4", "/k", "/k/c", false, "a,b", 1, 2},
		{"oom-kill:constraint=CONSTRAINT_BPF_PSI_MEM,nodemask=(null),oom_memcg=/k,task_memcg=/k/c,task=x,pid=1,uid=0",
			"CONSTRAINT_BPF_PSI_MEM", "(null)", "", "", "/k", "/k/c", false, "x", 1, 0},
		{"oom-kill:,cpuset=docker-1.scope,mems_allowed=0,oom_memcg=/d,task_memcg=/d,task=java,pid=5,uid=0",
			nil, "", "docker-1.scope", "0", "/d", "/d", false, "java", 5, 0},
	}
	for _, tt := range tests {
		var d Dump
		if !parseSummary(tt.line, &d) {
			t.Errorf("%q: not parsed", tt.line)
			continue
		}
		got := []any{deref(d.Constraint), d.Nodemask, d.Cpuset, d.MemsAllowed, d.OOMMemcg, d.TaskMemcg, d.GlobalOOM, d.Summary.Comm, d.Summary.PID, d.Summary.UID}
		want := []any{tt.constraint, tt.nodemask, tt.cpuset, tt.mems, tt.oomMemcg, tt.taskMcg, tt.global, tt.comm, tt.pid, tt.uid}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %v\nwant %v", tt.line, got, want)
		}
	}
}

func TestParseCPULine(t *testing.T) {
	tests := []struct {
		line, comm, release string
		pid                 int
	}{
		{"CPU: 5 PID: 13536 Comm: memorymonster Tainted: P           OX 3.13.0-43-generic #72-Ubuntu", "memorymonster", "3.13.0-43-generic", 13536},
		{"CPU: 60 PID: 70888 Comm: CPU 11/KVM Not tainted 5.3.18-150300.59.101-default #1 SLE15-SP3", "CPU 11/KVM", "5.3.18-150300.59.101-default", 70888},
		{"CPU: 1 UID: 0 PID: 9 Comm: a Tainted: G        W  O       6.19.0 #1 PREEMPT(voluntary) ", "a", "6.19.0", 9},
		{"CPU: 3 PID: 1 Comm: sed Kdump: loaded Not tainted 3.10.0-1160.el7.x86_64 #1", "sed", "3.10.0-1160.el7.x86_64", 1},
		{"Pid: 4242, comm: java Not tainted 2.6.32-642.6.2.el6.x86_64 #1", "java", "2.6.32-642.6.2.el6.x86_64", 4242},
		{"CPU: 2 PID: 7 Comm: x Tainted: G                 ---------r-  - 4.18.0-372.el8.x86_64 #1", "x", "4.18.0-372.el8.x86_64", 7},
	}
	for _, tt := range tests {
		pid, comm, rel, ok := parseCPULine(tt.line)
		if !ok || pid != tt.pid || rel != tt.release || comm != tt.comm {
			t.Errorf("%q: got %d %q %q %v", tt.line, pid, comm, rel, ok)
		}
	}
}
