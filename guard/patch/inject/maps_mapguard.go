//go:build ignore

// This file is the internal/runtime/maps half of mapguard: declarations of
// the runtime functions that record writes and report races (defined in the
// runtime half, which pushes them here by linkname), and small methods the
// patched map code calls. The patcher adds it to internal/runtime/maps with
// the build constraint above removed; the clone of (*Map).getWithKey that
// the iterator uses is appended after it.

package maps

import "unsafe"

// Pushed from runtime (runtime/mapguard.go).

//go:linkname guardBegin
func guardBegin(m unsafe.Pointer, seed, pc uintptr) unsafe.Pointer

//go:linkname guardEnd
func guardEnd(m unsafe.Pointer, seed uintptr, active unsafe.Pointer)

//go:linkname guardFatal
func guardFatal(m unsafe.Pointer, seed uintptr, msg string)

//go:linkname guardIterInit
func guardIterInit(m unsafe.Pointer)

//go:linkname guardIterNext
func guardIterNext(m unsafe.Pointer)

// guardWriteBegin runs just before a write sets m.writing; pc is the
// return address of the maps function that writes. It returns the address
// of the record's active word.
func (m *Map) guardWriteBegin(pc uintptr) unsafe.Pointer {
	return guardBegin(unsafe.Pointer(m), m.seed, pc)
}

// guardWriteEnd runs just after a write clears m.writing.
func (m *Map) guardWriteEnd(active unsafe.Pointer) { *(*uint64)(active) = 0 }

// guardWriteEndSeed ends a write that may have changed m's seed (Delete,
// Clear): the side table keeps the seed to tell this map from an earlier
// one at the same address.
func (m *Map) guardWriteEndSeed(active unsafe.Pointer) { guardEnd(unsafe.Pointer(m), m.seed, active) }

// guardReportFatal replaces fatal(msg) at the "concurrent map ..." sites.
func (m *Map) guardReportFatal(msg string) { guardFatal(unsafe.Pointer(m), m.seed, msg) }

// guardIterStart runs at the end of Iter.Init (strict mode only).
func (m *Map) guardIterStart() { guardIterInit(unsafe.Pointer(m)) }

// guardIterStep runs in Iter.Next after the stock check (strict mode only).
func (m *Map) guardIterStep() { guardIterNext(unsafe.Pointer(m)) }
