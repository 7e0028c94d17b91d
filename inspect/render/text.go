package render

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mapsafe/mapsafe/inspect"
)

// listLimit is how many tables or buckets text output lists one by one
// before it switches to a summary (Options.All lists them all).
const listLimit = 64

// Text writes l for a person: the header, then one line per table
// (Swiss) or bucket (classic), then the derived figures. With
// Options.Groups each group is drawn as 8 characters, slot 0 first:
//
//	.  empty         x  deleted (Swiss) / evacuated-empty (classic)
//	#  full          X, Y  evacuated to the first or second half (classic)
func Text(w io.Writer, l *inspect.Layout, opt Options) error {
	p := &printer{w: w}
	p.f("%s  len %d  %s (%s, %s)\n", l.Type, l.Len, l.Impl, l.Compiler, l.Runtime)
	switch {
	case l.Nil:
		p.f("nil map: no header, nothing allocated\n")
	case l.Swiss != nil:
		p.swiss(l.Swiss, opt)
	case l.Classic != nil:
		p.classic(l.Classic, opt)
	}
	s := l.Stats()
	if s.Slots > 0 {
		p.f("load %.3f (grows at %.3f)  tombstones %d (%.1f%%)\n", s.Load, s.MaxLoad, s.Tombstones, 100*s.TombstoneRatio)
	}
	p.f("structure %d B  live entries %d B  waste %d B (%.0f%%)\n", s.StructBytes, s.LiveBytes, s.WasteBytes, 100*s.WasteRatio)
	if g := opt.Growth; g != nil {
		exact := ""
		if !g.Exact {
			exact = " (at least: same-size grows may hide)"
		}
		p.f("growth: %d event(s)%s\n", g.Count(), exact)
		for _, e := range g.Events {
			p.f("  %s\n", e)
		}
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...interface{}) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) swiss(s *inspect.SwissLayout, opt Options) {
	if s.Small {
		if s.SmallGroup == nil {
			p.f("small map: no group allocated yet\n")
			return
		}
		p.f("small map: one group of 8 slots, no directory\n")
		if opt.Groups {
			p.f("  group 0: %s\n", swissGroup(*s.SmallGroup))
		}
		return
	}
	p.f("directory %d entries (global depth %d), %d tables, groups of %d bytes\n", s.DirLen, s.GlobalDepth, len(s.Tables), s.GroupSize)
	if len(s.Tables) > listLimit && !opt.All {
		caps := map[int]int{}
		for _, t := range s.Tables {
			caps[t.Capacity]++
		}
		var keys []int
		for c := range caps {
			keys = append(keys, c)
		}
		sort.Ints(keys)
		var parts []string
		for _, c := range keys {
			parts = append(parts, fmt.Sprintf("%d×%d slots", caps[c], c))
		}
		p.f("tables: %s (-all lists them)\n", strings.Join(parts, ", "))
		return
	}
	for i, t := range s.Tables {
		span := 1 << (s.GlobalDepth - t.LocalDepth)
		p.f("table %d  dir [%d,%d)  depth %d  capacity %d  used %d  growthLeft %d  tombstones %d\n",
			i, t.Index, t.Index+span, t.LocalDepth, t.Capacity, t.Used, t.GrowthLeft, t.Tombstones)
		if opt.Groups {
			for j, g := range t.Groups {
				p.f("  group %3d: %s\n", j, swissGroup(g))
			}
		}
	}
}

func swissGroup(g inspect.Group) string {
	var b strings.Builder
	for _, c := range g {
		switch {
		case c.IsEmpty():
			b.WriteByte('.')
		case c.IsDeleted():
			b.WriteByte('x')
		default:
			b.WriteByte('#')
		}
	}
	return b.String()
}

func (p *printer) classic(c *inspect.ClassicLayout, opt Options) {
	hash0 := "hash0 set"
	if !c.Hash0Set {
		hash0 = "hash0 zero"
	}
	p.f("B %d (%d buckets of %d bytes)  noverflow %d  flags %#x  %s\n", c.B, len(c.Buckets), c.BucketSize, c.NOverflow, c.Flags, hash0)
	if c.Growing {
		kind := "doubling"
		if c.SameSize {
			kind = "same-size"
		}
		p.f("growing (%s): %d old buckets, nevacuate %d\n", kind, len(c.OldBuckets), c.NEvacuate)
	} else {
		p.f("not growing\n")
	}
	if c.FreeOverflow > 0 {
		p.f("%d preallocated overflow buckets free\n", c.FreeOverflow)
	}
	p.buckets("bucket", c.Buckets, opt)
	p.buckets("old bucket", c.OldBuckets, opt)
}

func (p *printer) buckets(name string, bs []inspect.Bucket, opt Options) {
	if len(bs) > listLimit && !opt.All {
		chains := map[int]int{}
		evac := 0
		for _, b := range bs {
			chains[b.Overflow]++
			if b.Evacuated {
				evac++
			}
		}
		var keys []int
		for k := range chains {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%d with %d", chains[k], k))
		}
		p.f("%ss by overflow chain length: %s; %d evacuated (-all lists them)\n", name, strings.Join(parts, ", "), evac)
		return
	}
	for i, b := range bs {
		mark := ""
		if b.Evacuated {
			mark = "  evacuated"
		}
		p.f("%s %d: %d entries, %d overflow%s", name, i, b.Entries, b.Overflow, mark)
		if opt.Groups && b.Chain != nil {
			var parts []string
			for _, th := range b.Chain {
				parts = append(parts, classicBucket(th))
			}
			p.f("  %s", strings.Join(parts, " -> "))
		}
		p.f("\n")
	}
}

func classicBucket(th inspect.TopHash) string {
	var b strings.Builder
	for _, t := range th {
		switch {
		case t == inspect.TopEvacuatedX:
			b.WriteByte('X')
		case t == inspect.TopEvacuatedY:
			b.WriteByte('Y')
		case t == inspect.TopEvacuatedEmpty:
			b.WriteByte('x')
		case t.IsFull():
			b.WriteByte('#')
		default:
			b.WriteByte('.')
		}
	}
	return b.String()
}
