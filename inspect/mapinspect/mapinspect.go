// Package mapinspect is the mapinspect command's work: build a
// map[int]int the way the flags say, inspect it, and write the layout as
// text, JSON or SVG. It builds with gc and gccgo (Go 1.18 language), so
// the same command shows a Swiss map or a classic one.
package mapinspect

import (
	"fmt"
	"io"
	"os"

	"github.com/mapsafe/mapsafe/inspect"
	"github.com/mapsafe/mapsafe/inspect/render"
)

// Config is what the command line asks for.
type Config struct {
	N      int    // fill keys 0..N-1
	Hint   int    // make size hint
	Delete int    // then delete keys 0..Delete-1
	JSON   bool   // JSON instead of text
	Groups bool   // include control bytes / tophash arrays
	All    bool   // text: list every table or bucket
	Trace  bool   // report the growth the fill caused, step by step
	SVG    string // also draw the layout into this file
}

// Check validates c; its errors are usage errors.
func (c Config) Check() error {
	switch {
	case c.N < 0:
		return fmt.Errorf("-n %d: the number of keys cannot be negative", c.N)
	case c.Hint < 0:
		return fmt.Errorf("-hint %d: a size hint cannot be negative", c.Hint)
	case c.Delete < 0 || c.Delete > c.N:
		return fmt.Errorf("-delete %d: can delete between 0 and -n (%d) keys", c.Delete, c.N)
	}
	return nil
}

// Build makes the map c describes and, with c.Trace, the growth its fill
// caused.
func Build(c Config) (map[int]int, *inspect.GrowthReport, error) {
	m := make(map[int]int, c.Hint)
	var tr *inspect.Tracer
	if c.Trace {
		var err error
		if tr, err = inspect.NewTracer(m); err != nil {
			return nil, nil, err
		}
	}
	for i := 0; i < c.N; i++ {
		m[i] = i
		if tr != nil {
			if err := tr.StepKey(i); err != nil {
				return nil, nil, err
			}
		}
	}
	for i := 0; i < c.Delete; i++ {
		delete(m, i)
	}
	if tr == nil {
		return m, nil, nil
	}
	return m, tr.Report(), nil
}

// Run builds, inspects and writes. A request that needs more memory than
// the machine has is refused; one that will take minutes or gigabytes
// (Cost) gets a warning on stderr before it starts.
func Run(c Config, stdout, stderr io.Writer) error {
	if err := c.Check(); err != nil {
		return err
	}
	warning, err := c.checkCost(memTotal())
	if err != nil {
		return err
	}
	if warning != "" {
		fmt.Fprintf(stderr, "mapinspect: %s\n", warning)
	}
	m, rep, err := Build(c)
	if err != nil {
		return err
	}
	opt := inspect.Options{NoGroups: !c.Groups && c.SVG == ""}
	l, err := inspect.InspectWith(m, opt)
	if err != nil {
		return err
	}
	if c.SVG != "" {
		// Draw first, so a file that cannot be written fails the command
		// before anything is printed.
		if err := writeSVG(c.SVG, l); err != nil {
			return err
		}
	}
	ropt := render.Options{Groups: c.Groups, All: c.All, Growth: rep}
	if c.JSON {
		err = render.JSON(stdout, l, ropt)
	} else {
		err = render.Text(stdout, l, ropt)
	}
	if err != nil {
		return err
	}
	return nil
}

func writeSVG(path string, l *inspect.Layout) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := render.SVG(f, l); err != nil {
		f.Close()
		return fmt.Errorf("%s: %v", path, err)
	}
	return f.Close()
}
