//go:build gc && goexperiment.mapsplitgroup

package inspect

import "reflect"

// splitGroups reports the group layout: true is GOEXPERIMENT=mapsplitgroup
// (Go 1.27): the ctrl word, then 8 keys, then 8 elements.
const splitGroups = true

// groupTypeOf builds the group type the runtime builds for a map with
// these (possibly indirect) key and element types, as reflect.MapOf does
// (reflect/map.go, Go 1.27): struct{ ctrl uint64; keys [8]K; elems [8]E }.
func groupTypeOf(k, e reflect.Type) (group reflect.Type, keyStride uintptr) {
	group = reflect.StructOf([]reflect.StructField{
		{Name: "Ctrl", Type: reflect.TypeOf(uint64(0))},
		{Name: "Keys", Type: reflect.ArrayOf(groupSlots, k)},
		{Name: "Elems", Type: reflect.ArrayOf(groupSlots, e)},
	})
	return group, k.Size()
}
