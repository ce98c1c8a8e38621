package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// memCache keeps results in memory, by path, with their stamps.
type memCache struct {
	mu      sync.Mutex
	stamps  map[string]FileStamp
	results map[string]FileResult
	lookups int
}

func newMemCache() *memCache {
	return &memCache{stamps: map[string]FileStamp{}, results: map[string]FileResult{}}
}

func (c *memCache) Lookup(s FileStamp) (FileResult, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lookups++
	if old, ok := c.stamps[s.Path]; ok && old == s {
		return c.results[s.Path], true
	}
	return FileResult{}, false
}

func (c *memCache) Store(s FileStamp, r FileResult) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stamps[s.Path], c.results[s.Path] = s, r
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCacheSkipsUnchangedFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	kmsg, err := os.ReadFile("../../testdata/carriers/dmesg.log")
	if err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	writeFile(t, a, string(kmsg))
	writeFile(t, b, "plain text that is not a log of interest\n")
	c := newMemCache()
	ctx := context.Background()

	first, err := Run(ctx, []string{dir}, Options{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.stamps) != 2 || len(first.Reused) != 0 {
		t.Fatalf("stored %d, reused %v", len(c.stamps), first.Reused)
	}
	st := c.stamps[a]
	if st.Size != int64(len(kmsg)) || st.Rel != "logs/a.log" || st.Direct || !strings.HasPrefix(st.Digest, "sha256:") || st.ModTime.IsZero() {
		t.Errorf("stamp %+v", st)
	}

	second, err := Run(ctx, []string{dir}, Options{Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(second.Reused, []string{a, b}) {
		t.Errorf("reused %v", second.Reused)
	}
	if len(second.Members) != len(first.Members) || len(second.Members[0].Dumps) != len(first.Members[0].Dumps) ||
		len(second.Skipped) != len(first.Skipped) {
		t.Errorf("the cached run differs: %d/%d members, %d/%d skipped", len(second.Members), len(first.Members),
			len(second.Skipped), len(first.Skipped))
	}

	// A file that grows is read again.
	writeFile(t, b, "plain text that is not a log of interest\nand more\n")
	third, _ := Run(ctx, []string{dir}, Options{Cache: c})
	if !slices.Equal(third.Reused, []string{a}) {
		t.Errorf("after b changed, reused %v", third.Reused)
	}

	// An excluded file is not read, nor looked up.
	c.lookups = 0
	res, _ := Run(ctx, []string{dir}, Options{Cache: c, Exclude: []string{b, filepath.Join(dir, "none")}})
	if c.lookups != 1 || len(res.Reused) != 1 || len(res.Skipped) != 0 {
		t.Errorf("with b excluded: %d lookups, reused %v, skipped %v", c.lookups, res.Reused, res.Skipped)
	}

	// Standard input is never looked up.
	c.lookups = 0
	if _, err := Run(ctx, []string{"-"}, Options{Cache: c, Stdin: bytes.NewReader(kmsg)}); err != nil {
		t.Fatal(err)
	}
	if c.lookups != 0 {
		t.Errorf("stdin was looked up")
	}

	// A file that cannot be read is not kept.
	missing := filepath.Join(dir, "missing.log")
	if _, err := Run(ctx, []string{missing}, Options{Cache: c}); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.stamps[missing]; ok {
		t.Errorf("a missing file was stored")
	}
}

func TestDigestCoversHeadAndTail(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 3*DigestSpan/16) // 3 MiB
	digest := func(b []byte) string {
		d, err := digestFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	base := digest(big)
	for _, tt := range []struct {
		name string
		at   int
		same bool
	}{
		{"head", 10, false},
		{"tail", len(big) - 10, false},
		{"middle (not covered)", len(big) / 2, true},
	} {
		changed := bytes.Clone(big)
		changed[tt.at] ^= 1
		if got := digest(changed) == base; got != tt.same {
			t.Errorf("%s: same digest %v", tt.name, got)
		}
	}
	small := []byte("a small log\n")
	if digest(small) == digest([]byte("a small lot\n")) {
		t.Errorf("a small file's digest misses a change")
	}
	if digest(big[:2*DigestSpan]) == digest(big[:2*DigestSpan+1]) {
		t.Errorf("the size is not in the digest")
	}
}
