package parse

// Dump is one invocation of the kernel OOM killer as read from the log: the
// header the kernel printed ("… invoked oom-killer"), the memory state, the
// task table, the summary and the kill lines. Fields the log did not print
// are nil or empty; nothing is guessed here (see package correlate for
// derived values).
type Dump struct {
	Host   string
	BootID string
	Format Format // carrier of the first line

	Trigger       *Trigger // nil when the header line is missing
	KernelVersion string

	Constraint  *string // only when printed (5.0+ summary)
	Nodemask    string
	Cpuset      string // of the trigger task, not the victim
	MemsAllowed string
	OOMMemcg    string // the cgroup whose limit was hit ("" if none printed)
	TaskMemcg   string // the victim's cgroup
	GlobalOOM   bool   // the summary said ",global_oom"

	Memcg   *MemcgState
	MemInfo *MemInfo

	TaskColumns  []string // the task table header's columns between rss and name
	Tasks        []Task
	TasksDropped int // rows beyond MaxTaskRows

	Summary  *Summary
	Selected *Selected // "Kill process N (comm) score S or sacrifice child"
	Victim   *Killed   // the first "Killed process" line

	GroupCgroup string   // "Tasks in X are going to be killed due to memory.oom.group set"
	GroupKills  []Killed // Killed lines after the group line, deduplicated by pid

	Reaped     *Reaped
	NoKillable bool   // "Out of memory and no killable processes..."
	Panic      string // "Kernel panic - not syncing: …" text
	Sysrq      bool   // "sysrq: Manual OOM execution" preceded the header

	// First is where the dump starts; Stamp is the record whose stamps date
	// the dump (the kill line, else the summary, else the header).
	First Source
	Boot  *float64
	Wall  *Stamp

	stampRank int
}

// Trigger is the task whose allocation failed, from the header line and the
// CPU/Pid line that follows it.
type Trigger struct {
	Comm        string
	PID         *int // from "CPU: N PID: N Comm:" or "Pid: N, comm:"
	OOMScoreAdj *int
	OOMAdj      *int // ≤2.6.35 and RHEL6
	GFPMask     string
	Order       *int
	Nodemask    string // 4.9–4.20 header only
}

// MemcgState is the memory cgroup block ("memory: usage …").
type MemcgState struct {
	UsageKB, LimitKB, Failcnt             *int64
	MemswUsageKB, MemswLimitKB, MemswFail *int64 // cgroup v1 memory+swap
	KmemUsageKB, KmemLimitKB              *int64 // cgroup v1 kmem
	SwapUsageKB, SwapLimitKB              *int64 // cgroup v2 swap
	StatsPath                             string // "Memory cgroup stats for <path>:"
}

// MemInfo is the part of the Mem-Info block that sizes the machine.
type MemInfo struct {
	RAMPages    *int64
	FreePages   *int64
	TotalSwapKB *int64
	FreeSwapKB  *int64
}

// Task is one row of the task table. Values are in pages of the printing
// kernel except PgtablesBytes; columns the era did not print are nil.
type Task struct {
	PID, UID, TGID         int64
	TotalVMPages, RSSPages int64
	RSSAnonPages           *int64
	RSSFilePages           *int64
	RSSShmemPages          *int64
	PgtablesBytes          *int64
	NrPtes, NrPmds, NrPuds *int64
	SwapEntries            *int64
	OOMScoreAdj            *int64
	CPU, OOMAdj            *int64
	Name                   string
}

// Summary is the 5.0+ "oom-kill:constraint=…" line.
type Summary struct {
	PID  int
	UID  int
	Comm string
}

// Selected is the pre-5.1 "… Kill process N (comm) score S or sacrifice
// child" line: the task chosen, which may differ from the one killed.
type Selected struct {
	Reason string
	PID    int
	Comm   string
	Score  int64
}

// Killed is a "Killed process" line. Values are in kB.
type Killed struct {
	Reason      string // "Memory cgroup out of memory" (5.1+ prefix)
	PID         int
	Comm        string
	UID         *int
	TotalVMKB   *int64
	AnonRSSKB   *int64
	FileRSSKB   *int64
	ShmemRSSKB  *int64
	PgtablesKB  *int64
	OOMScoreAdj *int
	Source      Source
}

// Reaped is the oom_reaper's line about the victim.
type Reaped struct {
	PID        int
	OK         bool // false for "unable to reap"
	AnonRSSKB  *int64
	FileRSSKB  *int64
	ShmemRSSKB *int64
}

// OOMKind classifies the dump: "memcg", "global", "global_sysrq", "cpuset"
// or "mempolicy". Before 5.0 the constraint is not printed, so the memcg
// block and the kill reason decide.
func (d *Dump) OOMKind() string {
	if d.Sysrq || (d.Trigger != nil && d.Trigger.Order != nil && *d.Trigger.Order == -1) {
		return "global_sysrq"
	}
	if d.Constraint != nil && *d.Constraint != "" {
		switch *d.Constraint {
		case "CONSTRAINT_MEMCG":
			return "memcg"
		case "CONSTRAINT_CPUSET":
			return "cpuset"
		case "CONSTRAINT_MEMORY_POLICY":
			return "mempolicy"
		case "CONSTRAINT_NONE":
			return "global"
		}
	}
	reason := ""
	if d.Victim != nil {
		reason = d.Victim.Reason
	}
	if d.Selected != nil && reason == "" {
		reason = d.Selected.Reason
	}
	switch {
	case d.OOMMemcg != "" || d.Memcg != nil || reason == "Memory cgroup out of memory":
		return "memcg"
	case reason == "No available memory (MPOL_BIND)":
		return "mempolicy"
	case reason == "No available memory in cpuset":
		return "cpuset"
	}
	return "global"
}

// Missing lists the parts of the dump that the kernel prints but the log
// does not hold: "header", "cpu_line", "memcg_state", "mem_info",
// "task_table", "task_rows", "summary", "kill_line", and "victim" when the
// kernel found nothing to kill.
func (d *Dump) Missing() []string {
	m := []string{}
	if d.Trigger == nil {
		m = append(m, "header")
	} else {
		if d.Trigger.PID == nil {
			m = append(m, "cpu_line")
		}
		switch kind := d.OOMKind(); {
		case kind == "memcg" && (d.Memcg == nil || d.Memcg.LimitKB == nil):
			m = append(m, "memcg_state")
		case kind != "memcg" && d.MemInfo == nil:
			m = append(m, "mem_info")
		}
		if d.TaskColumns == nil {
			m = append(m, "task_table")
		} else if len(d.Tasks) == 0 && !d.NoKillable {
			m = append(m, "task_rows")
		}
		if d.Summary == nil && d.Victim != nil && d.Victim.Reason != "" && d.Selected == nil {
			// 5.1+ prefixes the kill line with its reason and always prints
			// the summary before it.
			m = append(m, "summary")
		}
	}
	switch {
	case d.NoKillable || d.Panic != "":
		// Nothing was killed: the contract counts the invocation as
		// incomplete, with no victim.
		m = append(m, "victim")
	case d.Victim == nil:
		m = append(m, "kill_line")
	}
	return m
}
