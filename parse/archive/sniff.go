package archive

import (
	"bytes"
	"strconv"
)

// kind is what the first bytes of a stream say it is.
type kind uint8

const (
	kindPlain kind = iota
	kindGzip
	kindXz
	kindZstd
	kindBzip2
	kindTar
	kindZip
	kindPGP
)

// String names k as Member.Compression and messages do.
func (k kind) String() string {
	switch k {
	case kindGzip:
		return "gzip"
	case kindXz:
		return "xz"
	case kindZstd:
		return "zstd"
	case kindBzip2:
		return "bzip2"
	case kindTar:
		return "tar"
	case kindZip:
		return "zip"
	case kindPGP:
		return "gpg"
	}
	return "plain"
}

// sniff tells from the first bytes of a stream (up to headLen) what it is.
func sniff(b []byte) kind {
	switch {
	case hasPrefix(b, "\x1f\x8b\x08"):
		return kindGzip
	case hasPrefix(b, "\xfd7zXZ\x00"):
		return kindXz
	case hasPrefix(b, "\x28\xb5\x2f\xfd"):
		return kindZstd
	case isBzip2(b):
		return kindBzip2
	case hasPrefix(b, "PK\x03\x04"), hasPrefix(b, "PK\x05\x06"):
		return kindZip
	case isPGP(b):
		return kindPGP
	case isTar(b):
		return kindTar
	}
	return kindPlain
}

func hasPrefix(b []byte, s string) bool { return bytes.HasPrefix(b, []byte(s)) }

// isBzip2 checks the stream header "BZh1".."BZh9" and the magic of the first
// block, or of the end of an empty stream.
func isBzip2(b []byte) bool {
	if len(b) < 10 || !hasPrefix(b, "BZh") || b[3] < '1' || b[3] > '9' {
		return false
	}
	m := string(b[4:10])
	return m == "\x31\x41\x59\x26\x53\x59" || m == "\x17\x72\x45\x38\x50\x90"
}

// isTar checks the header checksum of a tar header block, which every tar
// format has (ustar, GNU, pax and the old v7 format without magic).
func isTar(b []byte) bool {
	if len(b) < 512 {
		return false
	}
	want, ok := octal(b[148:156])
	if !ok {
		return false
	}
	var unsigned, signed int64
	for i, c := range b[:512] {
		if i >= 148 && i < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return want == unsigned || want == signed
}

// octal parses a tar numeric field: octal digits padded with spaces or NULs.
func octal(f []byte) (int64, bool) {
	s := bytes.Trim(f, " \x00")
	if len(s) == 0 {
		return 0, false
	}
	v, err := strconv.ParseInt(string(s), 8, 64)
	return v, err == nil
}

// isPGP checks for an ASCII-armored OpenPGP message, or a binary one that
// starts as encrypted files do (gpg -c, gpg -e): a symmetric-key (tag 3) or
// public-key (tag 1) encrypted session key packet of a known version.
func isPGP(b []byte) bool {
	if hasPrefix(b, "-----BEGIN PGP MESSAGE-----") {
		return true
	}
	if len(b) < 3 || b[0]&0x80 == 0 {
		return false
	}
	tag, hdr := pgpHeader(b)
	if hdr == 0 || len(b) <= hdr {
		return false
	}
	switch v := b[hdr]; tag {
	case 1:
		return v == 3 || v == 6
	case 3:
		return v == 4 || v == 5 || v == 6
	}
	return false
}

// pgpHeader returns the tag of the OpenPGP packet starting b and the length
// of its header (0 when b is too short to tell).
func pgpHeader(b []byte) (tag, hdr int) {
	if b[0]&0x40 == 0 { // old format: tag in bits 5-2, length type in bits 1-0
		return int(b[0]>>2) & 0x0f, [4]int{2, 3, 5, 1}[b[0]&3]
	}
	tag = int(b[0] & 0x3f)
	switch l := b[1]; {
	case l < 192:
		return tag, 2
	case l < 224:
		return tag, 3
	case l == 255:
		return tag, 6
	}
	return tag, 2 // partial body length
}
