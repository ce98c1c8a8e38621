package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/oomtriage/oomtriage/correlate"
)

const (
	procFixture = "../../testdata/proc/node-1"
	sosFixture  = "../../testdata/proc/sosreport-node-2"
	podsFixture = "../../testdata/proc/pods.yaml"
)

// rankDoc is rank's JSON output.
type rankDoc struct {
	Hosts []struct {
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
	} `json:"hosts"`
}

func rankJSON(t *testing.T, args ...string) rankDoc {
	t.Helper()
	code, out, stderr := runCLI(t, "", append([]string{"rank", "-o", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("rank %v: exit %d: %s", args, code, stderr)
	}
	var doc rankDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("rank -o json: %v\n%s", err, out)
	}
	return doc
}

// TestRankText compares the table for the fixture node, with its pods, to
// the golden file (OOMTRIAGE_UPDATE_GOLDEN=1 rewrites it).
func TestRankText(t *testing.T) {
	code, out, stderr := runCLI(t, "", "rank", "--root", procFixture, "--pods", podsFixture)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "../../testdata/proc/node-1.rank.txt", out)

	code, out, _ = runCLI(t, "", "rank", "--root", procFixture, "--pods", podsFixture, "--by-pod", "--top", "1")
	if code != exitOK {
		t.Fatal(code)
	}
	golden(t, "../../testdata/proc/node-1.rank-by-pod.txt", out)
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if os.Getenv("OOMTRIAGE_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// TestRankJSON checks the JSON form: host facts, the ranking, the expected
// oom_score_adj and its check, the groups.
func TestRankJSON(t *testing.T) {
	doc := rankJSON(t, "--root", procFixture, "--pods", podsFixture, "--by-pod")
	if len(doc.Hosts) != 1 {
		t.Fatalf("%d hosts", len(doc.Hosts))
	}
	h := doc.Hosts[0]
	if h.Hostname == nil || *h.Hostname != "node-1" || h.MemTotalBytes == nil || *h.MemTotalBytes != 16<<30 ||
		h.KubeletPolicy != "1.31" || h.ProcessesTotal != 13 || h.NoMemory != 2 || h.AdjMismatches != 2 || len(h.Warnings) != 0 {
		t.Errorf("host: %+v", h)
	}
	first := h.Processes[0]
	if *first.Rank != 1 || first.PID != 2001 || first.Comm != "java" || *first.OOMScore != 1374 || *first.OOMScoreAdj != 875 ||
		*first.ExpectedOOMScoreAdj != 875 || *first.ExpectedAdjRule != "burstable" || *first.AdjMismatch || *first.RSSKB != 3145728 ||
		*first.SwapKB != 1024 || *first.Kubernetes.Pod != "checkout-7d9f8b6c5-x2k4p" || *first.Kubernetes.Container != "app" ||
		*first.Kubernetes.QOSSource != "status" || *first.CgroupSource != "cgroup" {
		t.Errorf("first: %s", mustJSON(first))
	}
	var mismatches []int
	for _, p := range h.Processes {
		if p.AdjMismatch != nil && *p.AdjMismatch {
			mismatches = append(mismatches, p.PID)
		}
	}
	if fmt.Sprint(mismatches) != "[3002 901]" {
		t.Errorf("mismatches %v, want [3002 901]", mismatches)
	}
	if len(h.Pods) != 5 || h.Pods[0].Key != "shop/checkout-7d9f8b6c5-x2k4p" || len(h.Pods[0].Processes) != 3 {
		t.Errorf("pods: %s", mustJSON(h.Pods))
	}
	// --top cuts each list.
	doc = rankJSON(t, "--root", procFixture, "--top", "2")
	if n := len(doc.Hosts[0].Processes); n != 2 || doc.Hosts[0].ProcessesTotal != 13 || doc.Hosts[0].Pods != nil {
		t.Errorf("--top 2: %d processes of %d, pods %v", n, doc.Hosts[0].ProcessesTotal, doc.Hosts[0].Pods)
	}
}

// TestRankSosFolderAndArchive reads the sosreport fixture (sos copies no
// comm or cgroup: names come from status, cgroups from its ps output or
// cpuset) as a folder and as a tar.gz, which must give the same ranking.
func TestRankSosFolderAndArchive(t *testing.T) {
	folder := rankJSON(t, "--root", sosFixture, "--pods", podsFixture)
	archivePath := filepath.Join(t.TempDir(), "sosreport-node-2.tar.gz")
	writeTarGz(t, archivePath, sosFixture)
	arch := rankJSON(t, "--root", archivePath, "--pods", podsFixture)
	if len(folder.Hosts) != 1 || len(arch.Hosts) != 1 {
		t.Fatalf("hosts: folder %d, archive %d", len(folder.Hosts), len(arch.Hosts))
	}
	if a, b := mustJSON(folder.Hosts[0].Processes), mustJSON(arch.Hosts[0].Processes); a != b {
		t.Errorf("folder and archive rank differently:\n%s\n%s", a, b)
	}
	h := arch.Hosts[0]
	if h.Root != archivePath+"!sosreport-node-2" || h.Hostname == nil || *h.Hostname != "node-2.example.com" || *h.MemTotalBytes != 8<<30 {
		t.Errorf("archive host: root %q, hostname %v, mem %v", h.Root, h.Hostname, h.MemTotalBytes)
	}
	byPID := map[int]correlate.ProcRank{}
	var order []int
	for _, p := range h.Processes {
		byPID[p.PID] = p
		order = append(order, p.PID)
	}
	if fmt.Sprint(order) != "[1234 1300 1310 1400 700 1]" {
		t.Errorf("order %v", order)
	}
	java := byPID[1234]
	if *java.CgroupSource != "ps" || *java.Kubernetes.Pod != "checkout-7d9f8b6c5-x2k4p" || *java.ExpectedOOMScoreAdj != 750 || !*java.AdjMismatch {
		t.Errorf("java (request 2Gi of 8Gi: 1000-250 = 750, has 999): %s", mustJSON(java))
	}
	if py := byPID[1300]; *py.CgroupSource != "cpuset" || *py.Kubernetes.QOSClass != "BestEffort" || *py.ExpectedOOMScoreAdj != 1000 {
		t.Errorf("python (cgroup from cpuset): %s", mustJSON(py))
	}
	if wc := byPID[1310]; wc.Comm != "Web Content" || *wc.CgroupSource != "ps" {
		t.Errorf("a comm with a space in ps output: %s", mustJSON(wc))
	}
	if my := byPID[1400]; *my.ExpectedOOMScoreAdj != -997 || !*my.AdjMismatch {
		t.Errorf("mysqld at -998 is a 1.19 value: %s", mustJSON(my))
	}
	// The policy of an older kubelet makes -998 right, and the floor 2.
	old := rankJSON(t, "--root", archivePath, "--kubelet-version", "v1.19.16")
	for _, p := range old.Hosts[0].Processes {
		if p.PID == 1400 && (*p.ExpectedOOMScoreAdj != -998 || *p.AdjMismatch) {
			t.Errorf("1.19: %s", mustJSON(p))
		}
	}
}

// TestRankArchiveWithoutProc: an archive with no proc tree is an error
// that says what is missing.
func TestRankArchiveWithoutProc(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "dmesg"), []byte("hello\n"), 0o644)
	code, _, stderr := runCLI(t, "", "rank", "--root", dir)
	if code != exitFailure || !strings.Contains(stderr, "no proc/<pid>/ files") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := runCLI(t, "", "rank", "--kubelet-version", "banana"); code != exitUsage {
		t.Errorf("bad --kubelet-version: exit %d", code)
	}
	if code, _, _ := runCLI(t, "", "rank", "-o", "yaml"); code != exitUsage {
		t.Errorf("-o yaml: exit %d", code)
	}
}

func writeTarGz(t *testing.T, dst, src string) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	base := filepath.Dir(src)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(base, p)
		info, _ := d.Info()
		hdr, _ := tar.FileInfoHeader(info, "")
		hdr.Name = filepath.ToSlash(rel)
		if d.IsDir() {
			hdr.Name += "/"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tw.Close()
	gz.Close()
	if err := os.WriteFile(dst, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestRankLive is the test on this machine: a sleeping helper in a child
// memory cgroup, with oom_score_adj 777, must be listed by rank with that
// value, its oom_score from /proc and its cgroup, before it is killed.
func TestRankLive(t *testing.T) {
	memcgRoot, own := memcgEnv(t)
	dir, cgPath := childCgroup(t, memcgRoot, own, 64<<20)
	cmd, stdin := startHelper(t, "sleep")
	pid := cmd.Process.Pid
	writeFile(t, filepath.Join(dir, "cgroup.procs"), strconv.Itoa(pid))
	writeFile(t, fmt.Sprintf("/proc/%d/oom_score_adj", pid), "777")
	readScore := func() int {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/oom_score", pid))
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		return n
	}
	before := readScore()
	doc := rankJSON(t)
	after := readScore()
	var got *correlate.ProcRank
	for i, p := range doc.Hosts[0].Processes {
		if p.PID == pid {
			got = &doc.Hosts[0].Processes[i]
		}
	}
	if got == nil {
		t.Fatalf("rank does not list the helper (pid %d)", pid)
	}
	t.Logf("rank lists pid %d: rank %d, oom_score %d, oom_score_adj %d, comm %s, rss %d kB, cgroup %s (of %d processes)",
		pid, *got.Rank, *got.OOMScore, *got.OOMScoreAdj, got.Comm, *got.RSSKB, *got.Cgroup, doc.Hosts[0].ProcessesTotal)
	if *got.OOMScoreAdj != 777 || (*got.OOMScore != before && *got.OOMScore != after) || got.Comm != helperComm() ||
		got.Cgroup == nil || *got.Cgroup != cgPath || got.Rank == nil {
		t.Errorf("helper: %s; want oom_score_adj 777, oom_score %d, cgroup %s", mustJSON(got), before, cgPath)
	}
	// With adj 777 nothing else on this node outranks it, except other
	// processes that raised their own value.
	for _, p := range doc.Hosts[0].Processes {
		if p.PID == pid {
			break
		}
		if p.OOMScoreAdj != nil && *p.OOMScoreAdj < 777 && *p.OOMScore > *got.OOMScore {
			t.Errorf("pid %d (adj %d) ranks above the helper with a higher score?", p.PID, *p.OOMScoreAdj)
		}
	}
	code, out, _ := runCLI(t, "", "rank", "--top", "5")
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("  777  ")) || !strings.Contains(out, strconv.Itoa(pid)) {
		t.Errorf("text output lacks the helper:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, " "+strconv.Itoa(pid)+" ") {
			t.Logf("rank text row: %s", line)
		}
	}
	stdin.Close()
	cmd.Process.Kill()
	cmd.Wait()
}
