package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// head reads a fixture from testdata/heads.
func head(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "heads", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	sos   = "sosreport-node1-2026-11-27-abcdefg/"
	tsb   = "support-bundle-2026-11-27T11_44_16/"
	mg    = "must-gather.local.5550001/quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-0a1b2c/"
	eks   = "eks_i-0123456789abcdef0_2026-11-27_1144-UTC_0.7.9/"
	ranch = "worker-3-2026-11-27_11_44_16/"
)

type classifyCase struct {
	name  string
	head  string // a fixture in testdata/heads, "" for none, or "=<literal>"
	kind  Kind
	fact  Fact
	trunc bool
}

var classifyCases = []classifyCase{
	// sos report, path only
	{sos + "sos_commands/kernel/dmesg", "", KindKernel, "", false},
	{sos + "sos_commands/kernel/dmesg_-T", "", KindKernel, "", false},
	{sos + "sos_commands/general/dmesg", "", KindKernel, "", false},
	{sos + "var/log/dmesg", "", KindKernel, "", false},
	{sos + "var/log/dmesg.0", "", KindKernel, "", false},
	{sos + "sos_commands/logs/journalctl_--no-pager", "", KindJournal, "", false},
	{sos + "sos_commands/logs/journalctl_--no-pager_--boot", "", KindJournal, "", false},
	{sos + "sos_commands/logs/journalctl_--no-pager_--boot_-1", "", KindJournal, "", false},
	{sos + "sos_commands/logs/journalctl_--no-pager_--catalog_--boot", "", KindJournal, "", false},
	{sos + "sos_commands/logs/journalctl_--all_--this-boot_--no-pager", "", KindJournal, "", false},
	{sos + "sos_strings/logs/journalctl_--no-pager.tailed", "", KindJournal, "", true},
	{sos + "sos_commands/logs/journalctl_--disk-usage", "", KindUnknown, "", false},
	{sos + "var/log/messages", "", KindSyslog, "", false},
	{sos + "var/log/messages-20261122", "", KindSyslog, "", false},
	{sos + "var/log/syslog.1", "", KindSyslog, "", false},
	{sos + "var/log/syslog.2.gz", "", KindSyslog, "", false},
	{sos + "var/log/kern.log", "", KindKernel, "", false},
	{sos + "sos_strings/logs/var.log.messages.tailed", "", KindSyslog, "", true},
	{sos + "sos_strings/logs/var.log.kern.log.1.gz.tailed", "", KindKernel, "", true},
	{sos + "sos_strings/networking/ip_netns", "", KindUnknown, "", false},
	{sos + "sos_commands/kubernetes/journalctl_--no-pager_--unit_kubelet", "", KindKubelet, "", false},
	{sos + "sos_commands/kubernetes/journalctl_--no-pager_--unit_snap.kubelet.daemon", "", KindKubelet, "", false},
	{sos + "sos_commands/kubernetes/journalctl_--no-pager_--unit_snap.k8s.containerd.service_--unit_snap.k8s.k8s-apiserver-proxy.service_--unit_snap.k8s.k", "", KindKubelet, "", false},
	{sos + "sos_commands/openshift/journalctl_--no-pager_--unit_kubelet", "", KindKubelet, "", false},
	{sos + "sos_commands/microk8s/journalctl_--no-pager_--unit_snap.microk8s", "", KindKubelet, "", false},
	{sos + "sos_commands/crio/journalctl_--no-pager_--unit_crio", "", KindRuntime, "", false},
	{sos + "sos_commands/containerd/journalctl_--no-pager_--unit_containerd", "", KindRuntime, "", false},
	{sos + "sos_commands/docker/journalctl_--no-pager_--unit_docker", "", KindRuntime, "", false},
	{sos + "sos_commands/openssh/journalctl_--no-pager_--unit_sshd", "", KindUnknown, "", false},
	{sos + "sos_commands/crio/pods/crictl_inspectp_4f2a9c1d3e5b7a8f", "", KindPods, "", false},
	{sos + "sos_commands/crio/containers/crictl_logs_-t_189459c7825e", "klog_kubelet.txt", KindUnknown, "", false},
	{sos + "sos_commands/kubernetes/cluster-info/default/kubectl_get_-o_json_--namespace_default_pods", "podlist_kubectl.json", KindPods, "", false},
	{sos + "sos_commands/kubernetes/cluster-info/--kubeconfig_.etc.kubernetes.admin.conf_get_-o_json_--namespace_default_kubectl_get_-o_json_nodes", "", KindNodes, "", false},
	{sos + "sos_commands/kubernetes/cluster-info/kubectl_get_--all-namespaces_true_pods", "pods_table.txt", KindUnknown, "", false},
	{sos + "sos_commands/openshift/namespaces/default/pods/web-1.yaml", "pod.yaml", KindPods, "", false},
	{sos + "proc/stat", "", KindHost, FactProcStat, false},
	{sos + "proc/meminfo", "", KindHost, FactMeminfo, false},
	{sos + "sos_commands/host/hostname", "=worker-3\n", KindHost, FactHostname, false},
	{sos + "sos_commands/host/hostnamectl_status", "", KindHost, FactHostname, false},
	{sos + "sos_commands/kernel/uname_-a", "", KindHost, FactUname, false},
	{sos + "sos_commands/date/date", "=Fri Nov 27 12:44:16 CET 2026\n", KindHost, FactDate, false},
	{sos + "sos_commands/date/date_--utc", "", KindHost, FactDate, false},
	{sos + "sos_commands/date/hwclock", "", KindUnknown, "", false},
	{sos + "sos_commands/systemd/timedatectl", "", KindHost, FactTimedatectl, false},
	{sos + "sos_reports/manifest.json", "", KindHost, FactSosManifest, false},
	{sos + "uptime", "", KindHost, FactUptime, false},
	{sos + "date", "", KindHost, FactDate, false},
	{sos + "etc/os-release", "", KindHost, FactOSRelease, false},
	{sos + "etc/timezone", "", KindHost, FactTimezone, false},
	{"sosreport-host0-2026-11-27-abcdefg-obfuscated/sos_commands/kernel/dmesg", "dmesg.txt", KindKernel, "", false},
	{sos + "var/log/journal/0a1b2c3d/system.journal", "=LPKSHHRH\x00\x00\x00\x00", KindUnknown, "", false},

	// troubleshoot support bundle
	{tsb + "cluster-resources/pods/default.json", "podlist_typed.json", KindPods, "", false},
	{tsb + "cluster-resources/events/default.json", "eventlist.json", KindEvents, "", false},
	{tsb + "cluster-resources/nodes.json", "nodelist.json", KindNodes, "", false},
	{tsb + "cluster-resources/deployments/default.json", "", KindUnknown, "", false},
	{tsb + "cluster-resources/pods/logs/default/web-1/app-previous.log", "klog_kubelet.txt", KindUnknown, "", false},
	{tsb + "host-collectors/run-host/journalctl-kubelet.txt", "", KindKubelet, "", false},
	{tsb + "host-collectors/run-host/journalctl-dmesg.txt", "", KindKernel, "", false},
	{tsb + "host-collectors/journald/journald-dmesg.txt", "", KindKernel, "", false},
	{tsb + "host-collectors/run-host/syslog.txt", "", KindSyslog, "", false},
	{tsb + "host-collectors/run-host/worker-2/journalctl-containerd.txt", "", KindRuntime, "", false},
	{tsb + "host-collectors/worker-2/run-host/journalctl-kubelet.txt", "kubelet_journal.txt", KindKubelet, "", false},
	{tsb + "host-collectors/run-host/journalctl-kubelet-info.json", "", KindUnknown, "", false},
	{tsb + "host-collectors/system/worker-2/hostos_info.json", "", KindHost, FactHostOSInfo, false},
	{tsb + "host-collectors/journald/all-logs.txt", "journal.txt", KindJournal, "", false},
	{tsb + "host-collectors/run-host/node-log.txt", "dmesg.txt", KindKernel, "", false},

	// must-gather and oc adm inspect
	{mg + "host_service_logs/masters/kubelet_service.log", "", KindKubelet, "", false},
	{mg + "host_service_logs/masters/crio_service.log", "", KindRuntime, "", false},
	{mg + "host_service_logs/workers/kubelet_service.log.gz", "", KindKubelet, "", false},
	{mg + "host_service_logs/masters/NetworkManager_service.log", "", KindUnknown, "", false},
	{mg + "namespaces/openshift-etcd/pods/etcd-master-0/etcd-master-0.yaml", "pod.yaml", KindPods, "", false},
	{mg + "namespaces/default/core/pods.yaml", "podlist.yaml", KindPods, "", false},
	{mg + "namespaces/default/core/events.yaml", "events.yaml", KindEvents, "", false},
	{mg + "cluster-scoped-resources/core/nodes/master-0.yaml", "node.yaml", KindNodes, "", false},
	{mg + "namespaces/default/pods/web-1/app/app/logs/current.log", "kubelet_journal.txt", KindUnknown, "", false},
	{"inspect.local.77/namespaces/shop/pods/cart-1/cart-1.yaml", "", KindPods, "", false},

	// EKS log collector
	{"kernel/dmesg.current", "", KindKernel, "", false},
	{"./kernel/dmesg.human.current", "dmesg_T.txt", KindKernel, "", false},
	{eks + "kernel/dmesg.boot", "", KindKernel, "", false},
	{eks + "kubelet/kubelet.log", "kubelet_journal.txt", KindKubelet, "", false},
	{"./var_log/messages", "", KindSyslog, "", false},
	{"containerd/containerd-log.txt", "", KindRuntime, "", false},
	{"system/procstat.txt", "", KindHost, FactProcStat, false},
	{"kernel/uname.txt", "", KindHost, FactUname, false},
	{"ipamd/pods.json", "", KindUnknown, "", false},
	{"kubelet/kubeconfig.yaml", "", KindUnknown, "", false},
	{"kubelet/kubelet_service.txt", "kubelet_journal.txt", KindUnknown, "", false},
	{"containerd/containerd-config.txt", "", KindUnknown, "", false},
	{eks + "var_log/containers/coredns-5d78c9869d-abcde_kube-system_coredns-0123.log", "klog_apiserver.txt", KindUnknown, "", false},
	{sos + "var/log/journal/0a1b2c3d/system@0005f1a2b3c4d5e6-0123456789abcdef.journal~", "", KindUnknown, "", false},

	// Rancher logs collector
	{ranch + "systeminfo/dmesg", "dmesg_T.txt", KindKernel, "", false},
	{ranch + "systeminfo/date", "", KindHost, FactDate, false},
	{ranch + "systeminfo/hostnamefqdn", "", KindHost, FactHostname, false},
	{ranch + "systeminfo/osrelease", "", KindHost, FactOSRelease, false},
	{ranch + "systeminfo/ps", "", KindUnknown, "", false},
	{ranch + "journald/kubelet", "", KindKubelet, "", false},
	{ranch + "journald/k3s", "", KindKubelet, "", false},
	{ranch + "journald/containerd", "", KindRuntime, "", false},
	{ranch + "journald/cloud-init", "", KindUnknown, "", false},
	{ranch + "rke2/agent-logs/kubelet.log", "klog_kubelet.txt", KindKubelet, "", false},
	{ranch + "rke2/containerd.log", "", KindRuntime, "", false},
	{ranch + "systemlogs/messages-20261122", "", KindSyslog, "", false},
	{ranch + "systemlogs/kern.log.1", "", KindKernel, "", false},
	{ranch + "k3s/kubectl/pods", "pods_table.txt", KindUnknown, "", false},
	{ranch + "k3s/kubectl/nodes.json", "", KindNodes, "", false},
	{ranch + "k3s/podlogs/kube-system-coredns-5d78c9869d-abcde", "klog_apiserver.txt", KindUnknown, "", false},

	// content only: the path says nothing
	{"case-1234/node-a/file-1", "dmesg.txt", KindKernel, "", false},
	{"case-1234/node-a/file-2", "kmsg.txt", KindKernel, "", false},
	{"case-1234/node-a/file-3", "dmesg_T.txt", KindKernel, "", false},
	{"case-1234/node-a/file-4", "syslog.txt", KindSyslog, "", false},
	{"case-1234/node-a/file-5", "syslog_rfc3339.txt", KindSyslog, "", false},
	{"case-1234/node-a/file-6", "journal.txt", KindJournal, "", false},
	{"case-1234/node-a/file-7", "kubelet_journal.txt", KindKubelet, "", false},
	{"case-1234/node-a/file-8", "klog_kubelet.txt", KindKubelet, "", false},
	{"case-1234/node-a/file-9", "klog_apiserver.txt", KindUnknown, "", false},
	{"case-1234/node-a/file-10", "journal.json", KindJournal, "", false},
	{"case-1234/node-a/file-11", "journal_kubelet.json", KindKubelet, "", false},
	{"case-1234/node-a/file-12", "klog.json", KindKubelet, "", false},
	{"case-1234/node-a/file-13", "containerd_logrus.txt", KindRuntime, "", false},
	{"case-1234/node-a/file-14", "podlist_kubectl.json", KindPods, "", false},
	{"case-1234/node-a/file-15", "podlist_typed.json", KindPods, "", false},
	{"case-1234/node-a/file-16", "pod.yaml", KindPods, "", false},
	{"case-1234/node-a/file-17", "podlist.yaml", KindPods, "", false},
	{"case-1234/node-a/file-18", "events.yaml", KindEvents, "", false},
	{"case-1234/node-a/file-19", "nodelist.json", KindNodes, "", false},
	{"case-1234/node-a/file-20", "inspectp.json", KindPods, "", false},
	{"case-1234/node-a/file-21", "deployment.yaml", KindUnknown, "", false},
	{"case-1234/node-a/file-22", "=cpu  10132153 290696 3084719 46828483 16683 0 25195 0 0 0\ncpu0 1393280 32966 572056 13366757 4561 0 12137 0 0 0\n", KindHost, FactProcStat, false},
	{"case-1234/node-a/file-23", "=MemTotal:       16318252 kB\nMemFree:         1202348 kB\n", KindHost, FactMeminfo, false},
	{"case-1234/node-a/file-24", "=      Local time: Fri 2026-11-27 06:44:16 EST\n  Universal time: Fri 2026-11-27 11:44:16 UTC\n       Time zone: America/New_York (EST, -0500)\n", KindHost, FactTimedatectl, false},
	{"case-1234/node-a/file-25", "=Linux worker-3 5.15.0-1051-azure #59-Ubuntu SMP Thu Oct 5 08:11:04 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n", KindHost, FactUname, false},
	{"case-1234/node-a/file-26", "={\n    \"version\": \"4.7.2\",\n    \"cmdline\": \"sos report --batch\",\n    \"start_time\": \"2026-11-27 12:44:16.123456\",\n    \"end_time\": \"\",\n    \"tmpdir\": \"/var/tmp/sos.k2j3\"\n", KindHost, FactSosManifest, false},
	{"case-1234/node-a/file-27", "=NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\n", KindHost, FactOSRelease, false},
	{"case-1234/node-a/file-28", "pods_table.txt", KindUnknown, "", false},
	{"case-1234/node-a/file-29", "=\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", KindUnknown, "", false},
	{"case-1234/node-a/file-30", "=2026-11-27T11:44:16.123456789Z stdout F hello\n2026-11-27T11:44:17.1Z stderr F world\n", KindUnknown, "", false},
	{"case-1234/node-a/file-31", "=-- No entries --\n", KindJournal, "", false},

	// path and content disagree
	{sos + "var/log/messages", "=\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", KindUnknown, "", false},
	{sos + "var/log/messages", "dmesg.txt", KindKernel, "", false},
	{sos + "var/log/messages", "syslog.txt", KindSyslog, "", false},
	{sos + "sos_commands/host/hostname", "command_not_found.txt", KindUnknown, "", false},
	{sos + "proc/stat", "=MemTotal:       16318252 kB\n", KindHost, FactMeminfo, false},
	{sos + "sos_commands/kernel/dmesg", "podlist_kubectl.json", KindPods, "", false},
	{sos + "sos_commands/kubernetes/journalctl_--no-pager_--unit_kubelet", "kmsg.txt", KindKernel, "", false},
	{sos + "sos_commands/kubernetes/journalctl_--no-pager_--unit_kubelet", "journal.txt", KindKubelet, "", false},
	{tsb + "cluster-resources/pods/default.json", "pods_table.txt", KindUnknown, "", false},
	{tsb + "cluster-resources/pods/default.json", "eventlist.json", KindEvents, "", false},
	{tsb + "cluster-resources/pods/default.json", "deployment.yaml", KindUnknown, "", false},
	{"notes/node1-kubelet.txt", "dmesg.txt", KindKernel, "", false},
	{"notes/node1-kubelet.txt", "pods_table.txt", KindUnknown, "", false},
	{"notes/node1-kubelet.txt", "kubelet_journal.txt", KindKubelet, "", false},
	{"notes/node1-kubelet.txt", "", KindKubelet, "", false},
	{"etc/sysconfig/docker", "sysconfig_docker.txt", KindUnknown, "", false},
	{"exports/pods.json", "deployment.yaml", KindUnknown, "", false},
	{"exports/pods.json", "podlist_kubectl.json", KindPods, "", false},
	{"exports/events.yaml", "events.yaml", KindEvents, "", false},
	{"random/messages", "klog_apiserver.txt", KindUnknown, "", false},
}

func caseHead(t testing.TB, h string) []byte {
	switch {
	case h == "":
		return nil
	case strings.HasPrefix(h, "="):
		return []byte(h[1:])
	}
	return head(t, h)
}

func TestClassify(t *testing.T) {
	if len(classifyCases) < 60 {
		t.Fatalf("only %d cases", len(classifyCases))
	}
	for _, c := range classifyCases {
		got := Classify(c.name, caseHead(t, c.head))
		if got.Kind != c.kind || got.Fact != c.fact || got.Truncated != c.trunc {
			t.Errorf("Classify(%q, %q) = %+v, want kind %s fact %q truncated %v",
				c.name, c.head, got, c.kind, c.fact, c.trunc)
		}
		if got.Reason == "" {
			t.Errorf("Classify(%q, %q): no reason", c.name, c.head)
		}
	}
}

// TestClassifyAllocs checks that Classify allocates nothing when path and
// content agree (it may only build a reason string when they do not).
func TestClassifyAllocs(t *testing.T) {
	for _, c := range classifyCases {
		h := caseHead(t, c.head)
		if strings.Contains(Classify(c.name, h).Reason, "overrules") {
			continue
		}
		if n := testing.AllocsPerRun(20, func() { Classify(c.name, h) }); n > 0 {
			t.Errorf("Classify(%q, %q) allocates %.0f times", c.name, c.head, n)
		}
	}
}

// BenchmarkClassify classifies a mix of members with 64 KiB heads.
func BenchmarkClassify(b *testing.B) {
	type member struct {
		name string
		head []byte
	}
	var ms []member
	for _, c := range classifyCases {
		h := caseHead(b, c.head)
		for len(h) > 0 && len(h) < 64<<10 {
			h = append(h, h...)
		}
		ms = append(ms, member{c.name, h[:min(len(h), 64<<10)]})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := ms[i%len(ms)]
		Classify(m.name, m.head)
	}
}
