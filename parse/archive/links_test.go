package archive

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tailedEntries is how sos leaves a cut log: the .tailed file under
// sos_strings and a symlink at the usual path, here seen before the file.
func tailedEntries() []entry {
	return []entry{
		{name: "sosreport-x/version.txt", body: "sosreport: 4.8.0\n"},
		{name: "sosreport-x/sos_commands/logs/journalctl_--no-pager", link: "../../sos_strings/logs/journalctl_--no-pager.tailed"},
		{name: "sosreport-x/var/log/messages", link: "../../sos_strings/logs/var.log.messages.tailed"},
		{name: "sosreport-x/messages", link: "var/log/messages"}, // a chain through the link above
		{name: "sosreport-x/sos_strings/logs/journalctl_--no-pager.tailed", body: "journal tail\n"},
		{name: "sosreport-x/sos_strings/logs/var.log.messages.tailed", body: "messages tail\n"},
		{name: "sosreport-x/late", link: "sos_strings/logs/var.log.messages.tailed"}, // after its target: noted only
	}
}

func TestLinksToTailed(t *testing.T) {
	tests := []struct {
		name  string
		build func(t *testing.T, dir string) string
	}{
		{"tar", func(t *testing.T, dir string) string {
			entries := append(tailedEntries(), entry{name: "sosreport-x/hard", link: "sosreport-x/version.txt", hard: true})
			return writeFile(t, dir, "s.tar", tarOf(t, entries...))
		}},
		{"zip", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "s.zip", zipOf(t, tailedEntries()...))
		}},
		{"folder", func(t *testing.T, dir string) string {
			writeTree(t, dir, tailedEntries()...)
			return filepath.Join(dir, "sosreport-x")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := walkWith(t, decoders{}, Limits{}, tt.build(t, t.TempDir()), nil)
			if r.err != nil || len(r.problems) > 0 {
				t.Fatalf("err %v, problems:\n%s", r.err, r.problemsString())
			}
			if len(r.leaves) != 3 {
				t.Errorf("leaves %q, want the 3 files (links are not visited again)", r.names())
			}
			m := r.leaf(t, "sosreport-x/sos_strings/logs/var.log.messages.tailed")
			want := []string{"sosreport-x/messages", "sosreport-x/var/log/messages"}
			if tt.name == "folder" { // a folder's links are all collected first
				want = []string{"sosreport-x/late", "sosreport-x/messages", "sosreport-x/var/log/messages"}
			}
			if !slices.Equal(m.Links, want) {
				t.Errorf("Links %q, want %q", m.Links, want)
			}
			j := r.leaf(t, "sosreport-x/sos_strings/logs/journalctl_--no-pager.tailed")
			if want := []string{"sosreport-x/sos_commands/logs/journalctl_--no-pager"}; !slices.Equal(j.Links, want) {
				t.Errorf("Links %q, want %q", j.Links, want)
			}
			if v := r.leaf(t, "sosreport-x/version.txt"); v.Links != nil {
				t.Errorf("version.txt Links %q, want none", v.Links)
			}
		})
	}
}

func TestTraversalAndLoops(t *testing.T) {
	chain := []entry{{name: "ok/file", body: "kept\n"}}
	for i := range maxLinkHops + 1 {
		chain = append(chain, entry{name: fmt.Sprintf("ok/l%d", i+1), link: fmt.Sprintf("l%d", i)})
	}
	tests := []struct {
		name    string
		entries []entry
		want    error
		count   int
	}{
		{"dotdot name", []entry{{name: "../../etc/passwd", body: "x"}, {name: "ok/file", body: "kept\n"}}, ErrTraversal, 1},
		{"absolute name", []entry{{name: "/etc/passwd", body: "x"}, {name: "ok/file", body: "kept\n"}}, ErrTraversal, 1},
		{"climbing inside name", []entry{{name: "ok/../../x", body: "x"}, {name: "ok/file", body: "kept\n"}}, ErrTraversal, 1},
		{"absolute link", []entry{{name: "ok/shadow", link: "/etc/shadow"}, {name: "ok/file", body: "kept\n"}}, ErrTraversal, 1},
		{"climbing link", []entry{{name: "ok/up", link: "../../etc"}, {name: "ok/file", body: "kept\n"}}, ErrTraversal, 1},
		{"climbing hard link", []entry{{name: "ok/file", body: "kept\n"}, {name: "ok/h", link: "../x", hard: true}}, ErrTraversal, 1},
		{"loop", []entry{{name: "ok/a", link: "b"}, {name: "ok/b", link: "a"}, {name: "ok/file", body: "kept\n"}}, ErrLinkLoop, 1},
		{"self loop", []entry{{name: "ok/a", link: "a"}, {name: "ok/file", body: "kept\n"}}, ErrLinkLoop, 1},
		{"chain of 41", chain, ErrLinkLoop, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "t.tar", tarOf(t, tt.entries...))
			r := walkWith(t, decoders{}, Limits{}, p, nil)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if len(r.problems) != tt.count {
				t.Fatalf("problems:\n%s\nwant %d wrapping %v", r.problemsString(), tt.count, tt.want)
			}
			for _, pr := range r.problems {
				if !errors.Is(pr.Err, tt.want) || !strings.HasPrefix(pr.Path, p+"!") {
					t.Errorf("problem %s: %v, want %v on a member", pr.Path, pr.Err, tt.want)
				}
			}
			if r.bodies()["ok/file"] != "kept\n" {
				t.Errorf("other member not visited: %q", r.names())
			}
		})
	}
}

func TestFolderSymlinks(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, outside, "secret", []byte("outside\n"))
	dir := t.TempDir()
	root := filepath.Join(dir, "bundle")
	writeTree(t, root,
		entry{name: "a/escape", link: outside},
		entry{name: "a/escape-file", link: filepath.Join(outside, "secret")},
		entry{name: "a/loop1", link: "loop2"},
		entry{name: "a/loop2", link: "loop1"},
		entry{name: "a/dangling", link: "nowhere"},
		entry{name: "a/self-dir", link: ".."},
		entry{name: "a/to-log", link: "../logs/kern.log"},
		entry{name: "logs/kern.log", body: "kernel line\n"},
	)
	r := walkWith(t, decoders{}, Limits{}, root, nil)
	if r.err != nil {
		t.Fatal(r.err)
	}
	got := map[string]error{}
	for _, p := range r.problems {
		rel, _ := filepath.Rel(root, p.Path)
		got[filepath.ToSlash(rel)] = p.Err
	}
	want := map[string]error{"a/escape": ErrTraversal, "a/escape-file": ErrTraversal, "a/loop1": ErrLinkLoop, "a/loop2": ErrLinkLoop}
	for name, sentinel := range want {
		if !errors.Is(got[name], sentinel) {
			t.Errorf("%s: problem %v, want %v", name, got[name], sentinel)
		}
	}
	if len(got) != len(want) {
		t.Errorf("problems:\n%s", r.problemsString())
	}
	if names := r.names(); !slices.Equal(names, []string{"bundle/logs/kern.log"}) {
		t.Fatalf("leaves %q", names)
	}
	if l := r.leaves[0]; !slices.Equal(l.Links, []string{"bundle/a/to-log"}) {
		t.Errorf("Links %q", l.Links)
	}
}

func TestFolderInputIsSymlink(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, entry{name: "real/f.log", body: "x\n"})
	link := filepath.Join(dir, "bundle")
	if err := os.Symlink(filepath.Join(dir, "real"), link); err != nil {
		t.Fatal(err)
	}
	r := walkWith(t, decoders{}, Limits{}, link, nil)
	if r.err != nil || len(r.leaves) != 1 || r.leaves[0].Name != "bundle/f.log" || r.leaves[0].Path != filepath.Join(link, "f.log") {
		t.Fatalf("err %v leaves %+v", r.err, r.leaves)
	}
}

func TestLinkTable(t *testing.T) {
	lt := newLinkTable()
	for _, l := range [][2]string{{"c", "file"}, {"b", "c"}, {"a", "b"}, {"x", "other"}} {
		if err := lt.add(l[0], l[1]); err != nil {
			t.Fatal(err)
		}
	}
	if got := lt.linksTo("file"); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("linksTo(file) = %q", got)
	}
	if err := lt.add("file", "a"); !errors.Is(err, ErrLinkLoop) {
		t.Errorf("closing the loop: %v", err)
	}
	if err := lt.add("x", "file"); err != nil { // a link redefined
		t.Fatal(err)
	}
	if got := lt.linksTo("other"); got != nil {
		t.Errorf("linksTo(other) = %q after x moved", got)
	}
	if got := lt.linksTo("file"); !slices.Equal(got, []string{"a", "b", "c", "x"}) {
		t.Errorf("linksTo(file) = %q", got)
	}
}
