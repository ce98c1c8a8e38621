package parse

import (
	"regexp"
	"strconv"
	"strings"
)

// MaxTaskRows bounds the rows kept per dump; a node with more processes than
// this has its further rows counted in Dump.TasksDropped.
const MaxTaskRows = 100_000

// The header names the columns between rss and name, which change by era
// (kernel-oom-formats.md §5): "cpu oom_adj [oom_score_adj]", "nr_ptes
// [nr_pmds [nr_puds]] swapents oom_score_adj", "pgtables_bytes swapents
// oom_score_adj", "rss_anon rss_file rss_shmem pgtables_bytes swapents
// oom_score_adj".
var reTaskHeader = regexp.MustCompile(`^\[\s*pid\s*\]\s+uid\s+tgid\s+total_vm\s+rss\s+(.*?)\s*name$`)

var knownTaskColumns = map[string]bool{
	"cpu": true, "oom_adj": true, "oom_score_adj": true, "nr_ptes": true, "nr_pmds": true,
	"nr_puds": true, "swapents": true, "pgtables_bytes": true, "rss_anon": true,
	"rss_file": true, "rss_shmem": true,
}

// parseTaskHeader returns the middle columns of a task-table header.
func parseTaskHeader(s string) ([]string, bool) {
	m := reTaskHeader.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	cols := strings.Fields(m[1])
	for _, c := range cols {
		if !knownTaskColumns[c] {
			return nil, false
		}
	}
	return cols, true
}

// isTaskRow is a cheap test for "[ 1234] …" before parseTaskRow.
func isTaskRow(s string) bool {
	if len(s) < 4 || s[0] != '[' {
		return false
	}
	end := strings.IndexByte(s, ']')
	return end > 1 && allDigits(strings.TrimLeft(s[1:end], " "))
}

// parseTaskRow reads one row given the header's middle columns. Columns are
// split on whitespace, not by width: pids, uids and total_vm overflow their
// printf widths. The name is everything after the last number and may hold
// spaces and brackets.
func parseTaskRow(s string, cols []string) (Task, bool) {
	end := strings.IndexByte(s, ']')
	var t Task
	var err error
	if t.PID, err = strconv.ParseInt(strings.TrimLeft(s[1:end], " "), 10, 64); err != nil {
		return t, false
	}
	rest := s[end+1:]
	nums := make([]int64, 0, 4+len(cols))
	for i := 0; i < 4+len(cols); i++ {
		var tok string
		tok, rest = nextField(rest)
		n, err := strconv.ParseInt(tok, 10, 64)
		if err != nil {
			return t, false
		}
		nums = append(nums, n)
	}
	t.Name = strings.TrimLeft(rest, " \t")
	if t.Name == "" {
		return t, false
	}
	t.UID, t.TGID, t.TotalVMPages, t.RSSPages = nums[0], nums[1], nums[2], nums[3]
	for i, c := range cols {
		v := nums[4+i]
		setTaskColumn(&t, c, &v)
	}
	return t, true
}

func setTaskColumn(t *Task, col string, v *int64) {
	switch col {
	case "cpu":
		t.CPU = v
	case "oom_adj":
		t.OOMAdj = v
	case "oom_score_adj":
		t.OOMScoreAdj = v
	case "nr_ptes":
		t.NrPtes = v
	case "nr_pmds":
		t.NrPmds = v
	case "nr_puds":
		t.NrPuds = v
	case "swapents":
		t.SwapEntries = v
	case "pgtables_bytes":
		t.PgtablesBytes = v
	case "rss_anon":
		t.RSSAnonPages = v
	case "rss_file":
		t.RSSFilePages = v
	case "rss_shmem":
		t.RSSShmemPages = v
	}
}

// nextField returns the next whitespace-separated field and the rest.
func nextField(s string) (string, string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}
