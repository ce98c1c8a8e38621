// Command genlog writes a large, realistic kernel/syslog log for a
// Kubernetes worker node, optionally with full cgroup-v2 memcg OOM dumps
// (Linux 5.15 style) scattered through it. It is used by bench/rss.sh to
// measure oomtriage's throughput and peak memory.
//
// It streams: memory use is constant whatever -size is. The output is
// exactly -size bytes (when -size is at least a few KiB), so callers can
// recognise a finished file by its length.
//
//	go run ./bench/genlog -size 1GiB -ooms 300 -o /tmp/big.log
//
// At the end it prints to stderr how many bytes and lines it wrote, the
// number of OOM dumps and the pid of each dump's victim.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

const (
	fmtDmesg = iota
	fmtSyslog
	fmtJournal
)

func main() {
	sizeStr := flag.String("size", "1GiB", "output size in bytes; suffixes K/M/G/T, KiB/MiB/GiB/TiB (binary) and KB/MB/GB/TB (decimal)")
	ooms := flag.Int("ooms", 0, "number of full OOM-kill dumps to scatter through the output")
	format := flag.String("format", "syslog", "output carrier: dmesg, syslog or journal-json")
	seed := flag.Uint64("seed", 1, "random seed (same seed and flags give the same bytes)")
	out := flag.String("o", "-", "output file ('-' for stdout)")
	host := flag.String("host", "worker-3", "hostname used in syslog and journal lines")
	printSize := flag.Bool("print-size", false, "print the number of bytes -size stands for and exit")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: genlog [-size 1GiB] [-ooms N] [-format dmesg|syslog|journal-json] [-seed N] [-o FILE]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}

	size, err := parseSize(*sizeStr)
	if err != nil {
		fatalf("-size: %v", err)
	}
	if *printSize {
		fmt.Println(size)
		return
	}
	var f int
	switch *format {
	case "dmesg":
		f = fmtDmesg
	case "syslog":
		f = fmtSyslog
	case "journal-json", "journal", "json":
		f = fmtJournal
	default:
		fatalf("-format: unknown format %q (want dmesg, syslog or journal-json)", *format)
	}
	if *ooms < 0 {
		fatalf("-ooms must be >= 0")
	}

	var w io.Writer = os.Stdout
	var file *os.File
	if *out != "-" && *out != "" {
		file, err = os.Create(*out)
		if err != nil {
			fatalf("%v", err)
		}
		w = file
	}
	bw := bufio.NewWriterSize(w, 1<<20)

	g := newGen(f, *seed, *host)
	if err := g.run(bw, size, *ooms); err != nil {
		fatalf("%v", err)
	}
	if err := bw.Flush(); err != nil {
		fatalf("write: %v", err)
	}
	if file != nil {
		if err := file.Close(); err != nil {
			fatalf("close: %v", err)
		}
	}

	pids := make([]string, len(g.victims))
	for i, p := range g.victims {
		pids[i] = strconv.Itoa(p)
	}
	fmt.Fprintf(os.Stderr, "genlog: format=%s seed=%d bytes=%d lines=%d\n", *format, *seed, g.written, g.lines)
	fmt.Fprintf(os.Stderr, "genlog: ooms=%d victim_pids=%s\n", len(g.victims), strings.Join(pids, ","))
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "genlog: "+format+"\n", args...)
	os.Exit(1)
}

// parseSize parses "1GiB", "100MiB", "50M", "1.5G", "2000000", "10MB".
// Bare K/M/G/T are binary (like dd and docker), xB suffixes are decimal.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	num, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, fmt.Errorf("bad size %q", s)
	}
	mult := float64(1)
	switch strings.ToLower(strings.TrimSpace(s[i:])) {
	case "", "b":
	case "k", "kib":
		mult = 1 << 10
	case "m", "mib":
		mult = 1 << 20
	case "g", "gib":
		mult = 1 << 30
	case "t", "tib":
		mult = 1 << 40
	case "kb":
		mult = 1e3
	case "mb":
		mult = 1e6
	case "gb":
		mult = 1e9
	case "tb":
		mult = 1e12
	default:
		return 0, fmt.Errorf("bad size suffix in %q", s)
	}
	v := num * mult
	if v > math.MaxInt64/2 {
		return 0, fmt.Errorf("size %q too large", s)
	}
	return int64(v), nil
}

// ---------------------------------------------------------------------------
// generator state

type source struct {
	kernel  bool
	tag     string // syslog "ident[pid]: "
	ident   string
	pid     int
	journal string // static journal-json fields after PRIORITY, ending before MESSAGE
}

type pod struct {
	ns, name   string
	uid        string // 8-4-4-4-12
	uidU       string // uid with '_' for '-', as in systemd slice names
	uidEsc     string // uid with `\x2d` for '-', as in systemd mount unit names
	qos        int    // 0 guaranteed, 1 burstable, 2 besteffort
	adj        int    // oom_score_adj of the containers
	sandbox    string // 64 hex
	containers []string
	cname      string
	ip         string
	veth       string
	port       int
	vol        string
	image      string
}

type gen struct {
	r      *rand.Rand
	format int
	host   string

	bootUnix  int64 // wall clock (unix seconds) at mono 0
	mono      int64 // µs since boot
	cacheSec  int64
	sysStamp  []byte // "Nov 27 11:44:16"
	klogStamp []byte // "1127 11:44:16"
	isoStamp  []byte // "2024-11-27T11:44:16"

	bootID, machineID, seqnumID string
	seq                         uint64
	auditSerial                 int64
	bridgePort                  int
	nextPID                     int

	kernelSrc, kubeletSrc, containerdSrc, systemdSrc, networkdSrc, cronSrc, sshdSrc, chronySrc *source

	pods    []*pod
	tmpl    []tmpl
	tmplSum int

	msg     []byte // message being built
	line    []byte // rendered line(s)
	block   []byte // rendered OOM dump
	written int64
	lines   int64
	victims []int
}

type tmpl struct {
	w int
	f func(g *gen) (*source, byte)
}

func newGen(format int, seed uint64, host string) *gen {
	g := &gen{
		r:          rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		format:     format,
		host:       host,
		cacheSec:   -1,
		bridgePort: 2,
	}
	// Boot at 2024-11-27 11:23:38 UTC (plus up to a day, by seed), and
	// start the log about 20 minutes after boot.
	g.bootUnix = time.Date(2024, 11, 27, 11, 23, 38, 0, time.UTC).Unix() + int64(g.r.IntN(86400))
	g.mono = 1200_000000 + int64(g.r.IntN(60_000000))
	g.bootID = g.hexString(32)
	g.machineID = g.hexString(32)
	g.seqnumID = g.hexString(32)
	g.seq = 0x1000 + uint64(g.r.IntN(1<<20))
	g.auditSerial = 1000 + int64(g.r.IntN(5000))
	g.nextPID = 20000 + g.r.IntN(20000)

	g.kernelSrc = &source{kernel: true, ident: "kernel", tag: "kernel: "}
	g.kubeletSrc = g.daemon("kubelet", 900+g.r.IntN(400), "stdout", "/usr/bin/kubelet", "kubelet.service", "system.slice", "3")
	g.containerdSrc = g.daemon("containerd", 600+g.r.IntN(300), "stdout", "/usr/bin/containerd", "containerd.service", "system.slice", "3")
	g.systemdSrc = g.daemon("systemd", 1, "journal", "/usr/lib/systemd/systemd", "init.scope", "-.slice", "3")
	g.networkdSrc = g.daemon("systemd-networkd", 400+g.r.IntN(100), "journal", "/usr/lib/systemd/systemd-networkd", "systemd-networkd.service", "system.slice", "3")
	g.cronSrc = g.daemon("CRON", 0, "syslog", "/usr/sbin/cron", "cron.service", "system.slice", "9")
	g.sshdSrc = g.daemon("sshd", 0, "syslog", "/usr/sbin/sshd", "ssh.service", "system.slice", "4")
	g.chronySrc = g.daemon("chronyd", 500+g.r.IntN(100), "syslog", "/usr/sbin/chronyd", "chrony.service", "system.slice", "3")

	for range 60 {
		g.pods = append(g.pods, g.newPod())
	}
	g.initTemplates()
	return g
}

func (g *gen) daemon(ident string, pid int, transport, exe, unit, slice, facility string) *source {
	s := &source{ident: ident, pid: pid}
	if pid > 0 {
		s.tag = ident + "[" + strconv.Itoa(pid) + "]: "
	} else {
		s.tag = ident + "[]: " // filled per line (short-lived processes)
	}
	comm := ident
	if ident == "CRON" {
		comm = "cron"
	}
	var b strings.Builder
	b.WriteString(`","SYSLOG_FACILITY":"` + facility + `","SYSLOG_IDENTIFIER":"` + ident + `"`)
	if pid > 0 {
		b.WriteString(`,"_PID":"` + strconv.Itoa(pid) + `"`)
	}
	b.WriteString(`,"_UID":"0","_GID":"0","_COMM":"` + comm + `","_EXE":"` + exe + `","_CAP_EFFECTIVE":"1ffffffffff","_SYSTEMD_CGROUP":"/` + slice + "/" + unit + `","_SYSTEMD_UNIT":"` + unit + `","_SYSTEMD_SLICE":"` + slice + `","_TRANSPORT":"` + transport + `"`)
	s.journal = b.String()
	return s
}

// ---------------------------------------------------------------------------
// random helpers

const hexdigits = "0123456789abcdef"

func (g *gen) appendHex(dst []byte, n int) []byte {
	for n > 0 {
		v := g.r.Uint64()
		for i := 0; i < 16 && n > 0; i++ {
			dst = append(dst, hexdigits[v&15])
			v >>= 4
			n--
		}
	}
	return dst
}

func (g *gen) hexString(n int) string { return string(g.appendHex(nil, n)) }

func (g *gen) uuid() string {
	h := g.hexString(32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

const podAlphabet = "bcdfghjklmnpqrstvwxz2456789"

func (g *gen) alnum(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = podAlphabet[g.r.IntN(len(podAlphabet))]
	}
	return string(b)
}

func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *gen) pid() int {
	g.nextPID += 1 + g.r.IntN(40)
	if g.nextPID > 4194000 {
		g.nextPID = 300 + g.r.IntN(1000)
	}
	return g.nextPID
}

var (
	namespaces = []string{"default", "kube-system", "monitoring", "payments", "checkout", "ingress-nginx", "logging", "search", "batch-jobs", "cert-manager"}
	apps       = []string{"api-gateway", "checkout-svc", "payments-worker", "search-indexer", "redis-cache", "postgres-exporter", "fluent-bit", "node-exporter", "coredns", "ingress-nginx-controller", "order-service", "image-resizer", "recommendation-api", "kafka-consumer", "cert-manager-webhook", "frontend", "session-store", "report-generator"}
	images     = []string{"docker.io/library/nginx:1.25.3", "registry.k8s.io/coredns/coredns:v1.10.1", "quay.io/prometheus/node-exporter:v1.7.0", "docker.io/bitnami/redis:7.2.3", "cr.fluentbit.io/fluent/fluent-bit:2.2.0", "123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout-svc:2024.11.27-3f9c2ab", "ghcr.io/acme/payments-worker:v3.14.1", "docker.io/library/python:3.12-slim"}
	cnames     = []string{"app", "app", "app", "server", "worker", "sidecar", "proxy", "exporter"}
)

func (g *gen) newPod() *pod {
	p := &pod{
		ns:      g.pick(namespaces),
		uid:     g.uuid(),
		qos:     []int{0, 1, 1, 1, 1, 2}[g.r.IntN(6)],
		cname:   g.pick(cnames),
		image:   g.pick(images),
		port:    []int{8080, 8080, 9090, 3000, 8443, 5000}[g.r.IntN(6)],
		vol:     "kube-api-access-" + g.alnum(5),
		veth:    "veth" + g.hexString(8),
		ip:      "10.244." + strconv.Itoa(g.r.IntN(8)) + "." + strconv.Itoa(2+g.r.IntN(250)),
		sandbox: g.hexString(64),
	}
	p.name = g.pick(apps) + "-" + g.alnum(10) + "-" + g.alnum(5)
	p.uidU = strings.ReplaceAll(p.uid, "-", "_")
	p.uidEsc = strings.ReplaceAll(p.uid, "-", `\x2d`)
	for range 1 + g.r.IntN(2) {
		p.containers = append(p.containers, g.hexString(64))
	}
	switch p.qos {
	case 0:
		p.adj = -997
	case 1:
		p.adj = []int{984, 984, 984, 937, 992, 968, 999}[g.r.IntN(7)]
	default:
		p.adj = 1000
	}
	return p
}

func (g *gen) somePod() *pod {
	// Churn: now and then a pod goes away and a new one takes its slot.
	i := g.r.IntN(len(g.pods))
	if g.r.IntN(4000) == 0 {
		g.pods[i] = g.newPod()
	}
	return g.pods[i]
}

func (p *pod) container(g *gen) string { return p.containers[g.r.IntN(len(p.containers))] }

func (p *pod) slice() string {
	switch p.qos {
	case 0:
		return "/kubepods.slice/kubepods-pod" + p.uidU + ".slice"
	case 1:
		return "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + p.uidU + ".slice"
	}
	return "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + p.uidU + ".slice"
}

func (p *pod) sliceName() string {
	switch p.qos {
	case 0:
		return "kubepods-pod" + p.uidU + ".slice"
	case 1:
		return "kubepods-burstable-pod" + p.uidU + ".slice"
	}
	return "kubepods-besteffort-pod" + p.uidU + ".slice"
}

// ---------------------------------------------------------------------------
// clock and formatting

func (g *gen) tick(maxGapUS int) { g.mono += 1 + int64(g.r.IntN(maxGapUS)) }

func (g *gen) wallSec() int64 { return g.bootUnix + g.mono/1e6 }

func (g *gen) stamps() {
	s := g.wallSec()
	if s == g.cacheSec {
		return
	}
	g.cacheSec = s
	t := time.Unix(s, 0).UTC()
	g.sysStamp = t.AppendFormat(g.sysStamp[:0], "Jan _2 15:04:05")
	g.klogStamp = t.AppendFormat(g.klogStamp[:0], "0102 15:04:05")
	g.isoStamp = t.AppendFormat(g.isoStamp[:0], "2006-01-02T15:04:05")
}

func appendIntPad(dst []byte, v int64, width int, pad byte) []byte {
	var tmp [24]byte
	b := strconv.AppendInt(tmp[:0], v, 10)
	for i := len(b); i < width; i++ {
		dst = append(dst, pad)
	}
	return append(dst, b...)
}

func appendInt(dst []byte, v int) []byte { return strconv.AppendInt(dst, int64(v), 10) }

// "[ 1237.900760] "
func (g *gen) appendKTS(dst []byte) []byte {
	dst = append(dst, '[')
	dst = appendIntPad(dst, g.mono/1e6, 5, ' ')
	dst = append(dst, '.')
	dst = appendIntPad(dst, g.mono%1e6, 6, '0')
	return append(dst, "] "...)
}

// klog header: "I1127 11:44:16.123456    1234 "
func (g *gen) klog(level byte) {
	g.stamps()
	g.msg = append(g.msg, level)
	g.msg = append(g.msg, g.klogStamp...)
	g.msg = append(g.msg, '.')
	g.msg = appendIntPad(g.msg, g.mono%1e6, 6, '0')
	g.msg = append(g.msg, ' ')
	g.msg = appendIntPad(g.msg, int64(g.kubeletSrc.pid), 7, ' ')
	g.msg = append(g.msg, ' ')
}

// containerd logrus header: time="2024-11-27T11:44:16.123456789Z" level=info msg=
func (g *gen) ctrd(level string) {
	g.stamps()
	g.msg = append(g.msg, `time="`...)
	g.msg = append(g.msg, g.isoStamp...)
	g.msg = append(g.msg, '.')
	g.msg = appendIntPad(g.msg, (g.mono%1e6)*1000+int64(g.r.IntN(1000)), 9, '0')
	g.msg = append(g.msg, `Z" level=`...)
	g.msg = append(g.msg, level...)
	g.msg = append(g.msg, " msg="...)
}

func (g *gen) auditHdr(typ int) {
	g.auditSerial++
	g.auditHdrSerial(typ, g.auditSerial)
}

func (g *gen) auditHdrSerial(typ int, serial int64) {
	ws := g.wallSec()
	g.msg = append(g.msg, "audit: type="...)
	g.msg = appendInt(g.msg, typ)
	g.msg = append(g.msg, " audit("...)
	g.msg = strconv.AppendInt(g.msg, ws, 10)
	g.msg = append(g.msg, '.')
	g.msg = appendIntPad(g.msg, (g.mono%1e6)/1000, 3, '0')
	g.msg = append(g.msg, ':')
	g.msg = strconv.AppendInt(g.msg, serial, 10)
	g.msg = append(g.msg, "): "...)
}

func appendJSONString(dst []byte, s []byte) []byte {
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexdigits[c>>4], hexdigits[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

var (
	spaces = bytes.Repeat([]byte{' '}, 64)
	nl     = []byte{'\n'}
)

// render appends one log record (msg, which may hold several lines for a
// multi-line kernel record) in the output carrier to dst.
func (g *gen) render(dst []byte, s *source, prio byte, msg []byte) []byte {
	switch g.format {
	case fmtDmesg:
		// dmesg prints continuation lines of a multi-line record indented
		// under the message.
		start := len(dst)
		dst = g.appendKTS(dst)
		indent := len(dst) - start
		for first := true; ; first = false {
			if !first {
				dst = append(dst, spaces[:indent]...)
			}
			i := bytes.IndexByte(msg, '\n')
			if i < 0 {
				dst = append(dst, msg...)
				return append(dst, '\n')
			}
			dst = append(dst, msg[:i]...)
			dst = append(dst, '\n')
			msg = msg[i+1:]
		}
	case fmtSyslog:
		// rsyslog's imklog reads /proc/kmsg, which prefixes every line of
		// a multi-line kernel record.
		g.stamps()
		for {
			dst = append(dst, g.sysStamp...)
			dst = append(dst, ' ')
			dst = append(dst, g.host...)
			dst = append(dst, ' ')
			if s.pid == 0 && !s.kernel {
				dst = append(dst, s.ident...)
				dst = append(dst, '[')
				dst = appendInt(dst, g.pid())
				dst = append(dst, "]: "...)
			} else {
				dst = append(dst, s.tag...)
			}
			if s.kernel {
				dst = g.appendKTS(dst)
			}
			i := bytes.IndexByte(msg, '\n')
			if i < 0 {
				dst = append(dst, msg...)
				return append(dst, '\n')
			}
			dst = append(dst, msg[:i]...)
			dst = append(dst, '\n')
			msg = msg[i+1:]
		}
	default:
		// journalctl -o json: one object a line; a multi-line kernel
		// record stays one entry with "\n" inside MESSAGE.
		g.seq++
		rt := g.bootUnix*1e6 + g.mono
		recv := g.mono + 87 // journald receive time, a little later
		dst = append(dst, `{"__CURSOR":"s=`...)
		dst = append(dst, g.seqnumID...)
		dst = append(dst, ";i="...)
		dst = strconv.AppendUint(dst, g.seq, 16)
		dst = append(dst, ";b="...)
		dst = append(dst, g.bootID...)
		dst = append(dst, ";m="...)
		dst = strconv.AppendInt(dst, recv, 16)
		dst = append(dst, ";t="...)
		dst = strconv.AppendInt(dst, rt, 16)
		dst = append(dst, ";x="...)
		dst = g.appendHex(dst, 16)
		dst = append(dst, `","__REALTIME_TIMESTAMP":"`...)
		dst = strconv.AppendInt(dst, rt, 10)
		dst = append(dst, `","__MONOTONIC_TIMESTAMP":"`...)
		dst = strconv.AppendInt(dst, recv, 10)
		dst = append(dst, `","_BOOT_ID":"`...)
		dst = append(dst, g.bootID...)
		dst = append(dst, `","_MACHINE_ID":"`...)
		dst = append(dst, g.machineID...)
		dst = append(dst, `","_HOSTNAME":"`...)
		dst = append(dst, g.host...)
		dst = append(dst, `","PRIORITY":"`...)
		dst = append(dst, prio)
		if s.kernel {
			dst = append(dst, `","_TRANSPORT":"kernel","SYSLOG_FACILITY":"0","SYSLOG_IDENTIFIER":"kernel","_SOURCE_MONOTONIC_TIMESTAMP":"`...)
			dst = strconv.AppendInt(dst, g.mono, 10)
			dst = append(dst, '"')
		} else {
			dst = append(dst, s.journal...)
			if s.pid == 0 {
				dst = append(dst, `,"_PID":"`...)
				dst = appendInt(dst, g.pid())
				dst = append(dst, '"')
			}
		}
		dst = append(dst, `,"MESSAGE":"`...)
		dst = appendJSONString(dst, msg)
		return append(dst, "\"}\n"...)
	}
}

// ---------------------------------------------------------------------------
// main loop

func (g *gen) run(w *bufio.Writer, size int64, ooms int) error {
	if ooms > 0 && size < int64(ooms)*16<<10+256<<10 {
		return fmt.Errorf("-size %d too small for %d OOM dumps (need at least %d bytes)", size, ooms, int64(ooms)*16<<10+256<<10)
	}
	// Where the dumps go: one in each of ooms equal slots, at a random
	// point of its slot, leaving the last 128 KiB free.
	var targets []int64
	if ooms > 0 {
		usable := size - 128<<10
		slot := usable / int64(ooms)
		for i := range int64(ooms) {
			targets = append(targets, i*slot+slot/10+g.r.Int64N(slot*8/10+1))
		}
	}
	write := func(b []byte) error {
		if _, err := w.Write(b); err != nil {
			return err
		}
		g.written += int64(len(b))
		g.lines += int64(bytes.Count(b, nl))
		return nil
	}
	next := 0
	for {
		if next < len(targets) && g.written >= targets[next] {
			g.block = g.oomDump(g.block[:0])
			if size-g.written-int64(len(g.block)) < 4096 {
				return errors.New("-size too small for the OOM dumps")
			}
			if err := write(g.block); err != nil {
				return err
			}
			next++
			continue
		}
		g.line = g.normalLine(g.line[:0])
		// Keep at least 4 KiB for the padding lines below.
		if size-g.written-int64(len(g.line)) < 4096 {
			break
		}
		if err := write(g.line); err != nil {
			return err
		}
	}
	if next < len(targets) {
		return errors.New("-size too small for the OOM dumps")
	}
	// Pad to exactly size bytes with audit PROCTITLE lines, whose payload
	// can be 8 to 256 bytes long: split what is left (at least 4 KiB, so
	// this always works) into k near-equal lines that each fit.
	for rem := size - g.written; rem > 0; rem = size - g.written {
		g.tick(5000)
		b := int64(g.fillerBase())
		k := (rem + b + 199) / (b + 200)
		g.line = g.filler(g.line[:0], int(rem/k))
		if g.line == nil {
			return fmt.Errorf("cannot pad output to exactly %d bytes (too small?)", size)
		}
		if err := write(g.line); err != nil {
			return err
		}
	}
	return nil
}

// filler renders an audit PROCTITLE kernel line of exactly n bytes, or
// returns nil if there is none.
func (g *gen) filler(dst []byte, n int) []byte {
	h := n - g.fillerBase()
	if h < 8 || h > 256 {
		return nil
	}
	g.auditSerial++
	dst = g.fillerLine(dst[:0], h)
	if len(dst) != n {
		return nil
	}
	return dst
}

// fillerBase is the length of a filler line with an empty payload; it
// leaves the generator's state as it was.
func (g *gen) fillerBase() int {
	seq := g.seq
	b := g.fillerLine(g.block[:0], 0)
	g.seq = seq
	return len(b)
}

// Command lines as /proc/PID/cmdline has them (NUL between arguments).
var proctitles = [][]byte{
	[]byte("/usr/bin/containerd-shim-runc-v2\x00-namespace\x00k8s.io\x00-id\x00"),
	[]byte("runc\x00--root\x00/run/containerd/runc/k8s.io\x00--log\x00/run/containerd/io.containerd.runtime.v2.task/k8s.io/"),
	[]byte("/pause\x00"),
	[]byte("/usr/bin/kubelet\x00--config=/etc/kubernetes/kubelet/kubelet-config.json\x00--kubeconfig=/var/lib/kubelet/kubeconfig\x00--container-runtime-endpoint=unix:///run/containerd/containerd.sock\x00"),
}

const longPath = "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/4711/fs/app/node_modules/.pnpm/@aws-sdk+client-s3@3.478.0/node_modules/@aws-sdk/client-s3/node_modules/.bin/../../../../@smithy+node-http-handler@2.2.1/node_modules/@smithy/node-http-handler/dist-cjs/bin/healthcheck-worker"

// fillerLine renders "audit: type=1327 audit(T:SERIAL): proctitle=P" where
// P renders as payload bytes: hex-encoded argv (even lengths) or, as the kernel
// prints a command line without NULs or spaces, a quoted path (odd ones).
func (g *gen) fillerLine(dst []byte, payload int) []byte {
	g.msg = g.msg[:0]
	g.auditHdrSerial(1327, g.auditSerial)
	g.msg = append(g.msg, "proctitle="...)
	if payload%2 == 1 {
		quotes := 2 // rendered size of the two quotes
		if g.format == fmtJournal {
			quotes = 4 // \"...\" inside MESSAGE
		}
		g.msg = append(g.msg, '"')
		g.msg = append(g.msg, longPath[:payload-quotes]...)
		g.msg = append(g.msg, '"')
	} else {
		pt := proctitles[int(g.auditSerial)%len(proctitles)]
		for i := 0; i < payload/2; i++ {
			c := byte('0' + i%10)
			if i < len(pt) {
				c = pt[i]
			}
			g.msg = append(g.msg, "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
	}
	return g.render(dst, g.kernelSrc, '5', g.msg)
}

func (g *gen) normalLine(dst []byte) []byte {
	g.tick(9000)
	g.msg = g.msg[:0]
	var t tmpl
	if g.format == fmtDmesg {
		t = kernelTmpl[pickWeighted(g, kernelTmpl, kernelSum)]
	} else {
		t = g.tmpl[pickWeighted(g, g.tmpl, g.tmplSum)]
	}
	s, prio := t.f(g)
	return g.render(dst, s, prio, g.msg)
}

func pickWeighted(g *gen, ts []tmpl, sum int) int {
	x := g.r.IntN(sum)
	for i, t := range ts {
		if x < t.w {
			return i
		}
		x -= t.w
	}
	return len(ts) - 1
}

// ---------------------------------------------------------------------------
// ordinary lines

func (g *gen) add(s string)          { g.msg = append(g.msg, s...) }
func (g *gen) addInt(v int)          { g.msg = appendInt(g.msg, v) }
func (g *gen) addHex(n int)          { g.msg = g.appendHex(g.msg, n) }
func (g *gen) kern() (*source, byte) { return g.kernelSrc, '6' }

var kernelTmpl []tmpl
var kernelSum int

func init() {
	kernelTmpl = []tmpl{
		{30, func(g *gen) (*source, byte) {
			g.add("IPv6: ADDRCONF(NETDEV_CHANGE): ")
			g.add(g.somePod().veth)
			g.add(": link becomes ready")
			return g.kern()
		}},
		{25, func(g *gen) (*source, byte) {
			p := g.somePod()
			g.add("cni0: port ")
			g.addInt(1 + len(p.veth)%3 + g.r.IntN(40))
			g.add("(")
			g.add(p.veth)
			g.add(") entered ")
			g.add([]string{"blocking", "disabled", "forwarding", "blocking"}[g.r.IntN(4)])
			g.add(" state")
			return g.kern()
		}},
		{15, func(g *gen) (*source, byte) {
			g.add("device ")
			g.add(g.somePod().veth)
			g.add([]string{" entered promiscuous mode", " left promiscuous mode"}[g.r.IntN(2)])
			return g.kern()
		}},
		{10, func(g *gen) (*source, byte) {
			g.add("eth0: renamed from tmp")
			g.addHex(5)
			return g.kern()
		}},
		{8, func(g *gen) (*source, byte) {
			g.add("EXT4-fs (")
			g.add([]string{"nvme1n1", "nvme2n1", "nvme0n1p1", "loop3"}[g.r.IntN(4)])
			g.add("): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.")
			return g.kern()
		}},
		{3, func(g *gen) (*source, byte) {
			g.add("EXT4-fs (nvme1n1): warning: maximal mount count reached, running e2fsck is recommended")
			return g.kern()
		}},
		{20, func(g *gen) (*source, byte) {
			p := g.somePod()
			g.auditHdr(1400)
			g.add(`apparmor="DENIED" operation="`)
			switch g.r.IntN(3) {
			case 0:
				g.add(`open" profile="cri-containerd.apparmor.d" name="/proc/sys/kernel/`)
				g.add([]string{"shmmax", "core_pattern", "ns_last_pid", "random/boot_id"}[g.r.IntN(4)])
				g.add(`" pid=`)
				g.addInt(g.pid())
				g.add(` comm="`)
				g.add(p.cname)
				g.add(`" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`)
			case 1:
				g.add(`mount" info="failed flags match" error=-13 profile="cri-containerd.apparmor.d" name="/proc/" pid=`)
				g.addInt(g.pid())
				g.add(` comm="runc:[2:INIT]" fstype="proc" srcname="proc" flags="rw, nosuid, nodev, noexec"`)
			default:
				g.add(`ptrace" profile="cri-containerd.apparmor.d" pid=`)
				g.addInt(g.pid())
				g.add(` comm="`)
				g.add(p.cname)
				g.add(`" requested_mask="read" denied_mask="read" peer="unconfined"`)
			}
			return g.kern()
		}},
		{8, func(g *gen) (*source, byte) {
			g.auditHdr(1400)
			g.add(`apparmor="STATUS" operation="profile_replace" info="same as current profile, skipping" profile="unconfined" name="cri-containerd.apparmor.d" pid=`)
			g.addInt(g.pid())
			g.add(` comm="apparmor_parser"`)
			return g.kern()
		}},
		{8, func(g *gen) (*source, byte) {
			pid := g.pid()
			g.auditHdr(1300)
			g.add("arch=c000003e syscall=")
			g.addInt([]int{257, 59, 165, 56, 435}[g.r.IntN(5)])
			g.add(" success=yes exit=")
			g.addInt(g.r.IntN(12))
			g.add(" a0=ffffff9c a1=")
			g.addHex(12)
			g.add(" a2=80000 a3=0 items=1 ppid=")
			g.addInt(pid - 1 - g.r.IntN(20))
			g.add(" pid=")
			g.addInt(pid)
			g.add(` auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="runc" exe="/usr/bin/runc" subj=unconfined key="containers"`)
			return g.kern()
		}},
		{6, func(g *gen) (*source, byte) {
			g.add("overlayfs: fs on '/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/")
			g.addInt(100 + g.r.IntN(9000))
			g.add("/fs' does not support file handles, falling back to xino=off.")
			return g.kern()
		}},
		{10, func(g *gen) (*source, byte) {
			g.add("IPVS: rr: TCP 10.96.")
			g.addInt(g.r.IntN(255))
			g.add(".")
			g.addInt(1 + g.r.IntN(254))
			g.add(":")
			g.addInt([]int{53, 80, 443, 8080, 9090}[g.r.IntN(5)])
			g.add(" - no destination available")
			return g.kern()
		}},
		{5, func(g *gen) (*source, byte) {
			g.add("net_ratelimit: ")
			g.addInt(2 + g.r.IntN(50))
			g.add(" callbacks suppressed")
			return g.kern()
		}},
		{3, func(g *gen) (*source, byte) {
			g.add("nf_conntrack: nf_conntrack: table full, dropping packet")
			return g.kern()
		}},
		{2, func(g *gen) (*source, byte) {
			g.add("TCP: request_sock_TCP: Possible SYN flooding on port 10250. Sending cookies.  Check SNMP counters.")
			return g.kern()
		}},
		{4, func(g *gen) (*source, byte) {
			g.add("ena 0000:00:0")
			g.addInt(5 + g.r.IntN(3))
			g.add(".0 eth")
			g.addInt(1 + g.r.IntN(2))
			g.add(": Local page cache is disabled for less than 16 channels")
			return g.kern()
		}},
	}
	for _, t := range kernelTmpl {
		kernelSum += t.w
	}
}

func (g *gen) podRef(p *pod) {
	g.add(`pod="`)
	g.add(p.ns)
	g.add("/")
	g.add(p.name)
	g.add(`"`)
}

func (g *gen) initTemplates() {
	kernelShare := 300 // weight of all kernel lines; the other sources weigh ~590
	for _, t := range kernelTmpl {
		g.tmpl = append(g.tmpl, tmpl{t.w * kernelShare / kernelSum, t.f})
	}
	kl := func(w int, f func(g *gen) byte) {
		g.tmpl = append(g.tmpl, tmpl{w, func(g *gen) (*source, byte) { return g.kubeletSrc, f(g) }})
	}
	cd := func(w int, f func(g *gen)) {
		g.tmpl = append(g.tmpl, tmpl{w, func(g *gen) (*source, byte) { f(g); return g.containerdSrc, '6' }})
	}
	sd := func(w int, f func(g *gen)) {
		g.tmpl = append(g.tmpl, tmpl{w, func(g *gen) (*source, byte) { f(g); return g.systemdSrc, '6' }})
	}

	// kubelet, ~40%
	kl(50, func(g *gen) byte {
		p := g.somePod()
		g.klog('I')
		g.add(`kubelet.go:2457] "SyncLoop (PLEG): event for pod" `)
		g.podRef(p)
		g.add(` event={"ID":"`)
		g.add(p.uid)
		g.add(`","Type":"`)
		g.add([]string{"ContainerStarted", "ContainerDied", "ContainerStarted"}[g.r.IntN(3)])
		g.add(`","Data":"`)
		if g.r.IntN(3) == 0 {
			g.add(p.sandbox)
		} else {
			g.add(p.container(g))
		}
		g.add(`"}`)
		return '6'
	})
	kl(25, func(g *gen) byte {
		p := g.somePod()
		g.klog('I')
		g.add(`kubelet.go:2536] "SyncLoop (probe)" probe="`)
		g.add([]string{"readiness", "liveness", "startup"}[g.r.IntN(3)])
		g.add(`" status="`)
		g.add([]string{"ready", "", "started", "unhealthy"}[g.r.IntN(4)])
		g.add(`" `)
		g.podRef(p)
		return '6'
	})
	kl(50, func(g *gen) byte {
		p := g.somePod()
		g.klog('I')
		switch g.r.IntN(4) {
		case 0:
			g.add(`kubelet.go:2430] "SyncLoop ADD" source="api" pods=["`)
		case 1:
			g.add(`kubelet.go:2452] "SyncLoop DELETE" source="api" pods=["`)
		case 2:
			g.add(`kubelet.go:2446] "SyncLoop REMOVE" source="api" pods=["`)
		default:
			g.add(`kubelet.go:2445] "SyncLoop UPDATE" source="api" pods=["`)
		}
		g.add(p.ns)
		g.add("/")
		g.add(p.name)
		g.add(`"]`)
		return '6'
	})
	kl(30, func(g *gen) byte {
		p := g.somePod()
		g.klog('I')
		g.add(`scope.go:117] "RemoveContainer" containerID="`)
		g.add(p.container(g))
		g.add(`"`)
		return '6'
	})
	kl(28, func(g *gen) byte {
		p := g.somePod()
		g.klog('I')
		g.add(`prober.go:107] "Probe failed" probeType="`)
		g.add([]string{"Readiness", "Liveness"}[g.r.IntN(2)])
		g.add(`" `)
		g.podRef(p)
		g.add(` podUID="`)
		g.add(p.uid)
		g.add(`" containerName="`)
		g.add(p.cname)
		g.add(`" probeResult="failure" output="Get \"http://`)
		g.add(p.ip)
		g.add(":")
		g.addInt(p.port)
		g.add(`/healthz\": dial tcp `)
		g.add(p.ip)
		g.add(":")
		g.addInt(p.port)
		g.add(`: connect: connection refused"`)
		return '6'
	})
	kl(15, func(g *gen) byte {
		p := g.somePod()
		g.klog('I')
		if g.r.IntN(2) == 0 {
			g.add(`reconciler_common.go:258] "operationExecutor.VerifyControllerAttachedVolume started for volume \"`)
		} else {
			g.add(`operation_generator.go:721] "MountVolume.SetUp succeeded for volume \"`)
		}
		g.add(p.vol)
		g.add(`\" (UniqueName: \"kubernetes.io/projected/`)
		g.add(p.uid)
		g.add("-")
		g.add(p.vol)
		g.add(`\") pod \"`)
		g.add(p.name)
		g.add(`\" (UID: \"`)
		g.add(p.uid)
		g.add(`\") " `)
		g.podRef(p)
		return '6'
	})
	kl(8, func(g *gen) byte {
		p := g.somePod()
		g.klog('I')
		g.add(`pod_startup_latency_tracker.go:102] "Observed pod startup duration" `)
		g.podRef(p)
		d := 1 + g.r.IntN(30)
		g.add(` podStartSLOduration=`)
		g.addInt(d)
		g.add(".")
		g.addInt(100 + g.r.IntN(899))
		g.add(` podStartE2EDuration="`)
		g.addInt(d)
		g.add(`s" podCreationTimestamp="`)
		g.msg = append(g.msg, g.isoStamp[:10]...)
		g.add(" ")
		g.msg = append(g.msg, g.isoStamp[11:]...)
		g.add(` +0000 UTC" firstStartedPulling="0001-01-01 00:00:00 +0000 UTC" lastFinishedPulling="0001-01-01 00:00:00 +0000 UTC" observedRunningTime="`)
		g.msg = append(g.msg, g.isoStamp[:10]...)
		g.add(" ")
		g.msg = append(g.msg, g.isoStamp[11:]...)
		g.add(".")
		g.addInt(100000000 + g.r.IntN(899999999))
		g.add(` +0000 UTC m=+`)
		g.addInt(int(g.mono / 1e6))
		g.add(".")
		g.addInt(100000000 + g.r.IntN(899999999))
		g.add(`"`)
		return '6'
	})
	kl(25, func(g *gen) byte {
		g.klog('I')
		g.add("log.go:245] http: TLS handshake error from 10.0.")
		g.addInt(g.r.IntN(255))
		g.add(".")
		g.addInt(1 + g.r.IntN(254))
		g.add(":")
		g.addInt(30000 + g.r.IntN(35000))
		g.add(": EOF")
		return '6'
	})
	kl(12, func(g *gen) byte {
		p := g.somePod()
		g.klog('E')
		g.add(`cadvisor_stats_provider.go:501] "Partial failure issuing cadvisor.ContainerInfoV2" err="partial failures: [\"`)
		g.add(p.slice())
		g.add("/cri-containerd-")
		g.add(p.container(g))
		g.add(`.scope\": RecentStats: unable to find data in memory cache]"`)
		return '3'
	})
	kl(10, func(g *gen) byte {
		p := g.somePod()
		g.klog('I')
		g.add(`kuberuntime_container.go:770] "Killing container with a grace period" `)
		g.podRef(p)
		g.add(` podUID="`)
		g.add(p.uid)
		g.add(`" containerName="`)
		g.add(p.cname)
		g.add(`" containerID="containerd://`)
		g.add(p.container(g))
		g.add(`" gracePeriod=30`)
		return '6'
	})
	kl(8, func(g *gen) byte {
		p := g.somePod()
		g.klog('I')
		g.add(`kubelet_volumes.go:163] "Cleaned up orphaned pod volumes dir" podUID="`)
		g.add(p.uid)
		g.add(`" path="/var/lib/kubelet/pods/`)
		g.add(p.uid)
		g.add(`/volumes"`)
		return '6'
	})
	kl(6, func(g *gen) byte {
		g.klog('W')
		g.add(`reflector.go:535] object-"`)
		p := g.somePod()
		g.add(p.ns)
		g.add(`"/"`)
		g.add(p.vol[:16])
		g.add(`root-ca.crt": watch of *v1.ConfigMap ended with: an error on the server ("unable to decode an event from the watch stream: http2: client connection lost") has prevented the request from succeeding`)
		return '4'
	})

	kl(24, func(g *gen) byte {
		p := g.somePod()
		g.klog('I')
		switch g.r.IntN(3) {
		case 0:
			g.add(`cpu_manager.go:395] "RemoveStaleState: removing container" podUID="`)
		case 1:
			g.add(`state_mem.go:107] "Deleted CPUSet assignment" podUID="`)
		default:
			g.add(`memory_manager.go:354] "RemoveStaleState removing state" podUID="`)
		}
		g.add(p.uid)
		g.add(`" containerName="`)
		g.add(p.cname)
		g.add(`"`)
		return '6'
	})
	kl(5, func(g *gen) byte {
		p := g.somePod()
		g.klog('E')
		g.add(`pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"`)
		g.add(p.cname)
		g.add(`\" with CrashLoopBackOff: \"back-off `)
		g.add([]string{"10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s"}[g.r.IntN(7)])
		g.add(` restarting failed container=`)
		g.add(p.cname)
		g.add(` pod=`)
		g.add(p.name)
		g.add(`_`)
		g.add(p.ns)
		g.add(`(`)
		g.add(p.uid)
		g.add(`)\"" `)
		g.podRef(p)
		g.add(` podUID="`)
		g.add(p.uid)
		g.add(`"`)
		return '3'
	})

	// containerd, ~18%
	cd(20, func(g *gen) {
		g.ctrd("info")
		g.add(`"StartContainer for \"`)
		g.add(g.somePod().container(g))
		g.add(`\" returns successfully"`)
	})
	cd(25, func(g *gen) {
		g.ctrd("info")
		g.add([]string{`"shim disconnected" id=`, `"cleaning up after shim disconnected" id=`}[g.r.IntN(2)])
		g.add(g.somePod().container(g))
		g.add(" namespace=k8s.io")
	})
	cd(15, func(g *gen) {
		g.ctrd("info")
		g.add(`"cleaning up dead shim" namespace=k8s.io`)
	})
	cd(15, func(g *gen) {
		p := g.somePod()
		g.ctrd("info")
		g.add(`"CreateContainer within sandbox \"`)
		g.add(p.sandbox)
		g.add(`\" for &ContainerMetadata{Name:`)
		g.add(p.cname)
		g.add(`,Attempt:0,} returns container id \"`)
		g.add(p.container(g))
		g.add(`\""`)
	})
	cd(15, func(g *gen) {
		p := g.somePod()
		g.ctrd("info")
		g.add(`"RunPodSandbox for &PodSandboxMetadata{Name:`)
		g.add(p.name)
		g.add(",Uid:")
		g.add(p.uid)
		g.add(",Namespace:")
		g.add(p.ns)
		g.add(`,Attempt:0,} returns sandbox id \"`)
		g.add(p.sandbox)
		g.add(`\""`)
	})
	cd(15, func(g *gen) {
		g.ctrd("info")
		g.add([]string{`"StopPodSandbox for \"`, `"TearDown network for sandbox \"`}[g.r.IntN(2)])
		g.add(g.somePod().sandbox)
		g.add(`\" returns successfully"`)
	})
	cd(10, func(g *gen) {
		g.ctrd("info")
		g.add(`"ImageUpdate event &ImageUpdate{Name:`)
		g.add(g.somePod().image)
		g.add(`,Labels:map[string]string{io.cri-containerd.image: managed,},XXX_unrecognized:[],}"`)
	})
	cd(12, func(g *gen) {
		g.ctrd("info")
		g.add(`"loading plugin \"`)
		g.add([]string{"io.containerd.event.v1.publisher", "io.containerd.internal.v1.shutdown", "io.containerd.ttrpc.v1.task", "io.containerd.ttrpc.v1.pause"}[g.r.IntN(4)])
		g.add(`\"..." runtime=io.containerd.runc.v2 type=`)
		g.add([]string{"io.containerd.event.v1", "io.containerd.internal.v1", "io.containerd.ttrpc.v1"}[g.r.IntN(3)])
	})
	cd(8, func(g *gen) {
		g.ctrd("warning")
		g.add(`"cleanup warnings time=\"`)
		g.msg = append(g.msg, g.isoStamp...)
		g.add(`Z\" level=info msg=\"starting signal loop\" namespace=k8s.io pid=`)
		g.addInt(g.pid())
		g.add(` runtime=io.containerd.runc.v2\n"`)
	})

	// systemd, ~12%
	sd(25, func(g *gen) {
		g.add("Started libcontainer container ")
		g.add(g.somePod().container(g))
		g.add(".")
	})
	sd(25, func(g *gen) {
		g.add("cri-containerd-")
		g.add(g.somePod().container(g))
		g.add(".scope: Deactivated successfully.")
	})
	sd(15, func(g *gen) {
		g.add("cri-containerd-")
		g.add(g.somePod().container(g))
		g.add(".scope: Consumed ")
		g.addInt(g.r.IntN(40))
		g.add(".")
		g.addInt(100 + g.r.IntN(899))
		g.add("s CPU time.")
	})
	sd(20, func(g *gen) {
		g.add("run-containerd-io.containerd.runtime.v2.task-k8s.io-")
		g.add(g.somePod().container(g))
		g.add("-rootfs.mount: Deactivated successfully.")
	})
	sd(10, func(g *gen) {
		g.add("run-containerd-io.containerd.grpc.v1.cri-sandboxes-")
		g.add(g.somePod().sandbox)
		g.add("-shm.mount: Deactivated successfully.")
	})
	sd(15, func(g *gen) {
		p := g.somePod()
		g.add("var-lib-kubelet-pods-")
		g.add(p.uidEsc)
		g.add(`-volumes-kubernetes.io\x7eprojected-kube\x2dapi\x2daccess\x2d`)
		g.add(p.vol[16:])
		g.add(".mount: Deactivated successfully.")
	})
	sd(8, func(g *gen) {
		g.add([]string{"Created slice libcontainer container ", "Removed slice libcontainer container "}[g.r.IntN(2)])
		g.add(g.somePod().sliceName())
		g.add(".")
	})
	sd(2, func(g *gen) {
		g.add([]string{"Starting Cleanup of Temporary Directories...", "systemd-tmpfiles-clean.service: Deactivated successfully.", "Finished Cleanup of Temporary Directories.", "Starting Rotate log files...", "logrotate.service: Deactivated successfully."}[g.r.IntN(5)])
	})

	// the rest
	g.tmpl = append(g.tmpl, tmpl{12, func(g *gen) (*source, byte) {
		g.add(g.somePod().veth)
		g.add([]string{": Gained IPv6LL", ": Link UP", ": Link DOWN", ": Lost carrier", ": Gained carrier"}[g.r.IntN(5)])
		return g.networkdSrc, '6'
	}})
	g.tmpl = append(g.tmpl, tmpl{6, func(g *gen) (*source, byte) {
		g.add([]string{"(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)", "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)", "(root) CMD (/usr/local/bin/ecr-credential-refresh >/dev/null 2>&1)"}[g.r.IntN(3)])
		return g.cronSrc, '6'
	}})
	g.tmpl = append(g.tmpl, tmpl{3, func(g *gen) (*source, byte) {
		g.add("Accepted publickey for ec2-user from 10.0.")
		g.addInt(g.r.IntN(255))
		g.add(".")
		g.addInt(1 + g.r.IntN(254))
		g.add(" port ")
		g.addInt(30000 + g.r.IntN(30000))
		g.add(" ssh2: ED25519 SHA256:")
		g.add("q0Zk3v9yJ8Gm1Xw4Tn7Rb2Lc5Hd6Pf0Ss3Ua8Ve1Wi")
		return g.sshdSrc, '6'
	}})
	g.tmpl = append(g.tmpl, tmpl{3, func(g *gen) (*source, byte) {
		g.add([]string{"Selected source 169.254.169.123", "System clock wrong by 0.000012 seconds", "Source 169.254.169.123 replaced with fd00:ec2::123"}[g.r.IntN(3)])
		return g.chronySrc, '6'
	}})

	for _, t := range g.tmpl {
		g.tmplSum += t.w
	}
}

// ---------------------------------------------------------------------------
// OOM dumps

var comms = []string{"app", "app", "app", "java", "python3", "node", "ruby", "php-fpm"}

type task struct {
	pid, uid, tgid     int
	totalVM, rss       int64
	pgtables, swapents int64
	adj                int
	comm               string
}

// oomDump renders a cgroup-v2 memcg OOM kill as a 5.15 kernel prints it.
func (g *gen) oomDump(dst []byte) []byte {
	g.tick(9000)
	p := g.somePod()
	for p.qos == 2 { // BestEffort pods have no memory limit
		p = g.somePod()
	}
	comm := g.pick(comms)
	ctr := p.containers[0]
	scope := p.slice() + "/cri-containerd-" + ctr + ".scope"
	oomMemcg := scope
	podLevel := g.r.IntN(5) == 0
	if podLevel {
		oomMemcg = p.slice()
	}
	limitKB := []int64{262144, 524288, 524288, 1048576, 1048576, 2097152, 4194304}[g.r.IntN(7)]
	limitPages := limitKB / 4

	// processes in the memcg: (pause), an init process, then workers
	var tasks []task
	if podLevel {
		pid := g.pid()
		tasks = append(tasks, task{pid: pid, uid: 65535, tgid: pid, totalVM: 243, rss: 1, pgtables: 28672, adj: -998, comm: "pause"})
	}
	nWorkers := 16 + g.r.IntN(6)
	initComm := []string{"tini", "sh", "dumb-init"}[g.r.IntN(3)]
	pid := g.pid()
	tasks = append(tasks, task{pid: pid, tgid: pid, totalVM: 400 + int64(g.r.IntN(800)), rss: 50 + int64(g.r.IntN(300)), pgtables: 45056, adj: p.adj, comm: initComm})
	victimIdx := len(tasks) + g.r.IntN(nWorkers)
	remaining := limitPages - 2000
	victimRSS := remaining * int64(55+g.r.IntN(35)) / 100
	remaining -= victimRSS
	for i := 0; i < nWorkers; i++ {
		pid := g.pid()
		t := task{pid: pid, tgid: pid, adj: p.adj, comm: comm}
		if len(tasks) == victimIdx {
			t.rss = victimRSS
		} else {
			t.rss = 1 + remaining/int64(nWorkers)*int64(20+g.r.IntN(80))/100
		}
		t.totalVM = t.rss*int64(150+g.r.IntN(250))/100 + 20000 + int64(g.r.IntN(50000))
		t.pgtables = (t.totalVM/512 + 3 + int64(g.r.IntN(8))) * 4096
		tasks = append(tasks, t)
	}
	victim := tasks[victimIdx]
	invoker := victim
	if g.r.IntN(5) == 0 { // another worker's allocation tipped the memcg over
		i := len(tasks) - 1 - g.r.IntN(nWorkers)
		if i == victimIdx {
			i = len(tasks) - nWorkers + (victimIdx-(len(tasks)-nWorkers)+1)%nWorkers
		}
		invoker = tasks[i]
	}
	g.victims = append(g.victims, victim.pid)

	line := func(prio byte) {
		dst = g.render(dst, g.kernelSrc, prio, g.msg)
		g.msg = g.msg[:0]
		g.mono += 1 + int64(g.r.IntN(12))
	}
	g.msg = g.msg[:0]

	g.add(invoker.comm)
	g.add(" invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=")
	g.addInt(invoker.adj)
	line('4')
	g.add("CPU: ")
	g.addInt(g.r.IntN(4))
	g.add(" PID: ")
	g.addInt(invoker.pid)
	g.add(" Comm: ")
	g.add(invoker.comm)
	g.add(" Not tainted 5.15.0-1051-aws #56~20.04.1-Ubuntu")
	line('4')
	g.add("Hardware name: Amazon EC2 m5.xlarge/, BIOS 1.0 10/16/2017")
	line('4')
	g.add("Call Trace:")
	line('4')
	for _, s := range callTrace {
		g.add(s)
		line('4')
	}
	rip := 0x7f0000000000 + g.r.Int64N(0xffffffffff)
	g.add("RIP: 0033:0x")
	g.msg = strconv.AppendInt(g.msg, rip, 16)
	line('4')
	g.add("Code: Unable to access opcode bytes at RIP 0x")
	g.msg = strconv.AppendInt(g.msg, rip-0x2a, 16)
	g.add(".")
	line('4')
	g.add("RSP: 002b:00007ff")
	g.addHex(9)
	g.add(" EFLAGS: 00010206")
	line('4')
	for _, regs := range [][3]string{{"RAX", "RBX", "RCX"}, {"RDX", "RSI", "RDI"}, {"RBP", "R08", "R09"}, {"R10", "R11", "R12"}, {"R13", "R14", "R15"}} {
		for i, r := range regs {
			if i > 0 {
				g.add(" ")
			}
			g.add(r)
			g.add(": ")
			g.add("0000")
			g.addHex(12)
		}
		line('4')
	}
	g.add(" </TASK>")
	line('4')

	usageKB := limitKB - int64(g.r.IntN(64))*4
	g.add("memory: usage ")
	g.msg = strconv.AppendInt(g.msg, usageKB, 10)
	g.add("kB, limit ")
	g.msg = strconv.AppendInt(g.msg, limitKB, 10)
	g.add("kB, failcnt ")
	g.addInt(1 + g.r.IntN(5000))
	line('6')
	g.add("swap: usage 0kB, limit 9007199254740988kB, failcnt 0")
	line('6')
	g.add("Memory cgroup stats for ")
	g.add(oomMemcg)
	g.add(":")
	line('6')
	anon := usageKB * 1024 * int64(93+g.r.IntN(5)) / 100
	file := usageKB*1024 - anon - 3<<20
	for i, name := range memStatNames {
		if i > 0 {
			g.add("\n")
		}
		g.add(name)
		g.add(" ")
		var v int64
		switch name {
		case "anon", "active_anon":
			v = anon / 4096 * 4096
		case "file":
			v = max(file, 0) / 4096 * 4096
		case "inactive_file", "active_file":
			v = max(file, 0) / 8192 * 4096
		case "kernel_stack":
			v = int64(100+g.r.IntN(400)) * 16384
		case "pagetables", "slab", "slab_unreclaimable":
			v = int64(50+g.r.IntN(2000)) * 4096
		case "pgfault":
			v = int64(g.r.IntN(10_000_000))
		case "pgmajfault", "workingset_refault_file", "pgrefill", "pgscan", "pgsteal":
			v = int64(g.r.IntN(20000))
		case "sock", "percpu", "slab_reclaimable", "file_mapped":
			v = int64(g.r.IntN(400)) * 4096
		}
		g.msg = strconv.AppendInt(g.msg, v, 10)
	}
	line('6')

	g.add("Tasks state (memory values in pages):")
	line('6')
	g.add("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name")
	line('6')
	for _, t := range tasks {
		// "[%7d] %5d %5d %8lu %8lu %8ld %8lu         %5hd %s"
		g.add("[")
		g.msg = appendIntPad(g.msg, int64(t.pid), 7, ' ')
		g.add("] ")
		g.msg = appendIntPad(g.msg, int64(t.uid), 5, ' ')
		g.add(" ")
		g.msg = appendIntPad(g.msg, int64(t.tgid), 5, ' ')
		g.add(" ")
		g.msg = appendIntPad(g.msg, t.totalVM, 8, ' ')
		g.add(" ")
		g.msg = appendIntPad(g.msg, t.rss, 8, ' ')
		g.add(" ")
		g.msg = appendIntPad(g.msg, t.pgtables, 8, ' ')
		g.add(" ")
		g.msg = appendIntPad(g.msg, t.swapents, 8, ' ')
		g.add("         ")
		g.msg = appendIntPad(g.msg, int64(t.adj), 5, ' ')
		g.add(" ")
		g.add(t.comm)
		line('6')
	}
	g.add("oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-")
	g.add(ctr)
	g.add(".scope,mems_allowed=0,oom_memcg=")
	g.add(oomMemcg)
	g.add(",task_memcg=")
	g.add(scope)
	g.add(",task=")
	g.add(victim.comm)
	g.add(",pid=")
	g.addInt(victim.pid)
	g.add(",uid=")
	g.addInt(victim.uid)
	line('6')
	anonRSS := victim.rss * int64(97+g.r.IntN(3)) / 100
	g.add("Memory cgroup out of memory: Killed process ")
	g.addInt(victim.pid)
	g.add(" (")
	g.add(victim.comm)
	g.add(") total-vm:")
	g.msg = strconv.AppendInt(g.msg, victim.totalVM*4, 10)
	g.add("kB, anon-rss:")
	g.msg = strconv.AppendInt(g.msg, anonRSS*4, 10)
	g.add("kB, file-rss:")
	g.msg = strconv.AppendInt(g.msg, (victim.rss-anonRSS)*4, 10)
	g.add("kB, shmem-rss:0kB, UID:")
	g.addInt(victim.uid)
	g.add(" pgtables:")
	g.msg = strconv.AppendInt(g.msg, victim.pgtables/1024, 10)
	g.add("kB oom_score_adj:")
	g.addInt(victim.adj)
	line('3')
	if g.r.IntN(10) < 7 {
		g.mono += 5000 + int64(g.r.IntN(40000))
		g.add("oom_reaper: reaped process ")
		g.addInt(victim.pid)
		g.add(" (")
		g.add(victim.comm)
		g.add("), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB")
		line('6')
	}
	return dst
}

var callTrace = []string{
	" <TASK>",
	" dump_stack_lvl+0x4a/0x63",
	" dump_stack+0x10/0x16",
	" dump_header+0x53/0x225",
	" oom_kill_process.cold+0xb/0x10",
	" out_of_memory+0x1bd/0x4f0",
	" mem_cgroup_out_of_memory+0x136/0x150",
	" try_charge_memcg+0x6db/0x780",
	" charge_memcg+0x45/0xb0",
	" __mem_cgroup_charge+0x2d/0x80",
	" do_anonymous_page+0x110/0x3b0",
	" __handle_mm_fault+0x8a3/0x950",
	" handle_mm_fault+0xd8/0x2c0",
	" do_user_addr_fault+0x1c9/0x670",
	" exc_page_fault+0x77/0x170",
	" asm_exc_page_fault+0x27/0x30",
}

var memStatNames = []string{
	"anon", "file", "kernel_stack", "pagetables", "percpu", "sock", "shmem",
	"file_mapped", "file_dirty", "file_writeback", "swapcached", "anon_thp",
	"file_thp", "shmem_thp", "inactive_anon", "active_anon", "inactive_file",
	"active_file", "unevictable", "slab_reclaimable", "slab_unreclaimable",
	"slab", "workingset_refault_anon", "workingset_refault_file",
	"workingset_activate_anon", "workingset_activate_file",
	"workingset_restore_anon", "workingset_restore_file",
	"workingset_nodereclaim", "pgfault", "pgmajfault", "pgrefill", "pgscan",
	"pgsteal", "pgactivate", "pgdeactivate", "pglazyfree", "pglazyfreed",
	"thp_fault_alloc", "thp_collapse_alloc",
}
