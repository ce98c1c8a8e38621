package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// child decompresses through a child process: a goroutine feeds the
// compressed stream to its standard input, and Read reads its standard
// output. Close kills the process if it still runs and waits for it and for
// the goroutine, so the compressed stream is no longer read after Close.
type child struct {
	name   string // command line, for errors
	cmd    *exec.Cmd
	out    io.ReadCloser
	stderr *headWriter
	fed    chan error // the feeding goroutine's read error, or nil
	err    error      // sticky Read error
	ended  bool       // process and goroutine waited for
}

// errChildClosed is what Read returns after Close.
var errChildClosed = errors.New("decoder closed")

// startChild starts argv with in as its standard input.
func startChild(ctx context.Context, argv []string, in io.Reader) (*child, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Args[0] = baseName(argv[0]) // the name the tool gives itself in messages
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	inR, inW, err := newPipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := newPipe()
	if err != nil {
		closeAll(inR, inW)
		return nil, err
	}
	c := &child{name: strings.Join(cmd.Args, " "), cmd: cmd, out: outR, stderr: &headWriter{max: 1024}, fed: make(chan error, 1)}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, c.stderr
	err = cmd.Start()
	closeAll(inR, outW) // the child's ends
	if err != nil {
		closeAll(inW, outR)
		return nil, err
	}
	go c.feed(inW, in)
	return c, nil
}

// newPipe returns a pipe, enlarged where the system allows.
func newPipe() (r, w *os.File, err error) {
	r, w, err = os.Pipe()
	if err == nil {
		growPipe(r)
	}
	return r, w, err
}

// closeAll closes every file in fs.
func closeAll(fs ...*os.File) {
	for _, f := range fs {
		f.Close()
	}
}

// feed copies in to the child's standard input and closes it. A failed
// write means the child exited; that is reported by its exit status.
func (c *child) feed(stdin io.WriteCloser, in io.Reader) {
	r := &trap{r: in}
	io.Copy(stdin, r)
	stdin.Close()
	c.fed <- r.err()
}

func (c *child) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.out.Read(p)
	if err == nil {
		return n, nil
	}
	if werr := c.wait(); werr != nil {
		err = werr
	}
	c.err = err
	return n, err
}

// wait waits for the goroutine and the process once the output ended, and
// says why the output is incomplete, if it is.
func (c *child) wait() error {
	readErr := <-c.fed
	waitErr := c.cmd.Wait()
	c.out.Close()
	c.ended = true
	switch {
	case readErr != nil:
		return readErr
	case waitErr != nil:
		msg := strings.TrimSpace(c.stderr.String())
		return fmt.Errorf("%s: %w: %s", c.name, waitErr, msg)
	}
	return nil
}

// Close kills the process unless it already ended, and waits for it.
func (c *child) Close() error {
	if c.ended {
		return nil
	}
	c.cmd.Process.Kill()
	c.wait()
	if c.err == nil {
		c.err = errChildClosed
	}
	return nil
}

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	max int
	b   []byte
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (h *headWriter) String() string { return string(h.b) }

// baseName is the last element of a slash or OS path.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
