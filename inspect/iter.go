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
// seed, then applies the map's current geometry. As in Layout, Impl says
// which half is set.
type Location struct {
	Impl    string           `json:"impl"` // ImplSwiss or ImplClassic
	Hash    uint64           `json:"hash"`
	Swiss   *SwissLocation   `json:"swiss,omitempty"`
	Classic *ClassicLocation `json:"classic,omitempty"`
}

// SwissLocation is where a Swiss map (gc) puts a key.
type SwissLocation struct {
	// Small: the map has no directory yet; the key goes in its one group,
	// and DirIndex and Table are -1, Group 0.
	Small    bool `json:"small"`
	DirIndex int  `json:"dirIndex"` // the directory entry the hash selects
	Table    int  `json:"table"`    // that entry's table: an index into SwissLayout.Tables
	// Group is the first group of the key's probe sequence in that table
	// (H1 modulo the group count); H2 is the control byte a full slot
	// holding the key carries.
	Group int   `json:"group"`
	H2    uint8 `json:"h2"`
}

// ClassicLocation is where a classic map (gccgo) puts a key.
type ClassicLocation struct {
	Bucket int `json:"bucket"` // the bucket in the current array (hash mod 2^B)
	// OldBucket is the bucket in the array being evacuated, -1 when the
	// map is not growing: until that bucket is evacuated, the key is
	// there.
	OldBucket int `json:"oldBucket"`
	TopHash   Top `json:"topHash"` // the tophash byte a slot holding the key carries
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
	if err := setKey(kv, rt, key); err != nil {
		return nil, err
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

// setKey stores key in *kv, a pointer to a key of map type rt, or says why
// key cannot be one.
func setKey(kv reflect.Value, rt reflect.Type, key any) error {
	if key == nil {
		if rt.Key().Kind() != reflect.Interface {
			return fmt.Errorf("inspect: nil key for %s", rt)
		}
		kv.Elem().Set(reflect.Zero(rt.Key()))
		return nil
	}
	v := reflect.ValueOf(key)
	if !v.Type().AssignableTo(rt.Key()) {
		return fmt.Errorf("inspect: key of type %s is not assignable to %s's key type", v.Type(), rt)
	}
	kv.Elem().Set(v)
	return nil
}
