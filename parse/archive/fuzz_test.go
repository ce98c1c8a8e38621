package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fuzzLimits keeps every fuzz input cheap.
func fuzzLimits() Limits {
	return Limits{MaxTotalBytes: 4 << 20, MaxMemberBytes: 1 << 20, MaxDepth: 4, MaxMembers: 64, MaxSpoolBytes: 1 << 20}
}

// FuzzWalk feeds bytes as stdin: any input must be walked without a panic
// or a hang, within the limits, and Walk must not fail (stdin can always be
// read). Seeds are in testdata/fuzz/FuzzWalk; TestWriteFuzzSeeds rewrites
// them.
func FuzzWalk(f *testing.F) {
	f.Add([]byte("Nov 27 11:44:16 worker-3 kernel: plain text\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := fuzzLimits()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		visit := func(m *Member) error {
			n, _ := io.Copy(io.Discard, m.Content)
			if n > lim.MaxMemberBytes {
				t.Errorf("%s: read %d bytes, over MaxMemberBytes", m.Path, n)
			}
			if !strings.HasPrefix(m.Path, "-") || len(m.Outer) > lim.MaxDepth {
				t.Errorf("member %q outer %q", m.Path, m.Outer)
			}
			return nil
		}
		problem := func(path string, err error) {
			if err == nil || path == "" {
				t.Errorf("problem %q: %v", path, err)
			}
		}
		w := newWalker(ctx, lim, visit, problem, decoders{})
		if err := w.walk("-", bytes.NewReader(data)); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("walk of %d bytes takes more than 10 s", len(data))
			}
			t.Fatalf("walk: %v", err)
		}
		if w.total > lim.MaxTotalBytes+headerCost {
			t.Errorf("total %d over MaxTotalBytes", w.total)
		}
	})
}

// fuzzSeeds are small valid inputs of every kind.
func fuzzSeeds(t testing.TB) map[string][]byte {
	small := []entry{
		{name: "sosreport-x/var/log/messages", body: "kernel: Out of memory\n"},
		{name: "sosreport-x/messages", link: "var/log/messages"},
	}
	tarb := tarOf(t, small...)
	return map[string][]byte{
		"tar":           tarb,
		"tar-gz":        gzipOf(t, tarb),
		"tar-xz":        xzOf(t, tarb),
		"zst":           zstdOf(t, []byte("kernel: Out of memory\n")),
		"zip":           zipOf(t, small...),
		"tar-gz-in-tar": tarOf(t, entry{name: "n1.tar.gz", body: string(gzipOf(t, tarb))}),
		"gpg":           []byte("\x8c\x0d\x04\x09\x03\x02\x16\x99\xbf\xa5\x6c\xe2\x6f\xb6\xff\xd2"),
	}
}

// TestWriteFuzzSeeds rewrites testdata/fuzz/FuzzWalk when
// OOMTRIAGE_WRITE_SEEDS=1, and otherwise checks that the seeds there are
// what fuzzSeeds builds.
func TestWriteFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzWalk")
	for name, b := range fuzzSeeds(t) {
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(b)))
		p := filepath.Join(dir, name)
		if os.Getenv("OOMTRIAGE_WRITE_SEEDS") == "1" {
			os.MkdirAll(dir, 0o755)
			if err := os.WriteFile(p, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (OOMTRIAGE_WRITE_SEEDS=1 writes it)", err)
		}
		// Compressed seeds depend on encoder versions: only check the kind.
		if sniff(b) != sniff(unquoteSeed(t, got)) {
			t.Errorf("%s: seed is not a %s", p, sniff(b))
		}
	}
}

// unquoteSeed returns the bytes of a one-value corpus file.
func unquoteSeed(t testing.TB, file []byte) []byte {
	lines := strings.SplitN(string(file), "\n", 3)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" {
		t.Fatalf("not a corpus file: %.40q", file)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(s)
}
