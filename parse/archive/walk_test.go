package archive

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const rotated = "sosreport-x/var/log/messages-20261120.gz"

// sosEntries is a small sosreport; one member is a rotated .gz log.
func sosEntries(t testing.TB) []entry {
	return []entry{
		{name: "sosreport-x/version.txt", body: "sosreport: 4.8.0\n"},
		{name: "sosreport-x/var/log/messages", body: "Nov 27 11:44:16 worker-3 kernel: java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=907\n"},
		{name: rotated, body: string(gzipOf(t, []byte("Nov 20 01:02:03 worker-3 kernel: Out of memory: Killed process 24211 (java)\n")))},
		{name: "sosreport-x/sos_commands/kernel/dmesg", body: "[ 1237.900760] java invoked oom-killer\n"},
		{name: "sosreport-x/proc/stat", body: "btime 1764230000\n"},
	}
}

// wantSos is what walking sosEntries gives, by name.
func wantSos(t testing.TB) map[string]string {
	m := map[string]string{}
	for _, e := range sosEntries(t) {
		m[e.name] = e.body
	}
	m[rotated] = "Nov 20 01:02:03 worker-3 kernel: Out of memory: Killed process 24211 (java)\n"
	return m
}

func TestWalkContainerForms(t *testing.T) {
	tests := []struct {
		name  string
		build func(t *testing.T, dir string) (path string, stdin io.Reader)
		outer int // containers around each leaf
	}{
		{"folder", func(t *testing.T, dir string) (string, io.Reader) {
			writeTree(t, dir, sosEntries(t)...)
			return filepath.Join(dir, "sosreport-x"), nil
		}, 0},
		{"tar", func(t *testing.T, dir string) (string, io.Reader) {
			return writeFile(t, dir, "s.tar", tarOf(t, sosEntries(t)...)), nil
		}, 1},
		{"tar.gz", func(t *testing.T, dir string) (string, io.Reader) {
			return writeFile(t, dir, "s.tar.gz", gzipOf(t, tarOf(t, sosEntries(t)...))), nil
		}, 1},
		{"tar.xz", func(t *testing.T, dir string) (string, io.Reader) {
			return writeFile(t, dir, "s.tar.xz", xzOf(t, tarOf(t, sosEntries(t)...))), nil
		}, 1},
		{"tar.zst", func(t *testing.T, dir string) (string, io.Reader) {
			return writeFile(t, dir, "s.tar.zst", zstdOf(t, tarOf(t, sosEntries(t)...))), nil
		}, 1},
		{"tar.bz2", func(t *testing.T, dir string) (string, io.Reader) {
			return writeFile(t, dir, "s.tar.bz2", bzip2Of(t, tarOf(t, sosEntries(t)...))), nil
		}, 1},
		{"zip", func(t *testing.T, dir string) (string, io.Reader) {
			return writeFile(t, dir, "s.zip", zipOf(t, sosEntries(t)...)), nil
		}, 1},
		{"tar.gz in tar.xz (sos collect)", func(t *testing.T, dir string) (string, io.Reader) {
			inner := gzipOf(t, tarOf(t, sosEntries(t)...))
			outer := tarOf(t, entry{name: "sos-collector-c/sosreport-x.tar.gz", body: string(inner)})
			return writeFile(t, dir, "c.tar.xz", xzOf(t, outer)), nil
		}, 2},
		{"zip in tar.gz", func(t *testing.T, dir string) (string, io.Reader) {
			inner := zipOf(t, sosEntries(t)...)
			return writeFile(t, dir, "z.tar.gz", gzipOf(t, tarOf(t, entry{name: "bundle.zip", body: string(inner)}))), nil
		}, 2},
		{"tar.xz in folder", func(t *testing.T, dir string) (string, io.Reader) {
			writeFile(t, dir, "cases/s.tar.xz", xzOf(t, tarOf(t, sosEntries(t)...)))
			return filepath.Join(dir, "cases"), nil
		}, 1},
		{"stdin tar.gz", func(t *testing.T, dir string) (string, io.Reader) {
			return "-", bytes.NewReader(gzipOf(t, tarOf(t, sosEntries(t)...)))
		}, 1},
	}
	for _, tt := range tests {
		for _, dec := range []struct {
			name string
			d    func(t *testing.T) decoders
		}{
			{"go", func(*testing.T) decoders { return decoders{} }},
			{"cli", func(*testing.T) decoders { return decoders{cli: systemDecoders().cli} }},
		} {
			t.Run(tt.name+"/"+dec.name, func(t *testing.T) {
				path, stdin := tt.build(t, t.TempDir())
				r := walkWith(t, dec.d(t), Limits{}, path, stdin)
				if r.err != nil || len(r.problems) > 0 {
					t.Fatalf("err %v, problems:\n%s", r.err, r.problemsString())
				}
				got := r.bodies()
				if want := wantSos(t); !maps.Equal(got, want) {
					t.Fatalf("leaves:\n got %q\nwant %q", got, want)
				}
				for _, l := range r.leaves {
					if len(l.Outer) != tt.outer {
						t.Errorf("%s: Outer %q, want %d containers", l.Path, l.Outer, tt.outer)
					}
					if l.ReadErr != nil {
						t.Errorf("%s: read: %v", l.Path, l.ReadErr)
					}
				}
				gz := r.leaf(t, rotated)
				if !slices.Equal(gz.Compression, []string{"gzip"}) || gz.Size != -1 {
					t.Errorf("rotated log: Compression %q Size %d, want [gzip] -1", gz.Compression, gz.Size)
				}
				if m := r.leaf(t, "sosreport-x/proc/stat"); m.Compression != nil || m.Size != int64(len("btime 1764230000\n")) {
					t.Errorf("proc/stat: Compression %q Size %d", m.Compression, m.Size)
				}
			})
		}
	}
}

func TestWalkPaths(t *testing.T) {
	dir := t.TempDir()
	inner := xzOf(t, tarOf(t, entry{name: "sosreport-n1/proc/stat", body: "btime 1\n"}))
	c := writeFile(t, dir, "c.tar.xz", xzOf(t, tarOf(t, entry{name: "sosreport-n1.tar.xz", body: string(inner)})))
	r := walkWith(t, decoders{}, Limits{}, c, nil)
	if r.err != nil || len(r.leaves) != 1 {
		t.Fatalf("err %v, leaves %v, problems %s", r.err, r.names(), r.problemsString())
	}
	l := r.leaves[0]
	want := leaf{
		Path:  c + "!sosreport-n1.tar.xz!sosreport-n1/proc/stat",
		Name:  "sosreport-n1/proc/stat",
		Outer: []string{c, c + "!sosreport-n1.tar.xz"},
		Size:  8,
	}
	if l.Path != want.Path || l.Name != want.Name || !slices.Equal(l.Outer, want.Outer) || l.Size != want.Size || !l.ModTime.Equal(fixtureTime) {
		t.Errorf("got  %+v\nwant %+v", l, want)
	}

	plain := writeFile(t, dir, "messages.xz", xzOf(t, []byte("line\n")))
	r = walkWith(t, decoders{}, Limits{}, plain, nil)
	if len(r.leaves) != 1 || r.leaves[0].Name != "messages.xz" || r.leaves[0].Path != plain ||
		r.leaves[0].Outer != nil || !slices.Equal(r.leaves[0].Compression, []string{"xz"}) || r.leaves[0].Body != "line\n" {
		t.Errorf("plain .xz file: %+v", r.leaves)
	}

	folder := filepath.Join(dir, "must-gather.local.123")
	writeTree(t, folder, entry{name: "b/2.log", body: "2"}, entry{name: "a.log", body: "1"}, entry{name: "b/1.log", body: "3"})
	r = walkWith(t, decoders{}, Limits{}, folder, nil)
	wantNames := []string{"must-gather.local.123/a.log", "must-gather.local.123/b/1.log", "must-gather.local.123/b/2.log"}
	if !slices.Equal(r.names(), wantNames) {
		t.Errorf("folder names %q, want %q", r.names(), wantNames)
	}
	if got := r.leaves[0].Path; got != filepath.Join(folder, "a.log") {
		t.Errorf("folder path %q", got)
	}
}

func TestWalkMissingInput(t *testing.T) {
	r := walkWith(t, decoders{}, Limits{}, filepath.Join(t.TempDir(), "nope.tar.xz"), nil)
	if r.err == nil || !strings.Contains(r.err.Error(), "nope.tar.xz") {
		t.Errorf("err = %v, want one naming the file", r.err)
	}
}

// failAfter reads r, then fails with err.
type failAfter struct {
	r   io.Reader
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		err = f.err
	}
	return n, err
}

func TestInputReadFails(t *testing.T) {
	broken := errors.New("device gone")
	r := walkWith(t, decoders{}, Limits{}, "-", &failAfter{strings.NewReader(""), broken})
	if !errors.Is(r.err, broken) || len(r.leaves) > 0 {
		t.Errorf("nothing readable: err %v leaves %q; want the read error", r.err, r.names())
	}

	tarb := tarOf(t, textMembers(6)...)
	r = walkWith(t, decoders{}, Limits{}, "-", &failAfter{bytes.NewReader(tarb[:len(tarb)/2]), broken})
	if r.err != nil || len(r.leaves) == 0 || len(r.problems) != 1 || !errors.Is(r.problems[0].Err, broken) || r.problems[0].Path != "-" {
		t.Errorf("read fails half way: err %v leaves %q problems:\n%s", r.err, r.names(), r.problemsString())
	}
}
