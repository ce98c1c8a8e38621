package parse

import (
	"math"
	"testing"
	"time"
)

func TestDecodeCarriers(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	const msg = "Memory cgroup out of memory: Killed process 24211 (java)"
	tests := []struct {
		name   string
		clock  Clock
		line   string
		format Format
		text   string
		boot   float64 // -1: none
		time   string  // "": none
		host   string
		kernel bool
		pri    int
	}{
		{"raw", Clock{}, msg, FormatRaw, msg, -1, "", "", true, -1},
		{"dmesg", Clock{}, "[ 1237.900760] " + msg, FormatDmesg, msg, 1237.900760, "", "", true, -1},
		{"dmesg wide", Clock{}, "[5193605.506728] " + msg, FormatDmesg, msg, 5193605.506728, "", "", true, -1},
		{"dmesg caller", Clock{}, "[ 1237.900760][T24259] " + msg, FormatDmesg, msg, 1237.900760, "", "", true, -1},
		{"dmesg caller spaced", Clock{}, "[ 1237.900760] [    C3] " + msg, FormatDmesg, msg, 1237.900760, "", "", true, -1},
		{"dmesg -r", Clock{}, "<3>[ 1237.900760] " + msg, FormatDmesgRaw, msg, 1237.900760, "", "", true, 3},
		{"dmesg -r user space", Clock{}, "<30>[ 1237.900760] systemd[1]: " + msg, FormatDmesgRaw, "systemd[1]: " + msg, 1237.900760, "", "", false, 30},
		{"dmesg -x", Clock{}, "kern  :err   : [ 1237.900760] " + msg, FormatDmesgX, msg, 1237.900760, "", "", true, 3},
		{"dmesg -x daemon", Clock{}, "daemon:info  : [ 1237.900760] x", FormatDmesgX, "x", 1237.900760, "", "", false, 30},
		{"dmesg -T", Clock{}, "[Fri Nov 27 11:44:16 2026] " + msg, FormatDmesgT, msg, -1, "2026-11-27T11:44:16Z", "", true, -1},
		{"dmesg -T padded day", Clock{}, "[Thu Dec  7 00:05:15 2017] " + msg, FormatDmesgT, msg, -1, "2017-12-07T00:05:15Z", "", true, -1},
		{"dmesg -T German", Clock{}, "[Di Aug 12 03:54:03 2025] " + msg, FormatDmesgT, msg, -1, "2025-08-12T03:54:03Z", "", true, -1},
		{"dmesg -T French", Clock{}, "[dim. 19 avril 18:03:30 2026] " + msg, FormatDmesgT, msg, -1, "2026-04-19T18:03:30Z", "", true, -1},
		{"dmesg -T French mardi", Clock{}, "[mar. 12 août 18:03:30 2025] " + msg, FormatDmesgT, msg, -1, "2025-08-12T18:03:30Z", "", true, -1},
		{"dmesg -T Chinese", Clock{}, "[二 9月  3 05:57:48 2024] " + msg, FormatDmesgT, msg, -1, "2024-09-03T05:57:48Z", "", true, -1},
		{"dmesg -T zone", Clock{Location: berlin}, "[Fri Nov 27 11:44:16 2026] " + msg, FormatDmesgT, msg, -1, "2026-11-27T10:44:16Z", "", true, -1},
		{"dmesg iso", Clock{}, "2026-11-27T11:44:16,900760+01:00 " + msg, FormatDmesgISO, msg, -1, "2026-11-27T10:44:16.90076Z", "", true, -1},
		{"kmsg", Clock{}, "3,1081,1237900760,-;" + msg, FormatKmsg, msg, 1237.900760, "", "", true, 3},
		{"kmsg extra fields", Clock{}, "6,1082,1237900765,c,caller=T1;CPU: 3", FormatKmsg, "CPU: 3", 1237.900765, "", "", true, 6},
		{"kmsg user space", Clock{}, "30,1083,1237900765,-;systemd[1]: x", FormatKmsg, "systemd[1]: x", 1237.900765, "", "", false, 30},
		{"syslog bracket", Clock{}, "Nov 27 11:44:16 worker-3 kernel: [1237.900760] " + msg, FormatSyslog, msg, 1237.900760, "", "worker-3", true, -1},
		{"syslog plain", Clock{}, "Nov 27 11:44:16 worker-3 kernel: " + msg, FormatSyslog, msg, -1, "", "worker-3", true, -1},
		{"syslog year", Clock{Year: 2026}, "Nov  7 11:44:16 worker-3 kernel: " + msg, FormatSyslog, msg, -1, "2026-11-07T11:44:16Z", "worker-3", true, -1},
		{"syslog glued", Clock{}, "Nov 27 11:44:16 MyVMkernel: " + msg, FormatSyslog, msg, -1, "", "MyVM", true, -1},
		{"syslog redacted", Clock{}, "Feb 03 19:57:08 ** kernel: " + msg, FormatSyslog, msg, -1, "", "**", true, -1},
		{"syslog lower-case month", Clock{}, "jun 20 16:38:46 node03 kernel: " + msg, FormatSyslog, msg, -1, "", "node03", true, -1},
		{"syslog Russian month", Clock{}, "янв 20 16:38:46 node03 kernel: " + msg, FormatSyslog, msg, -1, "", "node03", true, -1},
		{"syslog other program", Clock{}, "Nov 27 11:44:17 worker-3 node-problem-detector[812]: " + msg, FormatSyslog, msg, -1, "", "worker-3", false, -1},
		{"journal short-precise", Clock{}, "Nov 27 11:44:16.900760 worker-3 kernel: " + msg, FormatSyslog, msg, -1, "", "worker-3", true, -1},
		{"rsyslog RFC 3339", Clock{}, "2026-11-27T11:44:16.900760+00:00 worker-3 kernel: " + msg, FormatSyslog, msg, -1, "2026-11-27T11:44:16.90076Z", "worker-3", true, -1},
		{"journal short-iso", Clock{}, "2026-11-27T11:44:16+0000 worker-3 kernel: " + msg, FormatSyslog, msg, -1, "2026-11-27T11:44:16Z", "worker-3", true, -1},
		{"journal short-monotonic", Clock{}, "[ 1237.900760] worker-3 kernel: " + msg, FormatJournalMono, msg, 1237.900760, "", "worker-3", true, -1},
		{"RFC 5424", Clock{}, "<3>1 2026-11-27T11:44:16.900760Z worker-3 kernel - - - " + msg, FormatSyslog5424, msg, -1, "2026-11-27T11:44:16.90076Z", "worker-3", true, 3},
		{"RFC 5424 structured data", Clock{}, `<3>1 2026-11-27T11:44:16Z worker-3 kernel - - [meta x="]"] ` + msg, FormatSyslog5424, msg, -1, "2026-11-27T11:44:16Z", "worker-3", true, 3},
		{"journal json", Clock{}, `{"MESSAGE":"` + msg + `","__REALTIME_TIMESTAMP":"1795779856900760","_SOURCE_MONOTONIC_TIMESTAMP":"1237900760","_HOSTNAME":"worker-3","_TRANSPORT":"kernel","PRIORITY":"3"}`, FormatJournalJSON, msg, 1237.900760, "2026-11-27T11:44:16.90076Z", "worker-3", true, 3},
		{"journal json bytes", Clock{}, `{"MESSAGE":[75,105,108,108],"_TRANSPORT":"kernel","__REALTIME_TIMESTAMP":"1"}`, FormatJournalJSON, "Kill", -1, "1970-01-01T00:00:00.000001Z", "", true, -1},
		{"journal json other program", Clock{}, `{"MESSAGE":"` + msg + `","_TRANSPORT":"journal","SYSLOG_IDENTIFIER":"kubelet","__REALTIME_TIMESTAMP":"1"}`, FormatJournalJSON, msg, -1, "1970-01-01T00:00:00.000001Z", "", false, -1},
		{"klog", Clock{}, "I1127 11:44:17.123456    1234 log_monitor.go:160] " + msg, FormatKlog, "I1127 11:44:17.123456    1234 log_monitor.go:160] " + msg, -1, "", "", false, -1},
		{"mail quote", Clock{}, ">> [ 1237.900760] " + msg, FormatDmesg, msg, 1237.900760, "", "", true, -1},
		{"CRLF and trailing blanks", Clock{}, "[ 1237.900760] " + msg + "   \r", FormatDmesg, msg, 1237.900760, "", "", true, -1},
		{"journal short-full", Clock{}, "Fri 2026-11-27 11:44:16 UTC worker-3 kernel: " + msg, FormatSyslog, msg, -1, "2026-11-27T11:44:16Z", "worker-3", true, -1},
		{"journal short-full local zone", Clock{Location: berlin}, "Fri 2026-11-27 12:44:16.5 CET worker-3 kernel: " + msg, FormatSyslog, msg, -1, "2026-11-27T11:44:16.5Z", "worker-3", true, -1},
		{"journal short-unix", Clock{}, "1795779856.900760 worker-3 kernel: " + msg, FormatSyslog, msg, -1, "2026-11-27T11:44:16.90076Z", "worker-3", true, -1},
		{"dmesg --color=always", Clock{}, "\x1b[32m[ 1237.900760] \x1b[0m\x1b[33m" + msg + "\x1b[0m", FormatDmesg, msg, 1237.900760, "", "", true, -1},
		{"dmesg Hardware name is not syslog", Clock{}, "[ 1237.900769] Hardware name: Microsoft Corporation", FormatDmesg, "Hardware name: Microsoft Corporation", 1237.900769, "", "", true, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Record
			err := NewDecoder("x.log").Decode([]byte(tt.line), 7, func(r Record) { got = append(got, r) })
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d records, want 1", len(got))
			}
			r := got[0]
			if r.Format != tt.format || r.Text != tt.text || r.Host != tt.host || r.Kernel != tt.kernel || r.Priority != tt.pri {
				t.Errorf("got format %q text %q host %q kernel %v pri %d,\nwant format %q text %q host %q kernel %v pri %d",
					r.Format, r.Text, r.Host, r.Kernel, r.Priority, tt.format, tt.text, tt.host, tt.kernel, tt.pri)
			}
			if (r.Boot == nil) != (tt.boot < 0) || (r.Boot != nil && math.Abs(*r.Boot-tt.boot) > 1e-9) {
				t.Errorf("boot = %v, want %v", deref(r.Boot), tt.boot)
			}
			gotTime := ""
			if r.Wall != nil {
				if wt, ok := r.Wall.Resolve(tt.clock); ok {
					gotTime = wt.Format(time.RFC3339Nano)
				}
			}
			if gotTime != tt.time {
				t.Errorf("time = %q, want %q", gotTime, tt.time)
			}
			if r.Source != (Source{Path: "x.log", Line: 7}) {
				t.Errorf("source = %+v", r.Source)
			}
		})
	}
}

func TestDecodeMultiLineRecords(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		texts []string
	}{
		{"kmsg escapes and dictionary", []string{`6,1,5,-;Memory cgroup stats for /a:\x0aanon 1\x0afile 2`, " SUBSYSTEM=memory", " DEVICE=+memory:x"},
			[]string{"Memory cgroup stats for /a:", "anon 1", "file 2"}},
		{"rsyslog #012", []string{"Nov 27 11:44:16 w kernel: Memory cgroup stats for /a:#012anon 1#012file 2"},
			[]string{"Memory cgroup stats for /a:", "anon 1", "file 2"}},
		{"dmesg continuation", []string{"[   1.000000] Memory cgroup stats for /a:", "               anon 1"},
			[]string{"Memory cgroup stats for /a:", "anon 1"}},
		{"journal json newline", []string{`{"MESSAGE":"a:\nanon 1","_TRANSPORT":"kernel","__REALTIME_TIMESTAMP":"1"}`},
			[]string{"a:", "anon 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := NewDecoder("x")
			var texts []string
			var kernel []bool
			for i, l := range tt.lines {
				if err := dec.Decode([]byte(l), i+1, func(r Record) { texts = append(texts, r.Text); kernel = append(kernel, r.Kernel) }); err != nil {
					t.Fatal(err)
				}
			}
			if len(texts) != len(tt.texts) {
				t.Fatalf("texts = %q, want %q", texts, tt.texts)
			}
			for i := range texts {
				if texts[i] != tt.texts[i] || !kernel[i] {
					t.Errorf("record %d = %q (kernel %v), want %q", i, texts[i], kernel[i], tt.texts[i])
				}
			}
		})
	}
}

func TestDecodeBadJournalJSON(t *testing.T) {
	err := NewDecoder("j.json").Decode([]byte(`{"MESSAGE": 12`), 3, func(Record) { t.Error("emitted a record") })
	if err == nil {
		t.Fatal("want an error for a broken journal object")
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
