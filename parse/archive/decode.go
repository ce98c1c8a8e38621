package archive

import (
	"bufio"
	"compress/bzip2"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

const (
	// pureGoEnv set to "1" makes Walk decode in pure Go only.
	pureGoEnv = "OOMTRIAGE_PURE_GO"
	// cliMinBytes: streams known to be smaller are decoded in Go, for a
	// process start costs more than it saves.
	cliMinBytes = 1 << 20
	// zstdMaxMemory bounds the window a zstd frame may ask for (the zstd
	// CLI's default bound is 128 MiB).
	zstdMaxMemory = 256 << 20
	// xzMaxDict bounds the dictionary an xz stream may ask the pure-Go
	// decoder to allocate up front (xz -9 uses 64 MiB).
	xzMaxDict = 256 << 20
)

// decoders chooses, per compression format, between a child process and a
// pure-Go decoder. The zero value decodes in pure Go.
type decoders struct {
	cli     map[kind][]string // format → argv of a decompressor found on PATH
	minSize int64             // streams known to be smaller are decoded in Go
}

// systemDecoders uses the xz, zstd and pigz binaries found on PATH, unless
// OOMTRIAGE_PURE_GO=1.
// cliKinds are the formats a child process decodes by default. pigz
// measured slower than klauspost's gzip end to end here (1 GiB log: 28.4 s
// against 19.1 s), so gzip stays in Go; xz and zstd gain.
var cliKinds = []kind{kindXz, kindZstd}

func systemDecoders() decoders {
	if os.Getenv(pureGoEnv) == "1" {
		return decoders{}
	}
	d := decoders{cli: make(map[kind][]string), minSize: cliMinBytes}
	for _, k := range cliKinds {
		argv := cliArgv(k)
		if p, err := exec.LookPath(argv[0]); err == nil {
			d.cli[k] = append([]string{p}, argv[1:]...)
		}
	}
	return d
}

// cliArgv is the command that decompresses format k from stdin to stdout.
func cliArgv(k kind) []string {
	switch k {
	case kindGzip:
		return []string{"pigz", "-dc"}
	case kindXz:
		return []string{"xz", "-dc", "-T0"}
	case kindZstd:
		return []string{"zstd", "-dc"}
	}
	return nil
}

// open returns the decompressed stream of r, compressed as k. size is the
// compressed size when known, else -1.
func (d decoders) open(ctx context.Context, k kind, r *bufio.Reader, size int64) (io.ReadCloser, error) {
	if argv := d.cli[k]; argv != nil && (size < 0 || size >= d.minSize) {
		if c, err := startChild(ctx, argv, r); err == nil {
			return c, nil
		}
	}
	rc, err := openGo(k, r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k, err)
	}
	return layer{rc, k}, nil
}

// openGo returns a pure-Go decoder of format k reading r.
func openGo(k kind, r *bufio.Reader) (io.ReadCloser, error) {
	switch k {
	case kindGzip:
		return gzip.NewReader(r)
	case kindZstd:
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(zstdMaxMemory))
		if err != nil {
			return nil, err
		}
		return zr.IOReadCloser(), nil
	case kindXz:
		head, _ := r.Peek(64)
		if dict, ok := xzDictSize(head); ok && dict > xzMaxDict {
			return nil, fmt.Errorf("dictionary of %s is more than the pure-Go decoder allows (%s); install xz-utils to read it", size(dict), size(xzMaxDict))
		}
		// The smallest DictCap lets the stream's own dictionary size
		// decide (the default would allocate at least 8 MiB).
		xr, err := xz.ReaderConfig{DictCap: lzma.MinDictCap}.NewReader(r)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(xr), nil
	case kindBzip2:
		return io.NopCloser(bzip2.NewReader(r)), nil
	}
	return nil, errors.New("unknown compression")
}

// layer names the compression format in the errors of a pure-Go decoder.
type layer struct {
	io.ReadCloser
	k kind
}

func (l layer) Read(p []byte) (int, error) {
	n, err := l.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %w", l.k, err)
	}
	return n, err
}

// xzDictSize returns the LZMA2 dictionary size that the first block of the
// xz stream starting head declares; ok is false when head does not hold it.
func xzDictSize(head []byte) (dict int64, ok bool) {
	const streamHeader = 12
	if len(head) < streamHeader+2 || head[streamHeader] == 0 {
		return 0, false
	}
	flags := head[streamHeader+1]
	b := head[streamHeader+2:]
	for _, bit := range []byte{0x40, 0x80} { // compressed, uncompressed size
		if flags&bit != 0 {
			if b, ok = skipVarint(b); !ok {
				return 0, false
			}
		}
	}
	filters := int(flags&3) + 1
	for range filters {
		var id, n uint64
		if id, b, ok = varint(b); !ok {
			return 0, false
		}
		if n, b, ok = varint(b); !ok || uint64(len(b)) < n {
			return 0, false
		}
		if id == 0x21 && n == 1 {
			return lzma2Dict(b[0])
		}
		b = b[n:]
	}
	return 0, false
}

// lzma2Dict decodes the LZMA2 dictionary size property byte.
func lzma2Dict(p byte) (int64, bool) {
	bits := int64(p & 0x3f)
	switch {
	case bits > 40:
		return 0, false
	case bits == 40:
		return 1<<32 - 1, true
	}
	return (2 | bits&1) << (bits/2 + 11), true
}

// varint decodes an xz multibyte integer.
func varint(b []byte) (v uint64, rest []byte, ok bool) {
	for i := 0; i < len(b) && i < 9; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			return v, b[i+1:], true
		}
	}
	return 0, nil, false
}

func skipVarint(b []byte) ([]byte, bool) {
	_, rest, ok := varint(b)
	return rest, ok
}
