package parse

import (
	"regexp"
	"strings"
)

// The memory-state blocks of a dump: the memcg block (kernel-oom-formats.md
// §6) and the Mem-Info summary (§7).
var (
	reCounter    = regexp.MustCompile(`^(memory|memory\+swap|kmem|swap): usage (\d+)kB, ?limit (\d+)kB, ?failcnt (\d+)`)
	reTaskIn     = regexp.MustCompile(`^Task in (.+) killed as a result of limit of (.+)$`)
	reLimitOf    = regexp.MustCompile(`^Memory limit reached of cgroup (.+)$`)
	reStatsFor   = regexp.MustCompile(`^Memory cgroup stats for (.*?):(?: .*)?$`)
	reRAMPages   = regexp.MustCompile(`^(\d+) pages RAM$`)
	reSwapLine   = regexp.MustCompile(`^(Free|Total) swap += (-?\d+)kB$`)
	reFreePages  = regexp.MustCompile(`(?:^|\s)free:(\d+)(?:\s|$)`)
	reMinProtect = regexp.MustCompile(`^Memory cgroup min protection \d+kB -- low protection \d+kB`)
)

// parseMemcgLine applies one memcg-block line to d and reports whether it was
// one.
func parseMemcgLine(s string, d *Dump) bool {
	if m := reCounter.FindStringSubmatch(s); m != nil {
		if d.Memcg == nil {
			d.Memcg = &MemcgState{}
		}
		usage, limit, fail := atoi64Ptr(m[2]), atoi64Ptr(m[3]), atoi64Ptr(m[4])
		switch m[1] {
		case "memory":
			d.Memcg.UsageKB, d.Memcg.LimitKB, d.Memcg.Failcnt = usage, limit, fail
		case "memory+swap":
			d.Memcg.MemswUsageKB, d.Memcg.MemswLimitKB, d.Memcg.MemswFail = usage, limit, fail
		case "kmem":
			d.Memcg.KmemUsageKB, d.Memcg.KmemLimitKB = usage, limit
		case "swap":
			d.Memcg.SwapUsageKB, d.Memcg.SwapLimitKB = usage, limit
		}
		return true
	}
	if m := reTaskIn.FindStringSubmatch(s); m != nil {
		d.TaskMemcg, d.OOMMemcg = m[1], m[2]
		return true
	}
	if m := reLimitOf.FindStringSubmatch(s); m != nil {
		d.OOMMemcg = m[1]
		return true
	}
	if m := reStatsFor.FindStringSubmatch(s); m != nil {
		if d.Memcg == nil {
			d.Memcg = &MemcgState{}
		}
		// The OOM memcg is printed first; later ones are its children (4.x).
		if d.Memcg.StatsPath == "" {
			d.Memcg.StatsPath = m[1]
		}
		return true
	}
	return reMinProtect.MatchString(s)
}

// parseMemInfoLine applies one line of the Mem-Info block to d.
func parseMemInfoLine(s string, d *Dump) bool {
	if s == "Mem-Info:" {
		if d.MemInfo == nil {
			d.MemInfo = &MemInfo{}
		}
		return true
	}
	if d.MemInfo == nil {
		return false
	}
	if m := reRAMPages.FindStringSubmatch(s); m != nil {
		d.MemInfo.RAMPages = atoi64Ptr(m[1])
		return true
	}
	if m := reSwapLine.FindStringSubmatch(s); m != nil {
		if m[1] == "Free" {
			d.MemInfo.FreeSwapKB = atoi64Ptr(m[2])
		} else {
			d.MemInfo.TotalSwapKB = atoi64Ptr(m[2])
		}
		return true
	}
	// The first block's "free:N" is in pages; per-zone lines say "free:NkB".
	if d.MemInfo.FreePages == nil && !strings.HasPrefix(s, "Node ") {
		if m := reFreePages.FindStringSubmatch(s); m != nil {
			d.MemInfo.FreePages = atoi64Ptr(m[1])
			return true
		}
	}
	return false
}
