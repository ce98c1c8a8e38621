package archive

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

const (
	bufSize   = 64 << 10 // bufio size of every stream
	headLen   = 512      // bytes sniffed: one tar header
	tailBytes = 1 << 20  // at most this much is read after a container's end
)

// node is one stream on the way down: a file, a member, or what is left
// after a compression layer was removed.
type node struct {
	path  string    // display path
	name  string    // name inside the innermost container or folder
	outer []string  // display paths of the containers around it
	comp  []string  // compression layers removed since the innermost container
	depth int       // containers entered above this stream
	size  int64     // bytes in the stream when known, else -1
	mtime time.Time // zero when unknown
	links []string  // names of links that resolve to this stream
	src   *trap     // what the stream's container reads; its failure is the container's to report
	file  *os.File  // the stream is this whole file (zip reads it at offsets), else nil
}

// fileNode returns the node of the file f, shown as display and named name.
// A pipe or device has no size and cannot be read at offsets.
func fileNode(f *os.File, fi os.FileInfo, display, name string) *node {
	if !fi.Mode().IsRegular() {
		return &node{path: display, name: name, size: -1, mtime: fi.ModTime()}
	}
	return &node{path: display, name: name, size: fi.Size(), mtime: fi.ModTime(), file: f}
}

// member returns the node of the member name of container n.
func (n *node) member(name string, size int64, mtime time.Time, src *trap) *node {
	return &node{
		path:  n.path + "!" + name,
		name:  name,
		outer: slices.Concat(n.outer, []string{n.path}),
		depth: n.depth + 1,
		size:  size,
		mtime: mtime,
		src:   src,
	}
}

// decompressed returns the node of n's content after removing layer k.
func (n *node) decompressed(k kind) *node {
	m := *n
	m.comp = slices.Concat(n.comp, []string{k.String()})
	m.size, m.file = -1, nil
	return &m
}

// walkStream sniffs r and walks it as a container, removes a compression
// layer and sniffs again, or visits it as a leaf.
func (w *walker) walkStream(r io.Reader, n *node) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	br := w.reader(&sticky{r: r})
	defer w.release(br)
	head, err := br.Peek(headLen)
	if len(head) == 0 && err != nil && err != io.EOF {
		return w.failed(n, err)
	}
	// With fewer bytes than asked for and an error, what was read is still
	// walked: the error comes back on the next read.
	switch k := sniff(head); k {
	case kindGzip, kindXz, kindZstd, kindBzip2:
		return w.walkCompressed(br, n, k)
	case kindTar, kindZip:
		if n.depth >= w.lim.MaxDepth {
			w.problem(n.path, fmt.Errorf("%w: %s nested deeper than %d containers (--max-depth); read as a plain file", ErrLimit, k, w.lim.MaxDepth))
			return w.visitLeaf(br, n)
		}
		if k == kindTar {
			return w.walkTar(br, n)
		}
		return w.walkZip(br, n)
	case kindPGP:
		w.problem(n.path, encryptedError(n))
		return nil
	}
	return w.visitLeaf(br, n)
}

// reader returns a buffered reader of r, reusing a free one. Each stream
// being walked holds one until walkStream returns.
func (w *walker) reader(r io.Reader) *bufio.Reader {
	if n := len(w.readers); n > 0 {
		br := w.readers[n-1]
		w.readers = w.readers[:n-1]
		br.Reset(r)
		return br
	}
	return bufio.NewReaderSize(r, bufSize)
}

// release frees br for the next stream.
func (w *walker) release(br *bufio.Reader) {
	br.Reset(nil)
	w.readers = append(w.readers, br)
}

// encryptedError says that n is OpenPGP-encrypted and how to decrypt it.
func encryptedError(n *node) error {
	file := n.path
	if len(n.outer) > 0 {
		file = path.Base(n.name)
	}
	plain := file + ".decrypted"
	for _, ext := range []string{".gpg", ".pgp", ".asc"} {
		if s, ok := strings.CutSuffix(file, ext); ok && s != "" {
			plain = s
			break
		}
	}
	return fmt.Errorf("%w (gpg) — decrypt it first: gpg -d %s > %s", ErrEncrypted, file, plain)
}

// walkCompressed removes compression layer k from r and walks what is left.
func (w *walker) walkCompressed(r *bufio.Reader, n *node, k kind) error {
	if len(n.comp) >= w.lim.MaxDepth {
		w.problem(n.path, fmt.Errorf("%w: more than %d compression layers (--max-depth); read as a plain file", ErrLimit, w.lim.MaxDepth))
		return w.visitLeaf(r, n)
	}
	dec, err := w.dec.open(w.ctx, k, r, n.size)
	if err != nil {
		return w.failed(n, err)
	}
	defer dec.Close()
	return w.walkStream(dec, n.decompressed(k))
}

// failed reports that stream n broke, unless its container's reader broke
// first: the container reports that itself.
func (w *walker) failed(n *node, err error) error {
	if ctxErr := w.ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if n.src.err() == nil {
		w.problem(n.path, fmt.Errorf("%w: %w", ErrTruncated, err))
	}
	return nil
}

// broken reports that container n could not be read on after count
// entries; inside names the entry it broke in, if any.
func (w *walker) broken(n *node, what string, count int, inside string, err error) error {
	where := ""
	if inside != "" {
		where = ", in " + inside
	}
	return w.failed(n, fmt.Errorf("%s stream broken after %d members%s: %w", what, count, where, err))
}

// finish reads what follows the end of container n (tar padding, the
// trailer of a compressed stream), at most tailBytes, so that a broken
// trailer is noticed and a decoder child exits on its own.
func (w *walker) finish(r io.Reader, n *node, what string, count int) error {
	_, err := io.CopyN(io.Discard, r, tailBytes)
	if err == nil || err == io.EOF {
		return nil
	}
	return w.broken(n, what, count, "", fmt.Errorf("after its end: %w", err))
}

// visitLeaf hands the leaf r to the callback.
func (w *walker) visitLeaf(r io.Reader, n *node) error {
	if w.members >= w.lim.MaxMembers {
		w.problem(n.path, fmt.Errorf("%w: more than %d members (--max-members); stopped reading this input", ErrLimit, w.lim.MaxMembers))
		return errStopInput
	}
	w.members++
	c := &content{w: w, r: r, path: n.path}
	err := w.visit(&Member{
		Path:        n.path,
		Name:        n.name,
		Outer:       slices.Clip(n.outer),
		Size:        leafSize(n),
		ModTime:     n.mtime,
		Links:       slices.Clip(n.links),
		Compression: slices.Clip(n.comp),
		Content:     c,
	})
	c.closed = true
	return w.afterVisit(n, c, err)
}

// leafSize is the decompressed size of leaf n, or -1.
func leafSize(n *node) int64 {
	if len(n.comp) > 0 {
		return -1
	}
	return n.size
}

// afterVisit reports what went wrong reading c, unless n's container
// reports it, and decides whether the walk goes on after the callback
// returned err.
func (w *walker) afterVisit(n *node, c *content, err error) error {
	if ctxErr := w.ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	if c.fail != nil && (errors.Is(c.fail, ErrLimit) || n.src.err() == nil) {
		w.problem(n.path, c.fail)
	}
	switch {
	case err != nil && !errors.Is(err, c.readErr):
		return err
	case c.overTotal:
		return errStopInput
	}
	return nil
}

// content is a leaf's Content: it counts bytes against the member and total
// budgets and marks read failures.
type content struct {
	w         *walker
	r         io.Reader
	path      string
	n         int64 // bytes read
	fail      error // first failure, without the path
	readErr   error // fail as Read returned it
	overTotal bool  // fail is the total budget
	closed    bool  // the callback returned
}

func (c *content) Read(p []byte) (int, error) {
	switch {
	case c.readErr != nil:
		return 0, c.readErr
	case c.closed:
		return 0, &os.PathError{Op: "read", Path: c.path, Err: os.ErrClosed}
	case c.w.ctx.Err() != nil:
		return 0, c.w.ctx.Err()
	}
	memberRoom := c.w.lim.MaxMemberBytes - c.n
	totalRoom := c.w.lim.MaxTotalBytes - c.w.total
	k, over, err := readCapped(c.r, p, min(memberRoom, totalRoom))
	c.n += int64(k)
	c.w.total += int64(k)
	switch {
	case over && totalRoom <= memberRoom:
		c.overTotal = true
		return k, c.setFail(c.w.totalError())
	case over:
		return k, c.setFail(fmt.Errorf("%w: member larger than %s (--max-member-bytes)", ErrLimit, size(c.w.lim.MaxMemberBytes)))
	case err != nil && err != io.EOF:
		return k, c.setFail(fmt.Errorf("%w: %w", ErrTruncated, err))
	}
	return k, err
}

func (c *content) setFail(err error) error {
	c.fail = err
	c.readErr = &os.PathError{Op: "read", Path: c.path, Err: err}
	return c.readErr
}

// totalError is the problem of an input that decompresses to more than
// MaxTotalBytes.
func (w *walker) totalError() error {
	return fmt.Errorf("%w: input decompresses to more than %s (--max-total-bytes); stopped reading it", ErrLimit, size(w.lim.MaxTotalBytes))
}

// readCapped reads into p at most room bytes of r. over is true when room
// is spent and r holds more.
func readCapped(r io.Reader, p []byte, room int64) (n int, over bool, err error) {
	if room <= 0 {
		var b [1]byte
		if _, err := io.ReadFull(r, b[:]); err == io.EOF {
			return 0, false, io.EOF
		} else if err != nil {
			return 0, false, err
		}
		return 0, true, nil
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err = r.Read(p)
	return n, false, err
}

// skip reads r to its end without keeping it, counting against the total
// budget. A read failure of r is left to the caller (r is a trap).
func (w *walker) skip(r io.Reader, n *node) error {
	if w.buf == nil {
		w.buf = make([]byte, 32<<10)
	}
	b := &budget{w: w, r: r}
	for {
		_, err := b.Read(w.buf)
		switch {
		case err == nil:
			continue
		case b.over:
			w.problem(n.path, w.totalError())
			return errStopInput
		case w.ctx.Err() != nil:
			return w.ctx.Err()
		}
		return nil
	}
}

// budget reads r counting against the total budget only; over is set when
// the budget is spent.
type budget struct {
	w    *walker
	r    io.Reader
	over bool
}

func (b *budget) Read(p []byte) (int, error) {
	if err := b.w.ctx.Err(); err != nil {
		return 0, err
	}
	n, over, err := readCapped(b.r, p, b.w.lim.MaxTotalBytes-b.w.total)
	b.w.total += int64(n)
	if over {
		b.over = true
		return n, ErrLimit
	}
	return n, err
}

// sticky returns the first error of r on every later read, as not every
// decoder does.
type sticky struct {
	r   io.Reader
	err error
}

func (s *sticky) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.err = err
	return n, err
}

// trap passes reads through and keeps the first error other than io.EOF.
// A decoder child's feeding goroutine may read through it, so it is safe
// for concurrent use.
type trap struct {
	r    io.Reader
	mu   sync.Mutex
	fail error
}

func (t *trap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && err != io.EOF {
		t.mu.Lock()
		if t.fail == nil {
			t.fail = err
		}
		t.mu.Unlock()
	}
	return n, err
}

// err returns the first read error, or nil. A nil trap never failed.
func (t *trap) err() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fail
}

// size formats a byte count for a message: "8 GiB", or "1000 bytes".
func size(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d %s", n>>u.shift, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
