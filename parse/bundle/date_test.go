package bundle

import (
	"errors"
	"testing"
	"time"
	_ "time/tzdata" // tests load IANA zones whatever the machine has
)

func TestDate(t *testing.T) {
	cases := []struct {
		in     string
		want   string // Collected, RFC 3339
		zone   string // Location name
		offset int    // Location offset at Collected
	}{
		{"Fri Nov 27 11:44:16 UTC 2026", "2026-11-27T11:44:16Z", "UTC", 0},
		{"Fri Nov 27 12:44:16 CET 2026", "2026-11-27T11:44:16Z", "CET", 3600},
		{"Sat Nov  7 03:44:16 PST 2026", "2026-11-07T11:44:16Z", "PST", -8 * 3600},
		{"Fri Nov 27 17:14:16 IST 2026", "2026-11-27T11:44:16Z", "IST", 19800},
		{"Fri Nov 27 20:44:16 JST 2026", "2026-11-27T11:44:16Z", "JST", 9 * 3600},
		{"Thu Jul 16 07:44:16 EDT 2026", "2026-07-16T11:44:16Z", "EDT", -4 * 3600},
		{"Fri Nov 27 14:44:16 +03 2026", "2026-11-27T11:44:16Z", "+03", 3 * 3600},
		{"Fri Nov 27 11:44:16 GMT 2026", "2026-11-27T11:44:16Z", "UTC", 0},
		{"Fri, 27 Nov 2026 12:44:16 +0100", "2026-11-27T11:44:16Z", "+0100", 3600},
		{"2026-11-27T12:44:16+01:00", "2026-11-27T11:44:16Z", "", 3600},
		{"2026-11-27T12:44:16,123456789+01:00", "2026-11-27T11:44:16.123456789Z", "", 3600},
		{"2026-11-27 12:44:16+01:00", "2026-11-27T11:44:16Z", "", 3600},
		{"2026-11-27T11:44:16Z", "2026-11-27T11:44:16Z", "UTC", 0},
		{"Fri Nov 27 11:44:16 AM CET 2026", "2026-11-27T10:44:16Z", "CET", 3600},
		{"Fri Nov 27 12:44:16 PM CET 2026", "2026-11-27T11:44:16Z", "CET", 3600},
		{"Fri Nov 27 12:44:16 AM UTC 2026", "2026-11-27T00:44:16Z", "UTC", 0},
		{"\n  Fri Nov 27 11:44:16 UTC 2026  \n", "2026-11-27T11:44:16Z", "UTC", 0},
	}
	for _, c := range cases {
		var f HostFacts
		mustRead(t, FactDate, c.in, &f)
		if f.Collected == nil || !f.Collected.Equal(utc(c.want)) || f.Collected.Location() != time.UTC {
			t.Errorf("%q: Collected = %v, want %s in UTC", c.in, f.Collected, c.want)
			continue
		}
		name, off := f.Collected.In(f.Location).Zone()
		if off != c.offset || (c.zone != "" && name != c.zone) {
			t.Errorf("%q: zone %s %d, want %s %d", c.in, name, off, c.zone, c.offset)
		}
	}
}

// TestDateLocation checks which location wins when several files give one.
func TestDateLocation(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	f := HostFacts{Location: berlin}
	mustRead(t, FactDate, "Fri Nov 27 12:44:16 CET 2026", &f)
	if f.Location != berlin {
		t.Errorf("date replaced a named zone with %v", f.Location)
	}
	f = HostFacts{}
	mustRead(t, FactDate, "Fri Nov 27 11:44:16 UTC 2026", &f) // date --utc
	mustRead(t, FactDate, "Fri Nov 27 12:44:16 CET 2026", &f) // date
	if f.Location.String() != "CET" {
		t.Errorf("Location = %v, want CET", f.Location)
	}
	mustRead(t, FactDate, "Fri Nov 27 11:44:16 UTC 2026", &f)
	if f.Location.String() != "CET" {
		t.Errorf("date --utc replaced the zone: %v", f.Location)
	}
}

func TestDateAmbiguousZone(t *testing.T) {
	var f HostFacts
	err := ReadFact(FactDate, stringReader("Fri Nov 27 19:44:16 CST 2026\n"), &f)
	wantFactError(t, err, FactDate, 1)
	if !errors.Is(err, ErrUnknownZone) || f.Collected != nil {
		t.Errorf("err %v, Collected %v; want ErrUnknownZone and nothing set", err, f.Collected)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	f = HostFacts{Location: shanghai}
	mustRead(t, FactDate, "Fri Nov 27 19:44:16 CST 2026\n", &f)
	if f.Collected == nil || !f.Collected.Equal(utc("2026-11-27T11:44:16Z")) {
		t.Errorf("with the host's zone known, Collected = %v", f.Collected)
	}
}

func TestDateBad(t *testing.T) {
	for _, in := range []string{
		"yesterday",
		"Fri Nov 27 2026",
		"Fri Nov 27 11:44:16 2026",
		"Fri Nov 27 25:61:16 UTC 2026",
		"Fri Nov 27 11:44:16 UTC CET 2026",
		"date: invalid option -- 'x'",
	} {
		var f HostFacts
		wantFactError(t, ReadFact(FactDate, stringReader(in), &f), FactDate, 1)
		if f.Collected != nil || f.Location != nil {
			t.Errorf("%q: fields set on error", in)
		}
	}
}
