package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/oomtriage/oomtriage/correlate"
)

// ParquetOptions control the dataset.
type ParquetOptions struct {
	Dir         string   // dataset root; tables are sub-folders
	PartitionBy []string // subset of {"host","date"}; empty = one file per table: <table>/part-<digest>.parquet
	InputDigest string   // hex digest of the inputs (the caller computes it); used in file names and metadata
}

// The tables of the dataset, in the order they are written.
const (
	TableIncidents     = "incidents"
	TableTasks         = "tasks"
	TablePods          = "pods"
	TableContainers    = "containers"
	TableKubeletEvents = "kubelet_events"
	TableInputs        = "inputs"
)

// Key/value metadata written into every file's footer.
const (
	MetaVersion       = "oomtriage.version"
	MetaSchemaVersion = "oomtriage.schema_version"
	MetaInputDigest   = "oomtriage.input_digest"
	MetaTable         = "oomtriage.table"
)

// hiveNull is the folder value of a partition key whose column is null (no
// host named, no wall-clock time): Hive's convention, which Spark and DuckDB
// read back as NULL. Any other word ("unknown") would replace the NULL of the
// file's own host column when a reader applies Hive partitioning, as DuckDB
// does by default.
const hiveNull = "__HIVE_DEFAULT_PARTITION__"

const (
	parquetRowsPerRowGroup = 250_000
	parquetBatchRows       = 1024
)

// WriteParquet writes r as the six tables. Deterministic: same report →
// byte-identical files (no wall-clock time in metadata; created_by fixed).
//
// Partitioned, incidents and tasks go to the folder of their incident's host
// and UTC date, kubelet_events to their own; pods, containers and inputs stay
// one file each. A null host or date is the folder __HIVE_DEFAULT_PARTITION__
// (read back as NULL), and a partitioned table without rows is one empty file
// in that folder, so its schema can still be read.
//
// Every file is written to a hidden temporary name in its destination folder
// and renamed into place once complete, so a reader or a crash never sees a
// half file. Files of the same input digest left from an earlier run (in any
// partition, or from a run with other partitioning) are removed after the new
// ones are in place; files of other digests are never touched.
func WriteParquet(r *Report, opt ParquetOptions) error {
	if opt.Dir == "" {
		return errors.New("parquet: no dataset folder given")
	}
	if !isHexDigest(opt.InputDigest) {
		return fmt.Errorf("parquet: input digest %q is not a hex string", opt.InputDigest)
	}
	w := newDatasetWriter(r, opt.Dir, opt.InputDigest)
	for _, p := range opt.PartitionBy {
		if p != "host" && p != "date" {
			return fmt.Errorf("parquet: cannot partition by %q (want host or date)", p)
		}
		if !slices.Contains(w.partitionBy, p) {
			w.partitionBy = append(w.partitionBy, p)
		}
	}
	// Convert and check what can fail before the first file is written.
	incKeys, err := incidentKeys(r.Incidents)
	if err != nil {
		return err
	}
	pods, containers, events, err := kubernetesRows(r)
	if err != nil {
		return err
	}
	incParts := w.partition(len(incKeys), func(i int) partKey { return incKeys[i] })
	if err := writeTable(w, TableIncidents, incParts, func(i int, emit func(incidentRow) error) error {
		var row incidentRow
		if err := fillIncidentRow(&row, &r.Incidents[i]); err != nil {
			return err
		}
		return emit(row)
	}); err != nil {
		return err
	}
	if err := writeTable(w, TableTasks, incParts, func(i int, emit func(taskRow) error) error {
		return emitTasks(&r.Incidents[i], emit)
	}); err != nil {
		return err
	}
	if err := writeTable(w, TablePods, singlePart(len(pods)), func(i int, emit func(podRow) error) error {
		return emit(pods[i])
	}); err != nil {
		return err
	}
	if err := writeTable(w, TableContainers, singlePart(len(containers)), func(i int, emit func(containerRow) error) error {
		return emit(containers[i])
	}); err != nil {
		return err
	}
	evParts := w.partition(len(events), func(i int) partKey { return partKey{events[i].Host, events[i].Date} })
	if err := writeTable(w, TableKubeletEvents, evParts, func(i int, emit func(kubeletEventRow) error) error {
		return emit(events[i])
	}); err != nil {
		return err
	}
	return writeTable(w, TableInputs, singlePart(len(r.Inputs)), func(i int, emit func(inputRow) error) error {
		return emit(inputRowOf(&r.Inputs[i]))
	})
}

// ---------------------------------------------------------------------------
// Row types. Column names are the JSON report's (shared/spec/json-report-v1.md)
// with nested objects flattened by "_". Pointers are the nullable columns: a
// JSON null is a Parquet NULL, never 0 or "".

// incidentRow is one row of the incidents table.
type incidentRow struct {
	ID            string     `parquet:"id"`
	Kind          string     `parquet:"kind,dict"`
	Host          *string    `parquet:"host,optional,dict"`
	BootID        *string    `parquet:"boot_id,optional"`
	BootSeconds   *float64   `parquet:"boot_seconds,optional"`
	Time          *time.Time `parquet:"time,optional,timestamp(microsecond)"`
	TimeSource    *string    `parquet:"time_source,optional,dict"`
	KernelVersion *string    `parquet:"kernel_version,optional,dict"`
	OOMKind       string     `parquet:"oom_kind,dict"`

	TriggerPID         *int64  `parquet:"trigger_pid,optional"`
	TriggerComm        *string `parquet:"trigger_comm,optional"`
	TriggerOOMScoreAdj *int64  `parquet:"trigger_oom_score_adj,optional"`
	TriggerOOMAdj      *int64  `parquet:"trigger_oom_adj,optional"`
	TriggerGFPMask     *string `parquet:"trigger_gfp_mask,optional,dict"`
	TriggerOrder       *int64  `parquet:"trigger_order,optional"`
	TriggerCpuset      *string `parquet:"trigger_cpuset,optional"`
	TriggerMemsAllowed *string `parquet:"trigger_mems_allowed,optional,dict"`

	Constraint *string `parquet:"constraint,optional,dict"`
	Nodemask   *string `parquet:"nodemask,optional,dict"`
	OOMMemcg   *string `parquet:"oom_memcg,optional"`
	TaskMemcg  *string `parquet:"task_memcg,optional"`

	MemcgUsageKB      *int64   `parquet:"memcg_usage_kb,optional"`
	MemcgLimitKB      *int64   `parquet:"memcg_limit_kb,optional"`
	MemcgFailcnt      *int64   `parquet:"memcg_failcnt,optional"`
	MemcgSwapUsageKB  *int64   `parquet:"memcg_swap_usage_kb,optional"`
	MemcgSwapLimitKB  *int64   `parquet:"memcg_swap_limit_kb,optional"`
	MemcgMemswUsageKB *int64   `parquet:"memcg_memsw_usage_kb,optional"`
	MemcgMemswLimitKB *int64   `parquet:"memcg_memsw_limit_kb,optional"`
	MemcgKmemUsageKB  *int64   `parquet:"memcg_kmem_usage_kb,optional"`
	MemcgKmemLimitKB  *int64   `parquet:"memcg_kmem_limit_kb,optional"`
	MemcgStatsPath    *string  `parquet:"memcg_stats_path,optional"`
	MemcgUnlimited    []string `parquet:"memcg_unlimited,optional,list" parquet-element:",dict"`

	MemInfoRAMPages    *int64 `parquet:"mem_info_ram_pages,optional"`
	MemInfoFreePages   *int64 `parquet:"mem_info_free_pages,optional"`
	MemInfoSwapTotalKB *int64 `parquet:"mem_info_swap_total_kb,optional"`
	MemInfoSwapFreeKB  *int64 `parquet:"mem_info_swap_free_kb,optional"`

	VictimPID         *int64  `parquet:"victim_pid,optional"`
	VictimComm        *string `parquet:"victim_comm,optional"`
	VictimUID         *int64  `parquet:"victim_uid,optional"`
	VictimOOMScoreAdj *int64  `parquet:"victim_oom_score_adj,optional"`
	VictimTotalVMKB   *int64  `parquet:"victim_total_vm_kb,optional"`
	VictimAnonRSSKB   *int64  `parquet:"victim_anon_rss_kb,optional"`
	VictimFileRSSKB   *int64  `parquet:"victim_file_rss_kb,optional"`
	VictimShmemRSSKB  *int64  `parquet:"victim_shmem_rss_kb,optional"`
	VictimPgtablesKB  *int64  `parquet:"victim_pgtables_kb,optional"`
	VictimReason      *string `parquet:"victim_reason,optional,dict"`
	VictimFrom        *string `parquet:"victim_from,optional,dict"`

	SelectedPID   *int64  `parquet:"selected_pid,optional"`
	SelectedComm  *string `parquet:"selected_comm,optional"`
	SelectedScore *int64  `parquet:"selected_score,optional"`

	GroupKillCount int64 `parquet:"group_kill_count"`

	OOMReaperPID        *int64 `parquet:"oom_reaper_pid,optional"`
	OOMReaperReaped     *bool  `parquet:"oom_reaper_reaped,optional"`
	OOMReaperAnonRSSKB  *int64 `parquet:"oom_reaper_anon_rss_kb,optional"`
	OOMReaperFileRSSKB  *int64 `parquet:"oom_reaper_file_rss_kb,optional"`
	OOMReaperShmemRSSKB *int64 `parquet:"oom_reaper_shmem_rss_kb,optional"`

	NoKillable     bool     `parquet:"no_killable"`
	Panic          *string  `parquet:"panic,optional"`
	PageSizeBytes  int64    `parquet:"page_size_bytes"`
	PageSizeSource string   `parquet:"page_size_source,dict"`
	TaskColumns    []string `parquet:"task_columns,list" parquet-element:",dict"`
	TaskCount      int64    `parquet:"task_count"`
	TasksDropped   int64    `parquet:"tasks_dropped"`
	Complete       bool     `parquet:"complete"`
	Missing        []string `parquet:"missing,list" parquet-element:",dict"`

	FirstSourcePath   *string `parquet:"first_source_path,optional"`
	FirstSourceLine   *int64  `parquet:"first_source_line,optional"`
	FirstSourceFormat *string `parquet:"first_source_format,optional,dict"`
	SourceCount       int64   `parquet:"source_count"`

	TaskCgroupPath        *string `parquet:"task_cgroup_path,optional"`
	TaskCgroupRuntime     *string `parquet:"task_cgroup_runtime,optional,dict"`
	TaskCgroupContainerID *string `parquet:"task_cgroup_container_id,optional"`
	TaskCgroupPodUID      *string `parquet:"task_cgroup_pod_uid,optional"`
	TaskCgroupQOSTier     *string `parquet:"task_cgroup_qos_tier,optional,dict"`
	TaskCgroupLevel       *string `parquet:"task_cgroup_level,optional,dict"`
	TaskCgroupConmon      *bool   `parquet:"task_cgroup_conmon,optional"`

	Scope                         *string  `parquet:"scope,optional,dict"`
	KubernetesPodUID              *string  `parquet:"kubernetes_pod_uid,optional"`
	KubernetesNamespace           *string  `parquet:"kubernetes_namespace,optional,dict"`
	KubernetesPod                 *string  `parquet:"kubernetes_pod,optional"`
	KubernetesContainer           *string  `parquet:"kubernetes_container,optional"`
	KubernetesContainerID         *string  `parquet:"kubernetes_container_id,optional"`
	KubernetesRuntime             *string  `parquet:"kubernetes_runtime,optional,dict"`
	KubernetesQOSClass            *string  `parquet:"kubernetes_qos_class,optional,dict"`
	KubernetesExpectedOOMScoreAdj *int64   `parquet:"kubernetes_expected_oom_score_adj,optional"`
	KubernetesAdjMismatch         *bool    `parquet:"kubernetes_adj_mismatch,optional"`
	RankingBasisFormula           *string  `parquet:"ranking_basis_formula,optional,dict"`
	RankingBasisTotalpages        *int64   `parquet:"ranking_basis_totalpages,optional"`
	RankingBasisNote              *string  `parquet:"ranking_basis_note,optional,dict"`
	RankingCount                  int64    `parquet:"ranking_count"`
	Outcome                       *string  `parquet:"outcome,optional,dict"`
	KubeletEventCount             int64    `parquet:"kubelet_event_count"`
	FindingCodes                  []string `parquet:"finding_codes,list" parquet-element:",dict"`

	// Date is the UTC date of Time, null when Time is: the value of the
	// date=… partition folder, kept in the file so that the column is the
	// same whether or not a reader applies Hive partitioning. Days since
	// 1970-01-01: parquet-go v0.32.0 writes a time.Time under the date tag
	// as a wrong day.
	Date *int32 `parquet:"date,optional,date"`
}

// taskRow is one row of an incident's task table.
type taskRow struct {
	IncidentID    string `parquet:"incident_id"`
	TaskIndex     int64  `parquet:"task_index"` // position in the printed table, from 0
	PID           int64  `parquet:"pid"`
	UID           int64  `parquet:"uid"`
	TGID          int64  `parquet:"tgid"`
	TotalVMPages  int64  `parquet:"total_vm_pages"`
	RSSPages      int64  `parquet:"rss_pages"`
	RSSAnonPages  *int64 `parquet:"rss_anon_pages,optional"`
	RSSFilePages  *int64 `parquet:"rss_file_pages,optional"`
	RSSShmemPages *int64 `parquet:"rss_shmem_pages,optional"`
	PgtablesBytes *int64 `parquet:"pgtables_bytes,optional"`
	NrPtes        *int64 `parquet:"nr_ptes,optional"`
	NrPmds        *int64 `parquet:"nr_pmds,optional"`
	NrPuds        *int64 `parquet:"nr_puds,optional"`
	SwapEntries   *int64 `parquet:"swap_entries,optional"`
	OOMScoreAdj   *int64 `parquet:"oom_score_adj,optional"`
	CPU           *int64 `parquet:"cpu,optional"`
	OOMAdj        *int64 `parquet:"oom_adj,optional"`
	Name          string `parquet:"name,dict"`
}

// podRow is one row of the pods table.
type podRow struct {
	UID               *string `parquet:"uid,optional"`
	Namespace         *string `parquet:"namespace,optional,dict"`
	Name              *string `parquet:"name,optional"`
	Node              *string `parquet:"node,optional,dict"`
	QOSClass          *string `parquet:"qos_class,optional,dict"`
	QOSSource         *string `parquet:"qos_source,optional,dict"`
	PriorityClassName *string `parquet:"priority_class_name,optional,dict"`
	Static            *bool   `parquet:"static,optional"`
	ContainerCount    int64   `parquet:"container_count"`
	SourcePath        *string `parquet:"source_path,optional,dict"`
	SourceLine        *int64  `parquet:"source_line,optional"`
}

// containerRow is one row of the containers table: a container of a pod.
type containerRow struct {
	PodUID               *string    `parquet:"pod_uid,optional"`
	Name                 *string    `parquet:"name,optional"`
	Init                 *bool      `parquet:"init,optional"`
	Sidecar              *bool      `parquet:"sidecar,optional"`
	ContainerID          *string    `parquet:"container_id,optional"`
	LastContainerID      *string    `parquet:"last_container_id,optional"`
	Runtime              *string    `parquet:"runtime,optional,dict"`
	MemoryRequestBytes   *int64     `parquet:"memory_request_bytes,optional"`
	MemoryLimitBytes     *int64     `parquet:"memory_limit_bytes,optional"`
	RestartCount         *int64     `parquet:"restart_count,optional"`
	State                *string    `parquet:"state,optional,dict"`
	StateReason          *string    `parquet:"state_reason,optional,dict"`
	LastTerminatedReason *string    `parquet:"last_terminated_reason,optional,dict"`
	LastExitCode         *int64     `parquet:"last_exit_code,optional"`
	LastFinishedAt       *time.Time `parquet:"last_finished_at,optional,timestamp(microsecond)"`
	ExpectedOOMScoreAdj  *int64     `parquet:"expected_oom_score_adj,optional"`
	ExpectedAdjRule      *string    `parquet:"expected_adj_rule,optional,dict"`
}

// kubeletEventRow is one row of the kubelet_events table.
type kubeletEventRow struct {
	Time        *time.Time `parquet:"time,optional,timestamp(microsecond)"`
	Host        *string    `parquet:"host,optional,dict"`
	Kind        string     `parquet:"kind,dict"`
	Pod         *string    `parquet:"pod,optional"`
	PodUID      *string    `parquet:"pod_uid,optional"`
	Container   *string    `parquet:"container,optional"`
	ContainerID *string    `parquet:"container_id,optional"`
	ExitCode    *int64     `parquet:"exit_code,optional"`
	Reason      *string    `parquet:"reason,optional,dict"`
	Message     *string    `parquet:"message,optional"`
	SourcePath  *string    `parquet:"source_path,optional,dict"`
	SourceLine  *int64     `parquet:"source_line,optional"`
	SourceCount int64      `parquet:"source_count"`
	Date        *int32     `parquet:"date,optional,date"` // as incidentRow.Date
}

// inputRow is one row of the inputs table.
type inputRow struct {
	Path      string   `parquet:"path"`
	Kind      string   `parquet:"kind,dict"`
	Formats   []string `parquet:"formats,list" parquet-element:",dict"`
	Bytes     int64    `parquet:"bytes"`
	Lines     int64    `parquet:"lines"`
	Truncated bool     `parquet:"truncated"`
	Incidents int64    `parquet:"incidents"`
	Errors    []string `parquet:"errors,list"`
}

// ---------------------------------------------------------------------------
// Conversion from the report.

// incidentKeys checks every incident's time and returns the partition
// key of each.
func incidentKeys(incs []correlate.Incident) ([]partKey, error) {
	keys := make([]partKey, len(incs))
	for i := range incs {
		when, err := parseTime(incs[i].Time)
		if err != nil {
			return nil, fmt.Errorf("parquet: incident %s: %w", incs[i].ID, err)
		}
		keys[i] = partKey{host: incs[i].Host, day: dateOf(when)}
	}
	return keys, nil
}

func fillIncidentRow(row *incidentRow, inc *correlate.Incident) error {
	when, err := parseTime(inc.Time)
	if err != nil {
		return fmt.Errorf("parquet: incident %s: %w", inc.ID, err)
	}
	*row = incidentRow{
		ID:            inc.ID,
		Kind:          inc.Kind,
		Host:          inc.Host,
		BootID:        inc.BootID,
		BootSeconds:   inc.BootSeconds,
		Time:          when,
		TimeSource:    inc.TimeSource,
		KernelVersion: inc.KernelVersion,
		OOMKind:       inc.OOMKind,
		Constraint:    inc.Constraint,
		Nodemask:      inc.Nodemask,
		OOMMemcg:      inc.OOMMemcg,
		TaskMemcg:     inc.TaskMemcg,

		GroupKillCount: int64(len(inc.GroupKills)),
		NoKillable:     inc.NoKillable,
		Panic:          inc.Panic,
		PageSizeBytes:  inc.PageSizeBytes,
		PageSizeSource: inc.PageSizeFrom,
		TaskColumns:    nonNil(inc.TaskColumns),
		TaskCount:      int64(len(inc.Tasks)),
		TasksDropped:   int64(inc.TasksDropped),
		Complete:       inc.Complete,
		Missing:        nonNil(inc.Missing),
		SourceCount:    int64(len(inc.Sources)),

		Scope:             inc.Scope,
		RankingCount:      int64(len(inc.Ranking)),
		Outcome:           inc.Outcome,
		KubeletEventCount: int64(len(inc.KubeletEvents)),
		FindingCodes:      make([]string, len(inc.Findings)),

		Date: dateOf(when),
	}
	for i, f := range inc.Findings {
		row.FindingCodes[i] = f.Code
	}
	if t := inc.Trigger; t != nil {
		row.TriggerPID = int64p(t.PID)
		row.TriggerComm = &t.Comm
		row.TriggerOOMScoreAdj = int64p(t.OOMScoreAdj)
		row.TriggerOOMAdj = int64p(t.OOMAdj)
		row.TriggerGFPMask = t.GFPMask
		row.TriggerOrder = int64p(t.Order)
		row.TriggerCpuset = t.Cpuset
		row.TriggerMemsAllowed = t.MemsAllowed
	}
	if m := inc.Memcg; m != nil {
		row.MemcgUsageKB = m.UsageKB
		row.MemcgLimitKB = m.LimitKB
		row.MemcgFailcnt = m.Failcnt
		row.MemcgSwapUsageKB = m.SwapUsageKB
		row.MemcgSwapLimitKB = m.SwapLimitKB
		row.MemcgMemswUsageKB = m.MemswUsageKB
		row.MemcgMemswLimitKB = m.MemswLimitKB
		row.MemcgKmemUsageKB = m.KmemUsageKB
		row.MemcgKmemLimitKB = m.KmemLimitKB
		row.MemcgStatsPath = m.StatsPath
		row.MemcgUnlimited = nonNil(m.Unlimited)
	}
	if m := inc.MemInfo; m != nil {
		row.MemInfoRAMPages = m.RAMPages
		row.MemInfoFreePages = m.FreePages
		row.MemInfoSwapTotalKB = m.SwapTotalKB
		row.MemInfoSwapFreeKB = m.SwapFreeKB
	}
	if v := inc.Victim; v != nil {
		row.VictimPID = int64p(&v.PID)
		row.VictimComm = &v.Comm
		row.VictimUID = int64p(v.UID)
		row.VictimOOMScoreAdj = int64p(v.OOMScoreAdj)
		row.VictimTotalVMKB = v.TotalVMKB
		row.VictimAnonRSSKB = v.AnonRSSKB
		row.VictimFileRSSKB = v.FileRSSKB
		row.VictimShmemRSSKB = v.ShmemRSSKB
		row.VictimPgtablesKB = v.PgtablesKB
		row.VictimReason = v.Reason
		row.VictimFrom = &v.From
	}
	if s := inc.Selected; s != nil {
		row.SelectedPID = int64p(&s.PID)
		row.SelectedComm = &s.Comm
		row.SelectedScore = &s.Score
	}
	if rp := inc.Reaper; rp != nil {
		row.OOMReaperPID = int64p(&rp.PID)
		row.OOMReaperReaped = &rp.Reaped
		row.OOMReaperAnonRSSKB = rp.AnonRSSKB
		row.OOMReaperFileRSSKB = rp.FileRSSKB
		row.OOMReaperShmemRSSKB = rp.ShmemRSSKB
	}
	if len(inc.Sources) > 0 {
		s := &inc.Sources[0]
		row.FirstSourcePath = &s.Path
		row.FirstSourceLine = int64p(&s.Line)
		row.FirstSourceFormat = &s.Format
	}
	if c := inc.TaskCgroup; c != nil {
		row.TaskCgroupPath = &c.Path
		row.TaskCgroupRuntime = c.Runtime
		row.TaskCgroupContainerID = c.ContainerID
		row.TaskCgroupPodUID = c.PodUID
		row.TaskCgroupQOSTier = c.QOSTier
		row.TaskCgroupLevel = &c.Level
		row.TaskCgroupConmon = &c.Conmon
	}
	if k := inc.Kubernetes; k != nil {
		row.KubernetesPodUID = k.PodUID
		row.KubernetesNamespace = k.Namespace
		row.KubernetesPod = k.Pod
		row.KubernetesContainer = k.Container
		row.KubernetesContainerID = k.ContainerID
		row.KubernetesRuntime = k.Runtime
		row.KubernetesQOSClass = k.QOSClass
		row.KubernetesExpectedOOMScoreAdj = int64p(k.ExpectedOOMScoreAdj)
		row.KubernetesAdjMismatch = k.AdjMismatch
	}
	if b := inc.RankingBasis; b != nil {
		row.RankingBasisFormula = &b.Formula
		row.RankingBasisTotalpages = b.TotalPages
		if b.Note != "" { // omitempty in JSON: absent means null
			row.RankingBasisNote = &b.Note
		}
	}
	return nil
}

// emitTasks emits the task table of one incident, in printed order.
func emitTasks(inc *correlate.Incident, emit func(taskRow) error) error {
	for i := range inc.Tasks {
		t := &inc.Tasks[i]
		if err := emit(taskRow{
			IncidentID:    inc.ID,
			TaskIndex:     int64(i),
			PID:           t.PID,
			UID:           t.UID,
			TGID:          t.TGID,
			TotalVMPages:  t.TotalVMPages,
			RSSPages:      t.RSSPages,
			RSSAnonPages:  t.RSSAnonPages,
			RSSFilePages:  t.RSSFilePages,
			RSSShmemPages: t.RSSShmemPages,
			PgtablesBytes: t.PgtablesBytes,
			NrPtes:        t.NrPtes,
			NrPmds:        t.NrPmds,
			NrPuds:        t.NrPuds,
			SwapEntries:   t.SwapEntries,
			OOMScoreAdj:   t.OOMScoreAdj,
			CPU:           t.CPU,
			OOMAdj:        t.OOMAdj,
			Name:          t.Name,
		}); err != nil {
			return err
		}
	}
	return nil
}

func inputRowOf(in *Input) inputRow {
	return inputRow{
		Path:      in.Path,
		Kind:      in.Kind,
		Formats:   nonNil(in.Formats),
		Bytes:     in.Bytes,
		Lines:     int64(in.Lines),
		Truncated: in.Truncated,
		Incidents: int64(in.Incidents),
		Errors:    nonNil(in.Errors),
	}
}

// The pods and kubelet_events arrays are read through their JSON form, by
// the names of the spec, so that this file does not depend on the Go types
// that carry them.
type podJSON struct {
	UID               *string         `json:"uid"`
	Namespace         *string         `json:"namespace"`
	Name              *string         `json:"name"`
	Node              *string         `json:"node"`
	QOSClass          *string         `json:"qos_class"`
	QOSSource         *string         `json:"qos_source"`
	PriorityClassName *string         `json:"priority_class_name"`
	Static            *bool           `json:"static"`
	Containers        []containerJSON `json:"containers"`
	Source            *sourceJSON     `json:"source"`
}

type containerJSON struct {
	PodUID               *string `json:"pod_uid"` // absent in the spec: the pod's uid is used
	Name                 *string `json:"name"`
	Init                 *bool   `json:"init"`
	Sidecar              *bool   `json:"sidecar"`
	ContainerID          *string `json:"container_id"`
	LastContainerID      *string `json:"last_container_id"`
	Runtime              *string `json:"runtime"`
	MemoryRequestBytes   *int64  `json:"memory_request_bytes"`
	MemoryLimitBytes     *int64  `json:"memory_limit_bytes"`
	RestartCount         *int64  `json:"restart_count"`
	State                *string `json:"state"`
	StateReason          *string `json:"state_reason"`
	LastTerminatedReason *string `json:"last_terminated_reason"`
	LastExitCode         *int64  `json:"last_exit_code"`
	LastFinishedAt       *string `json:"last_finished_at"`
	ExpectedOOMScoreAdj  *int64  `json:"expected_oom_score_adj"`
	ExpectedAdjRule      *string `json:"expected_adj_rule"`
}

type kubeletEventJSON struct {
	Time        *string      `json:"time"`
	Host        *string      `json:"host"`
	Kind        string       `json:"kind"`
	Pod         *string      `json:"pod"`
	PodUID      *string      `json:"pod_uid"`
	Container   *string      `json:"container"`
	ContainerID *string      `json:"container_id"`
	ExitCode    *int64       `json:"exit_code"`
	Reason      *string      `json:"reason"`
	Message     *string      `json:"message"`
	Source      *sourceJSON  `json:"source"`
	Sources     []sourceJSON `json:"sources"`
}

type sourceJSON struct {
	Path *string `json:"path"`
	Line *int64  `json:"line"`
}

func kubernetesRows(r *Report) ([]podRow, []containerRow, []kubeletEventRow, error) {
	var pods []podJSON
	if err := roundTrip(r.Pods, &pods); err != nil {
		return nil, nil, nil, fmt.Errorf("parquet: reading pods: %w", err)
	}
	var evs []kubeletEventJSON
	if err := roundTrip(r.KubeletEvents, &evs); err != nil {
		return nil, nil, nil, fmt.Errorf("parquet: reading kubelet_events: %w", err)
	}
	podRows := make([]podRow, 0, len(pods))
	var ctrRows []containerRow
	for i, p := range pods {
		row := podRow{
			UID: p.UID, Namespace: p.Namespace, Name: p.Name, Node: p.Node, QOSClass: p.QOSClass,
			QOSSource: p.QOSSource, PriorityClassName: p.PriorityClassName, Static: p.Static,
			ContainerCount: int64(len(p.Containers)),
		}
		if p.Source != nil {
			row.SourcePath, row.SourceLine = p.Source.Path, p.Source.Line
		}
		podRows = append(podRows, row)
		for j, c := range p.Containers {
			finished, err := parseTime(c.LastFinishedAt)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("parquet: pod %d container %d last_finished_at: %w", i, j, err)
			}
			uid := c.PodUID
			if uid == nil {
				uid = p.UID
			}
			ctrRows = append(ctrRows, containerRow{
				PodUID: uid, Name: c.Name, Init: c.Init, Sidecar: c.Sidecar,
				ContainerID: c.ContainerID, LastContainerID: c.LastContainerID, Runtime: c.Runtime,
				MemoryRequestBytes: c.MemoryRequestBytes, MemoryLimitBytes: c.MemoryLimitBytes,
				RestartCount: c.RestartCount, State: c.State, StateReason: c.StateReason,
				LastTerminatedReason: c.LastTerminatedReason, LastExitCode: c.LastExitCode,
				LastFinishedAt: finished, ExpectedOOMScoreAdj: c.ExpectedOOMScoreAdj,
				ExpectedAdjRule: c.ExpectedAdjRule,
			})
		}
	}
	evRows := make([]kubeletEventRow, 0, len(evs))
	for i, e := range evs {
		when, err := parseTime(e.Time)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("parquet: kubelet event %d: %w", i, err)
		}
		row := kubeletEventRow{
			Time: when, Host: e.Host, Kind: e.Kind, Pod: e.Pod, PodUID: e.PodUID,
			Container: e.Container, ContainerID: e.ContainerID, ExitCode: e.ExitCode,
			Reason: e.Reason, Message: e.Message, SourceCount: int64(len(e.Sources)),
			Date: dateOf(when),
		}
		if e.Source != nil {
			row.SourcePath, row.SourceLine = e.Source.Path, e.Source.Line
		}
		evRows = append(evRows, row)
	}
	return podRows, ctrRows, evRows, nil
}

// roundTrip converts v to out through JSON. A nil or empty v leaves out
// empty.
func roundTrip(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, out)
}

// parseTime reads an RFC 3339 time of the report as a UTC instant.
func parseTime(s *string) (*time.Time, error) {
	if s == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return nil, fmt.Errorf("time %q is not RFC 3339: %w", *s, err)
	}
	t = t.UTC()
	return &t, nil
}

func int64p(p *int) *int64 {
	if p == nil {
		return nil
	}
	v := int64(*p)
	return &v
}

// nonNil makes a null list an empty one: a LIST column is never NULL, as the
// report's arrays are never null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ---------------------------------------------------------------------------
// Partitions.

// part is one output file of a table: a partition folder (relative to the
// table folder, "" when unpartitioned) and the rows that go there, as
// indices into the table's source.
type part struct {
	dir  string
	rows []int
}

func singlePart(n int) []part {
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	return []part{{rows: rows}}
}

// partKey is what a row's partition folder is made of.
type partKey struct {
	host *string
	day  *int32
}

// partition groups n rows by their partition folder, keeping the report's
// order within a folder and ordering folders by name. Unpartitioned, it is
// one part with every row. Partitioned and empty, it is one empty file in
// the all-null partition, so that a reader still finds the table's schema.
func (w *datasetWriter) partition(n int, key func(int) partKey) []part {
	if len(w.partitionBy) == 0 {
		return singlePart(n)
	}
	if n == 0 {
		return []part{{dir: w.partitionDir(partKey{})}}
	}
	idx := map[string]int{}
	var parts []part
	for i := 0; i < n; i++ {
		dir := w.partitionDir(key(i))
		j, ok := idx[dir]
		if !ok {
			j = len(parts)
			idx[dir] = j
			parts = append(parts, part{dir: dir})
		}
		parts[j].rows = append(parts[j].rows, i)
	}
	sort.Slice(parts, func(a, b int) bool { return parts[a].dir < parts[b].dir })
	return parts
}

// partitionDir is a row's folder under its table: key=value segments in the
// order the options name them.
func (w *datasetWriter) partitionDir(k partKey) string {
	segs := make([]string, 0, len(w.partitionBy))
	for _, p := range w.partitionBy {
		switch p {
		case "host":
			segs = append(segs, "host="+partitionHost(k.host))
		case "date":
			segs = append(segs, "date="+partitionDate(k.day))
		}
	}
	return filepath.Join(segs...)
}

// dateOf is the UTC day of t as a DATE column holds it: days since
// 1970-01-01.
func dateOf(t *time.Time) *int32 {
	if t == nil {
		return nil
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	days := int32(d.Unix() / 86400)
	return &days
}

func partitionHost(host *string) string {
	if host == nil || *host == "" {
		return hiveNull
	}
	return escapePartition(*host)
}

func partitionDate(day *int32) string {
	if day == nil {
		return hiveNull
	}
	return time.Unix(int64(*day)*86400, 0).UTC().Format(time.DateOnly)
}

// escapePartition makes a value safe as a Hive partition folder name: bytes
// other than letters, digits, '.', '-' and '_' are written as %XX (as Hive
// and Spark do), and so is a leading '.' or '_', which readers take for a
// hidden file.
func escapePartition(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		safe := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' ||
			(c == '.' || c == '_') && i > 0
		if safe {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ---------------------------------------------------------------------------
// Files.

type datasetWriter struct {
	root        string
	digest      string
	partitionBy []string // "host", "date", in folder order
	createdBy   createdBy
	meta        [][2]string
}

func newDatasetWriter(r *Report, dir, digest string) *datasetWriter {
	return &datasetWriter{
		root:      dir,
		digest:    digest,
		createdBy: createdBy("oomtriage version " + r.Tool.Version),
		meta:      metadataOf(r, digest),
	}
}

func metadataOf(r *Report, digest string) [][2]string {
	schema := r.SchemaVersion
	if schema == 0 {
		schema = SchemaVersion
	}
	return [][2]string{
		{MetaVersion, r.Tool.Version},
		{MetaSchemaVersion, strconv.Itoa(schema)},
		{MetaInputDigest, digest},
	}
}

func (w *datasetWriter) fileName() string { return "part-" + w.digest + ".parquet" }

// writeTable writes one table: a file per part, then removes the files of
// the same digest that this run did not write.
func writeTable[T any](w *datasetWriter, table string, parts []part, rowsOf func(i int, emit func(T) error) error) error {
	tableDir := filepath.Join(w.root, table)
	if err := os.MkdirAll(tableDir, 0o755); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	written := map[string]bool{}
	for _, p := range parts {
		dir := filepath.Join(tableDir, p.dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("parquet: %w", err)
		}
		path := filepath.Join(dir, w.fileName())
		if err := writeFile(path, table, w, p.rows, rowsOf); err != nil {
			return fmt.Errorf("parquet: writing %s: %w", path, err)
		}
		written[path] = true
	}
	return w.removeStale(tableDir, written)
}

// writeFile writes one Parquet file to a temporary name beside path and
// renames it into place once it is complete and synced.
func writeFile[T any](path, table string, w *datasetWriter, rows []int, rowsOf func(i int, emit func(T) error) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), w.tempPattern())
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	opts := []parquet.WriterOption{
		parquet.Compression(&parquet.Zstd),
		parquet.MaxRowsPerRowGroup(parquetRowsPerRowGroup),
		w.createdBy,
		parquet.KeyValueMetadata(MetaTable, table),
	}
	for _, kv := range w.meta {
		opts = append(opts, parquet.KeyValueMetadata(kv[0], kv[1]))
	}
	pw := parquet.NewGenericWriter[T](f, opts...)
	batch := make([]T, 0, parquetBatchRows)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := pw.Write(batch)
		clear(batch)
		batch = batch[:0]
		return err
	}
	emit := func(row T) error {
		batch = append(batch, row)
		if len(batch) == cap(batch) {
			return flush()
		}
		return nil
	}
	for _, i := range rows {
		if err = rowsOf(i, emit); err != nil {
			return err
		}
	}
	if err = flush(); err != nil {
		return err
	}
	if err = pw.Close(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a rename in dir durable where the system supports it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// tempPattern names temporary files: hidden (readers skip names starting
// with '.') and tied to the digest, so a later run of the same inputs
// removes what a crash left.
func (w *datasetWriter) tempPattern() string { return ".part-" + w.digest + "-*.tmp" }

// removeStale removes, under tableDir, the files of this digest that this
// run did not write (other partitions, the other layout, temporary files a
// crash left), then the partition folders that this left empty.
func (w *datasetWriter) removeStale(tableDir string, written map[string]bool) error {
	finalPrefix := "part-" + w.digest
	tempPrefix := ".part-" + w.digest + "-"
	var emptied []string
	var errs []error
	walkErr := filepath.WalkDir(tableDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		if d.IsDir() || written[p] {
			return nil
		}
		name := d.Name()
		stale := strings.HasPrefix(name, finalPrefix) && strings.HasSuffix(name, ".parquet") && !isHexByte(name, len(finalPrefix)) ||
			strings.HasPrefix(name, tempPrefix) && strings.HasSuffix(name, ".tmp")
		if !stale || !d.Type().IsRegular() {
			return nil
		}
		if err := os.Remove(p); err != nil {
			errs = append(errs, err)
			return nil
		}
		emptied = append(emptied, filepath.Dir(p))
		return nil
	})
	if walkErr != nil {
		errs = append(errs, walkErr)
	}
	// Remove partition folders left empty, deepest first, never tableDir.
	sort.Sort(sort.Reverse(sort.StringSlice(emptied)))
	for _, dir := range emptied {
		for dir != tableDir && strings.HasPrefix(dir, tableDir+string(filepath.Separator)) {
			if os.Remove(dir) != nil { // not empty: stop climbing
				break
			}
			dir = filepath.Dir(dir)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("parquet: removing stale files of %s: %w", tableDir, errors.Join(errs...))
	}
	return nil
}

// isHexByte reports whether name[i] is a hex digit: "part-<digest>…" with a
// hex digit after the digest is another, longer digest, not ours.
func isHexByte(name string, i int) bool {
	if i >= len(name) {
		return false
	}
	c := name[i]
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isHexDigest(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHexByte(s, i) {
			return false
		}
	}
	return true
}

// createdBy sets the footer's created_by to a fixed string, without the
// build hash parquet-go would add.
type createdBy string

func (c createdBy) ConfigureWriter(cfg *parquet.WriterConfig) { cfg.CreatedBy = string(c) }
