package correlate

import (
	"fmt"
	"time"

	"github.com/oomtriage/oomtriage/parse"
)

// unlimitedKB is the smallest limit treated as "no limit": the kernel prints
// PAGE_COUNTER_MAX or ULLONG_MAX>>10 there (kernel-oom-formats.md §6.4).
const unlimitedKB = int64(1) << 52

// defaultPageSize is assumed when the dump does not let us infer it.
const defaultPageSize = 4096

// FromDump turns an assembled dump into an incident with the fields the
// kernel log alone gives. Time, host context and correlation fields are
// filled later (Collector.Incidents).
func FromDump(d *parse.Dump) Incident {
	inc := Incident{
		Kind:          "oom_kill",
		Host:          optString(d.Host),
		BootID:        optString(d.BootID),
		BootSeconds:   d.Boot,
		KernelVersion: optString(d.KernelVersion),
		OOMKind:       d.OOMKind(),
		Constraint:    d.Constraint,
		Nodemask:      optString(d.Nodemask),
		OOMMemcg:      optString(d.OOMMemcg),
		TaskMemcg:     optString(d.TaskMemcg),
		Memcg:         memcgOf(d.Memcg),
		MemInfo:       memInfoOf(d.MemInfo),
		NoKillable:    d.NoKillable,
		Panic:         optString(d.Panic),
		TaskColumns:   d.TaskColumns,
		Tasks:         tasksOf(d.Tasks),
		TasksDropped:  d.TasksDropped,
		GroupKills:    []Kill{},
		Missing:       d.Missing(),
		Sources:       []Source{{Path: d.First.Path, Line: d.First.Line, Format: string(d.Format)}},
		Ranking:       []Rank{},
		KubeletEvents: []Event{},
		Findings:      []Finding{},
	}
	if inc.TaskColumns == nil {
		inc.TaskColumns = []string{}
	}
	inc.Complete = len(inc.Missing) == 0
	inc.Trigger = triggerOf(d)
	if d.Constraint != nil && *d.Constraint == "" {
		inc.Constraint = nil // vendor backport printed "oom-kill:,cpuset=…"
	}
	if d.Selected != nil {
		inc.Selected = &Selected{PID: d.Selected.PID, Comm: d.Selected.Comm, Score: d.Selected.Score}
	}
	for _, g := range d.GroupKills {
		inc.GroupKills = append(inc.GroupKills, Kill{PID: g.PID, Comm: g.Comm, AnonRSSKB: g.AnonRSSKB})
	}
	if r := d.Reaped; r != nil {
		inc.Reaper = &Reaper{PID: r.PID, Reaped: r.OK, AnonRSSKB: r.AnonRSSKB, FileRSSKB: r.FileRSSKB, ShmemRSSKB: r.ShmemRSSKB}
	}
	inc.Victim = victimOf(d)
	inc.PageSizeBytes, inc.PageSizeFrom = pageSize(d)
	if d.TaskMemcg != "" {
		id := parse.ParseCgroupPath(d.TaskMemcg)
		inc.TaskCgroup = &id
		inc.Kubernetes = kubernetesOf(id)
	}
	inc.Scope = scopeOf(&inc)
	inc.Ranking, inc.RankingBasis = rank(&inc, d)
	inc.Findings = append(inc.Findings, rankingFindings(&inc)...)
	if len(inc.GroupKills) > 0 && d.GroupCgroup != "" {
		inc.Findings = append(inc.Findings, Finding{Code: "oom_group_kill", Severity: "info",
			Message: fmt.Sprintf("memory.oom.group is set on %s: every task in it was killed (%d kill lines)", d.GroupCgroup, len(inc.GroupKills))})
	}
	inc.fingerprint = fingerprint(d)
	return inc
}

// FormatTime renders an instant as the report does: RFC 3339 in UTC with
// the sub-second digits that are known.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func triggerOf(d *parse.Dump) *Trigger {
	t := d.Trigger
	if t == nil {
		return nil
	}
	return &Trigger{
		PID: t.PID, Comm: t.Comm, OOMScoreAdj: t.OOMScoreAdj, OOMAdj: t.OOMAdj,
		GFPMask: optString(t.GFPMask), Order: t.Order,
		Cpuset: optString(d.Cpuset), MemsAllowed: optString(d.MemsAllowed),
	}
}

// victimOf takes the victim from the kill line, else from the summary, else
// from the reaper; its oom_score_adj from the kill line (5.4+), else from its
// task-table row.
func victimOf(d *parse.Dump) *Victim {
	var v *Victim
	switch {
	case d.Victim != nil:
		k := d.Victim
		v = &Victim{PID: k.PID, Comm: k.Comm, UID: k.UID, OOMScoreAdj: k.OOMScoreAdj,
			TotalVMKB: k.TotalVMKB, AnonRSSKB: k.AnonRSSKB, FileRSSKB: k.FileRSSKB,
			ShmemRSSKB: k.ShmemRSSKB, PgtablesKB: k.PgtablesKB, Reason: optString(k.Reason), From: "kill_line"}
	case d.Summary != nil:
		uid := d.Summary.UID
		v = &Victim{PID: d.Summary.PID, Comm: d.Summary.Comm, UID: &uid, From: "summary"}
	case d.Reaped != nil:
		v = &Victim{PID: d.Reaped.PID, From: "oom_reaper"}
	default:
		return nil
	}
	if v.UID == nil && d.Summary != nil && d.Summary.PID == v.PID {
		v.UID = ptr(d.Summary.UID)
	}
	row := victimRow(d, v.PID)
	if row == nil {
		return v
	}
	if v.OOMScoreAdj == nil && row.OOMScoreAdj != nil {
		v.OOMScoreAdj = ptr(int(*row.OOMScoreAdj))
	}
	if v.UID == nil {
		v.UID = ptr(int(row.UID))
	}
	if v.Comm == "" {
		v.Comm = row.Name
	}
	return v
}

// victimRow finds the victim's task-table row by pid, else by tgid (the
// kill line may name a thread of the printed process).
func victimRow(d *parse.Dump, pid int) *parse.Task {
	for i := range d.Tasks {
		if d.Tasks[i].PID == int64(pid) {
			return &d.Tasks[i]
		}
	}
	for i := range d.Tasks {
		if d.Tasks[i].TGID == int64(pid) {
			return &d.Tasks[i]
		}
	}
	return nil
}

// pageSize infers the printing kernel's page size from the victim's row
// (pages) and its kill line (kB); 4 KiB when they do not both exist.
func pageSize(d *parse.Dump) (int64, string) {
	if d.Victim == nil || d.Victim.AnonRSSKB == nil || d.Victim.FileRSSKB == nil {
		return defaultPageSize, "assumed"
	}
	row := victimRow(d, d.Victim.PID)
	if row == nil || row.RSSPages < 64 {
		return defaultPageSize, "assumed"
	}
	kb := *d.Victim.AnonRSSKB + *d.Victim.FileRSSKB
	if d.Victim.ShmemRSSKB != nil {
		kb += *d.Victim.ShmemRSSKB
	}
	ratio := float64(kb) / float64(row.RSSPages)
	for _, size := range []int64{4, 16, 64} {
		if ratio > float64(size)*0.8 && ratio < float64(size)*1.25 {
			return size * 1024, "kill_line_vs_task_row"
		}
	}
	return defaultPageSize, "assumed"
}

func memcgOf(m *parse.MemcgState) *Memcg {
	if m == nil {
		return nil
	}
	out := &Memcg{UsageKB: m.UsageKB, Failcnt: m.Failcnt, SwapUsageKB: m.SwapUsageKB,
		MemswUsageKB: m.MemswUsageKB, KmemUsageKB: m.KmemUsageKB, StatsPath: optString(m.StatsPath),
		Unlimited: []string{}}
	limit := func(name string, v *int64) *int64 {
		if v != nil && *v >= unlimitedKB {
			out.Unlimited = append(out.Unlimited, name)
			return nil
		}
		return v
	}
	out.LimitKB = limit("memory", m.LimitKB)
	out.SwapLimitKB = limit("swap", m.SwapLimitKB)
	out.MemswLimitKB = limit("memory+swap", m.MemswLimitKB)
	out.KmemLimitKB = limit("kmem", m.KmemLimitKB)
	return out
}

func memInfoOf(m *parse.MemInfo) *MemInfo {
	if m == nil {
		return nil
	}
	return &MemInfo{RAMPages: m.RAMPages, FreePages: m.FreePages, SwapTotalKB: m.TotalSwapKB, SwapFreeKB: m.FreeSwapKB}
}

func tasksOf(ts []parse.Task) []Task {
	out := make([]Task, len(ts))
	for i, t := range ts {
		out[i] = Task{PID: t.PID, UID: t.UID, TGID: t.TGID, TotalVMPages: t.TotalVMPages, RSSPages: t.RSSPages,
			RSSAnonPages: t.RSSAnonPages, RSSFilePages: t.RSSFilePages, RSSShmemPages: t.RSSShmemPages,
			PgtablesBytes: t.PgtablesBytes, NrPtes: t.NrPtes, NrPmds: t.NrPmds, NrPuds: t.NrPuds,
			SwapEntries: t.SwapEntries, OOMScoreAdj: t.OOMScoreAdj, CPU: t.CPU, OOMAdj: t.OOMAdj, Name: t.Name}
	}
	return out
}

// kubernetesOf fills what the victim's cgroup path says about its pod; the
// names come later from the pod inventory.
func kubernetesOf(id CgroupIdentity) *Kubernetes {
	if id.PodUID == nil {
		return nil
	}
	k := &Kubernetes{PodUID: id.PodUID, ContainerID: id.ContainerID, Runtime: id.Runtime}
	if id.QOSTier != nil {
		k.QOSClass = ptr(map[string]string{"guaranteed": "Guaranteed", "burstable": "Burstable", "besteffort": "BestEffort"}[*id.QOSTier])
	}
	return k
}

// fingerprint identifies the kill by what the kernel printed about it, not
// by the carrier, so that dmesg, dmesg -T and kmsg copies of one dump agree.
func fingerprint(d *parse.Dump) string {
	s := fmt.Sprintf("%s|%s|%s", d.OOMMemcg, d.TaskMemcg, d.KernelVersion)
	if t := d.Trigger; t != nil {
		s += fmt.Sprintf("|t:%s:%v:%s:%v", t.Comm, deref(t.PID), t.GFPMask, deref(t.Order))
	}
	if d.Summary != nil {
		s += fmt.Sprintf("|s:%d", d.Summary.PID)
	}
	if v := d.Victim; v != nil {
		s += fmt.Sprintf("|v:%d:%s:%v:%v", v.PID, v.Comm, deref(v.TotalVMKB), deref(v.AnonRSSKB))
	}
	return s
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func ptr[T any](v T) *T { return &v }
