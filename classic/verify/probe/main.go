// Command probe runs map operations on a real map[int]int and prints what
// the runtime's map looks like after each one. classic/verify builds it with
// gccgo (whose libgo has the Go 1.18 classic map) and compares every line
// with the classic model running the same operations.
//
// Input: operations in classic/op's text form, one per line (i K V, d K,
// g K, c, r, n, e, m H). A range is a reflect.MapIter; c is
// "for k := range m { delete(m, k) }", which compiles to mapclear.
//
// Output: one JSON record per operation (classic/verify/record): the key's
// hash under the map's current seed (for i, d, g: read with inspect.Locate
// before the operation), what a lookup or the range returned, the map's
// header and every bucket chain's tophash bytes (inspect.Inspect), and the
// open range's iterator state (inspect.Iter).
//
// The probe must stay within Go 1.18 (gccgo 12): no generics, no clear,
// no min/max; so must the packages it imports.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"reflect"

	"github.com/mapsafe/mapsafe/classic/op"
	"github.com/mapsafe/mapsafe/classic/verify/record"
	"github.com/mapsafe/mapsafe/inspect"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func run() error {
	p := &probe{m: map[int]int{}}
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for n := 0; in.Scan(); n++ {
		o, err := op.ParseLine(in.Text())
		if err != nil {
			return fmt.Errorf("line %d: %v", n+1, err)
		}
		rec, err := p.apply(o)
		if err != nil {
			return fmt.Errorf("line %d: %v", n+1, err)
		}
		rec.Op = n
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	return in.Err()
}

// probe is the real map and its open range.
type probe struct {
	m    map[int]int
	it   *reflect.MapIter // the open range, nil if none
	done bool             // it is exhausted
	// iterKeys: keys live when the open range started or inserted since;
	// the only keys a bucket array the map no longer uses can still hold.
	iterKeys []int
	inIter   map[int]bool
}

// apply runs o on the real map and observes the result.
func (p *probe) apply(o op.Op) (*record.Record, error) {
	rec := &record.Record{}
	before := len(p.m)
	switch o.Kind {
	case op.Insert, op.Delete, op.Lookup:
		loc, err := inspect.Locate(p.m, o.Key)
		if err != nil {
			return nil, err
		}
		rec.Hash = loc.Hash
		p.access(o, rec)
	case op.Clear:
		for k := range p.m {
			delete(p.m, k)
		}
	case op.IterStart:
		p.iterKeys, p.inIter = p.iterKeys[:0], map[int]bool{}
		for k := range p.m {
			p.inIter[k] = true
			p.iterKeys = append(p.iterKeys, k)
		}
		p.it = reflect.ValueOf(p.m).MapRange()
		p.next(rec)
	case op.IterNext:
		if p.it == nil {
			return nil, fmt.Errorf("%q: no range is open", o.String())
		}
		if !p.done {
			p.next(rec)
		}
	case op.IterEnd:
		if p.it == nil {
			return nil, fmt.Errorf("%q: no range is open", o.String())
		}
		p.it = nil
	case op.Make:
		p.m = make(map[int]int, o.Key)
		p.it = nil
	default:
		return nil, fmt.Errorf("unknown operation %q", o.String())
	}
	if p.it != nil && before > 0 && len(p.m) == 0 {
		if err := p.rehash(rec); err != nil {
			return nil, err
		}
	}
	return rec, p.observe(rec)
}

// access runs an insert, delete or lookup.
func (p *probe) access(o op.Op, rec *record.Record) {
	switch o.Kind {
	case op.Insert:
		p.m[o.Key] = o.Val
		if p.it != nil && !p.inIter[o.Key] {
			p.inIter[o.Key] = true
			p.iterKeys = append(p.iterKeys, o.Key)
		}
	case op.Delete:
		delete(p.m, o.Key)
	default:
		rec.Val, rec.Found = p.m[o.Key]
	}
}

// next takes the open range's next key.
func (p *probe) next(rec *record.Record) {
	p.done = !p.it.Next()
	if !p.done {
		rec.Found, rec.Key, rec.Val = true, int(p.it.Key().Int()), int(p.it.Value().Int())
	}
}

// rehash records, after the map was emptied (and so reseeded) under an
// open range, the new hashes of every key the range may still meet.
func (p *probe) rehash(rec *record.Record) error {
	for _, k := range p.iterKeys {
		loc, err := inspect.Locate(p.m, k)
		if err != nil {
			return err
		}
		rec.RehashKeys = append(rec.RehashKeys, k)
		rec.RehashHashes = append(rec.RehashHashes, loc.Hash)
	}
	return nil
}

// observe reads the map's header and buckets and the open range's state.
func (p *probe) observe(rec *record.Record) error {
	lay, err := inspect.Inspect(p.m)
	if err != nil {
		return err
	}
	c := lay.Classic
	if c == nil {
		return fmt.Errorf("not a classic map (%s, %s): build the probe with -compiler=gccgo", lay.Impl, lay.Runtime)
	}
	rec.Map = record.Map{Count: c.Count, Flags: c.Flags, B: c.B, Noverflow: c.NOverflow, Growing: c.Growing,
		SameSize: c.SameSize, Nevacuate: uint64(c.NEvacuate), Free: c.FreeOverflow,
		Buckets: chains(c.Buckets), Old: chains(c.OldBuckets)}
	if p.it == nil {
		return nil
	}
	st, err := inspect.Iter(p.it)
	if err != nil {
		return err
	}
	rec.Iter = &record.Iter{Done: p.done}
	if ci := st.Classic; ci != nil {
		rec.Iter = &record.Iter{Done: p.done, Bucket: uint64(ci.Bucket), I: ci.I, Start: uint64(ci.StartBucket),
			Offset: ci.Offset, Wrapped: ci.Wrapped, B: ci.B, Check: uint64(ci.CheckBucket), NoCheck: ci.NoCheck}
	}
	return nil
}

// chains encodes each bucket chain's tophash arrays (record.Chain).
func chains(bs []inspect.Bucket) []string {
	if bs == nil {
		return nil
	}
	out := make([]string, len(bs))
	for i, b := range bs {
		tops := make([][8]uint8, len(b.Chain))
		for j, th := range b.Chain {
			for s, t := range th {
				tops[j][s] = uint8(t)
			}
		}
		out[i] = record.Chain(tops)
	}
	return out
}
