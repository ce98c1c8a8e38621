package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// entry is one member of a test archive or folder; a name ending in "/"
// is a folder (in tars).
type entry struct {
	name string
	body string
	link string // symlink target when set
	hard bool   // link is a hard link
}

var fixtureTime = time.Date(2026, 11, 27, 11, 44, 16, 0, time.UTC)

// tarOf builds a tar archive of entries, in order.
func tarOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, ModTime: fixtureTime, Typeflag: tar.TypeReg, Size: int64(len(e.body))}
		switch {
		case strings.HasSuffix(e.name, "/"):
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		case e.hard:
			h.Typeflag, h.Linkname, h.Size = tar.TypeLink, e.link, 0
		case e.link != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("tar header %s: %v", e.name, err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatalf("tar body %s: %v", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipOf builds a zip archive of entries (symlinks as zip -y stores them).
func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: fixtureTime}
		h.SetMode(0o644)
		body := e.body
		if e.link != "" {
			h.SetMode(os.ModeSymlink | 0o777)
			body = e.link
		}
		f, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xzOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	xw, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	xw.Write(b)
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdOf(t testing.TB, b []byte) []byte {
	t.Helper()
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(b, nil)
}

// bzip2Of compresses with the bzip2 binary (Go has no bzip2 writer); it
// skips the test when the binary is missing, and fails under CI=true.
func bzip2Of(t testing.TB, b []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath("bzip2"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("bzip2 not on PATH (CI=true): install the Debian package bzip2")
		}
		t.Skip("bzip2 not on PATH, needed to write .bz2 fixtures: install the Debian package bzip2")
	}
	cmd := exec.Command("bzip2", "-c")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bzip2: %v", err)
	}
	return out
}

// writeFile writes b to dir/name and returns the path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeTree writes entries below dir, symlinks as symlinks.
func writeTree(t testing.TB, dir string, entries ...entry) {
	t.Helper()
	for _, e := range entries {
		if e.link == "" {
			writeFile(t, dir, e.name, []byte(e.body))
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(e.name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(e.link, p); err != nil {
			t.Fatal(err)
		}
	}
}

// logText returns n bytes of syslog-like lines, the same for the same seed.
func logText(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	comms := []string{"kubelet", "containerd", "kernel", "systemd", "java", "postgres"}
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "Nov 27 11:%02d:%02d worker-%d %s[%d]: request %x took %dms status=%d path=/api/v1/namespaces/ns-%d/pods\n",
			i/60%60, i%60, rng.IntN(8), comms[rng.IntN(len(comms))], rng.IntN(65536), rng.Uint64(), rng.IntN(5000), 200+rng.IntN(4)*100, rng.IntN(40))
	}
	return b.Bytes()[:n]
}

// leaf is what a test saw of one Member.
type leaf struct {
	Path, Name                string
	Outer, Links, Compression []string
	Size                      int64
	ModTime                   time.Time
	Body                      string
	ReadErr                   error
}

// problemSeen is one Problem call.
type problemSeen struct {
	Path string
	Err  error
}

// result is what one walk gave.
type result struct {
	leaves   []leaf
	problems []problemSeen
	err      error
}

// walkWith walks path with dec and lim, reading every member to the end.
func walkWith(t testing.TB, dec decoders, lim Limits, path string, stdin io.Reader) result {
	t.Helper()
	var r result
	visit := func(m *Member) error {
		b, err := io.ReadAll(m.Content)
		r.leaves = append(r.leaves, leaf{m.Path, m.Name, m.Outer, m.Links, m.Compression, m.Size, m.ModTime, string(b), err})
		return err
	}
	problem := func(p string, err error) { r.problems = append(r.problems, problemSeen{p, err}) }
	r.err = newWalker(context.Background(), lim, visit, problem, dec).walk(path, stdin)
	return r
}

// bodies maps leaf names to their content.
func (r result) bodies() map[string]string {
	m := map[string]string{}
	for _, l := range r.leaves {
		m[l.Name] = l.Body
	}
	return m
}

// leaf returns the leaf named name, failing the test without one.
func (r result) leaf(t testing.TB, name string) leaf {
	t.Helper()
	for _, l := range r.leaves {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("no leaf %q among %v", name, r.names())
	return leaf{}
}

func (r result) names() []string {
	var s []string
	for _, l := range r.leaves {
		s = append(s, l.Name)
	}
	return s
}

// problemsString lists the problems for a failure message.
func (r result) problemsString() string {
	var s []string
	for _, p := range r.problems {
		s = append(s, p.Path+": "+p.Err.Error())
	}
	return strings.Join(s, "\n")
}

// digest maps every leaf path to a hash of its content, for comparing
// large walks.
func (r result) digest() map[string]string {
	m := map[string]string{}
	for _, l := range r.leaves {
		h := sha256.Sum256([]byte(l.Body))
		m[l.Path] = hex.EncodeToString(h[:])
	}
	return m
}

// cliDecoders returns decoders that use the CLI for format k at every size,
// skipping the test when its binary is missing.
func cliDecoders(t testing.TB, k kind) decoders {
	t.Helper()
	argv := cliArgv(k)
	p, err := exec.LookPath(argv[0])
	if err != nil {
		pkg := map[kind]string{kindGzip: "pigz", kindXz: "xz-utils", kindZstd: "zstd"}[k]
		t.Skipf("%s not on PATH: install the Debian package %s", argv[0], pkg)
	}
	return decoders{cli: map[kind][]string{k: append([]string{p}, argv[1:]...)}}
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys(m map[string]string) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}
