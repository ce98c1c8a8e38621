package correlate

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oomtriage/oomtriage/parse"
)

// bootTime is the synthetic boot instant used when a test re-wraps a dump in
// wall-clock carriers.
var bootTime = time.Date(2026, 11, 27, 11, 23, 38, 0, time.UTC)

// kernelLine is one kernel message with its monotonic stamp; cont marks the
// continuation lines of a multi-line record.
type kernelLine struct {
	boot float64
	msg  string
	cont bool
}

// carriers re-wrap kernel lines the way each tool prints them.
var carriers = map[string]func([]kernelLine) string{
	"dmesg": func(ls []kernelLine) string {
		return wrapEach(ls, func(l kernelLine) string { return fmt.Sprintf("[%12.6f] %s", l.boot, l.msg) })
	},
	"dmesg-r": func(ls []kernelLine) string {
		return wrapEach(ls, func(l kernelLine) string { return fmt.Sprintf("<%d>[%12.6f] %s", level(l.msg), l.boot, l.msg) })
	},
	"dmesg-T": func(ls []kernelLine) string {
		return wrapEach(ls, func(l kernelLine) string {
			return fmt.Sprintf("[%s] %s", wall(l.boot).Format("Mon Jan _2 15:04:05 2006"), l.msg)
		})
	},
	"dmesg-iso": func(ls []kernelLine) string {
		return wrapEach(ls, func(l kernelLine) string {
			return strings.Replace(wall(l.boot).Format("2006-01-02T15:04:05.000000-07:00"), ".", ",", 1) + " " + l.msg
		})
	},
	"kmsg": func(ls []kernelLine) string {
		var b strings.Builder
		// Continuation lines stay unprefixed, as in a paste of /dev/kmsg:
		// they may be hard wraps, which kmsg itself never splits.
		for i, l := range ls {
			if l.cont {
				b.WriteString("  " + l.msg + "\n")
				continue
			}
			fmt.Fprintf(&b, "%d,%d,%d,-;%s\n", level(l.msg), 1000+i, int64(l.boot*1e6+0.5), l.msg)
		}
		return b.String()
	},
}

func wall(boot float64) time.Time {
	return bootTime.Add(time.Duration(boot * float64(time.Second)))
}

func level(msg string) int {
	switch {
	case strings.Contains(msg, "invoked oom-killer"):
		return 4
	case strings.Contains(msg, "Killed process"):
		return 3
	}
	return 6
}

func wrapEach(ls []kernelLine, wrap func(kernelLine) string) string {
	var b strings.Builder
	for _, l := range ls {
		if l.cont {
			b.WriteString("                " + l.msg + "\n")
			continue
		}
		b.WriteString(wrap(l) + "\n")
	}
	return b.String()
}

// readKernelLines takes the messages of a dmesg or raw fixture; raw lines
// get synthetic stamps a microsecond apart.
func readKernelLines(t *testing.T, path string) []kernelLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []kernelLine
	dec := parse.NewDecoder(path)
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		_ = dec.Decode(sc.Bytes(), n, func(r parse.Record) {
			boot := 100 + float64(n)/1e6
			if r.Boot != nil {
				boot = *r.Boot
			}
			out = append(out, kernelLine{boot: boot, msg: r.Text, cont: r.Continuation})
		})
	}
	return out
}

// TestSameDumpInEveryCarrier wraps the same dumps in dmesg, dmesg -r,
// dmesg -T, dmesg --time-format iso and /dev/kmsg records and checks that
// each gives the same incidents, with wall-clock carriers filling time and
// monotonic ones boot_seconds.
func TestSameDumpInEveryCarrier(t *testing.T) {
	sources := []string{"../testdata/carriers/dmesg.log"}
	raw, _ := filepath.Glob("../testdata/kernel/*.log")
	sources = append(sources, raw...)
	for _, src := range sources {
		t.Run(filepath.Base(src), func(t *testing.T) {
			lines := readKernelLines(t, src)
			var ref []Incident
			for _, name := range []string{"dmesg", "dmesg-r", "dmesg-T", "dmesg-iso", "kmsg"} {
				incs := analyzeText(t, name, carriers[name](lines))
				checkClock(t, name, incs)
				if ref == nil {
					ref = incs
					if len(ref) == 0 && !strings.Contains(src, "decoy") {
						t.Logf("%s: no incidents", src)
					}
					continue
				}
				compareIgnoringClock(t, name, ref, incs)
			}
		})
	}
}

func analyzeText(t *testing.T, name, text string) []Incident {
	t.Helper()
	path := filepath.Join(t.TempDir(), name+".log")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	col := NewCollector()
	if _, err := parse.ScanKernelLog(context.Background(), name, f, func(d *parse.Dump) { col.AddDump(name, "", d) }); err != nil {
		t.Fatal(err)
	}
	return col.Incidents(noHost)
}

func checkClock(t *testing.T, carrier string, incs []Incident) {
	wallClock := carrier == "dmesg-T" || carrier == "dmesg-iso"
	for i, inc := range incs {
		if wallClock && (inc.Time == nil || inc.BootSeconds != nil) {
			t.Errorf("%s incident %d: want time and no boot_seconds, got time %v boot %v", carrier, i, inc.Time, inc.BootSeconds)
		}
		if !wallClock && (inc.BootSeconds == nil || inc.Time != nil) {
			t.Errorf("%s incident %d: want boot_seconds and no time, got time %v boot %v", carrier, i, inc.Time, inc.BootSeconds)
		}
		if wallClock && inc.Time != nil && inc.when != nil && inc.when.Before(bootTime) {
			t.Errorf("%s incident %d: time %s before boot", carrier, i, *inc.Time)
		}
	}
}

func compareIgnoringClock(t *testing.T, carrier string, want, got []Incident) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d incidents, want %d", carrier, len(got), len(want))
	}
	for i := range want {
		w, g := stripClock(want[i]), stripClock(got[i])
		if !reflect.DeepEqual(w, g) {
			t.Errorf("%s incident %d differs from dmesg's:\n got %+v\nwant %+v", carrier, i, g, w)
		}
	}
}

func stripClock(inc Incident) Incident {
	inc.Time, inc.TimeSource, inc.BootSeconds, inc.when, inc.Sources, inc.timeRank = nil, nil, nil, nil, nil, 0
	return inc
}
