package bundle

import (
	"testing"
	"time"
)

func TestTimedatectl(t *testing.T) {
	cases := []struct {
		file, zone string
		offset     int
	}{
		{"timedatectl", "Europe/Berlin", 3600},
		{"timedatectl_old", "America/New_York", -5 * 3600},
		{"timedatectl_na", "+0530", 19800}, // a zone no database has: the printed offset
	}
	for _, c := range cases {
		var f HostFacts
		if err := readFixture(t, FactTimedatectl, c.file, &f); err != nil {
			t.Fatal(err)
		}
		if f.Collected == nil || !f.Collected.Equal(utc("2026-11-27T11:44:16Z")) {
			t.Errorf("%s: Collected = %v", c.file, f.Collected)
		}
		if f.Location == nil || f.Location.String() != c.zone {
			t.Errorf("%s: Location = %v, want %s", c.file, f.Location, c.zone)
			continue
		}
		if _, off := f.Collected.In(f.Location).Zone(); off != c.offset {
			t.Errorf("%s: offset %d, want %d", c.file, off, c.offset)
		}
	}
}

func TestTimedatectlLocalOnly(t *testing.T) {
	f := HostFacts{Location: time.FixedZone("CET", 3600)}
	mustRead(t, FactTimedatectl, "      Local time: Fri 2026-11-27 12:44:16 CET\n       Time zone: n/a (UTC, +0000)\n", &f)
	if f.Location != time.UTC {
		t.Errorf("Location = %v, want UTC (timedatectl replaces a known zone)", f.Location)
	}
	f = HostFacts{}
	mustRead(t, FactTimedatectl, "Local time: Fri 2026-11-27 12:44:16 CET\nTimezone: Europe/Nowhere (CET, +0100)\n", &f)
	if f.Collected == nil || !f.Collected.Equal(utc("2026-11-27T11:44:16Z")) {
		t.Errorf("Collected = %v, want local time less the offset", f.Collected)
	}
}

func TestTimedatectlBad(t *testing.T) {
	cases := map[string]int{
		"Local time: Fri 2026-11-27 12:44:16 CET\nTime zone: Europe/Nowhere (CET)\n": 2,
		"Universal time: Fri 2026-13-45 99:00:00 UTC\n":                              1,
		"  Time zone: Europe/Nowhere (CET, +01h)\n":                                  1,
	}
	for in, line := range cases {
		var f HostFacts
		wantFactError(t, ReadFact(FactTimedatectl, stringReader(in), &f), FactTimedatectl, line)
	}
}
