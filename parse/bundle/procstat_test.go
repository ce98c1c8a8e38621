package bundle

import "testing"

func TestProcStat(t *testing.T) {
	var f HostFacts
	if err := readFixture(t, FactProcStat, "proc_stat", &f); err != nil {
		t.Fatal(err)
	}
	if f.BootTime == nil || !f.BootTime.Equal(utc("2026-11-27T11:23:39Z")) || f.BootTime.Location() != utcLoc {
		t.Errorf("BootTime = %v, want 2026-11-27T11:23:39Z in UTC", f.BootTime)
	}
}

func TestProcStatNoBtime(t *testing.T) {
	var f HostFacts
	mustRead(t, FactProcStat, "cpu  1 2 3 4\ncpu0 1 2 3 4\nbtimer 5\n", &f)
	if f.BootTime != nil {
		t.Errorf("BootTime = %v, want none", f.BootTime)
	}
}

func TestProcStatBad(t *testing.T) {
	for _, in := range []string{"cpu  1\nbtime x\n", "cpu  1\nbtime -5\n", "cpu 1\nbtime\n"} {
		var f HostFacts
		err := ReadFact(FactProcStat, stringReader(in), &f)
		wantFactError(t, err, FactProcStat, 2)
		if f.BootTime != nil {
			t.Errorf("%q: BootTime set on error", in)
		}
	}
}
