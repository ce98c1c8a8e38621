package bundle

import "testing"

func TestUname(t *testing.T) {
	cases := []struct {
		file, in      string
		host, release string
	}{
		{file: "uname_-a", host: "worker-3", release: "5.15.0-1051-azure"},
		{file: "proc_version", release: "4.18.0-477.27.1.el8_8.x86_64"},
		{in: "5.14.0-284.40.1.el9_2.x86_64\n", release: "5.14.0-284.40.1.el9_2.x86_64"},
		{in: "Linux host0 6.8.0-1017-aws #18-Ubuntu SMP Mon Sep 16 10:51:32 UTC 2024 aarch64 aarch64 aarch64 GNU/Linux", host: "host0", release: "6.8.0-1017-aws"},
	}
	for _, c := range cases {
		var f HostFacts
		if c.file != "" {
			if err := readFixture(t, FactUname, c.file, &f); err != nil {
				t.Fatal(err)
			}
		} else {
			mustRead(t, FactUname, c.in, &f)
		}
		if f.Hostname != c.host || f.KernelRelease != c.release {
			t.Errorf("%s%q: got %q %q, want %q %q", c.file, c.in, f.Hostname, f.KernelRelease, c.host, c.release)
		}
	}
}

func TestUnameBad(t *testing.T) {
	for _, in := range []string{"Linux\n", "uname: extra operand\n", "Linux version x.y\n"} {
		var f HostFacts
		wantFactError(t, ReadFact(FactUname, stringReader(in), &f), FactUname, 1)
	}
}
