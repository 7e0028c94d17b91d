//go:build ignore

// This file is the internal/runtime/maps half of mapguard: declarations of
// the runtime functions that record writes and report races (defined in the
// runtime half, which pushes them here by linkname), and small methods the
// patched map code calls. The patcher adds it to internal/runtime/maps with
// the build constraint above removed; the clone of (*Map).getWithKey that
// the iterator uses is appended after it.

package maps

import "unsafe"

// guardRec is the head of runtime.mapguardRec (runtime/mapguard.go, added
// by the same patch): the writing goroutine's record of its latest write,
// which lives in its g. Only n, its first word, is used here: odd while the
// write is in progress. guard/patch TestRecordMirror fails if the runtime's
// record does not start with it.
type guardRec struct {
	n uintptr
}

// Pushed from runtime (runtime/mapguard.go).

//go:linkname guardBegin
func guardBegin(m unsafe.Pointer, pc uintptr) *guardRec

//go:linkname guardFatal
func guardFatal(m unsafe.Pointer, msg string)

//go:linkname guardIterInit
func guardIterInit(m unsafe.Pointer)

//go:linkname guardIterNext
func guardIterNext(m unsafe.Pointer)

// guardWriteBegin runs just before a write sets m.writing; pc is the
// return address of the maps function that writes, or in GuardDelete and
// GuardClear, which only wrappers call, the wrapper's.
func (m *Map) guardWriteBegin(pc uintptr) *guardRec { return guardBegin(unsafe.Pointer(m), pc) }

// guardWriteEnd runs just after a write clears m.writing.
func (m *Map) guardWriteEnd(r *guardRec) { r.n++ }

// guardReportFatal replaces fatal(msg) at the "concurrent map ..." sites.
func (m *Map) guardReportFatal(msg string) { guardFatal(unsafe.Pointer(m), msg) }

// guardIterStart runs at the end of Iter.Init (strict mode only).
func (m *Map) guardIterStart() { guardIterInit(unsafe.Pointer(m)) }

// guardIterStep runs in Iter.Next after the stock check (strict mode only).
func (m *Map) guardIterStep() { guardIterNext(unsafe.Pointer(m)) }
