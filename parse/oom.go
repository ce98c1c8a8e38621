package parse

import (
	"fmt"
	"strings"
)

// trailingLimit is how many unrelated kernel records may follow a finished
// kill before the dump is closed. memory.oom.group kills and the reaper line
// come right after the kill line; a dump stays open no longer than this, so
// memory does not grow with the log.
const trailingLimit = 64

// maxJoins bounds how many continuation lines are glued to an OOM line that
// a mail client or terminal hard-wrapped.
const maxJoins = 3

// Assembler turns kernel Records into Dumps. Feed it every Record of an
// input in order with Add, then call Flush. Completed dumps are passed to the
// emit function given to NewAssembler as soon as they are known to be
// complete (the next header, a later unrelated stretch of log, or Flush).
// Records of different hosts or boots are assembled apart, so an
// interleaved multi-host journal gives one dump per host. Non-kernel
// records are ignored.
type Assembler struct {
	emit   func(*Dump)
	notice func(Source, string)
	hosts  map[string]*hostState
	order  []string
}

type hostState struct {
	cur       *Dump
	done      bool // the dump has its outcome (kill, no victim, panic)
	trailing  int
	groupMode bool
	sysrq     bool
	pending   []Record // an OOM line cut by a hard wrap, and its continuations
}

// NewAssembler returns an Assembler that passes each finished Dump to emit
// and each remark about the log (rate limiting) to notice, which may be nil.
func NewAssembler(emit func(*Dump), notice func(Source, string)) *Assembler {
	if notice == nil {
		notice = func(Source, string) {}
	}
	return &Assembler{emit: emit, notice: notice, hosts: map[string]*hostState{}}
}

// Add feeds one record.
func (a *Assembler) Add(r Record) {
	if !r.Kernel {
		return
	}
	st := a.state(r.Host + "\x00" + r.BootID)
	if len(st.pending) > 0 {
		if a.join(st, r) {
			return
		}
	}
	if st.cur == nil && !mayStartDump(r.Text) {
		return
	}
	if needsJoin(strings.TrimLeft(r.Text, " ")) {
		st.pending = []Record{r}
		return
	}
	a.line(st, r)
}

// Flush closes every open dump; call it at the end of an input.
func (a *Assembler) Flush() {
	for _, k := range a.order {
		st := a.hosts[k]
		a.giveUpJoin(st)
		a.close(st)
	}
}

func (a *Assembler) state(key string) *hostState {
	st, ok := a.hosts[key]
	if !ok {
		st = &hostState{}
		a.hosts[key] = st
		a.order = append(a.order, key)
	}
	return st
}

// join glues r to a pending hard-wrapped OOM line. It reports whether r was
// consumed.
func (a *Assembler) join(st *hostState, r Record) bool {
	if !r.Continuation && r.Format != FormatRaw {
		a.giveUpJoin(st)
		return false
	}
	st.pending = append(st.pending, r)
	joined := st.pending[0]
	for _, p := range st.pending[1:] {
		joined.Text += p.Text
	}
	if !needsJoin(strings.TrimLeft(joined.Text, " ")) {
		st.pending = nil
		a.line(st, joined)
		return true
	}
	if len(st.pending) > maxJoins {
		a.giveUpJoin(st)
	}
	return true
}

// giveUpJoin handles the pending records one by one, as they were printed.
func (a *Assembler) giveUpJoin(st *hostState) {
	parts := st.pending
	st.pending = nil
	for _, p := range parts {
		a.line(st, p)
	}
}

func (a *Assembler) close(st *hostState) {
	if st.cur != nil {
		a.emit(st.cur)
	}
	*st = hostState{sysrq: st.sysrq}
}

func (a *Assembler) start(st *hostState, r Record) *Dump {
	a.close(st)
	d := &Dump{Host: r.Host, BootID: r.BootID, Format: r.Format, First: r.Source, Sysrq: st.sysrq}
	st.sysrq = false
	st.cur = d
	return d
}

// line applies one kernel message to the host's open dump.
func (a *Assembler) line(st *hostState, r Record) {
	t := strings.TrimLeft(r.Text, " ")
	if a.killPart(st, r, t) {
		return
	}
	if a.outsideDump(st, r, t) || st.cur == nil {
		return
	}
	d := st.cur
	// Each case both recognises its line and applies it to d; the first
	// that takes the line ends the switch.
	switch {
	case d.Trigger != nil && d.Trigger.PID == nil && !st.done && a.cpuLine(d, t):
	case d.Trigger != nil && d.Cpuset == "" && d.TaskColumns == nil && a.cpusetLine(d, t):
	case parseMemcgLine(t, d), parseMemInfoLine(t, d):
	case isTaskRow(t):
		a.taskRow(st, t)
	case strings.HasPrefix(t, "[") && a.taskHeader(st, t):
	case strings.HasPrefix(t, "Tasks in "):
		if m := reGroup.FindStringSubmatch(t); m != nil {
			d.GroupCgroup = m[1]
			st.groupMode = true
		}
	case strings.HasPrefix(t, "oom_reaper: "):
		if rp, ok := parseReaped(t); ok && (d.Reaped == nil || d.Victim != nil && rp.PID == d.Victim.PID) {
			d.Reaped = rp
		}
	case strings.HasPrefix(t, "Out of memory and no killable processes"):
		d.NoKillable, st.done = true, true
		setStamp(d, r, 2)
	case strings.HasPrefix(t, "Kernel panic - not syncing: ") && strings.Contains(t, "memory"):
		d.Panic, st.done = strings.TrimPrefix(t, "Kernel panic - not syncing: "), true
		setStamp(d, r, 2)
	default:
		if st.done {
			st.trailing++
			if st.trailing >= trailingLimit {
				a.close(st)
			}
		}
	}
}

// outsideDump handles the lines that matter with or without an open dump:
// headers, SysRq and rate-limit notices. It reports whether t was one.
func (a *Assembler) outsideDump(st *hostState, r Record, t string) bool {
	switch {
	case strings.Contains(t, " invoked oom-killer: "):
		trig, ok := parseTrigger(t)
		if !ok {
			return false
		}
		d := a.start(st, r)
		d.Trigger = trig
		setStamp(d, r, 1)
		return true
	case strings.Contains(t, "Manual OOM execution"):
		st.sysrq = true
		return true
	case strings.HasSuffix(t, " callbacks suppressed"):
		if m := reSuppressed.FindStringSubmatch(t); m != nil {
			a.notice(r.Source, fmt.Sprintf("%s: %s callbacks suppressed: the kernel rate-limited OOM reports, so some kills nearby have no header, memcg paths or task table", m[1], m[2]))
			return true
		}
	}
	return false
}

// killPart handles the summary, "Kill process" and "Killed process" lines.
// Each may arrive without a header (rate limiting, truncated logs); it then
// starts a dump of its own.
func (a *Assembler) killPart(st *hostState, r Record, t string) bool {
	switch {
	case strings.HasPrefix(t, "oom-kill:"):
		var probe Dump
		if !parseSummary(t, &probe) {
			return false
		}
		d := st.cur
		if d == nil || d.Summary != nil || d.Selected != nil || st.done {
			d = a.start(st, r)
		}
		parseSummary(t, d)
		setStamp(d, r, 2)
	case strings.Contains(t, "ill process ") || strings.Contains(t, "illed process "):
		if sel, ok := parseSelected(t); ok {
			d := st.cur
			if d == nil || d.Selected != nil || st.done {
				d = a.start(st, r)
			}
			d.Selected = sel
			setStamp(d, r, 2)
			return true
		}
		k, ok := parseKilled(t)
		if !ok {
			if k, ok = parseKilledPrefix(t); !ok {
				return false
			}
		}
		k.Source = r.Source
		a.killed(st, r, k)
	default:
		return false
	}
	return true
}

func (a *Assembler) killed(st *hostState, r Record, k *Killed) {
	d := st.cur
	switch {
	case d != nil && d.Victim == nil && !st.done:
	case d != nil && d.Victim != nil && st.groupMode:
		for _, g := range d.GroupKills {
			if g.PID == k.PID {
				return
			}
		}
		d.GroupKills = append(d.GroupKills, *k)
		st.trailing = 0
		return
	case d != nil && d.Victim != nil && d.Victim.PID == k.PID:
		return // the same line again (seen with memory.oom.group and in pastes)
	default:
		d = a.start(st, r)
	}
	d.Victim = k
	st.done = true
	setStamp(d, r, 3)
}

func (a *Assembler) cpuLine(d *Dump, t string) bool {
	pid, comm, release, ok := parseCPULine(t)
	if !ok || comm != d.Trigger.Comm {
		return false
	}
	d.Trigger.PID = &pid
	d.KernelVersion = release
	return true
}

func (a *Assembler) cpusetLine(d *Dump, t string) bool {
	m := reCpuset.FindStringSubmatch(t)
	if m == nil || m[1] != d.Trigger.Comm {
		return false
	}
	d.Cpuset, d.MemsAllowed = m[2], m[3]
	return true
}

func (a *Assembler) taskHeader(st *hostState, t string) bool {
	cols, ok := parseTaskHeader(t)
	if !ok || st.done {
		return ok
	}
	st.cur.TaskColumns = cols
	return true
}

func (a *Assembler) taskRow(st *hostState, t string) {
	d := st.cur
	if d.TaskColumns == nil || st.done {
		return
	}
	task, ok := parseTaskRow(t, d.TaskColumns)
	if !ok {
		return
	}
	if len(d.Tasks) >= MaxTaskRows {
		d.TasksDropped++
		return
	}
	d.Tasks = append(d.Tasks, task)
}

// setStamp dates the dump by the most telling line seen: the kill line (3),
// else the summary or a final line (2), else the header (1).
func setStamp(d *Dump, r Record, rank int) {
	if rank <= d.stampRank {
		return
	}
	d.stampRank = rank
	d.Boot, d.Wall = r.Boot, r.Wall
}

// mayStartDump is a cheap filter for lines outside any dump: every line
// that can open or announce one contains one of these words.
func mayStartDump(s string) bool {
	return strings.Contains(s, "oom") || strings.Contains(s, "ill process") ||
		strings.Contains(s, "illed process") || strings.Contains(s, "OOM")
}

// needsJoin reports an OOM line that was cut short by a hard wrap: it has
// its start marker but not its end.
func needsJoin(t string) bool {
	switch {
	case strings.Contains(t, " invoked oom-killer:"):
		return !reTrigger.MatchString(t)
	case strings.HasPrefix(t, "oom-kill:"):
		return !reSummary.MatchString(t)
	case strings.HasPrefix(t, "Task in "):
		return !reTaskIn.MatchString(t)
	case strings.HasPrefix(t, "Tasks in "):
		return !reGroup.MatchString(t)
	case strings.Contains(t, "Killed process "):
		if _, ok := parseKilled(t); ok {
			return false
		}
		// Only lines shaped like the kernel's, not a quote inside another message.
		return reKilledStart.MatchString(t)
	}
	return false
}
