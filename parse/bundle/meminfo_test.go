package bundle

import "testing"

func TestMeminfo(t *testing.T) {
	var f HostFacts
	if err := readFixture(t, FactMeminfo, "meminfo", &f); err != nil {
		t.Fatal(err)
	}
	if f.MemTotalBytes == nil || *f.MemTotalBytes != 16318252*1024 {
		t.Errorf("MemTotalBytes = %v, want %d", f.MemTotalBytes, 16318252*1024)
	}
}

func TestMeminfoBad(t *testing.T) {
	cases := map[string]int{
		"MemFree: 1 kB\nMemTotal: lots kB\n":           2,
		"MemTotal: 16318252 MB\n":                      1,
		"MemTotal: 16318252\n":                         1,
		"MemTotal: 99999999999999999999 kB\n":          1,
		"MemTotal:       -5 kB\n":                      1,
		"MemTotal: 9223372036854775807 kB\nMemFree:\n": 1,
	}
	for in, line := range cases {
		var f HostFacts
		wantFactError(t, ReadFact(FactMeminfo, stringReader(in), &f), FactMeminfo, line)
		if f.MemTotalBytes != nil {
			t.Errorf("%q: MemTotalBytes set on error", in)
		}
	}
}

func TestMeminfoMissing(t *testing.T) {
	var f HostFacts
	mustRead(t, FactMeminfo, "MemFree: 1 kB\n", &f)
	if f.MemTotalBytes != nil {
		t.Errorf("MemTotalBytes = %d, want none", *f.MemTotalBytes)
	}
}
