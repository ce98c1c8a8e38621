package archive

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// Run: go test -run '^$' -bench WalkTar -benchtime 3x ./parse/archive/
// MB/s is of the decompressed tar stream.

func BenchmarkWalkTarGz(b *testing.B)  { benchWalk(b, kindGzip) }
func BenchmarkWalkTarXz(b *testing.B)  { benchWalk(b, kindXz) }
func BenchmarkWalkTarZst(b *testing.B) { benchWalk(b, kindZstd) }

// benchWalk walks a ~64 MiB tar of log text compressed as k, through the
// CLI decoder and through pure Go. "read" only reads every member; "scan"
// also splits it into lines and looks for the OOM marker, as the parser
// does: the CLI decoder overlaps that with decompression on the other core.
func benchWalk(b *testing.B, k kind) {
	tarb := benchTar(b)
	p := filepath.Join(b.TempDir(), "bench.tar."+k.String())
	if err := os.WriteFile(p, benchCompress(b, k, tarb), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, consumer := range []string{"read", "scan"} {
		for _, mode := range []string{"cli", "go"} {
			b.Run(consumer+"/"+mode, func(b *testing.B) {
				d := decoders{}
				if mode == "cli" {
					d = cliDecoders(b, k)
				}
				b.SetBytes(int64(len(tarb)))
				for b.Loop() {
					if n := benchOnce(b, p, d, consumer == "scan"); n != benchContent {
						b.Fatalf("read %d bytes, want %d", n, benchContent)
					}
				}
			})
		}
	}
}

// benchOnce walks p and returns the bytes read. With scan it splits lines
// and looks for the OOM marker in each, as the parser does (~1 GB/s).
func benchOnce(b *testing.B, p string, d decoders, scan bool) int64 {
	buf := make([]byte, 1<<20)
	var n int64
	var hits int
	w := newWalker(context.Background(), Limits{}, func(m *Member) error {
		if scan {
			sc := bufio.NewScanner(&counter{m.Content, &n})
			sc.Buffer(buf, len(buf))
			for sc.Scan() {
				if bytes.Contains(sc.Bytes(), []byte("invoked oom-killer")) {
					hits++
				}
			}
			return sc.Err()
		}
		for {
			k, err := m.Content.Read(buf)
			n += int64(k)
			if err != nil {
				return nil
			}
		}
	}, func(path string, err error) { b.Fatalf("%s: %v", path, err) }, d)
	if err := w.walk(p, nil); err != nil {
		b.Fatal(err)
	}
	return n
}

// counter counts the bytes read from r into *n.
type counter struct {
	r io.Reader
	n *int64
}

func (c *counter) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	*c.n += int64(k)
	return k, err
}

// benchContent is the content size of the benchmark tar: 16 logs of 4 MiB.
const benchContent = 16 * 4 << 20

func benchTar(b *testing.B) []byte {
	var es []entry
	for i := range 16 {
		es = append(es, entry{name: fmt.Sprintf("sosreport-b/var/log/messages-%02d", i), body: string(logText(4<<20, uint64(i)))})
	}
	return tarOf(b, es...)
}

// benchCompress compresses like the tools that make bundles: the CLI when
// there is one (xz -3 gives one block, as sos 4.x writes), else Go.
func benchCompress(b *testing.B, k kind, data []byte) []byte {
	argv := map[kind][]string{kindGzip: {"gzip", "-6", "-c"}, kindXz: {"xz", "-3", "-T1", "-c"}, kindZstd: {"zstd", "-3", "-c"}}[k]
	if _, err := exec.LookPath(argv[0]); err == nil {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		if err != nil {
			b.Fatal(err)
		}
		return out
	}
	switch k {
	case kindGzip:
		var buf bytes.Buffer
		zw := kgzip.NewWriter(&buf)
		io.Copy(zw, bytes.NewReader(data))
		zw.Close()
		return buf.Bytes()
	case kindXz:
		return xzOf(b, data)
	}
	return zstdOf(b, data)
}
