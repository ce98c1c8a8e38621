package bundle

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// readFixture runs ReadFact on a file in testdata/facts.
func readFixture(t *testing.T, fact Fact, name string, f *HostFacts) error {
	t.Helper()
	r, err := os.Open(filepath.Join("testdata", "facts", name))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return ReadFact(fact, r, f)
}

// mustRead runs ReadFact on s and fails the test on an error.
func mustRead(t *testing.T, fact Fact, s string, f *HostFacts) {
	t.Helper()
	if err := ReadFact(fact, strings.NewReader(s), f); err != nil {
		t.Fatalf("ReadFact(%s, %q): %v", fact, s, err)
	}
}

// wantFactError checks that err is a *FactError for fact at line.
func wantFactError(t *testing.T, err error, fact Fact, line int) {
	t.Helper()
	var fe *FactError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *FactError", err)
	}
	if fe.Fact != fact || fe.Line != line {
		t.Errorf("error %q: fact %s line %d, want %s line %d", err, fe.Fact, fe.Line, fact, line)
	}
	if !strings.HasPrefix(err.Error(), string(fact)+": ") {
		t.Errorf("error %q does not start with the fact name", err)
	}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestReadFactUnknownFact(t *testing.T) {
	if err := ReadFact("nonsense", strings.NewReader("x"), &HostFacts{}); err == nil {
		t.Fatal("no error for an unknown fact")
	}
}

func TestReadFactReadError(t *testing.T) {
	err := ReadFact(FactMeminfo, iotest.ErrReader(errors.New("disk on fire")), &HostFacts{})
	wantFactError(t, err, FactMeminfo, 0)
	if !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("error %q hides the cause", err)
	}
}

// TestReadFactLimit checks that a huge file is read only up to 4 MiB and
// that the line cut by the limit is not parsed.
func TestReadFactLimit(t *testing.T) {
	pad := strings.Repeat("intr 1 2 3 4 5 6 7 8 9\n", maxFactBytes/23)
	in := "btime 1795778619\n" + pad[:maxFactBytes-17-len("btime 17")] + "btime 17" + "95778620\n"
	var f HostFacts
	mustRead(t, FactProcStat, in, &f)
	if f.BootTime == nil || f.BootTime.Unix() != 1795778619 {
		t.Errorf("BootTime = %v, want the first btime (the cut line ignored)", f.BootTime)
	}
	err := ReadFact(FactSosManifest, strings.NewReader("{"+strings.Repeat(" ", maxFactBytes)+"}"), &f)
	wantFactError(t, err, FactSosManifest, 0)
}

func TestMerge(t *testing.T) {
	boot, coll := utc("2026-11-27T11:23:39Z"), utc("2026-11-27T11:44:16Z")
	mem, up := int64(16<<30), 21*time.Minute
	f := HostFacts{Hostname: "worker-3", BootTime: &boot}
	g := HostFacts{Hostname: "host0", KernelRelease: "5.15.0-1051-azure", BootTime: &coll, Collected: &coll,
		Location: time.UTC, MemTotalBytes: &mem, Truncated: []string{"a"}, Uptime: &up, OS: "Ubuntu"}
	f.Merge(g)
	if f.Hostname != "worker-3" || !f.BootTime.Equal(boot) {
		t.Errorf("Merge overwrote set fields: %+v", f)
	}
	if f.KernelRelease != g.KernelRelease || f.Collected != g.Collected || f.Location != time.UTC ||
		f.MemTotalBytes != g.MemTotalBytes || len(f.Truncated) != 1 || f.Uptime != g.Uptime || f.OS != "Ubuntu" {
		t.Errorf("Merge did not fill unset fields: %+v", f)
	}
	g.Truncated[0] = "changed"
	if f.Truncated[0] != "a" {
		t.Error("Merge shares the Truncated slice")
	}
}

var utcLoc = time.UTC

func stringReader(s string) *strings.Reader { return strings.NewReader(s) }
