package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	kmsgparser "github.com/euank/go-kmsg-parser/kmsgparser"
	"golang.org/x/sys/unix"

	"github.com/oomtriage/oomtriage/correlate"
	"github.com/oomtriage/oomtriage/parse"
	"github.com/oomtriage/oomtriage/parse/bundle"
)

// The seams the tests replace: where kernel messages come from, how their
// stamps are placed in time, and where /proc is.
var (
	openKmsg      = openDevKmsg
	wallBootOf    = monotonicBoot
	kmsgSeqBounds = devKmsgBounds
	watchStarted  = func() {} // called once the reader is positioned and reading
)

// devKmsgPath is the kernel's record interface.
const devKmsgPath = "/dev/kmsg"

// kmsgSource is a kernel message reader (kmsgparser.Parser) and what is
// known about its clock: Message.Timestamp is parserBoot plus the record's
// monotonic stamp.
type kmsgSource struct {
	parser     kmsgparser.Parser
	parserBoot time.Time // the parser's own estimate, within about a second
}

// openDevKmsg opens /dev/kmsg through kmsgparser. The parser computes its
// boot time as now minus the whole seconds of sysinfo's uptime; the same
// computation here, just before, gives that value to within microseconds
// unless a second boundary passed in between, which calibrate corrects.
func openDevKmsg() (kmsgSource, error) {
	boot, err := sysinfoBoot()
	if err != nil {
		return kmsgSource{}, err
	}
	p, err := kmsgparser.NewParser()
	if err != nil {
		return kmsgSource{}, err
	}
	return kmsgSource{parser: p, parserBoot: boot}, nil
}

func sysinfoBoot() (time.Time, error) {
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err != nil {
		return time.Time{}, fmt.Errorf("sysinfo: %w", err)
	}
	return time.Now().Add(-time.Duration(si.Uptime) * time.Second), nil
}

// monotonicBoot is the wall-clock instant of the kernel's monotonic zero,
// which is what printk stamps count from (as dmesg -T computes it, and as
// inexact after a suspend).
func monotonicBoot() (time.Time, bool) {
	var ts unix.Timespec
	now := time.Now()
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return time.Time{}, false
	}
	return now.Add(-time.Duration(ts.Nano())).Round(time.Microsecond), true
}

// kmsgBounds is what a raw read of /dev/kmsg found: the sequence number and
// monotonic stamp (µs) of the records it read.
type kmsgBounds struct {
	firstSeq, lastSeq int
	usec              map[int]int64 // of the sequence numbers asked for
}

// devKmsgBounds reads the records now in the ring buffer with a descriptor
// of its own, without blocking, and returns the last sequence number and
// the stamps of the wanted sequence numbers. It reads at most the buffer
// once and keeps nothing else.
func devKmsgBounds(want ...int) (kmsgBounds, error) {
	b := kmsgBounds{firstSeq: -1, lastSeq: -1, usec: map[int]int64{}}
	fd, err := syscall.Open(devKmsgPath, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return b, err
	}
	defer syscall.Close(fd)
	buf := make([]byte, 8192)
	for range 1 << 22 {
		n, err := syscall.Read(fd, buf)
		switch {
		case err == syscall.EPIPE:
			continue // the record was overwritten while being read
		case err == syscall.EAGAIN:
			return b, nil
		case err == syscall.EINTR:
			continue
		case err != nil:
			return b, err
		case n <= 0:
			return b, nil
		}
		seq, usec, ok := kmsgRecordHeader(buf[:n])
		if !ok {
			continue
		}
		if b.firstSeq < 0 {
			b.firstSeq = seq
		}
		b.lastSeq = seq
		for _, w := range want {
			if w == seq {
				b.usec[seq] = usec
			}
		}
	}
	return b, nil
}

// kmsgRecordHeader reads "PRI,SEQ,USEC,FLAGS;…".
func kmsgRecordHeader(rec []byte) (seq int, usec int64, ok bool) {
	semi := bytes.IndexByte(rec, ';')
	if semi < 0 {
		return 0, 0, false
	}
	f := strings.SplitN(string(rec[:semi]), ",", 4)
	if len(f) < 3 {
		return 0, 0, false
	}
	seq, err1 := strconv.Atoi(f[1])
	usec, err2 := strconv.ParseInt(f[2], 10, 64)
	return seq, usec, err1 == nil && err2 == nil
}

func (w *watchCmd) Run(e env) error {
	if w.Once && w.FromEnd {
		return &exitError{exitUsage, errors.New("--once with --from-end would read nothing: use one of them")}
	}
	if w.Idle <= 0 {
		return &exitError{exitUsage, errors.New("--idle must be positive")}
	}
	objs, err := readPodFiles(e.ctx, w.Pods, e.stderr)
	if err != nil {
		return &exitError{exitFailure, err}
	}
	src, err := openKmsg()
	if err != nil {
		return &exitError{exitFailure, fmt.Errorf("opening the kernel log: %w", err)}
	}
	wt := newWatcher(w, e, objs, src)
	return wt.run(e.ctx)
}

// watcher follows the kernel log. What it holds does not grow with uptime:
// the assembler keeps at most the dump being read, and each incident is
// written and dropped as soon as its dump is complete.
type watcher struct {
	cmd    *watchCmd
	e      env
	objs   parse.Objects
	src    kmsgSource
	asm    *parse.Assembler
	host   correlate.HostContext
	enc    *json.Encoder
	werr   error
	emits  int
	stderr io.Writer

	calibrated bool
	bootDelta  time.Duration // precise boot minus the parser's boot
	wallBoot   time.Time     // the instant stamps count from
	lastSeq    int           // --once: the last record present at start; -1 when unknown
	awaiting   bool          // an OOM report began and its kill line has not come yet
	dirty      bool          // records were added since the last flush
}

func newWatcher(w *watchCmd, e env, objs parse.Objects, src kmsgSource) *watcher {
	wt := &watcher{cmd: w, e: e, objs: objs, src: src, lastSeq: -1, stderr: e.stderr}
	wt.asm = parse.NewAssembler(wt.emitDump, func(s parse.Source, msg string) {
		fmt.Fprintf(e.stderr, "oomtriage: %s:%d: %s\n", s.Path, s.Line, msg)
	})
	wt.enc = json.NewEncoder(e.stdout)
	wt.enc.SetEscapeHTML(false)
	wt.host.Hostname, _ = os.Hostname()
	var facts bundle.HostFacts
	if f, err := os.Open(filepath.Join(procRoot, "meminfo")); err == nil {
		_ = bundle.ReadFact(bundle.FactMeminfo, f, &facts)
		f.Close()
	}
	wt.host.MemTotalBytes = facts.MemTotalBytes
	wt.wallBoot = src.parserBoot
	if b, ok := wallBootOf(); ok {
		wt.wallBoot = b
	}
	wt.host.Clock.BootTime = &wt.wallBoot
	return wt
}

// kmsgLogger passes the parser's complaints to stderr, except the read
// error that closing the parser causes.
type kmsgLogger struct {
	mu      sync.Mutex
	w       io.Writer
	closing bool
}

func (l *kmsgLogger) Warningf(format string, args ...any) { l.printf(format, args...) }
func (l *kmsgLogger) Infof(string, ...any)                {}
func (l *kmsgLogger) Errorf(format string, args ...any)   { l.printf(format, args...) }

func (l *kmsgLogger) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closing {
		fmt.Fprintf(l.w, "oomtriage: kmsg: "+format+"\n", args...)
	}
}

func (l *kmsgLogger) setClosing() {
	l.mu.Lock()
	l.closing = true
	l.mu.Unlock()
}

func (wt *watcher) run(ctx context.Context) error {
	log := &kmsgLogger{w: wt.stderr}
	wt.src.parser.SetLogger(log)
	if wt.cmd.FromEnd {
		if err := wt.src.parser.SeekEnd(); err != nil {
			wt.src.parser.Close()
			return &exitError{exitFailure, fmt.Errorf("seeking to the end of the kernel log: %w", err)}
		}
	}
	if wt.cmd.Once {
		if b, err := kmsgSeqBounds(); err == nil && b.lastSeq >= 0 {
			wt.lastSeq = b.lastSeq
		}
	}
	msgs := wt.src.parser.Parse()
	watchStarted()
	stop := func() {
		log.setClosing()
		wt.src.parser.Close()
		drain(msgs, 2*time.Second)
	}
	idle := time.NewTimer(wt.cmd.Idle)
	defer idle.Stop()
	var quiet time.Duration // time since the last message
	for {
		select {
		case <-ctx.Done():
			stop()
			wt.asm.Flush()
			return wt.werr
		case m, ok := <-msgs:
			if !ok {
				wt.asm.Flush()
				if wt.werr != nil {
					return wt.werr
				}
				return &exitError{exitFailure, errors.New("the kernel log reader stopped")}
			}
			wt.add(m)
			if wt.werr != nil {
				stop()
				return wt.werr
			}
			if wt.cmd.Once && wt.lastSeq >= 0 && m.SequenceNumber >= wt.lastSeq {
				stop()
				wt.asm.Flush()
				return wt.werr
			}
			resetTimer(idle, wt.cmd.Idle)
			quiet = 0
		case <-idle.C:
			quiet += wt.cmd.Idle
			// A report whose kill line has not come yet gets ten gaps.
			if wt.dirty && (!wt.awaiting || quiet >= 10*wt.cmd.Idle) {
				wt.asm.Flush()
				wt.dirty, wt.awaiting = false, false
			}
			if wt.cmd.Once && !wt.dirty {
				stop()
				return wt.werr
			}
			idle.Reset(wt.cmd.Idle)
		}
		if wt.werr != nil {
			stop()
			return wt.werr
		}
	}
}

func resetTimer(t *time.Timer, d time.Duration) {
	t.Stop()
	t.Reset(d)
}

// drain reads what the parser still sends until it closes its channel, so
// that its goroutine ends.
func drain(msgs <-chan kmsgparser.Message, limit time.Duration) {
	timeout := time.After(limit)
	for {
		select {
		case _, ok := <-msgs:
			if !ok {
				return
			}
		case <-timeout:
			return
		}
	}
}

// add feeds one kernel message to the assembler.
func (wt *watcher) add(m kmsgparser.Message) {
	if !wt.calibrated {
		wt.calibrate(m)
	}
	// The record's text ends at its first newline; " KEY=value" dictionary
	// lines follow (multi-line text is escaped as \x0a).
	if i := strings.IndexByte(m.Message, '\n'); i >= 0 {
		m.Message = m.Message[:i]
	}
	m.Timestamp = m.Timestamp.Add(wt.bootDelta)
	src := parse.Source{Path: devKmsgPath, Line: m.SequenceNumber}
	parse.RecordsFromKmsg(m, wt.wallBoot, src, func(r parse.Record) {
		if !r.Kernel {
			return
		}
		t := r.Text
		switch {
		case strings.Contains(t, " invoked oom-killer: "):
			wt.awaiting = true
		case strings.Contains(t, "illed process "), strings.Contains(t, "no killable processes"),
			strings.Contains(t, "Kernel panic - not syncing"):
			wt.awaiting = false
		}
		wt.dirty = true
		wt.asm.Add(r)
	})
}

// calibrate finds the parser's boot time from the first message: its
// Timestamp minus the same record's monotonic stamp, read from /dev/kmsg
// directly. Stamps are then re-based on the kernel's monotonic zero, so
// boot seconds are the kernel's to the microsecond and times are not off by
// the parser's rounding of uptime to whole seconds.
func (wt *watcher) calibrate(m kmsgparser.Message) {
	wt.calibrated = true
	parserBoot := wt.src.parserBoot
	if b, err := kmsgSeqBounds(m.SequenceNumber); err == nil {
		if usec, ok := b.usec[m.SequenceNumber]; ok {
			parserBoot = m.Timestamp.Add(-time.Duration(usec) * time.Microsecond)
		}
	}
	wt.bootDelta = wt.wallBoot.Sub(parserBoot)
}

// emitDump turns a completed dump into its incident and writes it.
func (wt *watcher) emitDump(d *parse.Dump) {
	if wt.werr != nil {
		return
	}
	note := enrichFromProc(d)
	col := correlate.NewCollector()
	col.AddObjects("", wt.objs)
	col.AddDump(devKmsgPath, "", d)
	an := col.Analyze(func(string) correlate.HostContext { return wt.host })
	for i := range an.Incidents {
		inc := &an.Incidents[i]
		if inc.Kind != "oom_kill" {
			continue // the pod files' own OOMKilled statuses are not this kill
		}
		if note != "" {
			inc.Findings = append(inc.Findings, correlate.Finding{Code: "task_memcg_from_proc", Severity: "info", Message: note})
		}
		wt.write(inc)
	}
}

func (wt *watcher) write(inc *correlate.Incident) {
	wt.emits++
	if wt.cmd.Output == "jsonl" {
		if err := wt.enc.Encode(inc); err != nil {
			wt.werr = fmt.Errorf("writing: %w", err)
		}
		return
	}
	if _, err := io.WriteString(wt.e.stdout, incidentLine(inc)+"\n"); err != nil {
		wt.werr = fmt.Errorf("writing: %w", err)
	}
}

// enrichFromProc gives a dump whose kernel report named no cgroup (a
// rate-limited report is only its kill line) the victim's memory cgroup
// from /proc/<pid>/cgroup, while the victim is still there (it is exiting,
// or a zombie its parent has not reaped) under the same name. It returns a
// note for the incident's findings, or "".
func enrichFromProc(d *parse.Dump) string {
	if d.TaskMemcg != "" || d.Victim == nil || d.Victim.PID <= 0 {
		return ""
	}
	dir := filepath.Join(procRoot, strconv.Itoa(d.Victim.PID))
	comm, err := os.ReadFile(filepath.Join(dir, "comm"))
	if err != nil || strings.TrimRight(string(comm), "\n") != d.Victim.Comm {
		return ""
	}
	data, err := os.ReadFile(filepath.Join(dir, "cgroup"))
	if err != nil {
		return ""
	}
	path, ok := parse.ParseProcCgroup(data)
	if !ok || path == "" {
		return ""
	}
	d.TaskMemcg = path
	return fmt.Sprintf("the kernel printed no cgroup for this kill; task_memcg %s is the victim's memory cgroup read from /proc/%d/cgroup while it was still exiting", path, d.Victim.PID)
}

// incidentLine is the one-line text form of an incident.
func incidentLine(inc *correlate.Incident) string {
	var parts []string
	switch {
	case inc.Time != nil:
		parts = append(parts, *inc.Time)
	case inc.BootSeconds != nil:
		parts = append(parts, fmt.Sprintf("[%.6f]", *inc.BootSeconds))
	}
	if inc.Host != nil {
		parts = append(parts, "host "+*inc.Host)
	}
	kind := inc.OOMKind
	if inc.Scope != nil {
		kind += " (scope " + *inc.Scope + ")"
	}
	parts = append(parts, kind)
	switch v := inc.Victim; {
	case v != nil:
		s := fmt.Sprintf("killed %s (pid %d", v.Comm, v.PID)
		if v.OOMScoreAdj != nil {
			s += fmt.Sprintf(", oom_score_adj %d", *v.OOMScoreAdj)
		}
		if v.AnonRSSKB != nil {
			s += fmt.Sprintf(", anon-rss %d kB", *v.AnonRSSKB)
		}
		parts = append(parts, s+")")
	case inc.NoKillable:
		parts = append(parts, "no killable processes")
	case inc.Panic != nil:
		parts = append(parts, "panic: "+*inc.Panic)
	default:
		parts = append(parts, "no kill line")
	}
	if t := inc.Trigger; t != nil && t.PID != nil && (inc.Victim == nil || *t.PID != inc.Victim.PID) {
		parts = append(parts, fmt.Sprintf("trigger %s (pid %d)", t.Comm, *t.PID))
	}
	if k := inc.Kubernetes; k != nil {
		s := "pod " + podName(k)
		if k.Container != nil {
			s += " container " + *k.Container
		} else if k.ContainerID != nil {
			s += fmt.Sprintf(" container %.12s", *k.ContainerID)
		}
		if k.QOSClass != nil {
			s += " QoS " + *k.QOSClass
		}
		if k.ExpectedOOMScoreAdj != nil {
			s += fmt.Sprintf(" expected adj %d", *k.ExpectedOOMScoreAdj)
			if k.AdjMismatch != nil && *k.AdjMismatch {
				s += " (MISMATCH)"
			}
		}
		parts = append(parts, s)
	}
	if inc.TaskMemcg != nil {
		parts = append(parts, "cgroup "+*inc.TaskMemcg)
	}
	if inc.OOMMemcg != nil && (inc.TaskMemcg == nil || *inc.OOMMemcg != *inc.TaskMemcg) {
		parts = append(parts, "limit of "+*inc.OOMMemcg)
	}
	if m := inc.Memcg; m != nil && m.UsageKB != nil && m.LimitKB != nil {
		parts = append(parts, fmt.Sprintf("usage %d kB of %d kB", *m.UsageKB, *m.LimitKB))
	}
	parts = append(parts, "id "+inc.ID)
	return strings.Join(parts, "  ")
}

func podName(k *correlate.Kubernetes) string {
	switch {
	case k.Namespace != nil && k.Pod != nil:
		return *k.Namespace + "/" + *k.Pod
	case k.PodUID != nil:
		return *k.PodUID
	}
	return "?"
}
