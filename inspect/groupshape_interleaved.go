//go:build gc && !goexperiment.mapsplitgroup

package inspect

import "reflect"

// splitGroups reports the group layout: false is interleaved slots
// (ctrl word, then 8 key/elem pairs), the only layout of Go 1.26 and the
// default of Go 1.27.
const splitGroups = false

// groupTypeOf builds the group type the runtime builds for a map with
// these (possibly indirect) key and element types, as reflect.MapOf does
// (reflect/map.go): struct{ ctrl uint64; slots [8]struct{ key K; elem E } }.
func groupTypeOf(k, e reflect.Type) (group reflect.Type, keyStride uintptr) {
	slot := reflect.StructOf([]reflect.StructField{
		{Name: "Key", Type: k},
		{Name: "Elem", Type: e},
	})
	group = reflect.StructOf([]reflect.StructField{
		{Name: "Ctrl", Type: reflect.TypeOf(uint64(0))},
		{Name: "Slots", Type: reflect.ArrayOf(groupSlots, slot)},
	})
	return group, slot.Size()
}
