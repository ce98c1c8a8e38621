//go:build unix

package archive

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestNamedPipe walks a path that is a pipe, as bash's <(…) gives: it has
// no size and cannot be read at offsets, so a zip in it is spooled.
func TestNamedPipe(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"tar.gz", gzipOf(t, tarOf(t, entry{name: "a/kern.log", body: "kernel\n"}))},
		{"zip", zipOf(t, entry{name: "a/kern.log", body: "kernel\n"})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			go func() {
				f, err := os.OpenFile(p, os.O_WRONLY, 0)
				if err != nil {
					return
				}
				f.Write(tt.data)
				f.Close()
			}()
			r := walkWith(t, decoders{}, Limits{}, p, nil)
			if r.err != nil || len(r.problems) > 0 || r.bodies()["a/kern.log"] != "kernel\n" {
				t.Errorf("err %v leaves %q problems:\n%s", r.err, r.names(), r.problemsString())
			}
		})
	}
}
