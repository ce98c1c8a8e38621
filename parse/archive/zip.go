package archive

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"fmt"
	"io"
	"io/fs"
	"math"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zstd"
)

// Zip compression methods beyond Store and Deflate that Walk reads.
const (
	zipBzip2 = 12
	zipZstd  = 93
)

// zipWalk is the walk of one zip archive.
type zipWalk struct {
	w     *walker
	n     *node // the zip stream
	links *linkTable
}

// walkZip walks the zip archive r. archive/zip needs to read at offsets: a
// file is read in place, a stream is spooled to memory first.
func (w *walker) walkZip(r *bufio.Reader, n *node) error {
	ra, size, err := w.zipData(r, n)
	if ra == nil || err != nil {
		return err
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return w.broken(n, "zip", 0, "", err)
	}
	registerZipDecoders(zr)
	z := &zipWalk{w: w, n: n, links: newLinkTable()}
	for _, f := range zr.File {
		if err := z.entry(f); err != nil {
			return err
		}
	}
	return nil
}

// zipData returns n as an io.ReaderAt: the file itself, or the stream
// spooled to memory up to MaxSpoolBytes. It returns a nil ReaderAt after
// reporting a problem.
func (w *walker) zipData(r io.Reader, n *node) (io.ReaderAt, int64, error) {
	if n.file != nil {
		return n.file, n.size, nil
	}
	limit := w.lim.MaxSpoolBytes
	tooBig := fmt.Errorf("%w: zip inside a stream larger than %s (--max-spool-bytes) — extract it first", ErrLimit, size(limit))
	if n.size > limit {
		w.problem(n.path, tooBig)
		return nil, 0, nil
	}
	var buf bytes.Buffer
	if n.size > 0 {
		buf.Grow(int(n.size))
	}
	b := &budget{w: w, r: r}
	_, err := buf.ReadFrom(io.LimitReader(b, limit+1))
	switch {
	case b.over:
		w.problem(n.path, w.totalError())
		return nil, 0, errStopInput
	case err != nil:
		return nil, 0, w.failed(n, err)
	case int64(buf.Len()) > limit:
		w.problem(n.path, tooBig)
		return nil, 0, nil
	}
	return bytes.NewReader(buf.Bytes()), int64(buf.Len()), nil
}

// registerZipDecoders makes zr inflate with klauspost's faster flate and
// read bzip2 and zstd members.
func registerZipDecoders(zr *zip.Reader) {
	zr.RegisterDecompressor(zip.Deflate, flate.NewReader)
	zr.RegisterDecompressor(zipBzip2, func(r io.Reader) io.ReadCloser {
		return io.NopCloser(bzip2.NewReader(r))
	})
	zr.RegisterDecompressor(zipZstd, func(r io.Reader) io.ReadCloser {
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(zstdMaxMemory))
		if err != nil {
			return io.NopCloser(&errReader{err})
		}
		return d.IOReadCloser()
	})
}

// entry handles one zip member. Members are independent: a broken one is
// reported and the next one read.
func (z *zipWalk) entry(f *zip.File) error {
	where := z.n.path + "!" + f.Name
	name, err := memberName(f.Name)
	if err != nil {
		z.w.problem(where, err)
		return nil
	}
	switch mode := f.Mode(); {
	case mode&fs.ModeSymlink != 0:
		z.symlink(f, name, where)
	case !mode.IsRegular() || name == ".":
	case f.Flags&0x1 != 0:
		z.w.problem(where, fmt.Errorf("%w (zip password) — extract it with the password first", ErrEncrypted))
	default:
		return z.file(f, name, where)
	}
	return nil
}

// file walks the regular file member f.
func (z *zipWalk) file(f *zip.File, name, where string) error {
	rc, err := f.Open()
	if err != nil {
		z.w.problem(where, fmt.Errorf("zip member compressed with method %d: %w", f.Method, err))
		return nil
	}
	defer rc.Close()
	raw := &trap{r: rc}
	m := z.n.member(name, zipSize(f), f.Modified, raw)
	m.links = z.links.linksTo(name)
	if err := z.w.walkStream(raw, m); err != nil {
		return err
	}
	if err := raw.err(); err != nil {
		z.w.problem(m.path, fmt.Errorf("%w: zip member: %w", ErrTruncated, err))
	}
	return nil
}

// symlink records a zip member that is a symlink (zip -y): its data is the
// target.
func (z *zipWalk) symlink(f *zip.File, name, where string) {
	rc, err := f.Open()
	if err != nil {
		z.w.problem(where, fmt.Errorf("%w: symlink: %w", ErrTruncated, err))
		return
	}
	defer rc.Close()
	target, err := io.ReadAll(io.LimitReader(rc, 4096))
	if err == nil {
		var r string
		if r, err = linkTarget(name, string(target), false); err == nil {
			err = z.links.add(name, r)
		}
	}
	if err != nil {
		z.w.problem(where, err)
	}
}

// zipSize is the uncompressed size of f, or -1.
func zipSize(f *zip.File) int64 {
	if f.UncompressedSize64 > math.MaxInt64 {
		return -1
	}
	return int64(f.UncompressedSize64)
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }
