// Command probe runs map operations on a real map[int]int and prints what
// the runtime's map looks like after each one. classic/verify builds it with
// gccgo (whose libgo has the Go 1.18 classic map) and compares every line
// with the classic model running the same operations.
//
// Input, one operation per line (see classic/verify.Op):
//
//	i K V   m[K] = V
//	d K     delete(m, K)
//	g K     v, ok := m[K]
//	c       for k := range m { delete(m, k) }   (mapclear)
//	r       start an iteration (reflect.MapIter) and take its first key
//	n       the iteration's next key
//	e       drop the iteration
//	m H     m = make(map[int]int, H) (and drop the iteration)
//
// Output, one JSON object per operation (classic/verify.Record): the key's
// hash under the map's current seed (for i, d, g: read with inspect.Locate
// before the operation), what a lookup or the iterator returned, the map's
// header and every bucket chain's tophash bytes (inspect.Inspect), and the
// live iterator's state (inspect.Iter).
//
// The probe must stay within Go 1.18 (gccgo 12): no generics, no clear,
// no min/max.
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/mapsafe/mapsafe/inspect"
)

// record, mapObs and iterObs are classic/verify's Record, MapObs and
// IterObs; verify decodes with DisallowUnknownFields and its tests run this
// probe, so a field renamed on one side only fails them.
type record struct {
	Op    int      `json:"op"`
	Hash  uint64   `json:"hash,omitempty"`
	Found bool     `json:"found,omitempty"`
	Key   int      `json:"key,omitempty"`
	Val   int      `json:"val,omitempty"`
	Map   mapObs   `json:"map"`
	Iter  *iterObs `json:"iter,omitempty"`
	// After an operation that emptied the map (and so reseeded it) while
	// an iteration is open: the new hashes of every key that iteration
	// may still meet in the bucket arrays it reads.
	RehashKeys   []int    `json:"rk,omitempty"`
	RehashHashes []uint64 `json:"rh,omitempty"`
}

type mapObs struct {
	Count     int      `json:"count"`
	Flags     uint8    `json:"flags"`
	B         uint8    `json:"B"`
	Noverflow uint16   `json:"noverflow"`
	Growing   bool     `json:"growing"`
	SameSize  bool     `json:"sameSize"`
	Nevacuate uint64   `json:"nevacuate"`
	Free      int      `json:"free"`
	Buckets   []string `json:"buckets,omitempty"`
	Old       []string `json:"old,omitempty"`
}

type iterObs struct {
	Done    bool   `json:"done"`
	Bucket  uint64 `json:"bucket"`
	I       uint8  `json:"i"`
	Start   uint64 `json:"start"`
	Offset  uint8  `json:"offset"`
	Wrapped bool   `json:"wrapped"`
	B       uint8  `json:"B"`
	Check   uint64 `json:"check"`
	NoCheck bool   `json:"noCheck"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "probe:", err)
		os.Exit(1)
	}
}

func run() error {
	m := map[int]int{}
	var it *reflect.MapIter
	done := false
	// iterKeys: keys live when the open iteration started or inserted
	// since; the only keys a stale bucket array can still hold.
	var iterKeys []int
	inIter := map[int]bool{}
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for n := 0; in.Scan(); n++ {
		f := strings.Fields(in.Text())
		if len(f) == 0 {
			return fmt.Errorf("line %d: empty", n+1)
		}
		rec := record{Op: n}
		before := len(m)
		var k, v int
		var err error
		if len(f) > 1 {
			if k, err = strconv.Atoi(f[1]); err != nil {
				return fmt.Errorf("line %d: %v", n+1, err)
			}
		}
		if len(f) > 2 {
			if v, err = strconv.Atoi(f[2]); err != nil {
				return fmt.Errorf("line %d: %v", n+1, err)
			}
		}
		switch f[0] {
		case "m":
			if len(f) != 2 {
				return fmt.Errorf("line %d: %q: wrong number of arguments", n+1, in.Text())
			}
			m = make(map[int]int, k)
			it = nil
		case "i", "d", "g":
			if len(f) != 2 && f[0] != "i" || f[0] == "i" && len(f) != 3 {
				return fmt.Errorf("line %d: %q: wrong number of arguments", n+1, in.Text())
			}
			loc, err := inspect.Locate(m, k)
			if err != nil {
				return fmt.Errorf("line %d: %v", n+1, err)
			}
			rec.Hash = loc.Hash
			switch f[0] {
			case "i":
				m[k] = v
				if it != nil && !inIter[k] {
					inIter[k] = true
					iterKeys = append(iterKeys, k)
				}
			case "d":
				delete(m, k)
			default:
				rec.Val, rec.Found = m[k]
			}
		case "c":
			for key := range m {
				delete(m, key)
			}
		case "r":
			iterKeys, inIter = iterKeys[:0], map[int]bool{}
			for key := range m {
				inIter[key] = true
				iterKeys = append(iterKeys, key)
			}
			it = reflect.ValueOf(m).MapRange()
			done = !it.Next()
			if !done {
				rec.Found, rec.Key, rec.Val = true, int(it.Key().Int()), int(it.Value().Int())
			}
		case "n":
			if it != nil && !done {
				done = !it.Next()
				if !done {
					rec.Found, rec.Key, rec.Val = true, int(it.Key().Int()), int(it.Value().Int())
				}
			}
		case "e":
			it = nil
		default:
			return fmt.Errorf("line %d: unknown operation %q", n+1, f[0])
		}
		if it != nil && before > 0 && len(m) == 0 {
			for _, key := range iterKeys {
				loc, err := inspect.Locate(m, key)
				if err != nil {
					return fmt.Errorf("line %d: %v", n+1, err)
				}
				rec.RehashKeys = append(rec.RehashKeys, key)
				rec.RehashHashes = append(rec.RehashHashes, loc.Hash)
			}
		}
		lay, err := inspect.Inspect(m)
		if err != nil {
			return fmt.Errorf("line %d: %v", n+1, err)
		}
		c := lay.Classic
		if c == nil {
			return fmt.Errorf("not a classic map (%s, %s): build the probe with -compiler=gccgo", lay.Impl, lay.Runtime)
		}
		rec.Map = mapObs{Count: c.Count, Flags: c.Flags, B: c.B, Noverflow: c.NOverflow, Growing: c.Growing,
			SameSize: c.SameSize, Nevacuate: uint64(c.NEvacuate), Free: c.FreeOverflow,
			Buckets: chains(c.Buckets), Old: chains(c.OldBuckets)}
		if it != nil {
			st, err := inspect.Iter(it)
			if err != nil {
				return fmt.Errorf("line %d: %v", n+1, err)
			}
			if ci := st.Classic; ci != nil {
				rec.Iter = &iterObs{Done: done, Bucket: uint64(ci.Bucket), I: ci.I, Start: uint64(ci.StartBucket),
					Offset: ci.Offset, Wrapped: ci.Wrapped, B: ci.B, Check: uint64(ci.CheckBucket), NoCheck: ci.NoCheck}
			} else {
				rec.Iter = &iterObs{Done: done}
			}
		}
		if err := enc.Encode(&rec); err != nil {
			return err
		}
	}
	return in.Err()
}

// chains encodes each bucket chain as the hex of its tophash arrays,
// overflow buckets separated by dots.
func chains(bs []inspect.Bucket) []string {
	if bs == nil {
		return nil
	}
	out := make([]string, len(bs))
	for i, b := range bs {
		parts := make([]string, len(b.Chain))
		for j, th := range b.Chain {
			var raw [8]byte
			for s, t := range th {
				raw[s] = byte(t)
			}
			parts[j] = hex.EncodeToString(raw[:])
		}
		out[i] = strings.Join(parts, ".")
	}
	return out
}
