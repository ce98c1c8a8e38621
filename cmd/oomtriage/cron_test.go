package main

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

const sampleBundle = "../../testdata/sample/sosreport-worker-3-2026-11-27-qxvbtnm.tar.xz"

// The sample's two kills are at 2026-11-27T11:44:16.901031Z and
// 11:45:02.51422Z; dmesg.log's kill has no wall-clock time.
var windowInputs = []string{sampleBundle, "../../testdata/carriers/dmesg.log"}

type windowReport struct {
	Incidents []struct {
		ID   string  `json:"id"`
		Time *string `json:"time"`
	} `json:"incidents"`
	KubeletEvents []struct {
		Time *string `json:"time"`
	} `json:"kubelet_events"`
	Warnings []string `json:"warnings"`
}

func analyzeWindow(t *testing.T, flags ...string) windowReport {
	t.Helper()
	args := append(append([]string{"analyze", "-q", "-o", "json"}, flags...), windowInputs...)
	code, out, stderr := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("%v: exit %d: %s", flags, code, stderr)
	}
	var r windowReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r windowReport) times() (timed []string, untimed int) {
	for _, inc := range r.Incidents {
		if inc.Time == nil {
			untimed++
			continue
		}
		timed = append(timed, *inc.Time)
	}
	return timed, untimed
}

func TestSinceUntil(t *testing.T) {
	all := analyzeWindow(t)
	if timed, untimed := all.times(); len(timed) != 2 || untimed != 1 {
		t.Fatalf("inputs give %v and %d without time; want 2 and 1", timed, untimed)
	}
	tests := []struct {
		name   string
		flags  []string
		timed  []string
		events int // kubelet events kept, of 7 (all timed, 3 before 11:45)
	}{
		{"rfc3339 since", []string{"--since", "2026-11-27T11:45:00Z"}, []string{"2026-11-27T11:45:02.51422Z"}, 4},
		{"rfc3339 until", []string{"--until", "2026-11-27T11:45:00Z"}, []string{"2026-11-27T11:44:16.901031Z"}, 3},
		{"offset and both", []string{"--since", "2026-11-27T12:44:00+01:00", "--until", "2026-11-27T12:45:00+01:00"}, []string{"2026-11-27T11:44:16.901031Z"}, 3},
		{"inclusive", []string{"--since", "2026-11-27T11:44:16.901031Z", "--until", "2026-11-27T11:45:02.51422Z"},
			[]string{"2026-11-27T11:44:16.901031Z", "2026-11-27T11:45:02.51422Z"}, 3},
		{"date", []string{"--since", "2026-11-28"}, nil, 0},
		{"relative since keeps", []string{"--since", "87600h"}, []string{"2026-11-27T11:44:16.901031Z", "2026-11-27T11:45:02.51422Z"}, 7},
		{"relative days", []string{"--since", "3650d"}, []string{"2026-11-27T11:44:16.901031Z", "2026-11-27T11:45:02.51422Z"}, 7},
		{"relative until drops", []string{"--until", "876000h"}, nil, 0},
		{"relative weeks", []string{"--until=-5200w"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyzeWindow(t, tt.flags...)
			timed, untimed := r.times()
			if strings.Join(timed, " ") != strings.Join(tt.timed, " ") || untimed != 1 {
				t.Errorf("kept %v and %d without time; want %v and 1", timed, untimed, tt.timed)
			}
			if len(r.KubeletEvents) != tt.events {
				t.Errorf("kept %d kubelet events, want %d", len(r.KubeletEvents), tt.events)
			}
			dropped := len(all.Incidents) - len(r.Incidents) + len(all.KubeletEvents) - len(r.KubeletEvents)
			said := strings.Contains(strings.Join(r.Warnings, "\n"), "--since/--until: left out")
			if said != (dropped > 0) {
				t.Errorf("dropped %d, warnings %q", dropped, r.Warnings)
			}
		})
	}
	for _, bad := range [][]string{{"--since", "yesterday"}, {"--until", "2026-11-27 11:00"}, {"--since", "d"},
		{"--since", "2026-11-28T00:00:00Z", "--until", "2026-11-27T00:00:00Z"}} {
		code, _, stderr := runCLI(t, "", append(append([]string{"analyze", "-q"}, bad...), windowInputs...)...)
		if code != exitUsage || !strings.Contains(stderr, bad[0]) && !strings.Contains(stderr, "--until") {
			t.Errorf("%v: exit %d, stderr %q", bad, code, stderr)
		}
	}
}

func TestParseTimeBound(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"24h":                       now.Add(-24 * time.Hour),
		"-90m":                      now.Add(-90 * time.Minute),
		"1h30m":                     now.Add(-90 * time.Minute),
		"7d":                        now.Add(-7 * 24 * time.Hour),
		"1.5d":                      now.Add(-36 * time.Hour),
		"2w":                        now.Add(-14 * 24 * time.Hour),
		"now":                       now,
		"2026-11-01":                time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		"2026-11-27T13:00:00+01:00": now,
	} {
		got, err := parseTimeBound(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "w", "7x", "yesterday", "--1h", "1d2h"} {
		if _, err := parseTimeBound(in, now); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}

// TestFailOn: exit 3 after the report when a finding at or above the
// severity is reported.
func TestFailOn(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"no flag", []string{sampleBundle}, exitOK},
		{"warning found", []string{"--fail-on", "warning", sampleBundle}, exitFindings},
		{"no error in the sample", []string{"--fail-on", "error", sampleBundle}, exitOK},
		{"error found", []string{"--fail-on", "error", "../../testdata/correlate/system-oom-guaranteed-killed"}, exitFindings},
		// The 11:45 kill has only an info finding: the window decides.
		{"outside the window", []string{"--fail-on", "warning", "--since", "2026-11-27T11:45:00Z", sampleBundle}, exitOK},
		{"bad severity", []string{"--fail-on", "info", sampleBundle}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", append([]string{"analyze", "-q", "-o", "json"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if tt.code == exitFindings {
				if !json.Valid([]byte(out)) || !strings.Contains(out, `"incidents"`) {
					t.Errorf("no report before exit 3")
				}
				if !strings.Contains(stderr, "--fail-on") {
					t.Errorf("stderr %q", stderr)
				}
			}
		})
	}
}

// TestJSONLines: one incident per line, each the report's incident.
func TestJSONLines(t *testing.T) {
	in := []string{"../../testdata/carriers", "../../testdata/kernel", sampleBundle}
	fullOut, _ := analyzeOK(t, append([]string{"-o", "json"}, in...)...)
	var doc struct {
		Incidents []json.RawMessage `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(fullOut), &doc); err != nil {
		t.Fatal(err)
	}
	out, _ := analyzeOK(t, append([]string{"-o", "jsonl"}, in...)...)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(doc.Incidents) || len(lines) < 10 {
		t.Fatalf("%d lines, %d incidents", len(lines), len(doc.Incidents))
	}
	for i, line := range lines {
		var inc struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(line), &inc); err != nil || len(inc.ID) != 16 {
			t.Fatalf("line %d: %v, id %q", i+1, err, inc.ID)
		}
		var want bytes.Buffer
		if err := json.Compact(&want, doc.Incidents[i]); err != nil {
			t.Fatal(err)
		}
		if line != want.String() {
			t.Errorf("line %d is not incident %d of the JSON report", i+1, i+1)
		}
	}
	if out, _ := analyzeOK(t, "-o", "jsonl", "../../testdata/objects"); strings.TrimSpace(out) != "" && !strings.HasPrefix(out, "{") {
		t.Errorf("jsonl of inputs without incidents: %q", out)
	}
}

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{
		"bash": "complete -C oomtriage oomtriage",
		"zsh":  "#compdef oomtriage",
		"fish": "complete -f -c oomtriage",
	} {
		code, out, stderr := runCLI(t, "", "completion", shell)
		if code != exitOK || !strings.Contains(out, want) || !strings.Contains(out, "oomtriage") {
			t.Errorf("%s: exit %d, %q, stderr %q", shell, code, out, stderr)
		}
	}
	if code, _, _ := runCLI(t, "", "completion", "tcsh"); code != exitUsage {
		t.Errorf("completion tcsh: exit %d", code)
	}

	// The shell runs oomtriage with COMP_LINE set; the arguments do not matter.
	for line, want := range map[string][]string{
		"oomtriage an":                                       {"analyze"},
		"oomtriage analyze -o js":                            {"json", "jsonl"},
		"oomtriage analyze --fail-on ":                       {"error", "warning"},
		"oomtriage analyze --sta":                            {"--state"},
		"oomtriage completion f":                             {"fish"},
		"oomtriage analyze ../../testdata/samp":              {"../../testdata/sample/"},
		"oomtriage analyze --html ../../testdata/sample/p":   {"../../testdata/sample/pack.sh"},
		"oomtriage analyze --parquet ../../testdata/sample/": {"../../testdata/sample/sosreport-worker-3-2026-11-27-qxvbtnm/"},
	} {
		t.Setenv("COMP_LINE", line)
		t.Setenv("COMP_POINT", "")
		code, out, stderr := runCLI(t, "", "oomtriage", "x", "oomtriage")
		got := strings.Fields(out)
		slices.Sort(got)
		if code != exitOK || !slices.Equal(got, want) {
			t.Errorf("COMP_LINE %q: exit %d, %q, stderr %q; want %v", line, code, out, stderr, want)
		}
	}
}

func TestManPage(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1795786400") // 2026-11-27T13:33:20Z
	code, out, stderr := runCLI(t, "", "man")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, `.TH OOMTRIAGE 1 "2026-11-27" "oomtriage dev"`) {
		t.Errorf("title line %q", strings.SplitN(out, "\n", 2)[0])
	}
	for _, want := range []string{".SH NAME", ".SH SYNOPSIS", ".SH COMMANDS", ".SH EXIT STATUS", `\-\-state`, `\-\-since`,
		`\-\-fail\-on`, `\fB\-o\fR, \fB\-\-output\fR=\fItext|json|jsonl|markdown|html\fR`, `.SS "oomtriage analyze [flags] <path> ..."`,
		`.SS "oomtriage completion <shell>"`, "\n.TP\n\\fB3\\fR\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
	for i, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "'") || (strings.HasPrefix(line, ".") && !strings.HasPrefix(line, `.\"`) && !isRoffRequest(line)) {
			t.Errorf("line %d is read as an unknown request: %q", i+1, line)
		}
	}
	// Hidden from the help, shown by the page itself.
	_, help, _ := runCLI(t, "", "--help")
	if strings.Contains(help, "man ") || !strings.Contains(help, "completion") {
		t.Errorf("--help: %s", help)
	}
}

func isRoffRequest(line string) bool {
	for _, r := range []string{".TH ", ".SH ", ".SS ", ".TP", ".PP", ".RS ", ".RE", ".nf", ".fi", ".br"} {
		if strings.HasPrefix(line, r) {
			return true
		}
	}
	return false
}

// TestNodeMemoryFlag gives a node capacity the inputs lack, so the expected
// oom_score_adj of a Burstable container can be computed.
func TestNodeMemoryFlag(t *testing.T) {
	dump := "../../../shared/corpus/dev/028-al2023-6.8plus-kubepods-slice-v2-oomgroup-grep-crlf.log"
	if _, err := os.Stat(dump); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip("the shared corpus is not beside the checkout")
	}
	pods := "../../testdata/correlate/k8s-028-node-memory-unknown/pods.yaml"
	expected := func(args ...string) any {
		doc := analyzeJSON(t, append(args, dump, pods)...)
		inc := doc["incidents"].([]any)[0].(map[string]any)
		return inc["kubernetes"].(map[string]any)["expected_oom_score_adj"]
	}
	if got := expected(); got != nil {
		t.Fatalf("without --node-memory: expected_oom_score_adj = %v, want null", got)
	}
	if got := expected("--node-memory", "16GiB"); got == nil {
		t.Fatal("with --node-memory: expected_oom_score_adj is still null")
	}
}

// TestColorFlag: colour only when asked for or on a terminal, never with
// NO_COLOR under auto, and always and never win over NO_COLOR.
func TestColorFlag(t *testing.T) {
	log := "../../testdata/carriers/mixed.log"
	colored := func(args ...string) bool {
		_, out, _ := runCLI(t, "", append([]string{"analyze"}, append(args, log)...)...)
		return strings.Contains(out, "\x1b[")
	}
	if colored() {
		t.Error("auto coloured output that is not a terminal")
	}
	if !colored("--color", "always") {
		t.Error("--color always gave no colour")
	}
	t.Setenv("NO_COLOR", "1")
	if !colored("--color", "always") {
		t.Error("--color always lost to NO_COLOR")
	}
	if colored("--color", "never") {
		t.Error("--color never coloured")
	}
}
