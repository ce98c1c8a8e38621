package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/oomtriage/oomtriage/parse"
)

// procRoot is where rank and watch read processes; tests replace it.
var procRoot = "/proc"

// readPodFiles reads the --pods files into one set of objects. A file that
// cannot be opened is an error; problems inside one are warnings.
func readPodFiles(ctx context.Context, paths []string, stderr io.Writer) (parse.Objects, error) {
	var all parse.Objects
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return all, fmt.Errorf("--pods: %w", err)
		}
		o, _, err := parse.ReadObjects(ctx, p, f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "oomtriage: %v\n", err)
		}
		all.Pods = append(all.Pods, o.Pods...)
		all.Nodes = append(all.Nodes, o.Nodes...)
		all.Sandboxes = append(all.Sandboxes, o.Sandboxes...)
		all.Events = append(all.Events, o.Events...)
	}
	return all, nil
}
