package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/oomtriage/oomtriage/correlate"
	"github.com/oomtriage/oomtriage/parse"
	"github.com/oomtriage/oomtriage/parse/archive"
	"github.com/oomtriage/oomtriage/parse/bundle"
)

type rankCmd struct {
	Root           string   `placeholder:"DIR|ARCHIVE" help:"Rank the processes of a sosreport (folder or archive, sos 4.2+ copies proc/<pid>/oom_*) or of a mounted root holding proc/, instead of this node's /proc."`
	Pods           []string `placeholder:"FILE" help:"Pod YAML or JSON (kubectl get pods -o yaml|json, PodList, crictl inspectp, Node objects) naming pods and containers, for the expected oom_score_adj of Burstable containers; repeatable."`
	Output         string   `short:"o" enum:"text,json" default:"text" help:"Output format: text or json."`
	ByPod          bool     `name:"by-pod" help:"Group the ranking by pod (processes outside pods form one group)."`
	Top            int      `help:"Show only the first N processes (of each group with --by-pod); 0 shows all."`
	KubeletVersion string   `placeholder:"VERSION" help:"Kubelet version whose oom_score_adj policy applies (e.g. 1.19 gives -998 for Guaranteed). Default: the Node object's in --pods, else the current policy."`
}

// sosPsCgroup is sos's output of ps with a cgroup column, the only place a
// sosreport gives each process's cgroup.
const sosPsCgroup = "sos_commands/process/ps_axo_pid_ppid_user_group_lwp_nlwp_start_time_comm_cgroup"

// sosNumProcs is how many processes' proc/<pid>/ files sos copies by
// default (process.numprocs).
const sosNumProcs = 2048

// procSet is one /proc read: a live one, a folder's or an archive's.
type procSet struct {
	root     string // as shown: "/proc", a folder, "archive!prefix"
	tree     *parse.ProcTree
	facts    bundle.HostFacts
	bundle   bool // read from a sosreport, which may hold a subset of the processes
	warnings []string
}

// rankHost is one host of the JSON output.
type rankHost struct {
	Root           string               `json:"root"`
	Hostname       *string              `json:"hostname"`
	MemTotalBytes  *int64               `json:"mem_total_bytes"`
	KubeletPolicy  string               `json:"kubelet_policy"`
	ProcessesTotal int                  `json:"processes_total"`
	NoMemory       int                  `json:"no_memory"`
	AdjMismatches  int                  `json:"adj_mismatches"`
	Processes      []correlate.ProcRank `json:"processes"`
	Pods           []correlate.PodGroup `json:"pods"`
	Warnings       []string             `json:"warnings"`
}

type rankReport struct {
	Hosts []rankHost `json:"hosts"`
}

func (r *rankCmd) Run(e env) error {
	var ver correlate.KubeVersion
	if r.KubeletVersion != "" {
		v, ok := correlate.ParseKubeVersion(r.KubeletVersion)
		if !ok {
			return &exitError{exitUsage, fmt.Errorf("--kubelet-version %q: not a version like 1.31", r.KubeletVersion)}
		}
		ver = v
	}
	if r.Top < 0 {
		return &exitError{exitUsage, errors.New("--top must not be negative")}
	}
	objs, err := readPodFiles(e.ctx, r.Pods, e.stderr)
	if err != nil {
		return &exitError{exitFailure, err}
	}
	sets, err := readProcSets(e.ctx, r.Root, e.stderr)
	if err != nil {
		return &exitError{exitFailure, err}
	}
	rep := rankReport{Hosts: []rankHost{}}
	for _, s := range sets {
		rep.Hosts = append(rep.Hosts, r.rankSet(s, objs, ver))
	}
	for _, h := range rep.Hosts {
		for _, w := range h.Warnings {
			fmt.Fprintf(e.stderr, "oomtriage: %s: %s\n", h.Root, w)
		}
	}
	if r.Output == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	}
	return r.writeText(e.stdout, rep)
}

func (r *rankCmd) rankSet(s procSet, objs parse.Objects, ver correlate.KubeVersion) rankHost {
	procs := s.tree.Procs()
	res := correlate.RankProcs(correlate.RankInput{Procs: procs, Objects: objs, Hostname: s.facts.Hostname,
		MemTotal: s.facts.MemTotalBytes, Version: ver})
	h := rankHost{Root: s.root, Hostname: optString(s.facts.Hostname), MemTotalBytes: res.MemTotal,
		KubeletPolicy: res.Version.String(), ProcessesTotal: len(res.Processes), NoMemory: res.NoMemory,
		Warnings: append([]string{}, s.warnings...)}
	if h.KubeletPolicy == "unknown" {
		h.KubeletPolicy = "current (1.20+)"
	}
	h.Warnings = append(h.Warnings, s.tree.Errors...)
	withScore, withCgroup := 0, 0
	for _, p := range res.Processes {
		if p.AdjMismatch != nil && *p.AdjMismatch {
			h.AdjMismatches++
		}
		if p.OOMScore != nil {
			withScore++
		}
		if p.Cgroup != nil {
			withCgroup++
		}
	}
	if len(res.Processes) > 0 && withScore == 0 {
		h.Warnings = append(h.Warnings, "no proc/<pid>/oom_score was read (sos before 4.2 does not copy it): processes are ordered by RSS plus swap instead")
	}
	if len(res.Processes) > 0 && withCgroup == 0 {
		h.Warnings = append(h.Warnings, "no process's cgroup was read (proc/<pid>/cgroup, or sos's ps … cgroup output): pods and QoS classes are unknown")
	}
	if s.bundle && s.tree.Len() >= sosNumProcs {
		h.Warnings = append(h.Warnings, fmt.Sprintf("%d processes read: sos copies proc/<pid>/ of at most %d by default (process.numprocs), so the ranking may lack some", s.tree.Len(), sosNumProcs))
	}
	if h.MemTotalBytes == nil {
		h.Warnings = append(h.Warnings, "the node's MemTotal is unknown (proc/meminfo): Burstable containers get a range, not a value")
	}
	if r.ByPod {
		h.Pods = correlate.GroupByPod(res.Processes)
		for i := range h.Pods {
			h.Pods[i].Processes = topN(h.Pods[i].Processes, r.Top)
		}
	}
	h.Processes = topN(res.Processes, r.Top)
	return h
}

func topN(ps []correlate.ProcRank, n int) []correlate.ProcRank {
	if n > 0 && len(ps) > n {
		return ps[:n]
	}
	return ps
}

// readProcSets reads the process files: this node's /proc when root is "",
// a folder holding proc/ directly (a sosreport folder, a mounted root), or
// else every proc tree inside a folder or archive.
func readProcSets(ctx context.Context, root string, stderr io.Writer) ([]procSet, error) {
	if root == "" {
		return readProcFolder("", procRoot, false)
	}
	if st, err := os.Stat(filepath.Join(root, "proc")); err == nil && st.IsDir() {
		_, err := os.Stat(filepath.Join(root, "sos_commands"))
		return readProcFolder(root, filepath.Join(root, "proc"), err == nil)
	}
	return readProcArchive(ctx, root, stderr)
}

func readProcFolder(root, procDir string, isBundle bool) ([]procSet, error) {
	tree, err := parse.ReadProcDir(procDir)
	if err != nil {
		return nil, err
	}
	s := procSet{root: procDir, tree: tree, bundle: isBundle}
	if f, err := os.Open(filepath.Join(procDir, "meminfo")); err == nil {
		if err := bundle.ReadFact(bundle.FactMeminfo, f, &s.facts); err != nil {
			s.warnings = append(s.warnings, err.Error())
		}
		f.Close()
	}
	if root == "" {
		s.facts.Hostname, _ = os.Hostname()
	} else {
		for _, name := range []string{"hostname", "etc/hostname"} {
			if f, err := os.Open(filepath.Join(root, name)); err == nil {
				_ = bundle.ReadFact(bundle.FactHostname, f, &s.facts)
				f.Close()
				if s.facts.Hostname != "" {
					break
				}
			}
		}
		if data, err := os.ReadFile(filepath.Join(root, sosPsCgroup)); err == nil {
			tree.AddPsCgroups(data)
		}
	}
	if tree.Len() == 0 {
		return nil, fmt.Errorf("%s: no proc/<pid>/ folders", procDir)
	}
	return []procSet{s}, nil
}

// readProcArchive walks a folder or archive (streamed, nothing unpacked)
// and gathers the proc/<pid>/<file> members of each tree, with the tree's
// proc/meminfo, hostname and sos ps output. A sos collect archive holds one
// tree per node.
func readProcArchive(ctx context.Context, root string, stderr io.Writer) ([]procSet, error) {
	sets := map[string]*procSet{}
	get := func(m *archive.Member, prefix string) *procSet {
		key := strings.Join(append(append([]string{}, m.Outer...), prefix), "!")
		s, ok := sets[key]
		if !ok {
			shown := strings.TrimSuffix(strings.Join(append(append([]string{}, m.Outer...), prefix), "!"), "/")
			if len(m.Outer) == 0 {
				shown = filepath.Join(root, prefix)
			}
			s = &procSet{root: shown, tree: parse.NewProcTree(), bundle: true}
			sets[key] = s
		}
		return s
	}
	visit := func(m *archive.Member) error {
		name := m.Name
		if prefix, pid, file, ok := parse.ProcPath(name); ok {
			data, err := io.ReadAll(io.LimitReader(m.Content, 64<<10))
			if err != nil {
				return err
			}
			get(m, prefix).tree.Add(pid, file, data)
			return nil
		}
		switch {
		case hasTreeSuffix(name, "proc/meminfo"):
			s := get(m, trimTreeSuffix(name, "proc/meminfo"))
			if err := bundle.ReadFact(bundle.FactMeminfo, m.Content, &s.facts); err != nil {
				s.warnings = append(s.warnings, err.Error())
			}
		case hasTreeSuffix(name, "etc/hostname"):
			_ = bundle.ReadFact(bundle.FactHostname, m.Content, &get(m, trimTreeSuffix(name, "etc/hostname")).facts)
		case hasTreeSuffix(name, "hostname"):
			_ = bundle.ReadFact(bundle.FactHostname, m.Content, &get(m, trimTreeSuffix(name, "hostname")).facts)
		case hasTreeSuffix(name, sosPsCgroup):
			data, err := io.ReadAll(io.LimitReader(m.Content, 64<<20))
			if err != nil {
				return err
			}
			get(m, trimTreeSuffix(name, sosPsCgroup)).tree.AddPsCgroups(data)
		}
		return nil
	}
	problem := func(path string, err error) { fmt.Fprintf(stderr, "oomtriage: %s: %v\n", path, err) }
	if err := archive.Walk(ctx, root, nil, archive.Limits{}, visit, problem); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(sets))
	for k, s := range sets {
		if s.tree.Len() > 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no proc/<pid>/ files (oom_score, oom_score_adj, status, cgroup, comm) in it", root)
	}
	sort.Strings(keys)
	out := make([]procSet, 0, len(keys))
	for _, k := range keys {
		out = append(out, *sets[k])
	}
	return out, nil
}

// hasTreeSuffix reports a member named suffix at the top of a tree:
// "suffix" or ".../suffix".
func hasTreeSuffix(name, suffix string) bool {
	return name == suffix || strings.HasSuffix(name, "/"+suffix)
}

func trimTreeSuffix(name, suffix string) string { return strings.TrimSuffix(name, suffix) }

func (r *rankCmd) writeText(w io.Writer, rep rankReport) error {
	for i, h := range rep.Hosts {
		if i > 0 {
			fmt.Fprintln(w)
		}
		host := h.Root
		if h.Hostname != nil {
			host = *h.Hostname + " (" + h.Root + ")"
		}
		mem := "MemTotal unknown"
		if h.MemTotalBytes != nil {
			mem = "MemTotal " + humanKB(*h.MemTotalBytes/1024)
		}
		fmt.Fprintf(w, "oomtriage rank: %s: %d processes by oom_score, first is killed first (%s, kubelet policy %s; %d kernel threads and zombies left out)\n",
			host, h.ProcessesTotal, mem, h.KubeletPolicy, h.NoMemory)
		if r.ByPod {
			for _, g := range h.Pods {
				title := "not in a pod"
				if g.Key != "" {
					title = "pod " + g.Key
					if g.QOSClass != nil {
						title += " (" + *g.QOSClass + ")"
					}
				}
				fmt.Fprintf(w, "\n%s\n", title)
				if err := writeRankTable(w, g.Processes, false); err != nil {
					return err
				}
			}
		} else if err := writeRankTable(w, h.Processes, true); err != nil {
			return err
		}
		if h.AdjMismatches > 0 {
			fmt.Fprintf(w, "%d process(es) have an oom_score_adj other than the expected one (MISMATCH)\n", h.AdjMismatches)
		}
	}
	return nil
}

func writeRankTable(w io.Writer, ps []correlate.ProcRank, podColumn bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "RANK\tOOM_SCORE\tADJ\tEXPECTED\tCHECK\tPID\tCOMM\tRSS\tSWAP\tQOS\t"
	if podColumn {
		head += "POD\t"
	}
	fmt.Fprintln(tw, head+"CONTAINER")
	for i := range ps {
		p := &ps[i]
		check := ""
		if p.AdjMismatch != nil {
			check = "ok"
			if *p.AdjMismatch {
				check = "MISMATCH"
			}
		}
		qos, pod, ctr := "-", "-", "-"
		if k := p.Kubernetes; k != nil {
			if k.QOSClass != nil {
				qos = *k.QOSClass
			}
			switch {
			case k.Namespace != nil && k.Pod != nil:
				pod = *k.Namespace + "/" + *k.Pod
			case k.PodUID != nil:
				pod = *k.PodUID
			}
			switch {
			case k.Sandbox:
				ctr = "(sandbox)"
			case k.Container != nil:
				ctr = *k.Container
			case k.ContainerID != nil:
				ctr = shortID(*k.ContainerID)
			}
		}
		row := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t", optInt(p.Rank), optInt(p.OOMScore), optInt(p.OOMScoreAdj),
			p.ExpectedString(), check, p.PID, tableSafe(p.Comm), optKB(p.RSSKB), optKB(p.SwapKB), qos)
		if podColumn {
			row += pod + "\t"
		}
		fmt.Fprintln(tw, row+ctr)
	}
	return tw.Flush()
}

// tableSafe keeps a comm (which a process may set to anything) on its row.
func tableSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func optInt(p *int) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

func optKB(p *int64) string {
	if p == nil {
		return "-"
	}
	return humanKB(*p)
}

// humanKB prints a kB amount in the largest binary unit that keeps it at
// least 1.
func humanKB(kb int64) string {
	switch {
	case kb >= 1<<20:
		return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
	case kb >= 1<<10:
		return fmt.Sprintf("%.1f MiB", float64(kb)/(1<<10))
	}
	return fmt.Sprintf("%d kB", kb)
}
