package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, env{ctx: context.Background(), stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"usage: unknown flag", []string{"analyze", "--bogus", "x"}, exitUsage},
		{"usage: no path", []string{"analyze"}, exitUsage},
		{"usage: bad output", []string{"analyze", "-o", "xml", "x"}, exitUsage},
		{"usage: unknown command", []string{"frobnicate"}, exitUsage},
		{"usage: bad zone", []string{"analyze", "--timezone", "Mars/Olympus", "-"}, exitUsage},
		{"help", []string{"--help"}, exitOK},
		{"version", []string{"version"}, exitOK},
		{"nothing readable", []string{"analyze", filepath.Join(t.TempDir(), "missing.log")}, exitFailure},
		{"stdin", []string{"analyze", "-"}, exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
		})
	}
}

// TestAnalyzeJSON checks the contract's shape end to end and that a bad
// input beside a good one is reported without losing the good one.
func TestAnalyzeJSON(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "core.bin")
	if err := os.WriteFile(bin, []byte("\x00\x01\x02"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := "../../testdata/carriers/mixed.log"
	code, out, stderr := runCLI(t, "", "analyze", "-o", "json", good, bin)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "core.bin") {
		t.Errorf("stderr does not name the bad input: %q", stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["schema_version"] != float64(1) {
		t.Errorf("schema_version = %v", doc["schema_version"])
	}
	incs, _ := doc["incidents"].([]any)
	if len(incs) != 3 {
		t.Fatalf("%d incidents, want 3", len(incs))
	}
	for _, key := range []string{"id", "kind", "host", "boot_seconds", "time", "kernel_version", "trigger", "constraint",
		"oom_memcg", "task_memcg", "memcg", "victim", "group_kills", "tasks", "complete", "missing", "sources",
		"scope", "kubernetes", "ranking", "outcome", "kubelet_events", "findings"} {
		if _, ok := incs[0].(map[string]any)[key]; !ok {
			t.Errorf("incident lacks %q", key)
		}
	}
	inputs, _ := doc["inputs"].([]any)
	if len(inputs) != 2 {
		t.Fatalf("%d inputs, want 2", len(inputs))
	}
	if errs := inputs[1].(map[string]any)["errors"].([]any); len(errs) != 1 {
		t.Errorf("bad input errors = %v", errs)
	}
	for _, key := range []string{"pods", "kubelet_events", "warnings"} {
		if _, ok := doc[key].([]any); !ok {
			t.Errorf("%s is not a list", key)
		}
	}
}

// TestAnalyzeDeterministic runs twice over the same inputs and compares bytes.
func TestAnalyzeDeterministic(t *testing.T) {
	args := []string{"analyze", "-o", "json", "../../testdata/carriers", "../../testdata/kernel"}
	_, a, _ := runCLI(t, "", args...)
	_, b, _ := runCLI(t, "", args...)
	if a != b || len(a) < 1000 {
		t.Fatalf("two runs differ (or are empty: %d bytes)", len(a))
	}
}

func TestAnalyzeStdin(t *testing.T) {
	log, err := os.ReadFile("../../testdata/carriers/kmsg.log")
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, string(log), "analyze", "-o", "json", "-")
	if code != exitOK || !strings.Contains(out, `"kind": "oom_kill"`) {
		t.Fatalf("exit %d, output %.200s", code, out)
	}
}
