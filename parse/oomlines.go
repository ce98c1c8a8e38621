package parse

import (
	"regexp"
	"strconv"
	"strings"
)

// The OOM killer's own lines, per kernel era (kernel-oom-formats.md §2-§9).
// Every pattern is anchored at the start of the kernel message, so another
// program quoting a kernel line inside its own message never matches. Commas
// may be followed by an optional space so that a line re-joined from a hard
// wrap still parses.
var (
	// ≤2.6.35: oom_adj; RHEL6: both; 2.6.36+: oom_score_adj; 4.9-4.20 add
	// nodemask (with "  order" in 4.12-4.14).
	reTrigger = regexp.MustCompile(`^(.*?) invoked oom-killer: gfp_mask=([^,]*?),(?: ?nodemask=(.*?),)? +order=(-?\d+)(?:, ?oom_adj=(-?\d+))?(?:, ?oom_score_adj=(-?\d+))?$`)
	reCpuset  = regexp.MustCompile(`^(.*) cpuset=(\S*) mems_allowed=(\S*)$`)
	// 3.10+ "CPU: 5 PID: 1 Comm: x Tainted: G  W 5.4.0 #1", 6.11+ with
	// "UID: 0", RHEL's "Kdump: loaded " marker, and ≤3.9 "Pid: 1, comm: x Not tainted 2.6.32 #1".
	reCPULine = regexp.MustCompile(`^(?:CPU: \d+ (?:UID: \d+ )?PID: (\d+) Comm: |Pid: (\d+), comm: )(.*?) (?:Kdump: loaded )?(?:Not tainted|Tainted:[^\d]*?) ?(\d+\.\d+\S*)`)
	reSummary = regexp.MustCompile(`^oom-kill:(?:constraint=([^,]*))?(?:,? ?nodemask=(.*?))?(?:, ?cpuset=(.*?), ?mems_allowed=(.*?))?(?:, ?oom_memcg=(.*?)|, ?(global_oom))?(?:, ?task_memcg=(.*?))?, ?task=(.*), ?pid=(\d+), ?uid=(\d+)$`)
	// The kill reason is a fixed English phrase, never digits or brackets.
	reKilled     = regexp.MustCompile(`^(?:([A-Za-z][A-Za-z ()_-]*?): )?Killed process (\d+),? (?:UID (\d+), )?\((.*)\)(?:, UID (\d+),)? (?:total-vm|vsz):(\d+)kB, ?anon-rss:(\d+)kB, ?file-rss:(\d+)kB(?:, ?shmem-rss:(\d+)kB)?(?:, ?UID:(\d+) pgtables:(\d+)kB oom_score_adj:(-?\d+))?$`)
	reKilledBare = regexp.MustCompile(`^(?:([A-Za-z][A-Za-z ()_-]*?): )?Killed process (\d+) \((.*)\)$`)
	// A kill line cut short (hard wrap never completed, truncated paste).
	reKilledStart = regexp.MustCompile(`^(?:([A-Za-z][A-Za-z ()_-]*?): )?Killed process (\d+),? (?:UID \d+, )?\((.*?)\)`)
	reSelected    = regexp.MustCompile(`^(?:([A-Za-z][A-Za-z ()_-]*?): )?[Kk]ill process (\d+) \((.*)\) score (\d+) or (?:sacrifice child|a child)$`)
	reReaped      = regexp.MustCompile(`^oom_reaper: reaped process (\d+) \((.*)\), now anon-rss:(\d+)kB, ?file-rss:(\d+)kB, ?shmem-rss:(\d+)kB$`)
	reUnreaped    = regexp.MustCompile(`^oom_reaper: unable to reap pid:(\d+) \((.*)\)$`)
	reGroup       = regexp.MustCompile(`^Tasks in (.+) are going to be killed due to memory\.oom\.group set$`)
	reSuppressed  = regexp.MustCompile(`^(oom_kill_process|dump_header|out_of_memory): (\d+) callbacks suppressed$`)
)

func parseTrigger(s string) (*Trigger, bool) {
	m := reTrigger.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	t := &Trigger{Comm: m[1], GFPMask: m[2], Nodemask: m[3], Order: atoiPtr(m[4])}
	t.OOMAdj = atoiPtr(m[5])
	t.OOMScoreAdj = atoiPtr(m[6])
	return t, true
}

// parseCPULine returns the pid, comm and kernel release of the dump_stack
// header line.
func parseCPULine(s string) (pid int, comm, release string, ok bool) {
	m := reCPULine.FindStringSubmatch(s)
	if m == nil {
		return 0, "", "", false
	}
	p := m[1]
	if p == "" {
		p = m[2]
	}
	pid, _ = strconv.Atoi(p)
	return pid, m[3], m[4], true
}

func parseSummary(s string, d *Dump) bool {
	m := reSummary.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	if strings.HasPrefix(s, "oom-kill:constraint=") {
		c := m[1]
		d.Constraint = &c
	}
	d.Nodemask, d.Cpuset, d.MemsAllowed = m[2], m[3], m[4]
	if m[5] != "" {
		d.OOMMemcg = m[5]
	}
	d.GlobalOOM = m[6] != ""
	if m[7] != "" {
		d.TaskMemcg = m[7]
	}
	pid, _ := strconv.Atoi(m[9])
	uid, _ := strconv.Atoi(m[10])
	d.Summary = &Summary{Comm: m[8], PID: pid, UID: uid}
	return true
}

func parseKilled(s string) (*Killed, bool) {
	if m := reKilled.FindStringSubmatch(s); m != nil {
		k := &Killed{Reason: m[1], Comm: m[4]}
		k.PID, _ = strconv.Atoi(m[2])
		k.UID = atoiPtr(firstNonEmpty(m[3], m[5], m[10]))
		k.TotalVMKB, k.AnonRSSKB, k.FileRSSKB = atoi64Ptr(m[6]), atoi64Ptr(m[7]), atoi64Ptr(m[8])
		k.ShmemRSSKB, k.PgtablesKB, k.OOMScoreAdj = atoi64Ptr(m[9]), atoi64Ptr(m[11]), atoiPtr(m[12])
		return k, true
	}
	if m := reKilledBare.FindStringSubmatch(s); m != nil {
		k := &Killed{Reason: m[1], Comm: m[3]}
		k.PID, _ = strconv.Atoi(m[2])
		return k, true
	}
	return nil, false
}

// parseKilledPrefix reads pid and comm from a kill line whose tail is lost.
func parseKilledPrefix(s string) (*Killed, bool) {
	m := reKilledStart.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	k := &Killed{Reason: m[1], Comm: m[3]}
	k.PID, _ = strconv.Atoi(m[2])
	return k, true
}

func parseSelected(s string) (*Selected, bool) {
	m := reSelected.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	sel := &Selected{Reason: m[1], Comm: m[3]}
	sel.PID, _ = strconv.Atoi(m[2])
	sel.Score, _ = strconv.ParseInt(m[4], 10, 64)
	return sel, true
}

func parseReaped(s string) (*Reaped, bool) {
	if m := reReaped.FindStringSubmatch(s); m != nil {
		r := &Reaped{OK: true, AnonRSSKB: atoi64Ptr(m[3]), FileRSSKB: atoi64Ptr(m[4]), ShmemRSSKB: atoi64Ptr(m[5])}
		r.PID, _ = strconv.Atoi(m[1])
		return r, true
	}
	if m := reUnreaped.FindStringSubmatch(s); m != nil {
		r := &Reaped{}
		r.PID, _ = strconv.Atoi(m[1])
		return r, true
	}
	return nil, false
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// atoiPtr returns nil for "" or a malformed number: the log did not say.
func atoiPtr(s string) *int {
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil
	}
	return &n
}

func atoi64Ptr(s string) *int64 {
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil
	}
	return &n
}
