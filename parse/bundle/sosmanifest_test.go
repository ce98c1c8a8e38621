package bundle

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSosManifest(t *testing.T) {
	var f HostFacts
	if err := readFixture(t, FactSosManifest, "manifest.json", &f); err != nil {
		t.Fatal(err)
	}
	// No zone known: the earliest command start, seconds since the epoch.
	if f.Collected == nil || f.Collected.Sub(utc("2026-11-27T11:44:20.212345Z")).Abs() > time.Microsecond {
		t.Errorf("Collected = %v, want 2026-11-27T11:44:20.212345Z", f.Collected)
	}
	want := []string{
		"sos_commands/logs/journalctl_--no-pager",
		"sos_containers/ovnkube-node/sos_commands/logs/ovs-appctl_dpctl.dump-flows",
		"sos_strings/logs/journalctl_--no-pager.tailed",
	}
	if !slices.Equal(f.Truncated, want) {
		t.Errorf("Truncated = %q, want %q", f.Truncated, want)
	}
}

// TestSosManifestLocal checks that the local start_time is used once the
// host's zone is known.
func TestSosManifestLocal(t *testing.T) {
	f := HostFacts{Location: time.FixedZone("CET", 3600), Truncated: []string{"sos_commands/logs/journalctl_--no-pager", "x"}}
	if err := readFixture(t, FactSosManifest, "manifest.json", &f); err != nil {
		t.Fatal(err)
	}
	if f.Collected == nil || !f.Collected.Equal(utc("2026-11-27T11:44:16.123456Z")) {
		t.Errorf("Collected = %v, want 2026-11-27T11:44:16.123456Z", f.Collected)
	}
	if len(f.Truncated) != 4 || f.Truncated[3] != "x" {
		t.Errorf("Truncated = %q, want a sorted union without duplicates", f.Truncated)
	}
}

func TestSosManifestBad(t *testing.T) {
	cases := map[string]int{
		"{\n \"version\": \"4.7.2\",\n \"start_time\": ,\n}\n": 3,
		"[1, 2]\n": 1,
		"{\"components\": {\"report\": {\"plugins\": {\"kernel\": {\"commands\": [\n{\"filepath\": \"x\", \"truncated\": true}\n": 2,
		strings.Repeat("{\"a\":", 40) + "1" + strings.Repeat("}", 40):                                                             1,
		"": 1,
	}
	for in, line := range cases {
		var f HostFacts
		wantFactError(t, ReadFact(FactSosManifest, stringReader(in), &f), FactSosManifest, line)
	}
}

// TestSosManifestLoose checks that oddly typed entries are skipped, not fatal.
func TestSosManifestLoose(t *testing.T) {
	in := `{"start_time": 5, "components": {"report": {"plugins": {"p": {"commands": [
		"not an object", {"filepath": 7, "truncated": "yes"}, {"filepath": "sos_commands/p/x", "truncated": true, "start_time": "soon"}]}}}}}`
	var f HostFacts
	mustRead(t, FactSosManifest, in, &f)
	if f.Collected != nil || !slices.Equal(f.Truncated, []string{"sos_commands/p/x"}) {
		t.Errorf("got Collected %v, Truncated %q", f.Collected, f.Truncated)
	}
}
