package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

const sampleReport = "../../testdata/sample/sosreport-worker-3-2026-11-27-qxvbtnm"

// file is one member of a bundle built by a test.
type file struct {
	name string // slash path inside the bundle
	data []byte
	link string // symlink target, for links
}

// readTree loads a folder as bundle members named from the folder's own name.
func readTree(t *testing.T, dir string) []file {
	t.Helper()
	var files []file
	parent := filepath.Dir(dir)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(parent, p)
		f := file{name: filepath.ToSlash(rel)}
		if d.Type()&fs.ModeSymlink != 0 {
			f.link, err = os.Readlink(p)
		} else {
			f.data, err = os.ReadFile(p)
		}
		files = append(files, f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func tarBytes(t *testing.T, files []file) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.data)), Typeflag: tar.TypeReg}
		if f.link != "" {
			h = &tar.Header{Name: f.name, Mode: 0o777, Linkname: f.link, Typeflag: tar.TypeSymlink}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func compress(t *testing.T, kind string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	var err error
	switch kind {
	case "gz":
		w = gzip.NewWriter(&buf)
	case "xz":
		w, err = xz.NewWriter(&buf)
	case "zst":
		w, err = zstd.NewWriter(&buf)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipBytes(t *testing.T, files []file) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		if f.link != "" {
			continue // zip has no portable symlinks; the target is in the archive anyway
		}
		w, err := zw.Create(f.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// incidentKey is what must not depend on the form a bundle came in.
type incidentKey struct {
	ID, Host, Time, Scope string
	Victim                int
	Sources               int
}

func analyzeJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, stderr := runCLI(t, "", append([]string{"analyze", "-o", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func incidentKeys(doc map[string]any) []incidentKey {
	var keys []incidentKey
	for _, x := range doc["incidents"].([]any) {
		inc := x.(map[string]any)
		k := incidentKey{ID: str(inc["id"]), Host: str(inc["host"]), Time: str(inc["time"]), Scope: str(inc["scope"]),
			Sources: len(inc["sources"].([]any))}
		if v, ok := inc["victim"].(map[string]any); ok {
			k.Victim = int(v["pid"].(float64))
		}
		keys = append(keys, k)
	}
	return keys
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// TestBundleForms packs the sample sosreport every way users receive one
// and checks that each form gives the same incidents, host and times.
func TestBundleForms(t *testing.T) {
	files := readTree(t, sampleReport)
	tarb := tarBytes(t, files)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	collect := tarBytes(t, []file{{name: "sos-collector-2026-11-27-abcde/sosreport-worker-3-2026-11-27-qxvbtnm.tar.xz", data: compress(t, "xz", tarb)}})
	forms := map[string]string{
		"folder":       sampleReport,
		"tar":          write("s.tar", tarb),
		"tar.gz":       write("s.tar.gz", compress(t, "gz", tarb)),
		"tar.xz":       write("s.tar.xz", compress(t, "xz", tarb)),
		"tar.zst":      write("s.tar.zst", compress(t, "zst", tarb)),
		"zip":          write("s.zip", zipBytes(t, files)),
		"sos collect":  write("collect.tar.gz", compress(t, "gz", collect)),
		"checked in":   sampleReport + ".tar.xz",
		"folder of it": filepath.Dir(sampleReport + ".tar.xz"),
	}
	want := incidentKeys(analyzeJSON(t, sampleReport))
	if len(want) != 2 || want[0].Host != "worker-3" || want[0].Time == "" || want[0].Sources != 3 {
		t.Fatalf("folder form: %+v", want)
	}
	for name, path := range forms {
		t.Run(name, func(t *testing.T) {
			got := incidentKeys(analyzeJSON(t, path))
			if name == "folder of it" { // the sosreport twice, as a folder and packed: one incident, twice the sources
				for i := range got {
					got[i].Sources /= 2
				}
			}
			if name == "zip" { // no symlink: var/log/messages is only its .tailed target
				for i := range got {
					got[i].Sources = want[i].Sources
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestLayoutsKeepHostsApart builds a troubleshoot bundle with two nodes'
// host collectors, an EKS collector archive and a Rancher collector folder,
// and checks that each kill is attributed to its own host.
func TestLayoutsKeepHostsApart(t *testing.T) {
	dmesg, err := os.ReadFile(sampleReport + "/sos_commands/kernel/dmesg")
	if err != nil {
		t.Fatal(err)
	}
	other := bytes.ReplaceAll(dmesg, []byte("24211"), []byte("34211"))
	sb := "support-bundle-2026-11-27T12_02_40"
	dir := t.TempDir()
	bundles := map[string][]file{
		"support-bundle.tar.gz": {
			{name: sb + "/host-collectors/run-host/worker-2/journalctl-dmesg.txt", data: dmesg},
			{name: sb + "/host-collectors/run-host/worker-3/journalctl-dmesg.txt", data: other},
		},
		"eks_i-0123456789abcdef0_2026-11-27_1144-UTC_0.7.9.tar.gz": {
			{name: "./kernel/dmesg.current", data: dmesg},
		},
		"rancher.tar.gz": {
			{name: "worker-9-2026-11-27_11_44_16/systeminfo/dmesg", data: dmesg},
		},
	}
	var paths []string
	for name, files := range bundles {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, compress(t, "gz", tarBytes(t, files)), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	hosts := map[string][]int{}
	for _, k := range incidentKeys(analyzeJSON(t, paths...)) {
		hosts[k.Host] = append(hosts[k.Host], k.Victim)
	}
	want := map[string][]int{
		"worker-2": {24211, 25103}, "worker-3": {25103, 34211}, "i-0123456789abcdef0": {24211, 25103}, "worker-9": {24211, 25103},
	}
	for h := range hosts {
		sort.Ints(hosts[h])
	}
	if !reflect.DeepEqual(hosts, want) {
		t.Errorf("victims by host = %v, want %v", hosts, want)
	}
}

// TestHostileInputs mixes hostile inputs with a good one: each bad input is
// reported, none panics or runs away, and the good input's kills are all there.
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rnd := make([]byte, 1<<20)
	rand.New(rand.NewSource(1)).Read(rnd)
	good := compress(t, "gz", tarBytes(t, readTree(t, sampleReport)))
	longLine := append(bytes.Repeat([]byte("x"), 10<<20), '\n')
	inputs := []string{
		write("bomb.gz", compress(t, "gz", make([]byte, 64<<20))),
		write("traversal.tar", tarBytes(t, []file{{name: "../../etc/passwd", data: []byte("root:x:0:0")}, {name: "ok/dmesg", data: []byte("[ 1.0] hello\n")}})),
		write("loop.tar", tarBytes(t, []file{{name: "a/x", link: "y"}, {name: "a/y", link: "x"}})),
		write("truncated.tar.gz", good[:len(good)/2]),
		write("long-line.log", longLine),
		write("random.bin", rnd),
		write("good.tar.gz", good),
	}
	code, out, stderr := runCLI(t, "", append([]string{"analyze", "-o", "json", "--max-member-bytes", "16MiB"}, inputs...)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"bomb.gz", "traversal.tar", "loop.tar", "truncated.tar.gz", "random.bin"} {
		if !strings.Contains(stderr, name) {
			t.Errorf("stderr does not name %s:\n%s", name, stderr)
		}
	}
	if !strings.Contains(out, "longer than") {
		t.Error("the 10 MB line is not reported as cut")
	}
	victims := map[int]bool{}
	for _, k := range incidentKeys(doc) {
		victims[k.Victim] = true
	}
	if !victims[24211] || !victims[25103] {
		t.Errorf("the good bundle's kills are missing: %v", victims)
	}
	if strings.Contains(fmt.Sprint(doc["inputs"]), "etc/passwd") {
		t.Error("a member outside the archive root was read")
	}
}
