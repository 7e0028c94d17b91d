package mapbench

import (
	"fmt"
	"math"
	"strings"
)

// svgColors gives each map a color (xsync is the baseline, not drawn).
var svgColors = map[string]string{
	"Snapshot": "#1b9e77", "Sharded": "#d95f02", "Locked": "#7570b3",
	"RWMutex": "#888888", "sync.Map": "#e7298a", "orcaman": "#e6ab02",
}

// SVG plots, for 1e6 keys of each key type, every map's ns/op over
// xsync's, workload by workload, on a log scale from 1/8 to 16.
func SVG(rs []Result) string {
	const (
		left, width, bar = 150, 560, 5
		lo, hi           = -3.0, 4.0 // log2 of the axis ends: 1/8 to 16x
	)
	var maps []string
	for _, c := range Contestants {
		if c.Name != "xsync" && has(rs, c.Name) {
			maps = append(maps, c.Name)
		}
	}
	var ws []Workload
	for _, w := range Workloads(procsOf(rs)) {
		if w.Kind != Snapshotting {
			ws = append(ws, w)
		}
	}
	var keyTypes []string
	for _, t := range []string{"int", "string"} {
		if hasKey(rs, t) {
			keyTypes = append(keyTypes, t)
		}
	}
	rowH := bar*len(maps) + 6
	panelH := 30 + rowH*len(ws)
	h := 60 + panelH*len(keyTypes) + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n", left+width+140, h)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="10" y="20" font-size="14">ns/op over xsync.Map's at 1e6 keys, median of per-round ratios (log scale; left of 1x is faster; bars end at 1/8 and 16x)</text>`+"\n")
	x := func(r float64) float64 {
		l := math.Max(lo, math.Min(hi, math.Log2(r)))
		return left + (l-lo)/(hi-lo)*width
	}
	for i, m := range maps {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n",
			left+width+20, 50+16*i, svgColors[m], left+width+35, 59+16*i, m)
	}
	y0 := 40
	for _, t := range keyTypes {
		fmt.Fprintf(&b, `<text x="10" y="%d" font-weight="bold">%s keys</text>`+"\n", y0+15, t)
		top, bottom := y0+25, y0+panelH-5
		for e := lo; e <= hi; e++ {
			gx := x(math.Exp2(e))
			stroke := "#ddd"
			if e == 0 {
				stroke = "#000"
			}
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>`+"\n", gx, top, gx, bottom, stroke)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", gx, bottom+12, ratioLabel(e))
		}
		for i, w := range ws {
			ry := top + i*rowH
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", left-6, ry+rowH/2+3, w)
			for j, m := range maps {
				r, ok := find(rs, m, t, 1e6, w)
				if !ok || r.VsXsync == 0 {
					continue
				}
				x0, x1 := x(1), x(r.VsXsync)
				fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s %s %s: %.2fx</title></rect>`+"\n",
					math.Min(x0, x1), ry+j*bar, math.Max(math.Abs(x1-x0), 1), bar-1, svgColors[m], m, t, w, r.VsXsync)
			}
		}
		y0 += panelH + 10
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func ratioLabel(e float64) string {
	if e < 0 {
		return fmt.Sprintf("1/%g", math.Exp2(-e))
	}
	return fmt.Sprintf("%gx", math.Exp2(e))
}

func has(rs []Result, m string) bool {
	for _, r := range rs {
		if r.Map == m {
			return true
		}
	}
	return false
}

func hasKey(rs []Result, t string) bool {
	for _, r := range rs {
		if r.Key == t && r.Keys == 1e6 {
			return true
		}
	}
	return false
}
