package bundle

import "testing"

func TestHostname(t *testing.T) {
	cases := []struct{ in, want string }{
		{"worker-3\n", "worker-3"},
		{"ip-10-0-12-34.eu-west-1.compute.internal\n", "ip-10-0-12-34.eu-west-1.compute.internal"},
		{"# written by cloud-init\n\nnode1\n", "node1"},
		{"host0\r\n", "host0"},
	}
	for _, c := range cases {
		var f HostFacts
		mustRead(t, FactHostname, c.in, &f)
		if f.Hostname != c.want {
			t.Errorf("%q: Hostname = %q, want %q", c.in, f.Hostname, c.want)
		}
	}
}

func TestHostnamectl(t *testing.T) {
	for file, want := range map[string]string{"hostnamectl_status": "worker-3", "hostnamectl_unset": "ip-10-0-12-34"} {
		var f HostFacts
		if err := readFixture(t, FactHostname, file, &f); err != nil {
			t.Fatal(err)
		}
		if f.Hostname != want {
			t.Errorf("%s: Hostname = %q, want %q", file, f.Hostname, want)
		}
	}
}

func TestHostnameBad(t *testing.T) {
	for in, line := range map[string]int{
		"bash: hostname: command not found\n": 1,
		"\nnot a host\n":                      2,
		"Static hostname: bad name\n":         1,
	} {
		var f HostFacts
		wantFactError(t, ReadFact(FactHostname, stringReader(in), &f), FactHostname, line)
	}
}

func TestHostnameShortWins(t *testing.T) {
	for _, order := range [][]string{{"worker-3\n", "worker-3.example.com\n"}, {"worker-3.example.com\n", "worker-3\n"}} {
		var f HostFacts
		mustRead(t, FactHostname, order[0], &f)
		mustRead(t, FactHostname, order[1], &f)
		if f.Hostname != "worker-3" {
			t.Errorf("%q: Hostname = %q, want the short name", order, f.Hostname)
		}
	}
	f := HostFacts{Hostname: "old"}
	mustRead(t, FactHostname, "new\n", &f)
	if f.Hostname != "new" {
		t.Errorf("Hostname = %q, want the name read last", f.Hostname)
	}
}
