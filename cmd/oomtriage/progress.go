package main

import (
	"io"
	"os"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/oomtriage/oomtriage/parse/ingest"
)

// barProgress shows one bar per input being read, with the bytes read
// (after decompression) and the speed. Totals are unknown while streaming
// compressed archives, so the bars count rather than fill.
type barProgress struct {
	p *mpb.Progress
}

// newProgress returns progress bars on stderr when stderr is a terminal and
// quiet is not set, else nil (no bars, no output).
func newProgress(stderr io.Writer, quiet bool) *barProgress {
	f, ok := stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &barProgress{p: mpb.New(mpb.WithOutput(stderr), mpb.WithWidth(30))}
}

// Start implements ingest.Progress.
func (b *barProgress) Start(path string) ingest.InputProgress {
	bar := b.p.New(0, mpb.BarStyle(),
		mpb.PrependDecorators(decor.Name(shorten(path, 40), decor.WC{W: 41, C: decor.DindentRight})),
		mpb.AppendDecorators(decor.Current(decor.SizeB1024(0), "% .1f"), decor.Name("  "),
			decor.AverageSpeed(decor.SizeB1024(0), "% .1f")),
		mpb.BarRemoveOnComplete())
	return &barInput{bar: bar}
}

// Wait lets the bars finish drawing.
func (b *barProgress) Wait() { b.p.Wait() }

type barInput struct{ bar *mpb.Bar }

func (i *barInput) Read(n int) { i.bar.IncrBy(n) }
func (i *barInput) Done()      { i.bar.SetTotal(-1, true) }

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n+1:]
}
