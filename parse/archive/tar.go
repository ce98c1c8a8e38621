package archive

import (
	"archive/tar"
	"bufio"
	"io"
)

// headerCost is what one tar header counts against the total budget, so
// that an endless run of empty entries is bounded too.
const headerCost = 512

// tarWalk is the walk of one tar stream.
type tarWalk struct {
	w     *walker
	n     *node // the tar stream
	tr    *tar.Reader
	links *linkTable
	count int // entries read
}

// walkTar walks the tar stream r. Member data the callback leaves unread is
// skipped here, against the total budget, before the next header is read.
func (w *walker) walkTar(r *bufio.Reader, n *node) error {
	t := &tarWalk{w: w, n: n, tr: tar.NewReader(r), links: newLinkTable()}
	for {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		hdr, err := t.tr.Next()
		if err == io.EOF {
			return w.finish(r, n, "tar", t.count)
		}
		if err != nil {
			return w.broken(n, "tar", t.count, "", err)
		}
		if ok, err := t.entry(hdr); !ok || err != nil {
			return err
		}
	}
}

// entry handles one tar entry and skips what is left of its data. ok is
// false when the tar stream broke in it (and that was reported).
func (t *tarWalk) entry(hdr *tar.Header) (ok bool, err error) {
	w := t.w
	if w.total += headerCost; w.total > w.lim.MaxTotalBytes {
		w.problem(t.n.path, w.totalError())
		return false, errStopInput
	}
	raw := &trap{r: t.tr}
	if err := t.handle(hdr, raw); err != nil {
		return false, err
	}
	if err := w.skip(raw, t.n); err != nil {
		return false, err
	}
	if err := raw.err(); err != nil {
		return false, w.broken(t.n, "tar", t.count, hdr.Name, err)
	}
	t.count++
	return true, nil
}

// handle visits a file entry or records a link entry; other entries
// (folders, devices) carry nothing to read.
func (t *tarWalk) handle(hdr *tar.Header, raw *trap) error {
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeCont, tar.TypeGNUSparse:
	case tar.TypeSymlink, tar.TypeLink:
		t.link(hdr)
		return nil
	default:
		return nil
	}
	name, err := memberName(hdr.Name)
	if err != nil {
		t.w.problem(t.n.path+"!"+hdr.Name, err)
		return nil
	}
	m := t.n.member(name, hdr.Size, hdr.ModTime, raw)
	m.links = t.links.linksTo(name)
	return t.w.walkStream(raw, m)
}

// link records a symlink or hard link entry, or reports why it cannot be
// followed.
func (t *tarWalk) link(hdr *tar.Header) {
	where := t.n.path + "!" + hdr.Name
	name, err := memberName(hdr.Name)
	if err != nil {
		t.w.problem(where, err)
		return
	}
	target, err := linkTarget(name, hdr.Linkname, hdr.Typeflag == tar.TypeLink)
	if err == nil {
		err = t.links.add(name, target)
	}
	if err != nil {
		t.w.problem(where, err)
	}
}
