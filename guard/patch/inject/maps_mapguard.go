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

// guardLastOff is the offset in a Map of the padding after
// tombstonePossible. Each write start stamps there the low 32 bits of the
// address of the record it fills (one per goroutine), so that a report can
// tell which goroutine began the latest write to the map before the race
// was noticed: the one whose write was in progress then, even if it has
// finished by the time the report reads the records. The padding is the
// map's own, so the header keeps the size and layout the compiler gives it
// (cmd/compile/internal/reflectdata/map.go); the array below does not
// compile if the padding is shorter than four bytes.
const guardLastOff = (unsafe.Offsetof(Map{}.tombstonePossible) + 1 + 3) &^ 3

var _ [unsafe.Offsetof(Map{}.clearSeq) - guardLastOff - 4]struct{}

func (m *Map) guardLast() *uint32 { return (*uint32)(unsafe.Add(unsafe.Pointer(m), guardLastOff)) }

// Pushed from runtime (runtime/mapguard.go).

//go:linkname guardBegin
func guardBegin(m unsafe.Pointer, pc, sp uintptr) *guardRec

//go:linkname guardFatal
func guardFatal(m unsafe.Pointer, last uint32, msg string)

//go:linkname guardIterInit
func guardIterInit(m unsafe.Pointer)

//go:linkname guardIterNext
func guardIterNext(m unsafe.Pointer)

// guardWriteBegin runs just before a write sets m.writing; pc is the
// return address of the maps function that writes and sp its caller's
// stack pointer, or in GuardDelete and GuardClear, which only wrappers
// call, the wrapper's.
func (m *Map) guardWriteBegin(pc, sp uintptr) *guardRec {
	r := guardBegin(unsafe.Pointer(m), pc, sp)
	*m.guardLast() = uint32(uintptr(unsafe.Pointer(r)))
	return r
}

// guardWriteEnd runs just after a write clears m.writing.
func (m *Map) guardWriteEnd(r *guardRec) { r.n++ }

// guardReportFatal replaces fatal(msg) at the "concurrent map ..." sites.
// It is not inlined, so that the sites' cold branches stay a call with two
// arguments, as the stock fatal's: inlined, the stamp's load cost
// Iter.Next, in the loop of every range, about two instructions a step.
//
//go:noinline
func (m *Map) guardReportFatal(msg string) { guardFatal(unsafe.Pointer(m), *m.guardLast(), msg) }

// guardIterStart runs at the end of Iter.Init (strict mode only).
func (m *Map) guardIterStart() { guardIterInit(unsafe.Pointer(m)) }

// guardIterStep runs in Iter.Next after the stock check (strict mode only).
func (m *Map) guardIterStep() { guardIterNext(unsafe.Pointer(m)) }
