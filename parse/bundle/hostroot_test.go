package bundle

import "testing"

func TestHostRoot(t *testing.T) {
	const sb = "support-bundle-2026-11-27T11_44_16"
	const mgImage = "must-gather.local.5550001/quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0a1b2c"
	cases := []struct {
		name   string
		root   string
		layout Layout
		hint   string
	}{
		// sos report: friendly, with case id, legacy, cleaned, sos 3 bzip2 era, soscleaner
		{"sosreport-node1-2026-01-01-abcdefg/var/log/messages", "sosreport-node1-2026-01-01-abcdefg", LayoutSosreport, "node1"},
		{"sosreport-worker-3-01234567-2026-01-01-abcdefg/sos_commands/kernel/dmesg", "sosreport-worker-3-01234567-2026-01-01-abcdefg", LayoutSosreport, "worker-3"},
		{"sosreport-node-1-2026-01-01-abcdefg/proc/stat", "sosreport-node-1-2026-01-01-abcdefg", LayoutSosreport, "node-1"},
		{"sosreport-node1.01234567-20170101120000/sos_commands/general/dmesg", "sosreport-node1.01234567-20170101120000", LayoutSosreport, "node1"},
		{"sosreport-rhel7box-20170101120000/proc/stat", "sosreport-rhel7box-20170101120000", LayoutSosreport, "rhel7box"},
		{"sosreport-host0-2026-01-01-abcdefg-obfuscated/sos_commands/kernel/dmesg", "sosreport-host0-2026-01-01-abcdefg-obfuscated", LayoutSosreport, "host0"},
		{"./sosreport-node1-2026-01-01-abcdefg/var/log/messages", "./sosreport-node1-2026-01-01-abcdefg", LayoutSosreport, "node1"},
		{"soscleaner-1234567890123456/var/log/messages", "soscleaner-1234567890123456", LayoutSosreport, ""},
		{"cases/01234567/sosreport-db1-2026-01-01-abcdefg/var/log/messages", "cases/01234567/sosreport-db1-2026-01-01-abcdefg", LayoutSosreport, "db1"},
		// sos collect: the caller passes the innermost name, so a nested report is a sosreport root
		{"sos-collector-mylabel-2026-01-01-abcde/sos_logs/sos.log", "sos-collector-mylabel-2026-01-01-abcde", LayoutSosCollect, ""},
		{"sos-collector-2026-01-01-abcde/sosreport-node2-2026-01-01-hijklmn/var/log/messages", "sos-collector-2026-01-01-abcde/sosreport-node2-2026-01-01-hijklmn", LayoutSosreport, "node2"},
		{"sosreport-node2-2026-01-01-hijklmn/sos_commands/kernel/dmesg", "sosreport-node2-2026-01-01-hijklmn", LayoutSosreport, "node2"},
		// troubleshoot support bundle: one host, remote collection, in-pod collection, cluster data
		{sb + "/host-collectors/run-host/journalctl-dmesg.txt", sb + "/host-collectors", LayoutSupportBundle, ""},
		{sb + "/host-collectors/system/hostos_info.json", sb + "/host-collectors", LayoutSupportBundle, ""},
		{sb + "/host-collectors/run-host/worker-2/journalctl-dmesg.txt", sb + "/host-collectors/run-host/worker-2", LayoutSupportBundle, "worker-2"},
		{sb + "/host-collectors/system/worker-2/hostos_info.json", sb + "/host-collectors/system/worker-2", LayoutSupportBundle, "worker-2"},
		{sb + "/host-collectors/worker-2/run-host/journalctl-kubelet.txt", sb + "/host-collectors/worker-2", LayoutSupportBundle, "worker-2"},
		{sb + "/host-collectors/worker-3/journald/journald-dmesg.txt", sb + "/host-collectors/worker-3", LayoutSupportBundle, "worker-3"},
		{sb + "/host-collectors/mycopy/var/log/messages", sb + "/host-collectors", LayoutSupportBundle, ""},
		{sb + "/cluster-resources/pods/default.json", "", LayoutSupportBundle, ""},
		{sb + "/version.yaml", "", LayoutSupportBundle, ""},
		// must-gather and inspect
		{mgImage + "/host_service_logs/masters/kubelet_service.log", mgImage + "/host_service_logs/masters", LayoutMustGather, ""},
		{mgImage + "/host_service_logs/workers/crio_service.log", mgImage + "/host_service_logs/workers", LayoutMustGather, ""},
		{mgImage + "/host_service_logs/worker-1/kubelet_service.log", mgImage + "/host_service_logs/worker-1", LayoutMustGather, "worker-1"},
		{mgImage + "/namespaces/default/core/pods.yaml", "", LayoutMustGather, ""},
		{"inspect.local.77/namespaces/shop/pods/cart-1/cart-1.yaml", "", LayoutMustGather, ""},
		{"cluster-scoped-resources/core/nodes/master-0.yaml", "", LayoutMustGather, ""},
		// EKS log collector: no top folder, or one named like the archive
		{"./kernel/dmesg.current", "", LayoutEKS, ""},
		{"var_log/messages", "", LayoutEKS, ""},
		{"eks_i-0123456789abcdef0_2026-11-27_1144-UTC_0.7.9/kernel/dmesg.current", "eks_i-0123456789abcdef0_2026-11-27_1144-UTC_0.7.9", LayoutEKS, "i-0123456789abcdef0"},
		{"eks_i-0123456789abcdef0_2026-11-27_1144-UTC_0.7.9/networking/iptables-save.txt", "eks_i-0123456789abcdef0_2026-11-27_1144-UTC_0.7.9", LayoutEKS, "i-0123456789abcdef0"},
		{"case-9/system/procstat.txt", "case-9", LayoutEKS, ""},
		// Rancher logs collector
		{"./worker-3-2026-11-27_11_44_16/systeminfo/dmesg", "./worker-3-2026-11-27_11_44_16", LayoutRancher, "worker-3"},
		{"ip-10-0-0-1.ec2.internal-2026-11-27_11_44_16/journald/kubelet", "ip-10-0-0-1.ec2.internal-2026-11-27_11_44_16", LayoutRancher, "ip-10-0-0-1.ec2.internal"},
		{"worker-3-2026-11-27_11_44_16/rke2/agent-logs/kubelet.log", "worker-3-2026-11-27_11_44_16", LayoutRancher, "worker-3"},
		// plain folders
		{"logs/node1/messages", "", LayoutFolder, ""},
		{"messages", "", LayoutFolder, ""},
		{"sosreport-node1-2026-01-01-abcdefg.tar.xz", "", LayoutFolder, ""},
		{"", "", LayoutFolder, ""},
	}
	for _, c := range cases {
		root, layout := HostRoot(c.name)
		if root != c.root || layout != c.layout {
			t.Errorf("HostRoot(%q) = %q, %q; want %q, %q", c.name, root, layout, c.root, c.layout)
			continue
		}
		if hint := HostNameHint(root, layout); hint != c.hint {
			t.Errorf("HostNameHint(%q, %q) = %q, want %q", root, layout, hint, c.hint)
		}
	}
}

func TestHostNameHint(t *testing.T) {
	cases := []struct {
		root   string
		layout Layout
		want   string
	}{
		{"eks_i-0abc_2026-11-27_1144-UTC_0.7.9.tar.gz", LayoutEKS, "i-0abc"},
		{"uploads/eks_mi-0abc_2026-11-27_1144-UTC_0.7.9", LayoutEKS, "mi-0abc"},
		{"sosreport-node1-2026-01-01-abcdefg/", LayoutSosreport, "node1"},
		{"sosreport-garbage", LayoutSosreport, ""},
		{"not-a-rancher-folder", LayoutRancher, ""},
		{"whatever", LayoutFolder, ""},
		{"x/host_service_logs/masters", LayoutMustGather, ""},
		{"", LayoutSupportBundle, ""},
	}
	for _, c := range cases {
		if got := HostNameHint(c.root, c.layout); got != c.want {
			t.Errorf("HostNameHint(%q, %q) = %q, want %q", c.root, c.layout, got, c.want)
		}
	}
}
