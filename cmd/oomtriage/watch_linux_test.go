package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	kmsgparser "github.com/euank/go-kmsg-parser/kmsgparser"

	"github.com/oomtriage/oomtriage/correlate"
	"github.com/oomtriage/oomtriage/parse"
)

// ---- a fake /dev/kmsg ----

// fakeParser is a kmsgparser.Parser over a list of records: it sends them,
// then, like /dev/kmsg, blocks until closed. SeekEnd skips the records
// already there; later ones are sent with send.
type fakeParser struct {
	mu      sync.Mutex
	initial []kmsgparser.Message
	out     chan kmsgparser.Message
	more    chan kmsgparser.Message
	closed  chan struct{}
	once    sync.Once
	seekEnd bool
}

func newFakeParser(msgs []kmsgparser.Message) *fakeParser {
	return &fakeParser{initial: msgs, more: make(chan kmsgparser.Message, 16), closed: make(chan struct{})}
}

func (f *fakeParser) SeekEnd() error {
	f.mu.Lock()
	f.seekEnd = true
	f.mu.Unlock()
	return nil
}

func (f *fakeParser) SetLogger(kmsgparser.Logger) {}

func (f *fakeParser) Close() error {
	f.once.Do(func() { close(f.closed) })
	return nil
}

func (f *fakeParser) Parse() <-chan kmsgparser.Message {
	f.out = make(chan kmsgparser.Message, 1)
	f.mu.Lock()
	initial := f.initial
	if f.seekEnd {
		initial = nil
	}
	f.mu.Unlock()
	go func() {
		defer close(f.out)
		for _, m := range initial {
			select {
			case f.out <- m:
			case <-f.closed:
				return
			}
		}
		for {
			select {
			case m := <-f.more:
				select {
				case f.out <- m:
				case <-f.closed:
					return
				}
			case <-f.closed:
				return
			}
		}
	}()
	return f.out
}

var fakeBoot = time.Date(2026, 11, 27, 11, 23, 39, 0, time.UTC)

// kmsgMessages reads a `cat /dev/kmsg` capture into the messages
// kmsgparser gives: Timestamp is boot plus the stamp, and Message keeps
// the record's dictionary lines, as a read of /dev/kmsg returns them.
func kmsgMessages(t testing.TB, path string) []kmsgparser.Message {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []kmsgparser.Message
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" {
			continue
		}
		if line[0] == ' ' {
			out[len(out)-1].Message += line + "\n"
			continue
		}
		head, msg, _ := strings.Cut(line, ";")
		f := strings.Split(head, ",")
		pri, _ := strconv.Atoi(f[0])
		seq, _ := strconv.Atoi(f[1])
		usec, _ := strconv.ParseInt(f[2], 10, 64)
		out = append(out, kmsgparser.Message{Priority: pri, SequenceNumber: seq,
			Timestamp: fakeBoot.Add(time.Duration(usec) * time.Microsecond), Message: msg + "\n"})
	}
	return out
}

// useFake makes watch read p; lastSeq < 0 makes the end of the buffer
// unknown, so --once must find it by the idle gap.
func useFake(t *testing.T, p *fakeParser, lastSeq int) {
	t.Helper()
	oldOpen, oldBounds, oldWall := openKmsg, kmsgSeqBounds, wallBootOf
	openKmsg = func() (kmsgSource, error) { return kmsgSource{parser: p, parserBoot: fakeBoot}, nil }
	kmsgSeqBounds = func(...int) (kmsgBounds, error) {
		if lastSeq < 0 {
			return kmsgBounds{}, errors.New("no raw reader in this test")
		}
		return kmsgBounds{lastSeq: lastSeq}, nil
	}
	wallBootOf = func() (time.Time, bool) { return fakeBoot, true }
	t.Cleanup(func() { openKmsg, kmsgSeqBounds, wallBootOf = oldOpen, oldBounds, oldWall })
}

// syncBuffer is a bytes.Buffer that a running command may write while the
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startWatch runs the CLI in a goroutine; the returned function cancels its
// context (what SIGINT/SIGTERM do in main) and returns its exit code.
func startWatch(t *testing.T, args ...string) (out, errb *syncBuffer, done <-chan int, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errb = &syncBuffer{}, &syncBuffer{}
	ch := make(chan int, 1)
	go func() {
		ch <- run(append([]string{"watch"}, args...), env{ctx: ctx, stdin: strings.NewReader(""), stdout: out, stderr: errb})
	}()
	stop = func() int {
		cancel()
		select {
		case code := <-ch:
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("watch did not stop within 10 s of its context ending")
			return -1
		}
	}
	t.Cleanup(func() { cancel() })
	return out, errb, ch, stop
}

func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func jsonLines(t *testing.T, s string) []correlate.Incident {
	t.Helper()
	var out []correlate.Incident
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		if line == "" {
			continue
		}
		var inc correlate.Incident
		if err := json.Unmarshal([]byte(line), &inc); err != nil {
			t.Fatalf("not one JSON incident per line: %v: %.200s", err, line)
		}
		out = append(out, inc)
	}
	return out
}

const kmsgFixture = "../../testdata/carriers/kmsg.log"
const samplePods = "../../testdata/sample/sosreport-worker-3-2026-11-27-qxvbtnm/sos_commands/kubernetes/cluster-info/shop/kubectl_get_-o_json_--namespace_shop_pods"

// TestWatchOnceMatchesAnalyze feeds the kmsg capture through watch --once
// and checks that it reports the kill as analyze reads it from the file:
// same victim, same cgroups, same boot seconds, named from --pods.
func TestWatchOnceMatchesAnalyze(t *testing.T) {
	msgs := kmsgMessages(t, kmsgFixture)
	useFake(t, newFakeParser(msgs), msgs[len(msgs)-1].SequenceNumber)
	code, out, stderr := runCLI(t, "", "watch", "--once", "-o", "jsonl", "--pods", samplePods)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := jsonLines(t, out)
	code, aout, _ := runCLI(t, "", "analyze", "-o", "json", kmsgFixture)
	if code != exitOK {
		t.Fatal("analyze failed")
	}
	var doc struct{ Incidents []correlate.Incident }
	if err := json.Unmarshal([]byte(aout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(doc.Incidents) != 1 {
		t.Fatalf("watch gave %d incidents, analyze %d; want 1 each:\n%s", len(got), len(doc.Incidents), out)
	}
	w, a := got[0], doc.Incidents[0]
	if w.Victim == nil || a.Victim == nil || w.Victim.PID != 24211 || w.Victim.PID != a.Victim.PID || *w.TaskMemcg != *a.TaskMemcg ||
		*w.OOMMemcg != *a.OOMMemcg || w.OOMKind != a.OOMKind || len(w.Tasks) != len(a.Tasks) || !w.Complete {
		t.Errorf("watch and analyze disagree:\nwatch   %.300s\nanalyze victim %+v", out, a.Victim)
	}
	if w.BootSeconds == nil || *w.BootSeconds != 1237.901031 || *w.BootSeconds != *a.BootSeconds {
		t.Errorf("boot_seconds %v, want 1237.901031", w.BootSeconds)
	}
	if w.Time == nil || *w.Time != "2026-11-27T11:44:16.901031Z" {
		t.Errorf("time %v, want 2026-11-27T11:44:16.901031Z (boot 11:23:39Z + 1237.901031 s)", w.Time)
	}
	if w.Sources[0].Path != "/dev/kmsg" || w.Sources[0].Line != 1081 || w.Sources[0].Format != "kmsg" {
		t.Errorf("source %+v, want /dev/kmsg record 1081", w.Sources[0])
	}
	if k := w.Kubernetes; k == nil || k.Pod == nil || *k.Pod != "checkout-7d9f8b6c5-x2k4p" || *k.Namespace != "shop" {
		t.Errorf("pod not named from --pods: %+v", k)
	}
	if w.Reaper == nil || !w.Reaper.Reaped {
		t.Errorf("the oom_reaper line after the kill is part of the incident: %+v", w.Reaper)
	}
}

// TestWatchText checks the one-line text form.
func TestWatchText(t *testing.T) {
	msgs := kmsgMessages(t, kmsgFixture)
	useFake(t, newFakeParser(msgs), msgs[len(msgs)-1].SequenceNumber)
	code, out, stderr := runCLI(t, "", "watch", "--once", "--pods", samplePods)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1:\n%s", len(lines), out)
	}
	for _, want := range []string{
		"2026-11-27T11:44:16.901031Z  host ",
		"  memcg (scope pod)  killed java (pid 24211, oom_score_adj 907, anon-rss 1804136 kB)  trigger C2 CompilerThre (pid 24259)",
		"  pod shop/checkout-7d9f8b6c5-x2k4p",
		"QoS Burstable",
		"  cgroup /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod3f6b2a1e_8c4d_4e7a_9b5f_2d1c0e9a8b7c.slice/cri-containerd-189459c7825e1561f401e8f11f75c848d4e793834a2f52201978ae8702a3ff95.scope",
		"  limit of /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod3f6b2a1e_8c4d_4e7a_9b5f_2d1c0e9a8b7c.slice",
		"  usage 2097152 kB of 2097152 kB  id ",
	} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("line lacks %q:\n%s", want, lines[0])
		}
	}
}

// TestWatchFollowIdleFlush: following the log, a kill is written once the
// log has been quiet for --idle, while watch keeps running; a kill after
// that is written too; ending the context ends watch with exit 0.
func TestWatchFollowIdleFlush(t *testing.T) {
	msgs := kmsgMessages(t, kmsgFixture)
	fp := newFakeParser(msgs)
	useFake(t, fp, -1)
	out, _, done, stop := startWatch(t, "-o", "jsonl", "--idle", "50ms")
	waitFor(t, "the first kill", 5*time.Second, func() bool { return strings.Count(out.String(), "\n") == 1 })
	select {
	case code := <-done:
		t.Fatalf("watch ended by itself (exit %d) while following", code)
	default:
	}
	// The same kill again, 100 s later, as new records.
	for _, m := range msgs {
		m.SequenceNumber += 1000
		m.Timestamp = m.Timestamp.Add(100 * time.Second)
		fp.more <- m
	}
	waitFor(t, "the second kill", 5*time.Second, func() bool { return strings.Count(out.String(), "\n") == 2 })
	if code := stop(); code != exitOK {
		t.Fatalf("exit %d after the context ended", code)
	}
	incs := jsonLines(t, out.String())
	if *incs[1].BootSeconds != 1337.901031 || incs[1].Sources[0].Line != 2081 {
		t.Errorf("second kill: boot %v, source %+v", *incs[1].BootSeconds, incs[1].Sources[0])
	}
}

// TestWatchFromEnd: --from-end skips what the buffer holds.
func TestWatchFromEnd(t *testing.T) {
	msgs := kmsgMessages(t, kmsgFixture)
	fp := newFakeParser(msgs)
	useFake(t, fp, -1)
	started := make(chan struct{})
	old := watchStarted
	watchStarted = func() { close(started) }
	t.Cleanup(func() { watchStarted = old })
	out, _, _, stop := startWatch(t, "--from-end", "--idle", "30ms")
	<-started
	time.Sleep(200 * time.Millisecond)
	if code := stop(); code != exitOK || out.String() != "" {
		t.Fatalf("exit %d, output %q; want nothing from the old buffer", code, out.String())
	}
}

// TestWatchOnceIdleEnd: when the end of the buffer cannot be read
// beforehand, --once ends after the idle gap by itself.
func TestWatchOnceIdleEnd(t *testing.T) {
	msgs := kmsgMessages(t, kmsgFixture)
	useFake(t, newFakeParser(msgs), -1)
	_, _, done, _ := startWatch(t, "--once", "--idle", "100ms")
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("watch --once did not end by itself")
	}
}

func TestWatchUsage(t *testing.T) {
	if code, _, stderr := runCLI(t, "", "watch", "--once", "--from-end"); code != exitUsage {
		t.Errorf("--once --from-end: exit %d (%s), want %d", code, stderr, exitUsage)
	}
	if code, _, _ := runCLI(t, "", "watch", "-o", "yaml"); code != exitUsage {
		t.Errorf("-o yaml: exit %d, want %d", code, exitUsage)
	}
	useFake(t, newFakeParser(nil), -1)
	if code, _, _ := runCLI(t, "", "watch", "--pods", filepath.Join(t.TempDir(), "missing.yaml")); code != exitFailure {
		t.Errorf("missing --pods file: exit %d, want %d", code, exitFailure)
	}
}

// TestWatchBoundedMemory feeds 3000 kills through one watcher: nothing of
// an emitted incident may stay behind.
func TestWatchBoundedMemory(t *testing.T) {
	msgs := kmsgMessages(t, kmsgFixture)
	const rounds = 3000
	wt := newWatcher(&watchCmd{Output: "jsonl", Idle: time.Second}, env{ctx: context.Background(), stdout: io.Discard, stderr: io.Discard},
		parse.Objects{}, kmsgSource{parserBoot: fakeBoot})
	wt.calibrated = true
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	feed := func(n int) {
		for i := range n {
			for _, m := range msgs {
				m.SequenceNumber += i * 100
				wt.add(m)
			}
		}
	}
	feed(100) // warm up
	before := heap()
	feed(rounds)
	wt.asm.Flush()
	after := heap()
	if wt.emits != rounds+100 {
		t.Fatalf("%d incidents written, want %d", wt.emits, rounds+100)
	}
	if after > before && after-before > 4<<20 {
		t.Errorf("heap grew by %d bytes over %d kills", after-before, rounds)
	}
}

// TestEnrichFromProc: a kill line without cgroup paths gets the victim's
// memory cgroup from /proc/<pid>/cgroup while the victim is still there
// under the same name.
func TestEnrichFromProc(t *testing.T) {
	root := t.TempDir()
	old := procRoot
	procRoot = root
	t.Cleanup(func() { procRoot = old })
	cg := "/kubepods/burstable/pod3f6b2a1e-8c4d-4e7a-9b5f-2d1c0e9a8b7c/" + strings.Repeat("ab", 32)
	write := func(pid int, comm string) {
		dir := filepath.Join(root, strconv.Itoa(pid))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "comm"), []byte(comm+"\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "cgroup"), []byte("12:pids:/x\n4:memory:"+cg+"\n"), 0o644)
	}
	write(4242, "java")
	write(4343, "bash") // pid reused by another program

	var lines []string
	for _, pid := range []int{4242, 4343} {
		msgs := []kmsgparser.Message{{Priority: 3, SequenceNumber: pid, Timestamp: fakeBoot.Add(time.Hour),
			Message: fmt.Sprintf("Memory cgroup out of memory: Killed process %d (java) total-vm:4807464kB, anon-rss:1804136kB, file-rss:16716kB, shmem-rss:0kB, UID:1000 pgtables:4008kB oom_score_adj:907\n", pid)}}
		useFake(t, newFakeParser(msgs), pid)
		code, out, stderr := runCLI(t, "", "watch", "--once", "-o", "jsonl")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		lines = append(lines, out)
	}
	incs := jsonLines(t, lines[0])
	if len(incs) != 1 || incs[0].TaskMemcg == nil || *incs[0].TaskMemcg != cg || incs[0].Kubernetes == nil ||
		*incs[0].Kubernetes.PodUID != "3f6b2a1e-8c4d-4e7a-9b5f-2d1c0e9a8b7c" || !hasFinding(incs[0], "task_memcg_from_proc") {
		t.Errorf("victim still in /proc: %.400s", lines[0])
	}
	incs = jsonLines(t, lines[1])
	if len(incs) != 1 || incs[0].TaskMemcg != nil || hasFinding(incs[0], "task_memcg_from_proc") {
		t.Errorf("pid reused by another comm must not give the cgroup: %.400s", lines[1])
	}
}

func hasFinding(inc correlate.Incident, code string) bool {
	for _, f := range inc.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// ---- tests on the machine itself: /dev/kmsg, /proc, cgroup v1 memory ----

// liveEnv says why this machine cannot run the live tests: they need root,
// a readable /dev/kmsg and the cgroup v1 memory controller. Under CI=true
// that fails the test; elsewhere it skips it, saying why.
func liveEnv(t *testing.T) (memcgRoot, ownCgroup string) {
	t.Helper()
	requireKmsg(t)
	return memcgEnv(t)
}

// memcgEnv needs root and the cgroup v1 memory controller; it returns the
// controller's mount and this process's memory cgroup.
func memcgEnv(t *testing.T) (memcgRoot, ownCgroup string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		liveUnavailable(t, "not Linux")
	}
	unavailable := func(format string, args ...any) {
		t.Helper()
		liveUnavailable(t, format, args...)
	}
	if os.Geteuid() != 0 {
		unavailable("not root (euid %d): creating a memory cgroup needs it", os.Geteuid())
	}
	memcgRoot = "/sys/fs/cgroup/memory"
	if _, err := os.Stat(filepath.Join(memcgRoot, "memory.limit_in_bytes")); err != nil {
		unavailable("no cgroup v1 memory controller at %s: %v", memcgRoot, err)
	}
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		unavailable("cannot read /proc/self/cgroup: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.SplitN(line, ":", 3); len(f) == 3 && hasWord(f[1], "memory") {
			return memcgRoot, f[2]
		}
	}
	unavailable("no memory controller line in /proc/self/cgroup: %q", data)
	return "", ""
}

// liveUnavailable skips the test, saying why, or fails it under CI=true.
func liveUnavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := "this machine cannot run the live test: " + fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: the CI machine must provide it)")
	}
	t.Skip(msg)
}

// requireKmsg needs Linux and a readable /dev/kmsg.
func requireKmsg(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		liveUnavailable(t, "not Linux")
	}
	f, err := os.Open(devKmsgPath)
	if err != nil {
		liveUnavailable(t, "cannot read /dev/kmsg: %v", err)
	}
	f.Close()
}

func hasWord(list, w string) bool {
	for _, x := range strings.Split(list, ",") {
		if x == w {
			return true
		}
	}
	return false
}

// childCgroup creates <own memory cgroup>/oomtriage-test-<rand> with the
// given limit (and the same memory+swap limit when swap accounting is on),
// removed at the end of the test. It returns its folder and its path as the
// kernel prints it.
func childCgroup(t *testing.T, memcgRoot, own string, limit int64) (dir, path string) {
	t.Helper()
	var b [4]byte
	rand.Read(b[:])
	path = strings.TrimSuffix(own, "/") + "/oomtriage-test-" + hex.EncodeToString(b[:])
	dir = filepath.Join(memcgRoot, path)
	if err := os.Mkdir(dir, 0o755); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("creating memory cgroup %s: %v", dir, err)
		}
		t.Skipf("this machine cannot run the live test: creating memory cgroup %s: %v", dir, err)
	}
	t.Cleanup(func() {
		// The cgroup can only go once its tasks are gone.
		for i := 0; i < 100; i++ {
			if err := os.Remove(dir); err == nil || errors.Is(err, os.ErrNotExist) {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Errorf("could not remove cgroup %s", dir)
	})
	writeFile(t, filepath.Join(dir, "memory.limit_in_bytes"), strconv.FormatInt(limit, 10))
	if _, err := os.Stat(filepath.Join(dir, "memory.memsw.limit_in_bytes")); err == nil {
		writeFile(t, filepath.Join(dir, "memory.memsw.limit_in_bytes"), strconv.FormatInt(limit, 10))
	}
	return dir, path
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatalf("writing %s: %v", path, err)
	}
}

// helperEnv names what the re-executed test binary does (TestOOMHelperProcess).
const helperEnv = "OOMTRIAGE_TEST_HELPER"

// startHelper runs this test binary as a helper process: "alloc" waits for
// a line on stdin, then allocates and touches 256 MiB; "sleep" waits for
// stdin to close.
func startHelper(t *testing.T, mode string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOOMHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, stdin
}

// TestOOMHelperProcess is not a test: it is the helper process of the live
// tests, run by startHelper.
func TestOOMHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	in := bufio.NewReader(os.Stdin)
	switch mode {
	case "alloc":
		if _, err := in.ReadString('\n'); err != nil {
			os.Exit(3)
		}
		b := make([]byte, 256<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		os.Exit(4) // not killed
	case "sleep":
		io.Copy(io.Discard, in)
		os.Exit(0)
	}
	os.Exit(5)
}

// helperComm is the helper's comm: the test binary's name, cut to 15 bytes.
func helperComm() string {
	c := filepath.Base(os.Args[0])
	if len(c) > 15 {
		c = c[:15]
	}
	return c
}

// oomKill runs a helper in a child memory cgroup limited to 32 MiB and
// lets it allocate past the limit; it returns the helper's pid and the
// cgroup's path once the kernel has killed it.
func oomKill(t *testing.T, memcgRoot, own string) (pid int, cgPath string) {
	t.Helper()
	dir, cgPath := childCgroup(t, memcgRoot, own, 32<<20)
	cmd, stdin := startHelper(t, "alloc")
	pid = cmd.Process.Pid
	writeFile(t, filepath.Join(dir, "cgroup.procs"), strconv.Itoa(pid))
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("the helper was not killed: %v", err)
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the helper ended with %v, not SIGKILL from the OOM killer", err)
	}
	return pid, cgPath
}

func findVictim(incs []correlate.Incident, pid int) *correlate.Incident {
	for i := range incs {
		if v := incs[i].Victim; v != nil && v.PID == pid {
			return &incs[i]
		}
	}
	return nil
}

// TestWatchLiveOOM is the end-to-end test on this machine: watch follows
// /dev/kmsg from its end, a helper in a 32 MiB memory cgroup allocates 256
// MiB and is killed, and watch must report that exact kill (pid, cgroup,
// limit) within 30 s; then watch --once must find it in the buffer and end
// by itself.
func TestWatchLiveOOM(t *testing.T) {
	memcgRoot, own := liveEnv(t)
	started := make(chan struct{})
	old := watchStarted
	var once sync.Once
	watchStarted = func() { once.Do(func() { close(started) }) }
	t.Cleanup(func() { watchStarted = old })
	out, errb, done, stop := startWatch(t, "--from-end", "-o", "jsonl", "--idle", "300ms")
	select {
	case <-started:
	case code := <-done:
		t.Fatalf("watch ended at once (exit %d): %s", code, errb.String())
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not start reading /dev/kmsg")
	}

	pid, cgPath := oomKill(t, memcgRoot, own)
	var inc *correlate.Incident
	waitFor(t, fmt.Sprintf("watch to report the kill of pid %d", pid), 30*time.Second, func() bool {
		inc = findVictim(jsonLines(t, out.String()), pid)
		return inc != nil
	})
	if code := stop(); code != exitOK {
		t.Errorf("watch: exit %d after its context ended: %s", code, errb.String())
	}
	t.Logf("watch reported: %s", incidentLine(inc))
	checkLiveKill(t, inc, pid, cgPath)

	// The same kill, read back from the ring buffer by --once, which must
	// end by itself.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	watchStarted = old
	var onceOut, onceErr bytes.Buffer
	start := time.Now()
	code := run([]string{"watch", "--once", "-o", "jsonl"}, env{ctx: ctx, stdin: strings.NewReader(""), stdout: &onceOut, stderr: &onceErr})
	if ctx.Err() != nil {
		t.Fatal("watch --once did not end by itself within 60 s")
	}
	if code != exitOK {
		t.Fatalf("watch --once: exit %d: %s", code, onceErr.String())
	}
	t.Logf("watch --once ended by itself after %s with %d incident(s)", time.Since(start).Round(time.Millisecond), strings.Count(onceOut.String(), "\n"))
	again := findVictim(jsonLines(t, onceOut.String()), pid)
	if again == nil {
		t.Fatalf("watch --once did not report the kill of pid %d:\n%s", pid, onceOut.String())
	}
	checkLiveKill(t, again, pid, cgPath)
	if again.ID != inc.ID || *again.BootSeconds != *inc.BootSeconds {
		t.Errorf("following and --once disagree: id %s vs %s, boot %v vs %v", inc.ID, again.ID, *inc.BootSeconds, *again.BootSeconds)
	}

	// The same without knowing where the buffer ends: --once must find its
	// end by the idle gap.
	oldBounds := kmsgSeqBounds
	kmsgSeqBounds = func(want ...int) (kmsgBounds, error) {
		b, err := devKmsgBounds(want...)
		b.lastSeq = -1
		return b, err
	}
	var idleOnce bytes.Buffer
	start = time.Now()
	code = run([]string{"watch", "--once", "-o", "jsonl", "--idle", "500ms"}, env{ctx: ctx, stdin: strings.NewReader(""), stdout: &idleOnce, stderr: io.Discard})
	kmsgSeqBounds = oldBounds
	if ctx.Err() != nil || code != exitOK {
		t.Fatalf("watch --once by idle gap: exit %d, context %v", code, ctx.Err())
	}
	t.Logf("watch --once without the buffer's end ended by the idle gap after %s", time.Since(start).Round(time.Millisecond))
	if again := findVictim(jsonLines(t, idleOnce.String()), pid); again == nil || again.ID != inc.ID {
		t.Errorf("watch --once by idle gap did not report the kill of pid %d:\n%s", pid, idleOnce.String())
	}

	// And the text line.
	var text bytes.Buffer
	ctx2, cancel2 := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel2()
	if code := run([]string{"watch", "--once"}, env{ctx: ctx2, stdin: strings.NewReader(""), stdout: &text, stderr: io.Discard}); code != exitOK {
		t.Fatalf("watch --once (text): exit %d", code)
	}
	want := fmt.Sprintf("killed %s (pid %d, oom_score_adj ", helperComm(), pid)
	found := false
	for _, line := range strings.Split(text.String(), "\n") {
		if strings.Contains(line, want) && strings.Contains(line, "cgroup "+cgPath) {
			t.Logf("watch --once text line: %s", line)
			found = true
		}
	}
	if !found {
		t.Errorf("no text line with %q and cgroup %s:\n%s", want, cgPath, text.String())
	}
}

func checkLiveKill(t *testing.T, inc *correlate.Incident, pid int, cgPath string) {
	t.Helper()
	if inc.OOMKind != "memcg" || inc.Victim.Comm != helperComm() || inc.TaskMemcg == nil || *inc.TaskMemcg != cgPath ||
		inc.OOMMemcg == nil || *inc.OOMMemcg != cgPath {
		t.Errorf("kill of pid %d: kind %s, comm %q, task_memcg %v, oom_memcg %v; want memcg, %q, %s",
			pid, inc.OOMKind, inc.Victim.Comm, strOrNil(inc.TaskMemcg), strOrNil(inc.OOMMemcg), helperComm(), cgPath)
	}
	if inc.Memcg == nil || inc.Memcg.LimitKB == nil || *inc.Memcg.LimitKB != 32<<10 {
		t.Errorf("memcg limit %+v, want 32768 kB", inc.Memcg)
	}
	if inc.BootSeconds == nil || inc.Time == nil || len(inc.Sources) == 0 || inc.Sources[0].Path != devKmsgPath {
		t.Errorf("boot %v, time %v, sources %+v", inc.BootSeconds, inc.Time, inc.Sources)
	}
	if inc.Time != nil {
		if tm, err := time.Parse(time.RFC3339Nano, *inc.Time); err != nil || time.Since(tm) > 5*time.Minute || time.Until(tm) > 5*time.Second {
			t.Errorf("time %s is not now", *inc.Time)
		}
	}
}

func strOrNil(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// TestWatchSignals runs the real main as a child and checks that SIGTERM
// and SIGINT end watch cleanly, with exit 0.
func TestWatchSignals(t *testing.T) {
	requireKmsg(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOOMHelperProcessMain$", "-test.count=1")
		cmd.Env = append(os.Environ(), helperEnv+"=main", "OOMTRIAGE_TEST_ARGS=watch --from-end")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until it has /dev/kmsg open.
		waitFor(t, "watch to open /dev/kmsg", 10*time.Second, func() bool {
			fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", cmd.Process.Pid))
			for _, fd := range fds {
				if l, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", cmd.Process.Pid, fd.Name())); l == devKmsgPath {
					return true
				}
			}
			return false
		})
		time.Sleep(100 * time.Millisecond)
		cmd.Process.Signal(sig)
		errc := make(chan error, 1)
		go func() { errc <- cmd.Wait() }()
		select {
		case err := <-errc:
			if err != nil {
				t.Errorf("%v: %v (stderr %q)", sig, err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("%v: watch did not exit within 10 s", sig)
		}
	}
}

// TestOOMHelperProcessMain is not a test: it runs oomtriage's main with
// OOMTRIAGE_TEST_ARGS for TestWatchSignals.
func TestOOMHelperProcessMain(t *testing.T) {
	if os.Getenv(helperEnv) != "main" {
		return
	}
	os.Args = append([]string{"oomtriage"}, strings.Fields(os.Getenv("OOMTRIAGE_TEST_ARGS"))...)
	main()
}
