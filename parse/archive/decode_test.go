package archive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// compressors are the formats with a CLI fast path.
func compressors() []struct {
	k        kind
	compress func(testing.TB, []byte) []byte
} {
	return []struct {
		k        kind
		compress func(testing.TB, []byte) []byte
	}{{kindGzip, gzipOf}, {kindXz, xzOf}, {kindZstd, zstdOf}}
}

func TestCLIMatchesPureGo(t *testing.T) {
	for _, c := range compressors() {
		t.Run(c.k.String(), func(t *testing.T) {
			cli := cliDecoders(t, c.k)
			entries := append(textMembersSized(3, 1<<20),
				entry{name: "bundle/rotated.gz", body: string(gzipOf(t, logText(300<<10, 99)))},
				entry{name: "bundle/empty", body: ""})
			p := writeFile(t, t.TempDir(), "in", c.compress(t, tarOf(t, entries...)))
			goRes := walkWith(t, decoders{}, Limits{}, p, nil)
			cliRes := walkWith(t, cli, Limits{}, p, nil)
			for _, r := range []result{goRes, cliRes} {
				if r.err != nil || len(r.problems) > 0 || len(r.leaves) != len(entries) {
					t.Fatalf("err %v leaves %q problems:\n%s", r.err, r.names(), r.problemsString())
				}
			}
			if !maps.Equal(goRes.digest(), cliRes.digest()) {
				t.Errorf("CLI and pure Go differ:\n go %v\ncli %v", goRes.digest(), cliRes.digest())
			}
		})
	}
}

func TestCLIUsedAndReportsCorruption(t *testing.T) {
	for _, c := range compressors() {
		t.Run(c.k.String(), func(t *testing.T) {
			cli := cliDecoders(t, c.k)
			b := c.compress(t, logText(256<<10, 1))
			b = append(b[:len(b)-8], bytes.Repeat([]byte{0xa5}, 8)...) // a broken trailer
			p := writeFile(t, t.TempDir(), "in", b)
			r := runWithTimeout(t, func() result { return walkWith(t, cli, Limits{}, p, nil) })
			if r.err != nil || len(r.problems) != 1 || !errors.Is(r.problems[0].Err, ErrTruncated) {
				t.Fatalf("err %v problems:\n%s", r.err, r.problemsString())
			}
			// The message names the command: the child process did decode it.
			if name := cliArgv(c.k)[0]; !strings.Contains(r.problems[0].Err.Error(), name+" -dc") {
				t.Errorf("problem %v does not name %s", r.problems[0].Err, name)
			}
		})
	}
}

func TestCLIStopsEarly(t *testing.T) {
	for _, c := range compressors() {
		t.Run(c.k.String(), func(t *testing.T) {
			cli := cliDecoders(t, c.k)
			p := writeFile(t, t.TempDir(), "in", c.compress(t, tarOf(t, textMembersSized(4, 1<<20)...)))
			goroutines := runtime.NumGoroutine()
			stop := errors.New("stop")
			err := newWalker(context.Background(), Limits{}, func(m *Member) error {
				io.ReadFull(m.Content, make([]byte, 100))
				return stop
			}, nil, cli).walk(p, nil)
			if !errors.Is(err, stop) {
				t.Fatalf("err %v", err)
			}
			// The feeding goroutine and exec's stderr copier are gone once
			// the child was killed and waited for.
			deadline := time.Now().Add(2 * time.Second)
			for runtime.NumGoroutine() > goroutines && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > goroutines {
				t.Errorf("%d goroutines left, had %d", n, goroutines)
			}
			if pids := childPIDs(t); len(pids) > 0 {
				t.Errorf("child processes left (not waited for): %v", pids)
			}
		})
	}
}

// childPIDs lists the children of the test process, zombies included,
// skipping the test where /proc does not tell.
func childPIDs(t *testing.T) []string {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	if len(tasks) == 0 {
		t.Skip("no /proc/self/task/*/children to list child processes")
	}
	var pids []string
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		pids = append(pids, strings.Fields(string(b))...)
	}
	return pids
}

func TestCLIFallback(t *testing.T) {
	p := writeFile(t, t.TempDir(), "in.xz", xzOf(t, []byte("pure go\n")))
	d := decoders{cli: map[kind][]string{kindXz: {"/nonexistent/xz", "-dc"}}}
	r := walkWith(t, d, Limits{}, p, nil)
	if r.err != nil || len(r.problems) > 0 || len(r.leaves) != 1 || r.leaves[0].Body != "pure go\n" {
		t.Errorf("err %v leaves %+v problems:\n%s", r.err, r.leaves, r.problemsString())
	}
}

func TestSystemDecoders(t *testing.T) {
	t.Setenv(pureGoEnv, "1")
	if d := systemDecoders(); d.cli != nil {
		t.Errorf("%s=1 still uses %v", pureGoEnv, d.cli)
	}
	t.Setenv(pureGoEnv, "")
	d := systemDecoders()
	if d.cli[kindGzip] != nil {
		t.Errorf("gzip decoded by %v; Go is faster", d.cli[kindGzip])
	}
	for _, k := range cliKinds {
		_, err := exec.LookPath(cliArgv(k)[0])
		if got := d.cli[k] != nil; got != (err == nil) {
			t.Errorf("%s: CLI chosen %v, binary found %v", k, got, err == nil)
		}
	}
	if d.minSize != cliMinBytes {
		t.Errorf("minSize %d", d.minSize)
	}
}

func TestSniff(t *testing.T) {
	ustar := tarOf(t, entry{name: "a", body: "x"})
	v7 := bytes.Clone(ustar[:512])
	copy(v7[257:265], make([]byte, 8)) // drop the ustar magic and version
	fixChecksum(v7)
	tests := []struct {
		name string
		b    []byte
		want kind
	}{
		{"gzip", gzipOf(t, []byte("x")), kindGzip},
		{"xz", xzOf(t, []byte("x")), kindXz},
		{"zstd", zstdOf(t, []byte("x")), kindZstd},
		{"bzip2", []byte("BZh91AY&SY\x00\x00"), kindBzip2},
		{"empty bzip2", []byte("BZh9\x17\x72\x45\x38\x50\x90\x00\x00\x00\x00"), kindBzip2},
		{"text starting BZh", []byte("BZh9 is not bzip2"), kindPlain},
		{"zip", zipOf(t, entry{name: "a", body: "x"}), kindZip},
		{"empty zip", zipOf(t), kindZip},
		{"ustar", ustar, kindTar},
		{"v7 tar", v7, kindTar},
		{"broken checksum", append(bytes.Clone(v7[:148]), append([]byte("0000000\x00"), v7[156:]...)...), kindPlain},
		{"armored pgp", []byte("-----BEGIN PGP MESSAGE-----\n"), kindPGP},
		{"gpg -c", []byte("\x8c\x0d\x04\x09\x03\x02"), kindPGP},
		{"gpg -e", []byte("\x85\x01\x8c\x03\xd5"), kindPGP},
		{"new-format skesk", []byte("\xc3\x0d\x04\x09"), kindPGP},
		{"new-format pkesk", []byte("\xc1\xc0\x10\x03"), kindPGP},
		{"0x8c then text", []byte("\x8c\x0dhello"), kindPlain},
		{"text", []byte("Nov 27 11:44:16 worker-3 kernel: hello\n"), kindPlain},
		{"nothing", nil, kindPlain},
	}
	for _, tt := range tests {
		if got := sniff(tt.b); got != tt.want {
			t.Errorf("%s: sniff = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// fixChecksum sets the checksum of a tar header block.
func fixChecksum(h []byte) {
	copy(h[148:156], "        ")
	var sum int64
	for _, c := range h[:512] {
		sum += int64(c)
	}
	o := strconv.FormatInt(sum, 8)
	copy(h[148:156], strings.Repeat("0", 6-len(o))+o+"\x00 ")
}

func TestXzDictSize(t *testing.T) {
	b := xzOf(t, logText(1000, 1))
	if d, ok := xzDictSize(b); !ok || d != 8<<20 {
		t.Errorf("ulikunitz default: %d %v, want 8 MiB", d, ok)
	}
	if _, err := exec.LookPath("xz"); err == nil {
		cmd := exec.Command("xz", "-9", "-c")
		cmd.Stdin = bytes.NewReader([]byte("x"))
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := xzDictSize(out); !ok || d != 64<<20 {
			t.Errorf("xz -9: %d %v, want 64 MiB", d, ok)
		}
	}
	huge := bytes.Clone(b)
	for i := 12; i < 40; i++ { // the LZMA2 property byte follows filter id 0x21 and size 1
		if huge[i] == 0x21 && huge[i+1] == 1 {
			huge[i+2] = 40
			break
		}
	}
	r := walkWith(t, decoders{}, Limits{}, writeFile(t, t.TempDir(), "h.xz", huge), nil)
	if len(r.problems) != 1 || !strings.Contains(r.problems[0].Err.Error(), "install xz-utils") {
		t.Errorf("a 4 GiB dictionary: problems:\n%s", r.problemsString())
	}
	if slices.Contains(r.names(), "h.xz") {
		t.Error("visited")
	}
}

func TestStdinMissing(t *testing.T) {
	if err := Walk(context.Background(), "-", nil, Limits{}, nil, nil); err == nil {
		t.Error("no error without stdin")
	}
	var got []string
	err := Walk(context.Background(), "-", strings.NewReader("plain\n"), Limits{}, func(m *Member) error {
		b, _ := io.ReadAll(m.Content)
		got = append(got, m.Path, m.Name, string(b))
		return nil
	}, nil)
	if err != nil || !slices.Equal(got, []string{"-", "-", "plain\n"}) {
		t.Errorf("err %v got %q", err, got)
	}
}
