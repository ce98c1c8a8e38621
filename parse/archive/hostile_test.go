package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
)

// zerosGzip writes n zero bytes, gzip-compressed, to a file in dir.
func zerosGzip(t testing.TB, dir string, n int64) string {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "bomb.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw, _ := kgzip.NewWriterLevel(f, kgzip.BestSpeed)
	zero := make([]byte, 1<<20)
	for written := int64(0); written < n; written += int64(len(zero)) {
		zw.Write(zero)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

func TestGzipBomb(t *testing.T) {
	bomb := zerosGzip(t, t.TempDir(), 64<<20)
	for _, dec := range []struct {
		name string
		d    func(t *testing.T) decoders
	}{
		{"go", func(*testing.T) decoders { return decoders{} }},
		{"pigz", func(t *testing.T) decoders { return cliDecoders(t, kindGzip) }},
	} {
		t.Run(dec.name, func(t *testing.T) {
			d := dec.d(t)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			r := walkWith(t, d, Limits{MaxMemberBytes: 1 << 20}, bomb, nil)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if r.err != nil || len(r.problems) != 1 || !errors.Is(r.problems[0].Err, ErrLimit) {
				t.Fatalf("err %v, problems:\n%s", r.err, r.problemsString())
			}
			if msg := r.problems[0].Err.Error(); !strings.Contains(msg, "--max-member-bytes") || !strings.Contains(msg, "1 MiB") {
				t.Errorf("problem %q should name the limit and its flag", msg)
			}
			if l := r.leaves[0]; !errors.Is(l.ReadErr, ErrLimit) || len(l.Body) != 1<<20 || !strings.Contains(l.ReadErr.Error(), bomb) {
				t.Errorf("read %d bytes, err %v; want 1 MiB then ErrLimit naming the file", len(l.Body), l.ReadErr)
			}
			// The test itself keeps the 1 MiB it read; the walk adds buffers only.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 24<<20 {
				t.Errorf("allocated %d MiB walking a 64 MiB bomb", alloc>>20)
			}
			if elapsed > 5*time.Second {
				t.Errorf("took %v", elapsed)
			}
		})
	}
}

func TestTotalLimitStopsInput(t *testing.T) {
	zeros := strings.Repeat("\x00", 8<<20)
	tgz := gzipOf(t, tarOf(t,
		entry{name: "a.log", body: "first\n"},
		entry{name: "zeros", body: zeros}, // not read by the callback: skipped, but counted
		entry{name: "b.log", body: "never\n"},
	))
	p := writeFile(t, t.TempDir(), "t.tar.gz", tgz)
	var names []string
	var problems []problemSeen
	w := newWalker(context.Background(), Limits{MaxTotalBytes: 1 << 20}, func(m *Member) error {
		names = append(names, m.Name)
		return nil
	}, func(path string, err error) { problems = append(problems, problemSeen{path, err}) }, decoders{})
	if err := w.walk(p, nil); err != nil {
		t.Fatal(err)
	}
	if len(problems) != 1 || !errors.Is(problems[0].Err, ErrLimit) || !strings.Contains(problems[0].Err.Error(), "--max-total-bytes") {
		t.Fatalf("problems %v", problems)
	}
	if strings.Join(names, ",") != "a.log,zeros" {
		t.Errorf("visited %q; the input should stop at the limit", names)
	}
}

func TestLimits(t *testing.T) {
	many := func(t *testing.T, dir string) string {
		var es []entry
		for i := range 10 {
			es = append(es, entry{name: fmt.Sprintf("f%02d", i), body: "x\n"})
		}
		return writeFile(t, dir, "many.tar", tarOf(t, es...))
	}
	deep := func(t *testing.T, dir string) string {
		l3 := tarOf(t, entry{name: "f", body: "deep\n"})
		l2 := tarOf(t, entry{name: "l3.tar", body: string(l3)})
		return writeFile(t, dir, "x.tar", tarOf(t, entry{name: "l2.tar", body: string(l2)}))
	}
	gzLayers := func(t *testing.T, dir string) string {
		b := []byte("inner\n")
		for range 4 {
			b = gzipOf(t, b)
		}
		return writeFile(t, dir, "x.gz.gz.gz.gz", b)
	}
	headers := func(t *testing.T, dir string) string {
		var es []entry
		for i := range 3000 {
			es = append(es, entry{name: fmt.Sprintf("d%04d/", i)})
		}
		return writeFile(t, dir, "dirs.tar", tarOf(t, es...))
	}
	tests := []struct {
		name   string
		build  func(t *testing.T, dir string) string
		lim    Limits
		leaves int
		path   string // of the problem, below dir
		flag   string
	}{
		{"members", many, Limits{MaxMembers: 3}, 3, "many.tar!f03", "--max-members"},
		{"depth", deep, Limits{MaxDepth: 2}, 1, "x.tar!l2.tar!l3.tar", "--max-depth"},
		{"compression layers", gzLayers, Limits{MaxDepth: 3}, 1, "x.gz.gz.gz.gz", "--max-depth"},
		{"headers only", headers, Limits{MaxTotalBytes: 1 << 20}, 0, "dirs.tar", "--max-total-bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			r := walkWith(t, decoders{}, tt.lim, tt.build(t, dir), nil)
			if r.err != nil || len(r.leaves) != tt.leaves || len(r.problems) != 1 {
				t.Fatalf("err %v, leaves %q, problems:\n%s", r.err, r.names(), r.problemsString())
			}
			p := r.problems[0]
			if !errors.Is(p.Err, ErrLimit) || p.Path != filepath.Join(dir, tt.path) || !strings.Contains(p.Err.Error(), tt.flag) {
				t.Errorf("problem %s: %v; want ErrLimit on %s naming %s", p.Path, p.Err, tt.path, tt.flag)
			}
		})
	}
}

// textMembers returns n members of distinct text, big enough that a cut in
// the middle of the archive falls after several of them.
func textMembers(n int) []entry {
	return textMembersSized(n, 4096)
}

// textMembersSized returns n members of size bytes of distinct text each.
func textMembersSized(n, size int) []entry {
	var es []entry
	for i := range n {
		es = append(es, entry{name: fmt.Sprintf("bundle/log%02d", i), body: string(logText(size, uint64(i)))})
	}
	return es
}

func TestTruncated(t *testing.T) {
	// 1.5 MB: xz and zstd decode whole blocks, and a block must end before the cut.
	members := textMembersSized(24, 64<<10)
	tests := []struct {
		name     string
		compress func(t testing.TB, b []byte) []byte
		cli      kind
	}{
		{"tar.gz", gzipOf, kindGzip},
		{"tar.xz", xzOf, kindXz},
		{"tar.zst", zstdOf, kindZstd},
		{"tar", func(_ testing.TB, b []byte) []byte { return b }, kindPlain},
	}
	for _, tt := range tests {
		for _, viaCLI := range []bool{false, true} {
			name := tt.name + "/go"
			if viaCLI {
				name = tt.name + "/cli"
			}
			t.Run(name, func(t *testing.T) {
				d := decoders{}
				if viaCLI {
					if tt.cli == kindPlain {
						t.Skip("no compression")
					}
					d = cliDecoders(t, tt.cli)
				}
				full := tt.compress(t, tarOf(t, members...))
				p := writeFile(t, t.TempDir(), "cut."+tt.name, full[:len(full)/2])
				r := runWithTimeout(t, func() result { return walkWith(t, d, Limits{}, p, nil) })
				if r.err != nil {
					t.Fatal(r.err)
				}
				if len(r.problems) != 1 || !errors.Is(r.problems[0].Err, ErrTruncated) || r.problems[0].Path != p {
					t.Fatalf("problems:\n%s\nwant one ErrTruncated on the archive", r.problemsString())
				}
				t.Logf("problem: %s", r.problemsString())
				if msg := r.problems[0].Err.Error(); !strings.Contains(msg, "after ") {
					t.Errorf("problem %q should say how far it got", msg)
				}
				complete := 0
				for i, l := range r.leaves {
					if l.ReadErr == nil {
						complete++
						if l.Body != members[i].body {
							t.Errorf("%s: content differs", l.Name)
						}
					}
				}
				if complete < 3 || complete >= len(members) {
					t.Errorf("%d complete members before the cut, want several but not all", complete)
				}
			})
		}
	}
}

// runWithTimeout fails the test when f does not return in 30 s (a hang).
func runWithTimeout(t *testing.T, f func() result) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- f() }()
	select {
	case r := <-done:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("walk hangs")
	}
	return result{}
}

func TestCorrupt(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	random := make([]byte, 5000)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	tarGz := gzipOf(t, tarOf(t, textMembers(4)...))
	flipped := bytes.Clone(tarGz)
	for i := len(flipped) / 2; i < len(flipped)/2+64; i++ {
		flipped[i] ^= 0x55
	}
	garbageTar := append(tarOf(t, entry{name: "a", body: "a\n"})[:1024], bytes.Repeat([]byte("garbage!"), 64)...)
	tests := []struct {
		name     string
		data     []byte
		want     error // of the one problem; nil for none
		leaves   int
		contains string
	}{
		{"random bytes", random, nil, 1, ""},
		{"empty", nil, nil, 1, ""},
		{"corrupt gzip", flipped, ErrTruncated, -1, "gzip"},
		{"gzip header only", tarGz[:12], ErrTruncated, 0, "gzip"},
		{"tar header garbage", garbageTar, ErrTruncated, 1, "tar"},
		{"armored gpg", []byte("-----BEGIN PGP MESSAGE-----\n\njA0ECQMC...\n-----END PGP MESSAGE-----\n"), ErrEncrypted, 0, "gpg -d"},
		{"gpg -c", []byte("\x8c\x0d\x04\x09\x03\x02\x16\x99\xbf\xa5\x6c\xe2\x6f\xb6\xff\xd2\x40\x01"), ErrEncrypted, 0, "decrypt it first"},
		{"gpg -e", []byte("\x85\x01\x8c\x03\xd5\xeb\x2b\xc0\xab\x39\xd5\x17\x01\x0b\xff\x49"), ErrEncrypted, 0, "gpg -d"},
		{"gpg in tar", tarOf(t, entry{name: "secured-sosreport.tar.xz.gpg", body: "\x8c\x0d\x04\x09\x03\x02\x16\x99"}, entry{name: "ok", body: "ok\n"}), ErrEncrypted, 1,
			"gpg -d secured-sosreport.tar.xz.gpg > secured-sosreport.tar.xz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "input.gpg", tt.data)
			r := walkWith(t, decoders{}, Limits{}, p, nil)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if tt.leaves >= 0 && len(r.leaves) != tt.leaves {
				t.Errorf("leaves %q, want %d", r.names(), tt.leaves)
			}
			if tt.want == nil {
				if len(r.problems) > 0 {
					t.Errorf("problems:\n%s", r.problemsString())
				}
				if tt.leaves == 1 && r.leaves[0].Body != string(tt.data) {
					t.Error("leaf content differs")
				}
				return
			}
			if len(r.problems) != 1 || !errors.Is(r.problems[0].Err, tt.want) || !strings.Contains(r.problems[0].Err.Error(), tt.contains) {
				t.Fatalf("problems:\n%s\nwant one %v containing %q", r.problemsString(), tt.want, tt.contains)
			}
		})
	}
}

func TestZipInStream(t *testing.T) {
	z := zipOf(t, entry{name: "logs/kern.log", body: "kernel\n"})
	var enc bytes.Buffer
	zw := zip.NewWriter(&enc)
	fw, _ := zw.CreateHeader(&zip.FileHeader{Name: "locked.log", Method: zip.Store, Flags: 0x1})
	io.WriteString(fw, "ciphertext")
	zw.Close()
	tests := []struct {
		name   string
		data   []byte
		lim    Limits
		want   error
		leaves int
		msg    string
	}{
		{"spooled", tarOf(t, entry{name: "b.zip", body: string(z)}), Limits{}, nil, 1, ""},
		{"stdin-sized zip over spool limit", gzipOf(t, z), Limits{MaxSpoolBytes: 64}, ErrLimit, 0, "extract it first"},
		{"tar member over spool limit", tarOf(t, entry{name: "b.zip", body: string(z)}), Limits{MaxSpoolBytes: 64}, ErrLimit, 0, "--max-spool-bytes"},
		{"encrypted member", enc.Bytes(), Limits{}, ErrEncrypted, 0, "password"},
		{"truncated zip", z[:len(z)-30], Limits{}, ErrTruncated, 0, "zip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "in", tt.data)
			r := walkWith(t, decoders{}, tt.lim, p, nil)
			if r.err != nil || len(r.leaves) != tt.leaves {
				t.Fatalf("err %v leaves %q problems:\n%s", r.err, r.names(), r.problemsString())
			}
			if tt.want == nil {
				if len(r.problems) > 0 || r.leaves[0].Body != "kernel\n" {
					t.Errorf("problems:\n%s", r.problemsString())
				}
				return
			}
			if len(r.problems) != 1 || !errors.Is(r.problems[0].Err, tt.want) || !strings.Contains(r.problems[0].Err.Error(), tt.msg) {
				t.Errorf("problems:\n%s\nwant %v with %q", r.problemsString(), tt.want, tt.msg)
			}
		})
	}
}

func TestCallbackError(t *testing.T) {
	p := writeFile(t, t.TempDir(), "t.tar", tarOf(t, textMembers(3)...))
	stop := errors.New("enough")
	calls := 0
	err := newWalker(context.Background(), Limits{}, func(m *Member) error {
		calls++
		return stop
	}, nil, decoders{}).walk(p, nil)
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("err %v after %d calls; want the callback's error after 1", err, calls)
	}

	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = newWalker(ctx, Limits{}, func(m *Member) error {
		calls++
		cancel()
		_, err := m.Content.Read(make([]byte, 10))
		if !errors.Is(err, context.Canceled) {
			t.Errorf("read after cancel: %v", err)
		}
		return nil
	}, nil, decoders{}).walk(p, nil)
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("err %v after %d calls; want context.Canceled after 1", err, calls)
	}
}

func TestContentAfterCallback(t *testing.T) {
	p := writeFile(t, t.TempDir(), "t.tar", tarOf(t, textMembers(2)...))
	var kept io.Reader
	Walk(context.Background(), p, nil, Limits{}, func(m *Member) error {
		if kept == nil {
			kept = m.Content
		}
		return nil
	}, nil)
	if _, err := kept.Read(make([]byte, 1)); !errors.Is(err, os.ErrClosed) {
		t.Errorf("read after the callback: %v, want os.ErrClosed", err)
	}
}

func TestTruncatedLeaf(t *testing.T) {
	text := logText(3<<20, 5) // bzip2 blocks hold 900k: several must end before the cut
	for _, tt := range []struct {
		name     string
		compress func(testing.TB, []byte) []byte
		cli      kind
	}{
		{"gz", gzipOf, kindGzip}, {"xz", xzOf, kindXz}, {"zst", zstdOf, kindZstd}, {"bz2", bzip2Of, kindPlain},
	} {
		for _, viaCLI := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/cli=%v", tt.name, viaCLI), func(t *testing.T) {
				d := decoders{}
				if viaCLI {
					if tt.cli == kindPlain {
						t.Skip("no CLI decoder for bzip2")
					}
					d = cliDecoders(t, tt.cli)
				}
				full := tt.compress(t, text)
				p := writeFile(t, t.TempDir(), "messages."+tt.name, full[:len(full)*3/4])
				r := runWithTimeout(t, func() result { return walkWith(t, d, Limits{}, p, nil) })
				if r.err != nil || len(r.leaves) != 1 || len(r.problems) != 1 || !errors.Is(r.problems[0].Err, ErrTruncated) || r.problems[0].Path != p {
					t.Fatalf("err %v leaves %q problems:\n%s", r.err, r.names(), r.problemsString())
				}
				l := r.leaves[0]
				if !errors.Is(l.ReadErr, ErrTruncated) || !strings.HasPrefix(string(text), l.Body) {
					t.Errorf("read %d bytes, err %v; want a prefix of the text and ErrTruncated", len(l.Body), l.ReadErr)
				}
			})
		}
	}
}
