package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/oomtriage/oomtriage/parse/archive"
	"github.com/oomtriage/oomtriage/parse/ingest"
)

// stateProbe records what the state made the runs read: the files read
// because the state lacked them (Store) and the files taken from it.
type stateProbe struct {
	mu     sync.Mutex
	stored []string
	reused []string
}

func probeState(t *testing.T) *stateProbe {
	t.Helper()
	p := &stateProbe{}
	onStateStore = func(path string) {
		p.mu.Lock()
		p.stored = append(p.stored, path)
		p.mu.Unlock()
	}
	onIngest = func(res *ingest.Result) {
		p.mu.Lock()
		p.reused = append([]string(nil), res.Reused...)
		p.mu.Unlock()
	}
	t.Cleanup(func() { onStateStore, onIngest = nil, nil })
	return p
}

// reset forgets the last run.
func (p *stateProbe) reset() {
	p.mu.Lock()
	p.stored, p.reused = nil, nil
	p.mu.Unlock()
}

func (p *stateProbe) read() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := slices.Clone(p.stored)
	sort.Strings(out)
	return out
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// kernelArchive copies testdata/kernel/*.log, but the last, into a new
// folder and returns the folder and the log left out.
func kernelArchive(t *testing.T) (dir, left string) {
	t.Helper()
	logs, err := filepath.Glob("../../testdata/kernel/*.log")
	if err != nil || len(logs) < 3 {
		t.Fatalf("testdata/kernel: %d logs, %v", len(logs), err)
	}
	sort.Strings(logs)
	dir = filepath.Join(t.TempDir(), "archive")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range logs[:len(logs)-1] {
		copyFile(t, l, filepath.Join(dir, filepath.Base(l)))
	}
	return dir, logs[len(logs)-1]
}

func analyzeOK(t *testing.T, args ...string) (string, string) {
	t.Helper()
	code, out, stderr := runCLI(t, "", append([]string{"analyze", "-q"}, args...)...)
	if code != exitOK {
		t.Fatalf("analyze %v: exit %d: %s", args, code, stderr)
	}
	return out, stderr
}

func incidentsOf(t *testing.T, report string) (ids []string, raw json.RawMessage) {
	t.Helper()
	var doc struct {
		Incidents json.RawMessage `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(report), &doc); err != nil {
		t.Fatal(err)
	}
	var incs []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(doc.Incidents, &incs); err != nil {
		t.Fatal(err)
	}
	for _, i := range incs {
		ids = append(ids, i.ID)
	}
	return ids, doc.Incidents
}

// TestStateIncremental is the cron case: analyse a folder with --state,
// add a rotated log, rerun: only the new file is read, and the report is a
// full run's, byte for byte.
func TestStateIncremental(t *testing.T) {
	dir, left := kernelArchive(t)
	state := filepath.Join(t.TempDir(), "oomtriage.state")
	p := probeState(t)
	old, _ := filepath.Glob(filepath.Join(dir, "*.log"))

	first, _ := analyzeOK(t, "-o", "json", "--state", state, dir)
	if got := p.read(); len(got) != len(old) || len(p.reused) != 0 {
		t.Fatalf("first run: read %d files, reused %d; want %d and 0", len(got), len(p.reused), len(old))
	}
	firstIDs, _ := incidentsOf(t, first)

	rotated := filepath.Join(dir, "kern.log.1")
	copyFile(t, left, rotated)
	p.reset()
	second, stderr := analyzeOK(t, "-o", "json", "--state", state, dir)
	if got := p.read(); !slices.Equal(got, []string{rotated}) {
		t.Errorf("second run read %v, want only %s", got, rotated)
	}
	if len(p.reused) != len(old) {
		t.Errorf("second run reused %d files, want %d", len(p.reused), len(old))
	}
	if stderr != "" {
		t.Errorf("stderr: %q", stderr)
	}

	p.reset()
	full, _ := analyzeOK(t, "-o", "json", dir)
	if len(p.stored) != 0 {
		t.Errorf("a run without --state stored %v", p.stored)
	}
	fullIDs, fullIncidents := incidentsOf(t, full)
	secondIDs, secondIncidents := incidentsOf(t, second)
	if !bytes.Equal(secondIncidents, fullIncidents) {
		t.Errorf("incidents of the incremental run differ from a full run's")
	}
	if second != full {
		t.Errorf("the incremental report differs from a full run's")
	}
	if len(fullIDs) <= len(firstIDs) {
		t.Errorf("the rotated log added no incident (%d, then %d)", len(firstIDs), len(fullIDs))
	}
	for _, id := range firstIDs {
		if !slices.Contains(secondIDs, id) {
			t.Errorf("incident %s of the first run lost its ID", id)
		}
	}

	// Nothing changed: nothing read, the state file left as it is.
	before, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	p.reset()
	third, _ := analyzeOK(t, "-o", "json", "--state", state, dir)
	after, _ := os.ReadFile(state)
	if len(p.read()) != 0 || third != full || !bytes.Equal(before, after) {
		t.Errorf("unchanged rerun: read %v, same report %v, state untouched %v", p.read(), third == full, bytes.Equal(before, after))
	}

	// A log that grows is read again; one that goes is dropped.
	grown := old[0]
	f, err := os.OpenFile(grown, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("[99999.000000] unrelated kernel line\n")
	f.Close()
	if err := os.Remove(old[1]); err != nil {
		t.Fatal(err)
	}
	p.reset()
	fourth, _ := analyzeOK(t, "-o", "json", "--state", state, dir)
	full, _ = analyzeOK(t, "-o", "json", dir)
	if got := p.read(); !slices.Equal(got, []string{grown}) {
		t.Errorf("after an append, read %v, want only %s", got, grown)
	}
	if fourth != full {
		t.Errorf("after an append and a removal, the incremental report differs from a full run's")
	}
	if h := readStateHeader(t, state); len(h.Files) != len(old) { // one removed, one added
		t.Errorf("state lists %d files, want %d", len(h.Files), len(old))
	}
}

// TestStateSameAsFullRun covers what a state entry must carry whole:
// bundle hosts with their facts and time zone, pods, kubelet events,
// skipped members and problems, in every format.
func TestStateSameAsFullRun(t *testing.T) {
	for _, in := range []string{"../../testdata/sample", "../../testdata/carriers", "../../testdata/kubelet",
		"../../testdata/objects", "../../testdata/correlate"} {
		t.Run(filepath.Base(in), func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "state")
			p := probeState(t)
			for _, format := range []string{"json", "text"} {
				full, fullErr := runNoCode(t, "-o", format, in)
				_, _ = runNoCode(t, "-o", format, "--state", state, in)
				p.reset()
				again, againErr := runNoCode(t, "-o", format, "--state", state, in)
				if len(p.read()) != 0 {
					t.Errorf("%s: rerun read %v", format, p.read())
				}
				if again != full || againErr != fullErr {
					t.Errorf("%s: rerun from the state differs from a full run", format)
				}
			}
		})
	}
}

func runNoCode(t *testing.T, args ...string) (string, string) {
	t.Helper()
	_, out, stderr := runCLI(t, "", append([]string{"analyze", "-q"}, args...)...)
	return out, stderr
}

// TestStateCorrupt: a damaged state is named on stderr, not used, and
// rewritten by a full run; the report is unchanged.
func TestStateCorrupt(t *testing.T) {
	dir, _ := kernelArchive(t)
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	full, _ := analyzeOK(t, "-o", "json", dir)
	good := filepath.Join(t.TempDir(), "good.state")
	analyzeOK(t, "-o", "json", "--state", good, dir)
	valid, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Clone(valid[:len(valid)/2])
	flipped := bytes.Clone(valid)
	flipped[len(flipped)-20] ^= 0xff // inside the last entry's deflate data or its CRC
	long := append(bytes.Clone(valid), valid[len(valid)-100:]...)

	tests := []struct {
		name, content, warning string
		readAll                bool
	}{
		{"garbage", "this is not a state file\x00\x01", "not a valid state file", true},
		{"empty", "", "not a valid state file", true},
		{"json not gzip", `{"format":"oomtriage-state","version":1}`, "not a valid state file", true},
		{"gzip of something else", gzipString(t, `{"format":"other"}`), "not a valid state file", true},
		{"cut", string(cut), "not a valid state file", true},
		{"trailing bytes", string(long), "not a valid state file", true},
		{"damaged entry", string(flipped), "reading the file again", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := filepath.Join(t.TempDir(), "oomtriage.state")
			if err := os.WriteFile(state, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			p := probeState(t)
			out, stderr := analyzeOK(t, "-o", "json", "--state", state, dir)
			if !strings.Contains(stderr, state) || !strings.Contains(stderr, tt.warning) {
				t.Errorf("stderr %q does not name %s with %q", stderr, state, tt.warning)
			}
			if out != full {
				t.Errorf("report differs from a full run's")
			}
			if n := len(p.read()); tt.readAll && n != len(logs) || !tt.readAll && n != 1 {
				t.Errorf("read %d files", n)
			}
			// Rebuilt: the next run reads nothing and says nothing.
			p.reset()
			out, stderr = analyzeOK(t, "-o", "json", "--state", state, dir)
			if len(p.read()) != 0 || stderr != "" || out != full {
				t.Errorf("after the rebuild: read %v, stderr %q", p.read(), stderr)
			}
		})
	}
}

func gzipString(t *testing.T, s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = io.WriteString(zw, s)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func readStateHeader(t *testing.T, path string) stateHeader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	zr.Multistream(false)
	var h stateHeader
	if err := json.NewDecoder(zr).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

// TestStateOtherConditions: a state written with other limits is not
// used (the limits change what a file gives), and says so.
func TestStateOtherConditions(t *testing.T) {
	dir, _ := kernelArchive(t)
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	state := filepath.Join(t.TempDir(), "state")
	p := probeState(t)
	analyzeOK(t, "--state", state, "--max-depth", "5", dir)
	p.reset()
	_, stderr := analyzeOK(t, "--state", state, dir)
	if !strings.Contains(stderr, "other --max-* limits") || len(p.read()) != len(logs) {
		t.Errorf("stderr %q, read %d of %d", stderr, len(p.read()), len(logs))
	}
	h := readStateHeader(t, state)
	if h.Format != stateFormat || h.Version != stateVersion || h.Limits.MaxDepth != 6 || h.Tool != toolID() {
		t.Errorf("header %+v", h)
	}
	for i, f := range h.Files {
		if f.Size <= 0 || !strings.HasPrefix(f.Digest, "sha256:") || f.ModTime.IsZero() || (i > 0 && f.Path < h.Files[i-1].Path) {
			t.Errorf("file %d: %+v", i, f)
		}
	}
}

// TestStateFileWrite: the state file is private, and no temporary file is
// left beside it; an unwritable state is an error after the report.
func TestStateFileWrite(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	analyzeOK(t, "--state", state, "../../testdata/carriers/dmesg.log")
	fi, err := os.Stat(state)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files beside the state: %v", entries)
	}
	code, out, stderr := runCLI(t, "", "analyze", "-q", "--state", filepath.Join(dir, "missing", "state"), "../../testdata/carriers/dmesg.log")
	if code != exitFailure || !strings.Contains(stderr, "--state") || out == "" {
		t.Errorf("unwritable state: exit %d, stderr %q, %d bytes of report", code, stderr, len(out))
	}
}

// TestStateInsideFolder: a state kept in the folder analysed is not one of
// its inputs.
func TestStateInsideFolder(t *testing.T) {
	dir, _ := kernelArchive(t)
	full, _ := analyzeOK(t, "-o", "json", dir)
	state := filepath.Join(dir, ".oomtriage-state")
	p := probeState(t)
	for i := range 2 {
		out, _ := analyzeOK(t, "-o", "json", "--state", state, dir)
		if out != full || slices.Contains(p.read(), state) {
			t.Errorf("run %d: the state file was an input", i+1)
		}
	}
}

// TestStateStdin: standard input is read every time and never kept.
func TestStateStdin(t *testing.T) {
	log, err := os.ReadFile("../../testdata/carriers/kmsg.log")
	if err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "state")
	for range 2 {
		code, out, stderr := runCLI(t, string(log), "analyze", "-q", "-o", "json", "--state", state, "-")
		if code != exitOK || !strings.Contains(out, `"kind": "oom_kill"`) {
			t.Fatalf("exit %d: %s", code, stderr)
		}
	}
	if h := readStateHeader(t, state); len(h.Files) != 0 {
		t.Errorf("stdin kept in the state: %+v", h.Files)
	}
}

func TestStateZones(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, loc := range []*time.Location{time.UTC, berlin, time.FixedZone("CET", 3600), time.FixedZone("", -5*3600),
		time.FixedZone("EST", -5*3600)} {
		z := zoneOf(loc)
		got, err := z.location()
		if err != nil {
			t.Fatalf("%v: %v", loc, err)
		}
		if !sameZone(got, loc) || got.String() != loc.String() {
			t.Errorf("%q (%+v) came back as %q", loc, z, got)
		}
	}
	if z := zoneOf(nil); z != nil {
		t.Errorf("nil zone: %+v", z)
	}
}

func TestRestoredError(t *testing.T) {
	e := &restoredError{msg: "x: limit", limit: true}
	wrapped := fmt.Errorf("member: %w", e)
	if !errors.Is(wrapped, archive.ErrLimit) || errors.Is(wrapped, archive.ErrTruncated) || e.Error() != "x: limit" {
		t.Errorf("restored error %v", e)
	}
}
