package bundle

import "testing"

func TestOSRelease(t *testing.T) {
	cases := []struct{ file, in, want string }{
		{file: "os-release", want: "Ubuntu 22.04.3 LTS"},
		{file: "rancher_osrelease", want: "Red Hat Enterprise Linux 8.8"},
		{in: "DISTRIB_ID=Ubuntu\nDISTRIB_DESCRIPTION=\"Ubuntu 20.04.6 LTS\"\n", want: "Ubuntu 20.04.6 LTS"},
		{in: "PRETTY_NAME='Flatcar \\n Linux'\n", want: "Flatcar \\n Linux"},
		{in: "PRETTY_NAME=\"A \\\"quoted\\\" \\$name\"\n", want: "A \"quoted\" $name"},
		{in: "# comment\nNAME=Alpine\n", want: "Alpine"},
	}
	for _, c := range cases {
		var f HostFacts
		if c.file != "" {
			if err := readFixture(t, FactOSRelease, c.file, &f); err != nil {
				t.Fatal(err)
			}
		} else {
			mustRead(t, FactOSRelease, c.in, &f)
		}
		if f.OS != c.want {
			t.Errorf("%s%q: OS = %q, want %q", c.file, c.in, f.OS, c.want)
		}
	}
}

func TestOSReleaseBad(t *testing.T) {
	var f HostFacts
	wantFactError(t, ReadFact(FactOSRelease, stringReader("NAME=x\nPRETTY_NAME=\"Ubuntu\n"), &f), FactOSRelease, 2)
}
