package archive

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// maxLinkHops bounds a chain of links, as the kernel's 40.
const maxLinkHops = 40

// linkTable records the links of one archive or folder so that a member
// seen later learns which links resolve to it. It never holds a loop.
type linkTable struct {
	target   map[string]string   // link name → target name, one hop
	byTarget map[string][]string // target name → names of links to it
}

func newLinkTable() *linkTable {
	return &linkTable{target: map[string]string{}, byTarget: map[string][]string{}}
}

// add records the link name → target (both cleaned names). It returns an
// error wrapping ErrLinkLoop, and records nothing, when following target
// through earlier links comes back to name or takes more than 40 hops.
func (t *linkTable) add(name, target string) error {
	cur := target
	for hops := 1; ; hops++ {
		if cur == name {
			return fmt.Errorf("%w: %s -> %s comes back to %s", ErrLinkLoop, name, target, name)
		}
		if hops > maxLinkHops {
			return fmt.Errorf("%w: %s -> %s: more than %d links in a chain", ErrLinkLoop, name, target, maxLinkHops)
		}
		next, ok := t.target[cur]
		if !ok {
			break
		}
		cur = next
	}
	if old, ok := t.target[name]; ok {
		t.byTarget[old] = slices.DeleteFunc(t.byTarget[old], func(s string) bool { return s == name })
	}
	t.target[name] = target
	t.byTarget[target] = append(t.byTarget[target], name)
	return nil
}

// linksTo returns the sorted names of the links that resolve to name,
// directly or through other links; nil when there are none.
func (t *linkTable) linksTo(name string) []string {
	var out []string
	next := t.byTarget[name]
	for hops := 0; len(next) > 0 && hops < maxLinkHops; hops++ {
		var more []string
		for _, l := range next {
			if !slices.Contains(out, l) {
				out = append(out, l)
				more = append(more, t.byTarget[l]...)
			}
		}
		next = more
	}
	slices.Sort(out)
	return out
}

// memberName cleans the name of an archive member. Absolute names and names
// that climb above the archive root are errors wrapping ErrTraversal.
func memberName(raw string) (string, error) {
	c := path.Clean(raw)
	if path.IsAbs(raw) || escapes(c) {
		return "", fmt.Errorf("%w: member name %q", ErrTraversal, raw)
	}
	return c, nil
}

// linkTarget resolves the target of the link name inside the archive: a
// symlink's relative to the link's folder, a hard link's to the archive
// root. Absolute targets and targets above the root are errors wrapping
// ErrTraversal.
func linkTarget(name, target string, hard bool) (string, error) {
	dir := path.Dir(name)
	if hard {
		dir = "."
	}
	r := path.Join(dir, target)
	if target == "" || path.IsAbs(target) || escapes(r) {
		return "", fmt.Errorf("%w: link %s -> %s", ErrTraversal, name, target)
	}
	return r, nil
}

// escapes tells whether the cleaned relative path p climbs above its root.
func escapes(p string) bool { return p == ".." || strings.HasPrefix(p, "../") }
