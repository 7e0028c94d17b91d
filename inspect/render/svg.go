package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"

	"github.com/mapsafe/mapsafe/inspect"
)

// SVG drawing limits: beyond these a note says what was left out.
const (
	svgTables  = 32 // tables drawn
	svgDir     = 64 // directory entries drawn
	svgBuckets = 64 // buckets drawn per array
)

// Geometry, in pixels.
const (
	cell      = 6  // one slot or tophash cell, including its gap
	groupGap  = 6  // between groups
	groupsRow = 16 // groups per row of a table
	margin    = 10
)

// SVG draws l: for a Swiss map the directory, each table and its groups,
// one square per slot (white empty, grey deleted, full in a shade of green
// set by its H2); for a classic map the buckets with their overflow
// chains, and while growing the old buckets with their evacuation marks
// (X blue, Y purple, evacuated-empty pale grey; full slots stay green, so
// no key can be read as a mark). The layout must have been read without
// inspect.Options.NoGroups. Every slot square carries a class (empty,
// deleted, full, evacX, evacY, evacEmpty) so the drawing can be checked.
func SVG(w io.Writer, l *inspect.Layout) error {
	d := &drawing{}
	d.text(margin, 16, 13, fmt.Sprintf("%s  len %d  %s (%s)", l.Type, l.Len, l.Impl, l.Runtime))
	d.y = 30
	switch {
	case l.Nil:
		d.text(margin, d.y+12, 11, "nil map: nothing allocated")
		d.y += 20
	case l.Swiss != nil:
		if err := d.swiss(l.Swiss); err != nil {
			return err
		}
	case l.Classic != nil:
		if err := d.classic(l.Classic); err != nil {
			return err
		}
	default:
		return fmt.Errorf("render: layout of %s has neither a swiss nor a classic part", l.Type)
	}
	s := l.Stats()
	d.text(margin, d.y+14, 11, fmt.Sprintf("load %.3f (grows at %.3f)  tombstones %d  structure %d B  live %d B  waste %d B",
		s.Load, s.MaxLoad, s.Tombstones, s.StructBytes, s.LiveBytes, s.WasteBytes))
	d.y += 24
	d.legend(l.Swiss != nil)
	return d.write(w)
}

// legend explains the cell colours.
func (d *drawing) legend(swiss bool) {
	type key struct{ class, fill, label string }
	keys := []key{{"legend", "white", "empty"}, {"legend", fullFill(64, 128), "full (shade: hash fragment)"}}
	if swiss {
		keys = append(keys, key{"legend", fillDeleted, "deleted (tombstone)"})
	} else {
		keys = append(keys, key{"legend", fillEvacX, "evacuated X"}, key{"legend", fillEvacY, "evacuated Y"}, key{"legend", fillEvacEmpty, "evacuated empty"})
	}
	x := margin
	for _, k := range keys {
		d.rect(x, d.y, 8, 8, k.class, k.fill)
		d.text(x+12, d.y+8, 10, k.label)
		x += 20 + len(k.label)*6
	}
	d.y += 16
}

type drawing struct {
	body bytes.Buffer
	y    int // next free row
	maxX int
}

func (d *drawing) width(x int) {
	if x > d.maxX {
		d.maxX = x
	}
}

func (d *drawing) rect(x, y, w, h int, class, fill string) {
	d.width(x + w)
	fmt.Fprintf(&d.body, `<rect class="%s" x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#bbb" stroke-width="0.5"/>`+"\n", class, x, y, w, h, fill)
}

func (d *drawing) line(x1, y1, x2, y2 int) {
	d.width(x2)
	fmt.Fprintf(&d.body, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#666" stroke-width="0.7"/>`+"\n", x1, y1, x2, y2)
}

func (d *drawing) text(x, y, size int, s string) {
	d.width(x + len(s)*size*6/10)
	var esc bytes.Buffer
	xml.EscapeText(&esc, []byte(s))
	fmt.Fprintf(&d.body, `<text x="%d" y="%d" font-family="monospace" font-size="%d">%s</text>`+"\n", x, y, size, esc.String())
}

func (d *drawing) write(w io.Writer) error {
	_, err := fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n"+`<rect width="100%%" height="100%%" fill="white"/>`+"\n%s</svg>\n",
		d.maxX+margin, d.y+margin, d.maxX+margin, d.y+margin, d.body.String())
	return err
}

// Fills of the marks: blue and purple, far from the greens of full slots.
const (
	fillDeleted   = "#777"
	fillEvacX     = "#36c"
	fillEvacY     = "#93c"
	fillEvacEmpty = "#ddd"
)

// fullFill is a full slot's fill: a green (hue 95-145) set by its hash
// fragment v of n values (an H2 of 128, a tophash of 256).
func fullFill(v, n int) string {
	return fmt.Sprintf("hsl(%d,55%%,%d%%)", 95+v*50/n, 40+v%3*8)
}

func (d *drawing) ctrl(x, y int, c inspect.Ctrl) {
	switch {
	case c.IsEmpty():
		d.rect(x, y, cell-1, cell-1, "empty", "white")
	case c.IsDeleted():
		d.rect(x, y, cell-1, cell-1, "deleted", fillDeleted)
	default:
		d.rect(x, y, cell-1, cell-1, "full", fullFill(int(c.H2()), 128))
	}
}

func (d *drawing) group(x, y int, g inspect.Group) {
	for i, c := range g {
		d.ctrl(x+i*cell, y, c)
	}
}

func (d *drawing) swiss(s *inspect.SwissLayout) error {
	if s.Small {
		if s.SmallGroup == nil {
			d.text(margin, d.y+12, 11, "small map: no group allocated yet")
			d.y += 20
			return nil
		}
		d.text(margin, d.y+12, 11, "small map: one group, no directory")
		d.group(margin, d.y+18, *s.SmallGroup)
		d.y += 32
		return nil
	}
	d.text(margin, d.y+12, 11, fmt.Sprintf("directory: %d entries, global depth %d", s.DirLen, s.GlobalDepth))
	d.y += 20
	top := d.y
	tableX := margin + 90
	// Tables first, remembering where each starts.
	tableY := make([]int, 0, len(s.Tables))
	for i, t := range s.Tables {
		if i == svgTables {
			d.text(tableX, d.y+12, 11, fmt.Sprintf("... %d more tables not drawn", len(s.Tables)-svgTables))
			d.y += 20
			break
		}
		if t.Groups == nil {
			return fmt.Errorf("render: the layout was read without control bytes")
		}
		tableY = append(tableY, d.y+8)
		d.text(tableX, d.y+10, 10, fmt.Sprintf("table %d: capacity %d used %d growthLeft %d tombstones %d localDepth %d",
			i, t.Capacity, t.Used, t.GrowthLeft, t.Tombstones, t.LocalDepth))
		y := d.y + 14
		for j, g := range t.Groups {
			row, col := j/groupsRow, j%groupsRow
			d.group(tableX+col*(8*cell+groupGap), y+row*(cell+2), g)
		}
		rows := (len(t.Groups) + groupsRow - 1) / groupsRow
		d.y = y + rows*(cell+2) + 10
	}
	// The directory column, each entry linked to its table.
	h := 12
	if n := s.DirLen; n > 0 && (d.y-top)/n < h {
		h = (d.y - top) / n
		if h < 4 {
			h = 4
		}
	}
	for i := 0; i < s.DirLen; i++ {
		if i == svgDir {
			d.text(margin, top+i*h+12, 10, fmt.Sprintf("+%d", s.DirLen-svgDir))
			break
		}
		y := top + i*h
		d.rect(margin, y, 40, h-1, "dir", "#eef")
		if h >= 10 {
			d.text(margin+3, y+h-3, 8, fmt.Sprint(i))
		}
		if t := s.Directory[i]; t < len(tableY) {
			d.line(margin+40, y+h/2, tableX-4, tableY[t])
		}
	}
	if end := top + min(s.DirLen, svgDir+1)*h + 10; end > d.y {
		d.y = end
	}
	return nil
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func (d *drawing) top(x, y int, t inspect.Top) {
	switch {
	case t == inspect.TopEvacuatedX:
		d.rect(x, y, cell-1, cell-1, "evacX", fillEvacX)
	case t == inspect.TopEvacuatedY:
		d.rect(x, y, cell-1, cell-1, "evacY", fillEvacY)
	case t == inspect.TopEvacuatedEmpty:
		d.rect(x, y, cell-1, cell-1, "evacEmpty", fillEvacEmpty)
	case t.IsFull():
		d.rect(x, y, cell-1, cell-1, "full", fullFill(int(t), 256))
	default:
		d.rect(x, y, cell-1, cell-1, "empty", "white")
	}
}

// bucketColumn draws an array of buckets, each with its overflow chain to
// the right, and returns the column's height and width.
func (d *drawing) bucketColumn(x, y int, title string, bs []inspect.Bucket) (int, int, error) {
	wide := len(title) * 6
	d.text(x, y+10, 10, title)
	y0 := y
	y += 16
	for i, b := range bs {
		if i == svgBuckets {
			d.text(x, y+10, 10, fmt.Sprintf("... %d more buckets not drawn", len(bs)-svgBuckets))
			y += 16
			break
		}
		if b.Chain == nil {
			return 0, 0, fmt.Errorf("render: the layout was read without tophash arrays")
		}
		d.text(x, y+cell, 8, fmt.Sprintf("%3d", i))
		bx := x + 22
		for k, th := range b.Chain {
			if k > 0 {
				d.line(bx-10, y+cell/2, bx-2, y+cell/2)
			}
			for j, t := range th {
				d.top(bx+j*cell, y, t)
			}
			bx += 8*cell + 12
		}
		if bx-x > wide {
			wide = bx - x
		}
		y += cell + 4
	}
	return y - y0, wide, nil
}

func (d *drawing) classic(c *inspect.ClassicLayout) error {
	state := "not growing"
	if c.Growing {
		state = fmt.Sprintf("growing (doubling), nevacuate %d", c.NEvacuate)
		if c.SameSize {
			state = fmt.Sprintf("growing (same size), nevacuate %d", c.NEvacuate)
		}
	}
	d.text(margin, d.y+12, 11, fmt.Sprintf("B %d, %d buckets, noverflow %d, %s", c.B, len(c.Buckets), c.NOverflow, state))
	d.y += 20
	if len(c.Buckets) == 0 {
		d.text(margin, d.y+12, 11, "no bucket array allocated yet")
		d.y += 20
		return nil
	}
	x := margin
	h := 0
	if c.Growing {
		oh, ow, err := d.bucketColumn(x, d.y, "old buckets (being evacuated)", c.OldBuckets)
		if err != nil {
			return err
		}
		h = oh
		x += ow + 30
	}
	nh, _, err := d.bucketColumn(x, d.y, "buckets", c.Buckets)
	if err != nil {
		return err
	}
	if nh > h {
		h = nh
	}
	d.y += h + 6
	return nil
}
