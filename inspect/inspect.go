package inspect

import (
	"fmt"
	"reflect"
	"runtime"
)

// Options tune Inspect.
type Options struct {
	// NoGroups leaves out the per-group control bytes (Table.Groups) and
	// the per-bucket tophash arrays (Bucket.Chain keeps only the chain
	// length): for figures over large maps, where only counts matter.
	// Counts (Tombstones, Empty, Entries) are still computed.
	NoGroups bool
}

// Inspect reads the live layout of the map held in m. See the package
// documentation for what it checks before it trusts what it reads.
func Inspect(m any) (*Layout, error) {
	return InspectWith(m, Options{})
}

// InspectWith is Inspect with options.
func InspectWith(m any, opt Options) (*Layout, error) {
	if m == nil {
		return nil, fmt.Errorf("inspect: nil interface, not a map")
	}
	rt := reflect.TypeOf(m)
	if rt.Kind() != reflect.Map {
		return nil, fmt.Errorf("inspect: %s is not a map", rt)
	}
	ver, err := checkRuntime()
	if err != nil {
		return nil, fmt.Errorf("inspect: %v", err)
	}
	l := &Layout{
		Impl:     implName,
		Compiler: runtime.Compiler,
		Runtime:  ver,
		Type:     rt.String(),
		Len:      reflect.ValueOf(m).Len(),
		KeySize:  rt.Key().Size(),
		ElemSize: rt.Elem().Size(),
	}
	if err := readLayout(m, rt, l, opt); err != nil {
		return nil, fmt.Errorf("inspect: %v", err)
	}
	return l, nil
}
