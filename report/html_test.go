package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oomtriage/oomtriage/correlate"
	"github.com/oomtriage/oomtriage/parse"
)

// Strings an attacker controls: a process may name itself anything, and a
// cgroup path, pod name or log line may carry markup.
const (
	injectedComm  = `<script>alert(1)</script>`
	injectedPath  = `"><img src=x onerror=alert(1)>`
	injectedError = `bad line <b onmouseover=alert(2)>here</b>`
)

func fxPtr[T any](v T) *T { return &v }

// fixtureReport is a small report with every shape the writers meet: a
// container OOM with wall-clock time and a known pod (whose victim and cgroup
// carry injected markup), a global OOM placed by boot time with a long
// ranking, an invocation that killed nothing and has no time at all, and a
// second pod on the same host with a pipe and a backtick in a process name.
func fixtureReport() *Report {
	r := New("test")
	r.Inputs = []Input{
		{Path: "node-a/kern.log", Kind: "syslog", Formats: []string{"syslog"}, Bytes: 9000, Lines: 120, Incidents: 2, Errors: []string{}},
		{Path: "node-b/dmesg.txt", Kind: "kernel", Formats: []string{"dmesg"}, Bytes: 4000, Lines: 60, Incidents: 2,
			Truncated: true, Errors: []string{injectedError}},
	}
	r.Warnings = []string{"node-b/dmesg.txt:3: callbacks suppressed"}
	r.Hosts = []Host{{Key: "bundle.tar.xz!sosreport:worker-3", Name: fxPtr("worker-3"), Layout: "sosreport",
		KernelRelease: fxPtr("6.1.0-18-amd64"), BootTime: fxPtr("2026-11-27T11:23:39Z"),
		Inputs: map[string]int{"kernel": 1, "host": 3, "journal": 1}, Missing: []string{"kubelet log"}}}

	victim := correlate.Incident{
		ID: "a1a1a1a1a1a1a1a1", Kind: "oom_kill", Host: fxPtr("worker-3"),
		BootSeconds: fxPtr(1237.901031), Time: fxPtr("2026-11-27T11:44:16.901031Z"), TimeSource: fxPtr("journal"),
		KernelVersion: fxPtr("6.1.0-18-amd64"), OOMKind: "memcg", Constraint: fxPtr("CONSTRAINT_MEMCG"),
		Trigger:   &correlate.Trigger{PID: fxPtr(24259), Comm: injectedComm, OOMScoreAdj: fxPtr(990), GFPMask: fxPtr("0xcc0(GFP_KERNEL)"), Order: fxPtr(0)},
		OOMMemcg:  fxPtr("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c9d.slice"),
		TaskMemcg: fxPtr("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7c9d.slice/" + injectedPath),
		Memcg:     &correlate.Memcg{UsageKB: fxPtr[int64](131072), LimitKB: fxPtr[int64](131072), Failcnt: fxPtr[int64](74), Unlimited: []string{}},
		Victim: &correlate.Victim{PID: 24177, Comm: injectedComm, UID: fxPtr(0), OOMScoreAdj: fxPtr(990),
			AnonRSSKB: fxPtr[int64](78720), FileRSSKB: fxPtr[int64](6756), ShmemRSSKB: fxPtr[int64](0), From: "kill_line"},
		GroupKills:    []correlate.Kill{},
		PageSizeBytes: 4096,
		Tasks: []correlate.Task{
			{PID: 24176, TGID: 24176, TotalVMPages: 4477, RSSPages: 3717, OOMScoreAdj: fxPtr[int64](-998), Name: "pause"},
			{PID: 24177, TGID: 24177, TotalVMPages: 22141, RSSPages: 21369, OOMScoreAdj: fxPtr[int64](990), Name: injectedComm},
		},
		Complete: true, Missing: []string{},
		Sources: []correlate.Source{{Path: "node-a/kern.log", Line: 2, Format: "syslog"}},
		Scope:   fxPtr("container"),
		Kubernetes: &correlate.Kubernetes{PodUID: fxPtr("7c9d1e2f-4a5b-4c6d-8e7f-0a1b2c3d4e5f"), Namespace: fxPtr("shop"),
			Pod: fxPtr("checkout-0"), Container: fxPtr("app"), ContainerID: fxPtr("1111222233334444"), Runtime: fxPtr("containerd"),
			QOSClass: fxPtr("Burstable"), ExpectedOOMScoreAdj: fxPtr(986), AdjMismatch: fxPtr(true)},
		Ranking: []correlate.Rank{{PID: 24177, Points: 1000, PointsWithoutAdj: 100, Rank: 1}, {PID: 24176, Points: 1, PointsWithoutAdj: 10, Rank: 2}},
		Outcome: fxPtr("restarted"),
		KubeletEvents: []correlate.Event{{Time: fxPtr("2026-11-27T11:44:17Z"), Kind: "container_died", ExitCode: fxPtr(137),
			Message: "container " + injectedComm + " exited 137", Source: parse.Source{Path: "node-a/kern.log", Line: 3}}},
		Findings: []correlate.Finding{
			{Code: "adj_mismatch", Severity: "warning", Message: "oom_score_adj 990 of " + injectedComm + " is not the 986 its QoS class gives"},
		},
	}

	global := correlate.Incident{
		ID: "b2b2b2b2b2b2b2b2", Kind: "oom_kill", BootSeconds: fxPtr(5123.402635), OOMKind: "global",
		Constraint: fxPtr("CONSTRAINT_NONE"),
		MemInfo:    &correlate.MemInfo{RAMPages: fxPtr[int64](524272), FreePages: fxPtr[int64](3428), SwapTotalKB: fxPtr[int64](0), SwapFreeKB: fxPtr[int64](0)},
		Victim: &correlate.Victim{PID: 900, Comm: "java", OOMScoreAdj: fxPtr(0),
			AnonRSSKB: fxPtr[int64](1500000), FileRSSKB: fxPtr[int64](2000), ShmemRSSKB: fxPtr[int64](0), From: "kill_line"},
		GroupKills: []correlate.Kill{}, PageSizeBytes: 4096, Complete: true, Missing: []string{},
		Sources: []correlate.Source{{Path: "node-b/dmesg.txt", Line: 10, Format: "dmesg"}},
		Scope:   fxPtr("system"),
	}
	for i := 0; i < 12; i++ {
		pid := int64(900 + i)
		global.Tasks = append(global.Tasks, correlate.Task{PID: pid, TGID: pid, RSSPages: int64(375000 - i*1000), OOMScoreAdj: fxPtr[int64](0), Name: fmt.Sprintf("proc%d", i)})
		global.Ranking = append(global.Ranking, correlate.Rank{PID: pid, Points: int64(375000 - i*1000), PointsWithoutAdj: int64(375000 - i*1000), Rank: i + 1})
	}

	nothing := correlate.Incident{
		ID: "c3c3c3c3c3c3c3c3", Kind: "oom_kill", OOMKind: "memcg", GroupKills: []correlate.Kill{},
		Complete: false, Missing: []string{"kill_line", "task_table"}, NoKillable: true,
		Sources: []correlate.Source{{Path: "node-b/dmesg.txt", Line: 40, Format: "dmesg"}},
	}

	pipe := correlate.Incident{
		ID: "d4d4d4d4d4d4d4d4", Kind: "oom_kill", Host: fxPtr("worker-3"), Time: fxPtr("2026-11-27T12:10:00Z"),
		OOMKind: "memcg", TaskMemcg: fxPtr("/kubepods.slice/kubepods-poddead.slice/cri-containerd-abc.scope"),
		Memcg:      &correlate.Memcg{UsageKB: fxPtr[int64](1048576), LimitKB: fxPtr[int64](1048576), Unlimited: []string{}},
		Victim:     &correlate.Victim{PID: 7, Comm: "a|b`c", AnonRSSKB: fxPtr[int64](1000000), From: "kill_line"},
		GroupKills: []correlate.Kill{{PID: 8, Comm: "helper"}}, PageSizeBytes: 4096, Complete: true, Missing: []string{},
		Sources: []correlate.Source{{Path: "node-a/kern.log", Line: 80, Format: "syslog"}},
		Scope:   fxPtr("pod"),
		Kubernetes: &correlate.Kubernetes{Namespace: fxPtr("mesh"), Pod: fxPtr("gateway-0"), QOSClass: fxPtr("Guaranteed"),
			ExpectedOOMScoreAdj: fxPtr(-997), AdjMismatch: fxPtr(false)},
		Findings: []correlate.Finding{{Code: "note", Severity: "info", Message: "line one\nline | two"}},
	}
	r.Incidents = []correlate.Incident{victim, global, nothing, pipe}
	return r
}

func renderHTML(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	return b.String()
}

func TestHTMLCountAndCards(t *testing.T) {
	r := fixtureReport()
	out := renderHTML(t, r)
	want := fmt.Sprintf(`<span id="incident-count">%d</span>`, len(r.Incidents))
	if !strings.Contains(out, want) {
		t.Errorf("no %s in the page", want)
	}
	if n := strings.Count(out, "data-incident-id="); n != len(r.Incidents) {
		t.Errorf("%d elements with data-incident-id, want %d", n, len(r.Incidents))
	}
	for _, inc := range r.Incidents {
		if !strings.Contains(out, `data-incident-id="`+inc.ID+`"`) {
			t.Errorf("no card for incident %s", inc.ID)
		}
	}
}

func TestHTMLEmptyReport(t *testing.T) {
	out := renderHTML(t, New("test"))
	if !strings.Contains(out, `<span id="incident-count">0</span>`) || strings.Contains(out, "data-incident-id=") {
		t.Errorf("an empty report should show 0 incidents and no cards")
	}
}

func TestHTMLEscapesLogStrings(t *testing.T) {
	out := renderHTML(t, fixtureReport())
	for _, raw := range []string{injectedComm, injectedPath, "<img", "<b onmouseover", "onmouseover=alert(2)>"} {
		if strings.Contains(out, raw) {
			t.Errorf("the page holds the raw string %q", raw)
		}
	}
	// The markup shows as text, escaped.
	for _, esc := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;", "&lt;b onmouseover=alert(2)&gt;"} {
		if !strings.Contains(out, esc) {
			t.Errorf("the page lacks the escaped text %q", esc)
		}
	}
	if n := strings.Count(strings.ToLower(out), "<script"); n != 1 {
		t.Errorf("%d <script elements, want exactly the page's own", n)
	}
	if m := regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`).FindString(out); m != "" {
		t.Errorf("an element with an event-handler attribute: %q", m)
	}
}

func TestHTMLSelfContained(t *testing.T) {
	out := renderHTML(t, fixtureReport())
	for _, s := range []string{"http://", "https://", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url("} {
		if strings.Contains(out, s) {
			t.Errorf("the page refers to something outside itself: %q", s)
		}
	}
	if m := regexp.MustCompile(`<[a-zA-Z]+[^>]*\s(src|srcset|data|action|xlink:href)=`).FindString(out); m != "" {
		t.Errorf("an element that loads something: %q", m)
	}
	if m := regexp.MustCompile(`href="([^"#][^"]*)"`).FindStringSubmatch(out); m != nil {
		t.Errorf("a link that leaves the page: %q", m[1])
	}
	// The CSP names the hash of exactly the inline script in the page.
	script := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindStringSubmatch(out)
	if script == nil {
		t.Fatal("no inline script")
	}
	sum := sha256.Sum256([]byte(script[1]))
	hash := "&#39;sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "&#39;"
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(out)
	if csp == nil {
		t.Fatal("no Content-Security-Policy meta element")
	}
	for _, want := range []string{"default-src &#39;none&#39;", "script-src " + hash} {
		if !strings.Contains(csp[1], want) {
			t.Errorf("CSP %q lacks %q", csp[1], want)
		}
	}
}

func TestHTMLDeterministic(t *testing.T) {
	first := renderHTML(t, fixtureReport())
	for i := 0; i < 5; i++ {
		if again := renderHTML(t, fixtureReport()); again != first {
			t.Fatal("two renders of the same report differ")
		}
	}
}

func TestHTMLFiltersAndTimeline(t *testing.T) {
	out := renderHTML(t, fixtureReport())
	for _, want := range []string{
		// Filters, populated from the data, unknown values last.
		`<select data-filter="ns"><option value="" data-all>all</option><option value="mesh">mesh (1)</option><option value="shop">shop (1)</option><option value="(unknown)">(unknown) (2)</option></select>`,
		`<option value="Burstable">Burstable (1)</option><option value="Guaranteed">Guaranteed (1)</option>`,
		`<option value="container">container (1)</option><option value="pod">pod (1)</option><option value="system">system (1)</option>`,
		// Timeline: one per host, pod lanes for wall-clock incidents, a
		// labelled boot lane and a no-time lane.
		`host <b>worker-3</b> · 2 incident(s)`,
		`host <b>(unknown)</b> · 2 incident(s)`,
		`>mesh/gateway-0</text>`,
		`>shop/checkout-0</text>`,
		`>dmesg.txt</text>`,
		`>boot → 100 min</text>`,
		`>no time stamp</text>`,
		// Memory bars: limit for a memcg OOM, RAM for a global one.
		`usage 128 MiB (100% of limit)`,
		`victim RSS 1.4 GiB (71.6% of RAM)`,
		// Ranking: top 10 of 12.
		`(top 10 of 12)`,
		`… 2 more candidate(s)`,
		// Findings and problems with inputs.
		`<code>adj_mismatch</code>`,
		`truncated <b>1</b>`,
		`<td>worker-3</td><td>sosreport</td><td>6.1.0-18-amd64</td><td>2026-11-27T11:23:39Z</td><td>?</td><td>host 3, journal 1, kernel 1</td><td>kubelet log</td>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Every timeline mark, overview row and card carries the filter keys.
	if got := strings.Count(out, `data-ns="shop" data-qos="Burstable" data-scope="container"`); got != 3 {
		t.Errorf("incident 1 carries its filter keys on %d elements, want 3 (mark, row, card)", got)
	}
}

// TestHTMLInChromium opens the page in headless Chromium through
// scripts/browser/check.mjs: no console errors, the incident count and the
// cards match, the filters work, and the injected markup stays text. It
// skips when node or chromium is missing, except under CI=true, where it
// fails.
func TestHTMLInChromium(t *testing.T) {
	unavailable := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf(format+" (CI=true: the browser test must run; apt-get install -y chromium nodejs)", args...)
		}
		t.Skipf(format, args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable("node not found: %v", err)
	}
	if v, err := exec.Command(node, "-e", "process.stdout.write(process.versions.node)").Output(); err != nil {
		unavailable("node does not run: %v", err)
	} else if major, _ := strconv.Atoi(strings.SplitN(string(v), ".", 2)[0]); major < 18 {
		unavailable("node %s is too old, need 18 or later", v)
	}
	chromium := findChromium()
	if chromium == "" {
		unavailable("chromium not found (set CHROMIUM, or apt-get install -y chromium)")
	}
	script, err := filepath.Abs(filepath.Join("..", "scripts", "browser", "check.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("browser check script: %v", err)
	}
	outDir := os.Getenv("OOMTRIAGE_TEST_OUTPUT")
	if outDir == "" {
		outDir = t.TempDir()
	} else if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}

	r := fixtureReport()
	page := renderHTML(t, r)
	dir := t.TempDir()
	run := func(t *testing.T, html, shot string) (string, int) {
		t.Helper()
		file := filepath.Join(dir, "report-"+filepath.Base(shot)+".html")
		if err := os.WriteFile(file, []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, script, file, strconv.Itoa(len(r.Incidents)), shot,
			"--expect-text", injectedComm, "--expect-text", injectedPath, "--full-page")
		cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return string(out), 0
		case errors.As(err, &exit):
			return string(out), exit.ExitCode()
		}
		t.Fatalf("running %s: %v\n%s", script, err, out)
		return "", -1
	}

	t.Run("report", func(t *testing.T) {
		shot := filepath.Join(outDir, "html-report-chromium.png")
		out, code := run(t, page, shot)
		if code != 0 {
			t.Fatalf("check.mjs exited %d:\n%s", code, out)
		}
		png, err := os.ReadFile(shot)
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatalf("no PNG screenshot at %s (%v)", shot, err)
		}
		t.Logf("screenshot: %s (%d bytes)", shot, len(png))
	})

	// The checker itself must notice markup that escaped: put the raw
	// strings back into the page and expect a failure.
	t.Run("checker catches unescaped markup", func(t *testing.T) {
		broken := strings.Replace(page, "&lt;script&gt;alert(1)&lt;/script&gt;", injectedComm, 1)
		broken = strings.Replace(broken, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;", injectedPath, 1)
		if broken == page {
			t.Fatal("the escaped strings were not found in the page")
		}
		out, code := run(t, broken, filepath.Join(dir, "broken.png"))
		if code != 1 {
			t.Fatalf("check.mjs exited %d on a page with live markup, want 1:\n%s", code, out)
		}
		for _, want := range []string{"CSP violations", "elements that load resources"} {
			if !strings.Contains(out, want) {
				t.Errorf("check.mjs output lacks %q:\n%s", want, out)
			}
		}
	})
}

// findChromium returns $CHROMIUM, /usr/bin/chromium or a Chromium on PATH.
func findChromium() string {
	if c := os.Getenv("CHROMIUM"); c != "" {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
		return ""
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
