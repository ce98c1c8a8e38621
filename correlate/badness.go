package correlate

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/oomtriage/oomtriage/parse"
)

// Badness era of the printing kernel (kernel-oom-formats.md §10).
type badnessEra int

const (
	eraUnknown   badnessEra = iota
	eraHeuristic            // ≤2.6.35: total_vm, cpu time and nice; not recomputable
	eraRatio                // 2.6.36–3.4 and RHEL6: (rss+ptes+swap)*1000/totalpages + adj, 0..1000
	eraPtes                 // 3.5–4.16: rss + nr_ptes(+pmds/puds) + swap + adj*totalpages/1000
	eraPgtables             // 4.17–5.8: rss + swap + pgtables_bytes/PAGE_SIZE + adj*totalpages/1000, at least 1
	eraSigned               // 5.9+ (and 5.4.286): the same sum, negative scores kept
)

var reRelease = regexp.MustCompile(`^(\d+)\.(\d+)`)

// eraOf picks the formula from the kernel release, or from the task
// table's columns when the release is not printed.
func eraOf(release string, cols []string) badnessEra {
	if m := reRelease.FindStringSubmatch(release); m != nil {
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		v := major*1000 + minor
		switch {
		case v <= 2035 && !hasColumn(cols, "oom_score_adj"):
			return eraHeuristic
		case v < 3005:
			return eraRatio
		case v < 4017:
			return eraPtes
		case v < 5009:
			return eraPgtables
		default:
			return eraSigned
		}
	}
	switch {
	case hasColumn(cols, "rss_anon"):
		return eraSigned // 6.8+
	case hasColumn(cols, "pgtables_bytes"):
		return eraPgtables
	case hasColumn(cols, "nr_ptes"):
		return eraPtes
	case hasColumn(cols, "oom_score_adj"):
		return eraRatio
	case hasColumn(cols, "oom_adj"):
		return eraHeuristic
	}
	return eraUnknown
}

func hasColumn(cols []string, name string) bool {
	for _, c := range cols {
		if c == name {
			return true
		}
	}
	return false
}

// RankingBasis says how the ranking was computed, so a reader can judge it.
type RankingBasis struct {
	Formula    string `json:"formula"`
	TotalPages *int64 `json:"totalpages"`
	Note       string `json:"note,omitempty"`
}

// rank recomputes the kernel's badness for every task row and orders the
// candidates as the kernel would choose them (highest first; on a tie the
// later row wins, as oom_evaluate_task keeps the last task with equal
// points). Tasks with oom_score_adj -1000 are never candidates.
func rank(inc *Incident, d *parse.Dump) ([]Rank, *RankingBasis) {
	era := eraOf(d.KernelVersion, d.TaskColumns)
	if len(d.Tasks) == 0 || era == eraUnknown {
		return []Rank{}, nil
	}
	if era == eraHeuristic {
		return []Rank{}, &RankingBasis{Formula: "pre-2.6.36 heuristic", Note: "needs cpu time and nice values the dump does not print"}
	}
	total, note := totalPages(inc, d)
	basis := &RankingBasis{Formula: eraName(era), TotalPages: total, Note: note}
	if total == nil {
		basis.Note = "totalpages unknown: no memcg limit or Mem-Info in the dump"
		return []Rank{}, basis
	}
	type cand struct {
		Rank
		row int
	}
	var cs []cand
	for i, t := range d.Tasks {
		adj := int64(0)
		if t.OOMScoreAdj != nil {
			adj = *t.OOMScoreAdj
		}
		if adj <= -1000 {
			continue
		}
		base := taskPages(era, &t, inc.PageSizeBytes)
		cs = append(cs, cand{Rank{PID: t.PID, Points: points(era, base, adj, *total), PointsWithoutAdj: points(era, base, 0, *total)}, i})
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].Points != cs[j].Points {
			return cs[i].Points > cs[j].Points
		}
		return cs[i].row > cs[j].row
	})
	out := make([]Rank, len(cs))
	for i, c := range cs {
		c.Rank.Rank = i + 1
		out[i] = c.Rank
	}
	return out, basis
}

// taskPages is the task's memory in pages as the era counts it.
func taskPages(era badnessEra, t *parse.Task, pageSize int64) int64 {
	n := t.RSSPages + val(t.SwapEntries)
	switch era {
	case eraRatio, eraPtes:
		n += val(t.NrPtes) + val(t.NrPmds) + val(t.NrPuds)
	case eraPgtables, eraSigned:
		if pageSize > 0 {
			n += val(t.PgtablesBytes) / pageSize
		}
	}
	return n
}

func points(era badnessEra, pages, adj, total int64) int64 {
	switch era {
	case eraRatio:
		return min(max(pages*1000/total+adj, 1), 1000)
	case eraSigned:
		return pages + adj*(total/1000)
	}
	return max(pages+adj*(total/1000), 1)
}

// totalPages is the kernel's totalpages: the memcg limit for a memcg OOM
// (swap counted when the dump shows a swap limit), RAM plus swap otherwise.
func totalPages(inc *Incident, d *parse.Dump) (*int64, string) {
	ps := inc.PageSizeBytes
	if inc.OOMKind == "memcg" {
		if inc.Memcg == nil || inc.Memcg.LimitKB == nil {
			return nil, ""
		}
		kb := *inc.Memcg.LimitKB
		note := "memcg limit; swap assumed off"
		switch {
		case inc.Memcg.MemswLimitKB != nil:
			// v1 counts memory+swap when it is limited (swap assumed large enough).
			kb, note = *inc.Memcg.MemswLimitKB, "memcg memory+swap limit"
		case inc.Memcg.SwapLimitKB != nil:
			kb += *inc.Memcg.SwapLimitKB
			note = "memcg limit plus swap limit"
		}
		return ptr(kb * 1024 / ps), note
	}
	if d.MemInfo == nil || d.MemInfo.RAMPages == nil {
		return nil, ""
	}
	total := *d.MemInfo.RAMPages
	if d.MemInfo.TotalSwapKB != nil {
		total += *d.MemInfo.TotalSwapKB * 1024 / ps
	}
	return &total, "RAM plus swap (all nodes; cpuset and mempolicy limits not applied)"
}

func eraName(e badnessEra) string {
	return map[badnessEra]string{
		eraRatio:    "2.6.36-3.4: (rss+nr_ptes+swap)*1000/totalpages + oom_score_adj",
		eraPtes:     "3.5-4.16: rss + page tables + swap + oom_score_adj*totalpages/1000",
		eraPgtables: "4.17-5.8: max(rss + swap + pgtables_bytes/PAGE_SIZE + oom_score_adj*totalpages/1000, 1)",
		eraSigned:   "5.9+: rss + swap + pgtables_bytes/PAGE_SIZE + oom_score_adj*totalpages/1000",
	}[e]
}

func val(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// rankingFindings explains the choice: the trigger is not the victim, the
// victim was not the largest consumer, oom_score_adj changed the outcome.
func rankingFindings(inc *Incident) []Finding {
	var fs []Finding
	v := inc.Victim
	if v == nil {
		return nil
	}
	if t := inc.Trigger; t != nil && t.PID != nil && *t.PID != v.PID {
		fs = append(fs, Finding{Code: "trigger_not_victim", Severity: "info",
			Message: fmt.Sprintf("the allocation that failed was by %s (pid %d); the kernel killed %s (pid %d)", t.Comm, *t.PID, v.Comm, v.PID)})
	}
	if len(inc.Ranking) == 0 {
		return fs
	}
	top := inc.Ranking[0]
	chosen := int64(v.PID)
	if inc.Selected != nil {
		chosen = int64(inc.Selected.PID) // before 5.1 the kernel may kill a child of the task it chose
	}
	if top.PID != chosen {
		fs = append(fs, Finding{Code: "ranking_mismatch", Severity: "info",
			Message: fmt.Sprintf("recomputed badness ranks %s (pid %d) first, not the victim %s (pid %d): the dump may be incomplete, or the kernel counts differently", inc.taskName(top.PID), top.PID, v.Comm, v.PID)})
		return fs
	}
	largest := inc.Ranking[0]
	for _, r := range inc.Ranking {
		if r.PointsWithoutAdj > largest.PointsWithoutAdj {
			largest = r
		}
	}
	if largest.PID != top.PID {
		fs = append(fs, Finding{Code: "adj_changed_victim", Severity: "warning",
			Message: fmt.Sprintf("without oom_score_adj the largest consumer, %s (pid %d, oom_score_adj %s), would have been killed instead of %s (pid %d)",
				inc.taskName(largest.PID), largest.PID, inc.taskAdj(largest.PID), v.Comm, v.PID)})
	}
	return fs
}

func (inc *Incident) taskName(pid int64) string {
	for _, t := range inc.Tasks {
		if t.PID == pid {
			return t.Name
		}
	}
	return "?"
}

func (inc *Incident) taskAdj(pid int64) string {
	for _, t := range inc.Tasks {
		if t.PID == pid && t.OOMScoreAdj != nil {
			return strconv.FormatInt(*t.OOMScoreAdj, 10)
		}
	}
	return "?"
}
