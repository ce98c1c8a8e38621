package parse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// This file reads what /proc/<pid>/ says about a process for ranking OOM
// candidates: oom_score, oom_score_adj, cgroup, status (VmRSS, VmSwap) and
// comm, from a live /proc, a folder holding a copy of one (a sosreport's
// proc/), or archive members handed over one by one.
//
// sos (4.2+) copies proc/<pid>/{status,cpuset,oom_*,stack,limits} of up to
// 2048 processes, but neither comm nor cgroup: comm is then status's Name,
// and the cgroup comes from the CGROUP column of sos's
// "ps axo pid,ppid,user,group,lwp,nlwp,start_time,comm,cgroup" output
// (ProcTree.AddPsCgroups), or from cpuset as a last resort.

// ProcFiles are the per-process files ProcTree keeps.
var ProcFiles = []string{"oom_score", "oom_score_adj", "cgroup", "status", "comm", "cpuset"}

// maxProcFileBytes caps how much of one per-process file is read: status is
// about 1.5 KiB, cgroup a few hundred bytes.
const maxProcFileBytes = 64 << 10

// Proc is one process as /proc/<pid>/ shows it. Nil pointers and empty
// strings are unknown.
type Proc struct {
	PID         int
	Comm        string // comm, else status's Name
	OOMScore    *int
	OOMScoreAdj *int
	// Cgroup is the process's memory cgroup: the v1 memory controller's
	// path, else the v2 unified path.
	Cgroup string
	// CgroupFrom says where Cgroup was read: "cgroup" (proc/<pid>/cgroup),
	// "ps" (a ps cgroup column) or "cpuset" (proc/<pid>/cpuset, which
	// mirrors the container's cgroup under the kubelet and Docker).
	CgroupFrom string
	VmRSSKB    *int64
	VmSwapKB   *int64
	State      string // status's State letter: R, S, D, Z, …
	Kthread    bool   // status says "Kthread: 1" (kernels 6.x)
	Threads    int    // status's Threads; 0 when not read

	statusName string
	cpuset     string
}

// HasMM reports whether the process has an address space the OOM killer
// could free: status prints VmRSS only for those, so kernel threads and
// zombies lack it.
func (p Proc) HasMM() bool { return p.VmRSSKB != nil && !p.Kthread }

// ProcPath splits a slash path ending in "proc/<pid>/<file>", as found in a
// bundle ("sosreport-x/proc/1234/status") or under a live root, into the
// part before "proc/" (the tree's prefix, "" or ending in '/'), the pid and
// the file name. Paths deeper than that (proc/<pid>/task/<tid>/status) and
// files not in ProcFiles do not match.
func ProcPath(name string) (prefix string, pid int, file string, ok bool) {
	file = pathBase(name)
	if !isProcFile(file) {
		return "", 0, "", false
	}
	rest := name[:len(name)-len(file)]
	rest = strings.TrimSuffix(rest, "/")
	pidStr := pathBase(rest)
	if pidStr == "" || !allDigits(pidStr) || len(pidStr) > 9 {
		return "", 0, "", false
	}
	rest = strings.TrimSuffix(rest[:len(rest)-len(pidStr)], "/")
	if pathBase(rest) != "proc" {
		return "", 0, "", false
	}
	prefix = rest[:len(rest)-len("proc")]
	pid, err := strconv.Atoi(pidStr)
	if err != nil || pid <= 0 {
		return "", 0, "", false
	}
	return prefix, pid, file, true
}

func pathBase(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func isProcFile(f string) bool {
	for _, k := range ProcFiles {
		if f == k {
			return true
		}
	}
	return false
}

// ProcTree gathers the files of the processes of one /proc.
type ProcTree struct {
	procs   map[int]*Proc
	psCgrp  map[int]string
	Errors  []string // files that could not be read or parsed
	skipped int
}

// NewProcTree returns an empty tree.
func NewProcTree() *ProcTree { return &ProcTree{procs: map[int]*Proc{}} }

func (t *ProcTree) proc(pid int) *Proc {
	p, ok := t.procs[pid]
	if !ok {
		p = &Proc{PID: pid}
		t.procs[pid] = p
	}
	return p
}

func (t *ProcTree) problem(pid int, file, format string, args ...any) {
	if len(t.Errors) < 20 {
		t.Errors = append(t.Errors, fmt.Sprintf("proc/%d/%s: %s", pid, file, fmt.Sprintf(format, args...)))
		return
	}
	t.skipped++
}

// Add applies the content of /proc/<pid>/<file>; files not in ProcFiles are
// ignored. A bad value is listed in Errors and leaves the field unknown.
func (t *ProcTree) Add(pid int, file string, data []byte) {
	if !isProcFile(file) {
		return
	}
	p := t.proc(pid)
	switch file {
	case "oom_score", "oom_score_adj":
		v, err := strconv.Atoi(string(bytes.TrimSpace(data)))
		if err != nil {
			t.problem(pid, file, "not a number: %.40q", data)
			return
		}
		if file == "oom_score" {
			p.OOMScore = &v
		} else {
			p.OOMScoreAdj = &v
		}
	case "cgroup":
		if path, ok := ParseProcCgroup(data); ok {
			p.Cgroup, p.CgroupFrom = path, "cgroup"
		}
	case "status":
		ParseProcStatus(data, p)
	case "comm":
		p.Comm = strings.TrimRight(string(data), "\n")
	case "cpuset":
		p.cpuset = strings.TrimSpace(string(data))
	}
}

// AddPsCgroups reads the output of "ps axo …,cgroup" (sos's
// sos_commands/process/ps_axo_pid_ppid_user_group_lwp_nlwp_start_time_comm_cgroup):
// the first column is the pid and the last the cgroup list, the lines of
// /proc/<pid>/cgroup joined by commas, or "-". The cgroups found fill
// processes whose own cgroup file was not read.
func (t *ProcTree) AddPsCgroups(data []byte) {
	if t.psCgrp == nil {
		t.psCgrp = map[int]string{}
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		pid, err := strconv.Atoi(f[0])
		if err != nil || pid <= 0 {
			continue // the header
		}
		if path, ok := ParseProcCgroup([]byte(f[len(f)-1])); ok {
			t.psCgrp[pid] = path
		}
	}
}

// Procs returns the processes read, ordered by pid. A process's missing
// cgroup is filled from the ps output, else from its cpuset when that looks
// like a container's cgroup path.
func (t *ProcTree) Procs() []Proc {
	out := make([]Proc, 0, len(t.procs))
	for _, p := range t.procs {
		q := *p
		if q.Comm == "" {
			q.Comm = q.statusName
		}
		if q.Cgroup == "" {
			if c, ok := t.psCgrp[q.PID]; ok {
				q.Cgroup, q.CgroupFrom = c, "ps"
			} else if q.cpuset != "" && q.cpuset != "/" {
				q.Cgroup, q.CgroupFrom = q.cpuset, "cpuset"
			}
		}
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].PID < out[j].PID })
	return out
}

// Len is the number of processes with at least one file read.
func (t *ProcTree) Len() int { return len(t.procs) }

// ParseProcStatus fills p from /proc/<pid>/status: Name, State, PPid,
// Threads, Kthread, VmRSS and VmSwap (kB).
func ParseProcStatus(data []byte, p *Proc) {
	for _, line := range strings.Split(string(data), "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch key {
		case "Name":
			p.statusName = unescapeStatusName(val)
		case "State":
			if val != "" {
				p.State = val[:1]
			}
		case "Threads":
			p.Threads, _ = strconv.Atoi(val)
		case "Kthread":
			p.Kthread = val == "1"
		case "VmRSS", "VmSwap":
			if kb, ok := parseKB(val); ok {
				if key == "VmRSS" {
					p.VmRSSKB = &kb
				} else {
					p.VmSwapKB = &kb
				}
			}
		}
	}
}

// unescapeStatusName undoes the escapes status's Name uses for a comm with
// a newline or backslash ("\n", "\\").
func unescapeStatusName(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	return strings.NewReplacer(`\n`, "\n", `\\`, `\`).Replace(s)
}

// parseKB reads "1764 kB".
func parseKB(s string) (int64, bool) {
	num, unit, _ := strings.Cut(s, " ")
	if strings.TrimSpace(unit) != "kB" {
		return 0, false
	}
	v, err := strconv.ParseInt(num, 10, 64)
	return v, err == nil && v >= 0
}

// ParseProcCgroup returns the memory cgroup of a process from the content of
// /proc/<pid>/cgroup ("4:memory:/kubepods/burstable/pod…/<id>" lines, or
// "0::/kubepods.slice/…" on cgroup v2), or from ps's cgroup column, where
// the same lines are joined by commas. The v1 memory controller's path wins
// over the v2 unified one. ok is false when neither is there.
func ParseProcCgroup(data []byte) (path string, ok bool) {
	var unified string
	haveUnified := false
	for _, e := range cgroupEntries(string(data)) {
		switch {
		case hasController(e.controllers, "memory"):
			return e.path, true
		case e.controllers == "" && e.id == "0":
			unified, haveUnified = e.path, true
		}
	}
	return unified, haveUnified
}

type cgroupEntry struct{ id, controllers, path string }

// cgroupEntries splits cgroup lines "ID:CONTROLLERS:PATH", separated by
// newlines or by commas (ps). A comma also separates controllers
// ("2:cpu,cpuacct:/x"), so a comma only starts an entry when digits and a
// colon follow it.
func cgroupEntries(s string) []cgroupEntry {
	var out []cgroupEntry
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		for line != "" {
			id, rest, ok := strings.Cut(line, ":")
			if !ok || !allDigits(id) {
				break
			}
			ctrl, rest, ok := strings.Cut(rest, ":")
			if !ok {
				break
			}
			path := rest
			next := ""
			if i := nextEntryComma(rest); i >= 0 {
				path, next = rest[:i], rest[i+1:]
			}
			out = append(out, cgroupEntry{id: id, controllers: ctrl, path: path})
			line = next
		}
	}
	return out
}

// nextEntryComma finds a comma followed by "digits:" (the start of another
// cgroup entry), or -1.
func nextEntryComma(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != ',' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j > i+1 && j < len(s) && s[j] == ':' {
			return i
		}
	}
	return -1
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// ReadProcDir reads the process files of every /proc/<pid>/ under dir (a
// live /proc, or a copy of one). Processes that end while being read are
// skipped silently; a file that cannot be read otherwise is listed in the
// tree's Errors. It fails only when dir cannot be listed.
func ReadProcDir(dir string) (*ProcTree, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	t := NewProcTree()
	buf := make([]byte, maxProcFileBytes)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 || !e.IsDir() && e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		readProc(t, filepath.Join(dir, e.Name()), pid, buf)
	}
	return t, nil
}

// ReadProc reads the process files of one /proc/<pid>/ folder into t.
func ReadProc(t *ProcTree, dir string, pid int) {
	readProc(t, dir, pid, make([]byte, maxProcFileBytes))
}

func readProc(t *ProcTree, dir string, pid int, buf []byte) {
	for _, f := range ProcFiles {
		n, err := readSmall(filepath.Join(dir, f), buf)
		switch {
		case err == nil:
			t.Add(pid, f, buf[:n])
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH):
			// the process ended, or the copy lacks the file
		default:
			t.problem(pid, f, "%v", err)
		}
	}
}

// readSmall reads a whole small file into buf (proc files report size 0,
// so os.ReadFile's sizing does not help).
func readSmall(path string, buf []byte) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	for n < len(buf) {
		m, err := f.Read(buf[n:])
		n += m
		if err != nil {
			if err == io.EOF {
				break
			}
			return n, err
		}
		if m == 0 {
			break
		}
	}
	return n, nil
}
