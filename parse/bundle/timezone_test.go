package bundle

import (
	"testing"
	"time"
)

func TestTimezone(t *testing.T) {
	f := HostFacts{Location: time.FixedZone("CET", 3600)}
	mustRead(t, FactTimezone, "Europe/Berlin\n", &f)
	if f.Location.String() != "Europe/Berlin" {
		t.Errorf("Location = %v", f.Location)
	}
	mustRead(t, FactTimezone, "Etc/UTC\n", &f)
	if f.Location != time.UTC {
		t.Errorf("Location = %v, want UTC", f.Location)
	}
	f = HostFacts{}
	mustRead(t, FactTimezone, "Mars/Olympus_Mons\n", &f)
	if f.Location != nil {
		t.Errorf("Location = %v for a zone no database has", f.Location)
	}
	wantFactError(t, ReadFact(FactTimezone, stringReader("# tz\nEurope Berlin\n"), &f), FactTimezone, 2)
}
