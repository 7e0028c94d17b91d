package inspect

import (
	"fmt"
	"reflect"
)

// Iter reads the runtime state of a live iterator. Call it between calls
// to it.Next, in the goroutine that iterates; the state belongs to the
// iterator's current map (see reflect.MapIter.Reset).
func Iter(it *reflect.MapIter) (*IterState, error) {
	if it == nil {
		return nil, fmt.Errorf("inspect: nil *reflect.MapIter")
	}
	if _, err := checkRuntime(); err != nil {
		return nil, fmt.Errorf("inspect: %v", err)
	}
	s, err := readIter(it)
	if err != nil {
		return nil, fmt.Errorf("inspect: iterator: %v", err)
	}
	return s, nil
}

// Location is where the runtime puts, or looks for, one key of one map:
// Locate computes the key's hash with the map's own hash function and
// seed, then applies the map's current geometry.
type Location struct {
	Hash uint64 `json:"hash"`

	// Swiss: the directory entry and table the hash selects (DirIndex 0
	// in small mode), the first group of its probe sequence (H1 modulo
	// the group count; 0 in small mode) and the control byte a full slot
	// holding it carries (H2).
	DirIndex int   `json:"dirIndex"`
	Table    int   `json:"table"` // index into SwissLayout.Tables, -1 in small mode
	Group    int   `json:"group"`
	H2       uint8 `json:"h2"`

	// Classic: the bucket in the current array, the bucket in the array
	// being evacuated (-1 when not growing), and the tophash byte.
	Bucket    int `json:"bucket"`
	OldBucket int `json:"oldBucket"`
	TopHash   Top `json:"topHash"`
}

// Locate hashes key as map m does and reports where it belongs. key must
// be assignable to m's key type; an unhashable dynamic key is an error.
func Locate(m any, key any) (loc *Location, err error) {
	if m == nil {
		return nil, fmt.Errorf("inspect: nil interface, not a map")
	}
	rt := reflect.TypeOf(m)
	if rt.Kind() != reflect.Map {
		return nil, fmt.Errorf("inspect: %s is not a map", rt)
	}
	if _, err := checkRuntime(); err != nil {
		return nil, fmt.Errorf("inspect: %v", err)
	}
	kv := reflect.New(rt.Key())
	if key == nil {
		if rt.Key().Kind() != reflect.Interface {
			return nil, fmt.Errorf("inspect: nil key for %s", rt)
		}
	} else {
		v := reflect.ValueOf(key)
		if !v.Type().AssignableTo(rt.Key()) {
			return nil, fmt.Errorf("inspect: key of type %s is not assignable to %s's key type", v.Type(), rt)
		}
		kv.Elem().Set(v)
	}
	defer func() {
		if r := recover(); r != nil {
			loc, err = nil, fmt.Errorf("inspect: hashing key %v of %s: %v", key, rt, r)
		}
	}()
	loc, err = locate(m, rt, kv)
	if err != nil {
		return nil, fmt.Errorf("inspect: %v", err)
	}
	return loc, nil
}
