package correlate

import (
	"time"

	"github.com/oomtriage/oomtriage/parse"
)

// CgroupIdentity is what the victim's cgroup path says (parse.ParseCgroupPath).
type CgroupIdentity = parse.CgroupIdentity

// Incident is one entry of the JSON report's "incidents" array
// (shared/spec/json-report-v1.md). Names and types are the contract: add
// fields, never rename. Pointers are null when the inputs do not say.
type Incident struct {
	ID            string          `json:"id"`
	Kind          string          `json:"kind"`
	Host          *string         `json:"host"`
	BootID        *string         `json:"boot_id"`
	BootSeconds   *float64        `json:"boot_seconds"`
	Time          *string         `json:"time"`
	TimeSource    *string         `json:"time_source"`
	KernelVersion *string         `json:"kernel_version"`
	OOMKind       string          `json:"oom_kind"`
	Trigger       *Trigger        `json:"trigger"`
	Constraint    *string         `json:"constraint"`
	Nodemask      *string         `json:"nodemask"`
	OOMMemcg      *string         `json:"oom_memcg"`
	TaskMemcg     *string         `json:"task_memcg"`
	Memcg         *Memcg          `json:"memcg"`
	MemInfo       *MemInfo        `json:"mem_info"`
	Victim        *Victim         `json:"victim"`
	Selected      *Selected       `json:"selected"`
	GroupKills    []Kill          `json:"group_kills"`
	Reaper        *Reaper         `json:"oom_reaper"`
	NoKillable    bool            `json:"no_killable"`
	Panic         *string         `json:"panic"`
	PageSizeBytes int64           `json:"page_size_bytes"`
	PageSizeFrom  string          `json:"page_size_source"`
	TaskColumns   []string        `json:"task_columns"`
	Tasks         []Task          `json:"tasks"`
	TasksDropped  int             `json:"tasks_dropped"`
	Complete      bool            `json:"complete"`
	Missing       []string        `json:"missing"`
	Sources       []Source        `json:"sources"`
	TaskCgroup    *CgroupIdentity `json:"task_cgroup"`

	// Filled by correlation with pods, kubelet and runtime evidence.
	Scope         *string       `json:"scope"`
	Kubernetes    *Kubernetes   `json:"kubernetes"`
	Ranking       []Rank        `json:"ranking"`
	RankingBasis  *RankingBasis `json:"ranking_basis"`
	Outcome       *string       `json:"outcome"`
	KubeletEvents []Event       `json:"kubelet_events"`
	Findings      []Finding     `json:"findings"`

	fingerprint string
	when        *time.Time
	timeRank    int // 2 exact (zoned stamp, btime), 1 local stamp, 0 none
	hostKey     string
}

// Trigger is the task whose allocation failed.
type Trigger struct {
	PID         *int    `json:"pid"`
	Comm        string  `json:"comm"`
	OOMScoreAdj *int    `json:"oom_score_adj"`
	OOMAdj      *int    `json:"oom_adj"`
	GFPMask     *string `json:"gfp_mask"`
	Order       *int    `json:"order"`
	Cpuset      *string `json:"cpuset"`
	MemsAllowed *string `json:"mems_allowed"`
}

// Memcg is the memory cgroup state at the kill. Limits printed as the
// kernel's "unlimited" sentinels are null and named in Unlimited.
type Memcg struct {
	UsageKB      *int64   `json:"usage_kb"`
	LimitKB      *int64   `json:"limit_kb"`
	Failcnt      *int64   `json:"failcnt"`
	SwapUsageKB  *int64   `json:"swap_usage_kb"`
	SwapLimitKB  *int64   `json:"swap_limit_kb"`
	MemswUsageKB *int64   `json:"memsw_usage_kb"`
	MemswLimitKB *int64   `json:"memsw_limit_kb"`
	KmemUsageKB  *int64   `json:"kmem_usage_kb"`
	KmemLimitKB  *int64   `json:"kmem_limit_kb"`
	StatsPath    *string  `json:"stats_path"`
	Unlimited    []string `json:"unlimited"`
}

// MemInfo is the machine's memory from a global OOM's Mem-Info block.
type MemInfo struct {
	RAMPages    *int64 `json:"ram_pages"`
	FreePages   *int64 `json:"free_pages"`
	SwapTotalKB *int64 `json:"swap_total_kb"`
	SwapFreeKB  *int64 `json:"swap_free_kb"`
}

// Victim is the killed task. From names the line it was read from:
// "kill_line", or "summary" / "oom_reaper" when the kill line is missing.
type Victim struct {
	PID         int     `json:"pid"`
	Comm        string  `json:"comm"`
	UID         *int    `json:"uid"`
	OOMScoreAdj *int    `json:"oom_score_adj"`
	TotalVMKB   *int64  `json:"total_vm_kb"`
	AnonRSSKB   *int64  `json:"anon_rss_kb"`
	FileRSSKB   *int64  `json:"file_rss_kb"`
	ShmemRSSKB  *int64  `json:"shmem_rss_kb"`
	PgtablesKB  *int64  `json:"pgtables_kb"`
	Reason      *string `json:"reason"`
	From        string  `json:"from"`
}

// Selected is the pre-5.1 "Kill process … score … or sacrifice child" line.
type Selected struct {
	PID   int    `json:"pid"`
	Comm  string `json:"comm"`
	Score int64  `json:"score"`
}

// Kill is a further task killed by memory.oom.group.
type Kill struct {
	PID       int    `json:"pid"`
	Comm      string `json:"comm"`
	AnonRSSKB *int64 `json:"anon_rss_kb"`
}

// Reaper is the oom_reaper's line about the victim.
type Reaper struct {
	PID        int    `json:"pid"`
	Reaped     bool   `json:"reaped"`
	AnonRSSKB  *int64 `json:"anon_rss_kb"`
	FileRSSKB  *int64 `json:"file_rss_kb"`
	ShmemRSSKB *int64 `json:"shmem_rss_kb"`
}

// Task is one row of the kernel's task table, in printed order.
type Task struct {
	PID           int64  `json:"pid"`
	UID           int64  `json:"uid"`
	TGID          int64  `json:"tgid"`
	TotalVMPages  int64  `json:"total_vm_pages"`
	RSSPages      int64  `json:"rss_pages"`
	RSSAnonPages  *int64 `json:"rss_anon_pages"`
	RSSFilePages  *int64 `json:"rss_file_pages"`
	RSSShmemPages *int64 `json:"rss_shmem_pages"`
	PgtablesBytes *int64 `json:"pgtables_bytes"`
	NrPtes        *int64 `json:"nr_ptes"`
	NrPmds        *int64 `json:"nr_pmds"`
	NrPuds        *int64 `json:"nr_puds"`
	SwapEntries   *int64 `json:"swap_entries"`
	OOMScoreAdj   *int64 `json:"oom_score_adj"`
	CPU           *int64 `json:"cpu"`
	OOMAdj        *int64 `json:"oom_adj"`
	Name          string `json:"name"`
}

// Source is a place an incident was read from.
type Source struct {
	Path   string `json:"path"`
	Line   int    `json:"line"`
	Format string `json:"format"`
}

// Kubernetes is the victim's pod and container.
type Kubernetes struct {
	PodUID              *string `json:"pod_uid"`
	Namespace           *string `json:"namespace"`
	Pod                 *string `json:"pod"`
	Container           *string `json:"container"`
	ContainerID         *string `json:"container_id"`
	Runtime             *string `json:"runtime"`
	QOSClass            *string `json:"qos_class"`
	ExpectedOOMScoreAdj *int    `json:"expected_oom_score_adj"`
	AdjMismatch         *bool   `json:"adj_mismatch"`
}

// Rank is one candidate in the recomputed badness ranking.
type Rank struct {
	PID              int64 `json:"pid"`
	Points           int64 `json:"points"`
	PointsWithoutAdj int64 `json:"points_without_adj"`
	Rank             int   `json:"rank"`
}

// Finding is something a person can act on.
type Finding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}
