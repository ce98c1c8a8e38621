package bundle

import "testing"

func TestHostOSInfo(t *testing.T) {
	var f HostFacts
	if err := readFixture(t, FactHostOSInfo, "hostos_info.json", &f); err != nil {
		t.Fatal(err)
	}
	if f.Hostname != "worker-2" || f.KernelRelease != "6.8.0-1017-aws" || f.OS != "ubuntu 24.04" {
		t.Errorf("got %+v", f)
	}
}

func TestHostOSInfoBad(t *testing.T) {
	var f HostFacts
	wantFactError(t, ReadFact(FactHostOSInfo, stringReader("{\n \"name\": \"worker-2\",\n \"kernelVersion\": 5\n}"), &f), FactHostOSInfo, 0)
	wantFactError(t, ReadFact(FactHostOSInfo, stringReader("{\n \"name\": \"worker-2\"\n \"x\": 1}"), &f), FactHostOSInfo, 3)
}
