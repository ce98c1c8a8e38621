package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"
)

// folderWalk is the walk of one folder input.
type folderWalk struct {
	w      *walker
	root   string // the folder as given, for display paths
	real   string // the folder, absolute, symlinks resolved: what is walked
	prefix string // first element of member names: the folder's base name
	links  *linkTable
}

// walkFolder walks the folder root in sorted order, depth-first. Symlinks
// are not descended: one whose real path stays inside the folder is
// recorded as a link to what the walk reaches there anyway. A first pass
// over the folder collects the links, so every member learns all of its
// links, not only those sorted before it.
func (w *walker) walkFolder(root string) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return err
	}
	prefix := filepath.Base(abs)
	if prefix == string(filepath.Separator) {
		prefix = ""
	}
	f := &folderWalk{w: w, root: root, real: real, prefix: prefix, links: newLinkTable()}
	if err := filepath.WalkDir(real, f.linkEntry); err != nil {
		return err
	}
	return filepath.WalkDir(real, f.fileEntry)
}

// linkEntry is the filepath.WalkDirFunc of the first pass: it records
// symlinks. Read errors are left to the second pass.
func (f *folderWalk) linkEntry(p string, d fs.DirEntry, err error) error {
	if err != nil || d.Type()&fs.ModeSymlink == 0 {
		return f.w.ctx.Err()
	}
	display, name, err := f.names(p)
	if err == nil {
		f.symlink(p, display, name)
	}
	return err
}

// names returns the display path and the member name of p.
func (f *folderWalk) names(p string) (display, name string, err error) {
	rel, err := filepath.Rel(f.real, p)
	if err != nil {
		return "", "", err
	}
	return filepath.Join(f.root, rel), path.Join(f.prefix, filepath.ToSlash(rel)), nil
}

// fileEntry is the filepath.WalkDirFunc of the second pass: it walks
// regular files and reports folders that cannot be read.
func (f *folderWalk) fileEntry(p string, d fs.DirEntry, err error) error {
	if ctxErr := f.w.ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	display, name, relErr := f.names(p)
	switch {
	case relErr != nil:
		return relErr
	case err != nil && p == f.real:
		return err
	case err != nil:
		f.w.problem(display, err)
	case d.Type().IsRegular():
		return f.file(p, display, name)
	}
	return nil
}

// symlink records a symlink to a file inside the folder, or reports why it
// is not followed. Dangling links are left alone.
func (f *folderWalk) symlink(p, display, name string) {
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, syscall.ELOOP):
		f.w.problem(display, fmt.Errorf("%w: %w", ErrLinkLoop, err))
		return
	case err != nil:
		return
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return
	}
	rel, err := filepath.Rel(f.real, real)
	if err != nil || escapes(filepath.ToSlash(rel)) {
		f.w.problem(display, fmt.Errorf("%w: symlink to %s, outside %s", ErrTraversal, real, f.root))
		return
	}
	if !fi.IsDir() {
		f.links.add(name, path.Join(f.prefix, filepath.ToSlash(rel)))
	}
}

// file walks one regular file of the folder.
func (f *folderWalk) file(p, display, name string) error {
	fh, err := os.Open(p)
	if err != nil {
		f.w.problem(display, err)
		return nil
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		f.w.problem(display, err)
		return nil
	}
	n := fileNode(fh, fi, display, name)
	n.links = f.links.linksTo(name)
	readErr, err := f.w.walkSource(fh, n)
	if readErr != nil {
		f.w.problem(display, readErr)
	}
	return err
}
