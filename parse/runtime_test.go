package parse

import "testing"

func TestRuntimeEvent(t *testing.T) {
	const (
		wCtd   = "Nov 27 11:44:16 worker-3 containerd[1187]: "
		ts     = `time="2026-11-27T11:44:16.903512396Z" level=info `
		st     = "2026-11-27T11:44:16.903512396Z"
		exitAt = ` exited_at:{seconds:1795779857 nanos:204118905}`
	)
	tests := []struct {
		name string
		line string
		want evWant
	}{
		// containerd 1.7+/2.x: protobuf text.
		{"TaskOOM 2.x journal", wCtd + ts + `msg="TaskOOM event container_id:\"` + tCID + `\""`,
			evWant{"runtime_oom_event", "", "", "", tCID, -1, "TaskOOM", st}},
		{"TaskOOM sandbox id", wCtd + ts + `msg="TaskOOM event container_id:\"` + tSandbox + `\""`,
			evWant{"runtime_oom_event", "", "", "", tSandbox, -1, "TaskOOM", st}},
		{"TaskOOM ≤1.6 gogo, bare containerd.log", ts + `msg="TaskOOM event &TaskOOM{ContainerID:` + tCID + `,XXX_unrecognized:[],}"`,
			evWant{"runtime_oom_event", "", "", "", tCID, -1, "TaskOOM", st}},
		{"TaskOOM JSON log format", `{"level":"info","msg":"TaskOOM event container_id:\"` + tCID + `\"","time":"2026-11-27T11:44:16.903512396Z"}`,
			evWant{"runtime_oom_event", "", "", "", tCID, -1, "TaskOOM", st}},
		{"TaskOOM microk8s", "Nov 27 11:44:16 mk8s microk8s.daemon-containerd[999]: " + ts + `msg="TaskOOM event container_id:\"` + tCID + `\""`,
			evWant{"runtime_oom_event", "", "", "", tCID, -1, "TaskOOM", st}},
		{"TaskExit 2.x", wCtd + ts + `msg="TaskExit event container_id:\"` + tCID + `\" id:\"` + tCID + `\" pid:24211 exit_status:137` + exitAt + `"`,
			evWant{"runtime_exit", "", "", "", tCID, 137, "TaskExit", st}},
		{"TaskExit zero status omitted", wCtd + ts + `msg="TaskExit event container_id:\"` + tCID + `\" id:\"` + tCID + `\" pid:24211` + exitAt + `"`,
			evWant{"runtime_exit", "", "", "", tCID, 0, "TaskExit", st}},
		{"TaskExit of an exec process", wCtd + ts + `msg="TaskExit event container_id:\"` + tCID + `\" id:\"8f1e2d3c4b5a\" pid:31000 exit_status:1` + exitAt + `"`,
			evWant{}},
		{"TaskExit 1.7 sandbox handler", wCtd + ts + `msg="TaskExit event in podsandbox handler container_id:\"` + tSandbox + `\" id:\"` + tSandbox + `\" pid:24100 exit_status:137` + exitAt + `"`,
			evWant{"runtime_exit", "", "", "", tSandbox, 137, "TaskExit", st}},
		{"TaskExit ≤1.6 gogo", ts + `msg="TaskExit event &TaskExit{ContainerID:` + tCID + `,ID:` + tCID + `,Pid:24211,ExitStatus:137,ExitedAt:2026-11-27 11:44:17.204118905 +0000 UTC,XXX_unrecognized:[],}"`,
			evWant{"runtime_exit", "", "", "", tCID, 137, "TaskExit", st}},
		{"received exit event 2.x", wCtd + ts + `msg="received exit event container_id:\"` + tCID + `\"  id:\"` + tCID + `\"  pid:24211  exit_status:137 ` + exitAt + `"`,
			evWant{"runtime_exit", "", "", "", tCID, 137, "TaskExit", st}},
		{"received sandbox exit", wCtd + ts + `msg="received exit event sandbox_id:\"` + tSandbox + `\" exit_status:137` + exitAt + `"`,
			evWant{"runtime_exit", "", "", "", tSandbox, 137, "SandboxExit", st}},
		{"SandboxExit event", wCtd + ts + `msg="SandboxExit event sandbox_id:\"` + tSandbox + `\" exit_status:137` + exitAt + `"`,
			evWant{"runtime_exit", "", "", "", tSandbox, 137, "SandboxExit", st}},
		{"syslog stamp when no time=", wCtd + `level=info msg="TaskOOM event container_id:\"` + tCID + `\""`,
			evWant{"runtime_oom_event", "", "", "", tCID, -1, "TaskOOM", "11-27T11:44:16"}},

		// CRI-O's conmon.
		{"conmon OOM", "Nov 27 11:44:16 worker-3 conmon[5678]: conmon 189459c7825e1561f401 <ninfo>: OOM received",
			evWant{"runtime_oom_event", "", "", "", "189459c7825e1561f401", -1, "OOM", "11-27T11:44:16"}},
		{"conmon exit", "Nov 27 11:44:17 worker-3 conmon[5678]: conmon 189459c7825e1561f401 <ninfo>: container 24211 exited with status 137 ",
			evWant{"runtime_exit", "", "", "", "189459c7825e1561f401", 137, "exit", "11-27T11:44:17"}},
		{"conmon v1 OOM event is the same OOM", "Nov 27 11:44:16 worker-3 conmon[5678]: conmon 189459c7825e1561f401 <ninfo>: OOM event received", evWant{}},

		// docker events.
		{"docker oom", "2019-05-04T18:05:45.011072877-05:00 container oom " + tCID + " (image=jupyter/notebook:1.2, io.kubernetes.container.name=notebook, io.kubernetes.pod.name=jupyter-ann, io.kubernetes.pod.namespace=jhub-prod, io.kubernetes.pod.uid=" + tUID + ", io.kubernetes.sandbox.id=" + tSandbox + ", name=k8s_notebook_jupyter-ann_jhub-prod_" + tUID + "_0)",
			evWant{"runtime_oom_event", "jhub-prod/jupyter-ann", tUID, "notebook", tCID, -1, "oom", "2019-05-04T23:05:45.011072877Z"}},
		{"docker die", "2019-05-04T18:05:45.101072877-05:00 container die " + tCID + " (exitCode=137, image=jupyter/notebook:1.2, io.kubernetes.container.name=notebook, io.kubernetes.pod.name=jupyter-ann, io.kubernetes.pod.namespace=jhub-prod, io.kubernetes.pod.uid=" + tUID + ", name=k8s_notebook)",
			evWant{"runtime_exit", "jhub-prod/jupyter-ann", tUID, "notebook", tCID, 137, "die", "2019-05-04T23:05:45.101072877Z"}},
		{"docker start is nothing", "2019-05-04T18:05:45.011072877-05:00 container start " + tCID + " (image=x)", evWant{}},

		// systemd.
		{"systemd scope OOM", "Nov 27 11:44:16 worker-3 systemd[1]: cri-containerd-" + tCID + ".scope: A process of this unit has been killed by the OOM killer.",
			evWant{"systemd_oom", "", "", "", tCID, -1, "", "11-27T11:44:16"}},
		{"systemd service OOM", "Nov 27 11:44:16 worker-3 systemd[1]: kubelet.service: A process of this unit has been killed by the OOM killer.",
			evWant{"systemd_oom", "", "", "", "", -1, "", "11-27T11:44:16"}},

		// Decoys: other programs, other messages.
		{"noise", wCtd + ts + `msg="shim disconnected" id=` + tCID + ` namespace=k8s.io`, evWant{}},
		{"ExecSync", wCtd + ts + `msg="ExecSync for \"` + tCID + `\" with command [/bin/true] and timeout 1 (s)"`, evWant{}},
		{"kubelet quotes TaskOOM", "Nov 27 11:44:16 worker-3 kubelet[1342]: " + ts + `msg="TaskOOM event container_id:\"` + tCID + `\""`, evWant{}},
		{"script quotes TaskOOM", "Nov 27 11:44:16 worker-3 oom-alert.sh[5533]: " + ts + `msg="TaskOOM event container_id:\"` + tCID + `\""`, evWant{}},
		{"bare klog quotes TaskOOM", `I1127 11:44:17.911402    1342 x.go:1] msg="TaskOOM event container_id:\"` + tCID + `\""`, evWant{}},
		{"kernel quotes systemd", "Nov 27 11:44:16 worker-3 kernel: cri-containerd-" + tCID + ".scope: A process of this unit has been killed by the OOM killer.", evWant{}},
		{"msg quoted inside another value", wCtd + ts + `msg="failed" error="TaskOOM event container_id:\"` + tCID + `\""`, evWant{}},
		{"TaskOOM without id", wCtd + ts + `msg="TaskOOM event "`, evWant{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []evWant
			for _, r := range decodeLine(t, tt.line) {
				if ev, ok := RuntimeEvent(r); ok {
					got = append(got, summarize(ev))
					if ev.Source != r.Source || ev.Message == "" {
						t.Errorf("source %+v message %q", ev.Source, ev.Message)
					}
				}
				if _, ok := KubeletEvent(r); ok {
					t.Errorf("KubeletEvent took a runtime line")
				}
			}
			if tt.want.kind == "" {
				if len(got) != 0 {
					t.Fatalf("got %+v, want no event", got)
				}
				return
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestLogrusStamp(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-27T11:44:16.903512396Z":      "2026-11-27T11:44:16.903512396Z",
		"2023-05-31 15:54:15.113161747Z":      "2023-05-31T15:54:15.113161747Z", // CRI-O
		"2026-11-27T12:44:16.903512396+01:00": "2026-11-27T11:44:16.903512396Z",
		"":                                    "",
		"yesterday":                           "",
	} {
		if got := stampString(logrusStamp(in)); got != want {
			t.Errorf("logrusStamp(%q) = %q, want %q", in, got, want)
		}
	}
}
