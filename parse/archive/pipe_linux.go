package archive

import (
	"os"
	"syscall"
)

// pipeSize is the capacity asked for the pipes to a decoder child: larger
// than the default 64 KiB, it halves the wake-ups per megabyte.
const pipeSize = 1 << 20

// growPipe enlarges the pipe f belongs to, if the system allows.
func growPipe(f *os.File) {
	const fSetPipeSize = 1031 // F_SETPIPE_SZ
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSize, pipeSize)
	})
}
