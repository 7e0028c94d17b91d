//go:build ignore

// This file is the runtime half of mapguard. The patcher (guard/patch) adds
// it to the runtime package through go build -overlay, with the build
// constraint above removed and a header naming the Go version and patch
// version. It is never compiled as part of mapsafe itself.
//
// internal/runtime/maps calls in here at three kinds of places:
//
//   - guardBegin before every write (the toggle of Map.writing that starts
//     it): record which goroutine writes which map, from where; the write's
//     end clears the record's active word (guardEnd when the seed may have
//     changed);
//   - guardFatal instead of fatal at every "concurrent map ..." site: print
//     the other side, then the stock fatal error;
//   - guardIterInit / guardIterNext (strict mode only): note a range's start
//     and check, at each step, for writes by other goroutines in between.
//
// The state lives in a side table indexed by a hash of the map's address,
// because the map header's size is fixed by the compiler. A slot keeps the
// latest write of each of the last two goroutines that wrote the map. Slots are direct-mapped: a map whose slot was taken over by
// another map loses its history (the report says so, it never guesses).

package runtime

import (
	"internal/goarch"
	"unsafe"
)

// mapguardFrames is how many return addresses a write records: the maps
// function's caller, and when that is a runtime or reflect wrapper, the
// callers above it. Six reach the user's frame from the deepest wrapper
// chain: runtime.mapdelete <- runtime.reflect_mapdelete <-
// reflect.Value.SetMapIndex <- user.
const mapguardFrames = 6

// mapguardSlotBits sets the side table to 1024 slots of 192 bytes.
const mapguardSlotBits = 10

// mapguardWrite is one recorded write.
type mapguardWrite struct {
	goid   uint64
	gp     guintptr // g structs are never freed, so a uintptr is safe
	stamp  uint64   // slot sequence number at the write's start; 0 = empty
	active uint64   // 1 between guardBegin and guardEnd
	pcs    [mapguardFrames]uintptr
}

// mapguardSlot holds the latest write of each of the last two goroutines
// to write its map. A goroutine only ever writes its own entry (or, when it
// has none, the older one), so two goroutines racing on a map record
// themselves in different entries instead of overwriting each other.
type mapguardSlot struct {
	m    uintptr // map address; kept as an integer so no map is kept alive
	seed uintptr // the map's hash seed after the last recorded write
	seq  uint64
	w    [2]mapguardWrite
	_    [192 - 3*8 - 2*10*8]byte
}

var mapguardSlots [1 << mapguardSlotBits]mapguardSlot

//go:nosplit
func mapguardSlotOf(m unsafe.Pointer) *mapguardSlot {
	h := uint64(uintptr(m)) * 0x9E3779B97F4A7C15
	return &mapguardSlots[h>>(64-mapguardSlotBits)]
}

// mapguard_begin records the start of a write to m by this goroutine, from
// pc (the maps function's return address). It runs just before the write
// sets Map.writing and returns the address of the record's active word,
// which the write clears when it ends.
//
//go:linkname mapguard_begin internal/runtime/maps.guardBegin
//go:nosplit
func mapguard_begin(m unsafe.Pointer, seed, pc uintptr) unsafe.Pointer {
	gp := getg()
	s := mapguardSlotOf(m)
	if s.m != uintptr(m) || s.seed != seed {
		// Another map's slot, or a new map at a reused address (a new
		// map has a new random seed): the history is not this map's.
		s.m = uintptr(m)
		s.seed = seed
		s.w[0].stamp = 0
		s.w[1].stamp = 0
	}
	seq := s.seq + 1
	s.seq = seq
	goid := gp.goid
	w := &s.w[0]
	if w0, w1 := &s.w[0], &s.w[1]; w0.goid != goid && (w1.goid == goid || w1.stamp < w0.stamp) {
		w = w1 // this goroutine's entry, or else the older one
	}
	w.stamp = seq
	w.active = 1
	if w.goid == goid && w.pcs[0] == pc && w.pcs[1] == 0 {
		// The same goroutine writing from the same call site as last
		// time (a direct call, no wrapper): the rest of the record
		// holds already.
		return unsafe.Pointer(&w.active)
	}
	w.goid = goid
	w.gp.set(gp)
	w.pcs[0] = pc
	if mapguardWrapper(pc) {
		// Called through a runtime or reflect wrapper (mapdelete,
		// mapclear, reflect_mapassign, ...): record the callers too.
		mapguardWalk(w, gp, pc)
	} else {
		w.pcs[1] = 0
	}
	return unsafe.Pointer(&w.active)
}

// mapguardWrapper reports whether pc lies in the runtime or reflect.
//
//go:nosplit
func mapguardWrapper(pc uintptr) bool {
	v := mapguardPCKind[(pc>>2)&mapguardPCKindMask]
	if v>>1 == pc {
		return v&1 != 0
	}
	return mapguardClassify(pc)
}

// mapguard_end records the end of a write that may have changed the map's
// seed (clear, delete to empty). Other writes only clear the active word.
//
//go:linkname mapguard_end internal/runtime/maps.guardEnd
//go:nosplit
func mapguard_end(m unsafe.Pointer, seed uintptr, active unsafe.Pointer) {
	s := mapguardSlotOf(m)
	if s.m == uintptr(m) {
		s.seed = seed
	}
	*(*uint64)(active) = 0
}

// mapguardPCKind caches, per return address, whether it lies in the runtime
// or reflect (a wrapper whose callers must be recorded too): pc<<1 | 1 if
// so, pc<<1 if not, 0 when empty. Racing stores are harmless: each entry is
// one word and names the pc it describes.
const mapguardPCKindMask = 1<<10 - 1

var mapguardPCKind [mapguardPCKindMask + 1]uintptr

// mapguardClassify fills pc's entry of mapguardPCKind.
func mapguardClassify(pc uintptr) bool {
	wrapper := true // unknown code: record the callers, to be safe
	if f := findfunc(pc - 1); f.valid() {
		name := funcname(f)
		wrapper = mapguardHasPrefix(name, "runtime.") || mapguardHasPrefix(name, "internal/runtime/") ||
			mapguardHasPrefix(name, "reflect.")
	}
	v := pc << 1
	if wrapper {
		v |= 1
	}
	mapguardPCKind[(pc>>2)&mapguardPCKindMask] = v
	return wrapper
}

// mapguardWalk records the callers above pc by frame pointers: it climbs
// to the frame that returns to pc, then records return addresses up to and
// including the first that is not in a wrapper. It stays inside this
// goroutine's stack (a cgo callback's chain leaves it and ends the walk
// there).
//
//go:nosplit
func mapguardWalk(w *mapguardWrite, gp *g, pc uintptr) {
	lo, hi := gp.stack.lo, gp.stack.hi
	fp := getfp()
	n := 1
	for climb := 0; climb < 4 && fp >= lo && fp+2*goarch.PtrSize <= hi; climb++ {
		ret := *(*uintptr)(unsafe.Pointer(fp + goarch.PtrSize))
		fp = *(*uintptr)(unsafe.Pointer(fp))
		if ret == pc {
			for n < mapguardFrames && fp >= lo && fp+2*goarch.PtrSize <= hi {
				ret = *(*uintptr)(unsafe.Pointer(fp + goarch.PtrSize))
				fp = *(*uintptr)(unsafe.Pointer(fp))
				w.pcs[n] = ret
				n++
				if !mapguardWrapper(ret) {
					break
				}
			}
			break
		}
	}
	for ; n < mapguardFrames; n++ {
		w.pcs[n] = 0
	}
}

// mapguardOther returns a copy of the record of the other side: the write
// in progress by another goroutine, or else the latest write by another
// goroutine, or an empty record (stamp 0).
func mapguardOther(s *mapguardSlot, m unsafe.Pointer, seed uintptr, goid uint64) (w mapguardWrite, inProgress bool) {
	if s.m != uintptr(m) {
		return w, false
	}
	a, b := s.w[0], s.w[1] // copies: the slot keeps changing
	if b.stamp > a.stamp {
		a, b = b, a // a is the newer
	}
	for _, c := range [2]*mapguardWrite{&a, &b} {
		if c.stamp != 0 && c.goid != goid && c.active != 0 {
			return *c, true
		}
	}
	if s.seed != seed {
		// The seed moved since the last recorded write: the records
		// may be of an earlier map at this address.
		return w, false
	}
	for _, c := range [2]*mapguardWrite{&a, &b} {
		if c.stamp != 0 && c.goid != goid {
			return *c, false
		}
	}
	return w, false
}

// mapguard_fatal replaces fatal(msg) at every "concurrent map ..." site.
//
//go:linkname mapguard_fatal internal/runtime/maps.guardFatal
func mapguard_fatal(m unsafe.Pointer, seed uintptr, msg string) {
	other, inProgress := mapguardOther(mapguardSlotOf(m), m, seed, getg().goid)
	mapguardReport(msg, &other, inProgress, false)
	fatal(msg)
}

// The strict mode's table: per goroutine and map, the slot sequence number
// at the range's last step. Keyed by goroutine and map rather than by the
// iterator's address, because the iterator lives on a stack that can move.
type mapguardIter struct {
	goid uint64
	m    uintptr
	seen uint64
}

const mapguardIterBits = 8

var mapguardIters [1 << mapguardIterBits]mapguardIter

//go:nosplit
func mapguardIterOf(goid uint64, m unsafe.Pointer) *mapguardIter {
	h := (uint64(uintptr(m)) ^ goid*0xBF58476D1CE4E5B9) * 0x9E3779B97F4A7C15
	return &mapguardIters[h>>(64-mapguardIterBits)]
}

// mapguard_iterInit runs at the end of Iter.Init for a non-empty map.
//
//go:linkname mapguard_iterInit internal/runtime/maps.guardIterInit
//go:nosplit
func mapguard_iterInit(m unsafe.Pointer) {
	gp := getg()
	e := mapguardIterOf(gp.goid, m)
	e.goid = gp.goid
	e.m = uintptr(m)
	e.seen = mapguardSlotOf(m).seq
}

// mapguard_iterNext runs in Iter.Next after the stock check. A write by
// another goroutine recorded since the previous step (or Init) is reported
// even though it did not overlap a step.
//
//go:linkname mapguard_iterNext internal/runtime/maps.guardIterNext
func mapguard_iterNext(m unsafe.Pointer) {
	gp := getg()
	e := mapguardIterOf(gp.goid, m)
	if e.goid != gp.goid || e.m != uintptr(m) {
		return // a range this goroutine did not start, or an evicted entry
	}
	s := mapguardSlotOf(m)
	seq := s.seq
	if s.m == uintptr(m) {
		a, b := s.w[0], s.w[1]
		var other *mapguardWrite
		switch {
		case a.stamp > e.seen && a.goid != gp.goid:
			other = &a
		case b.stamp > e.seen && b.goid != gp.goid:
			other = &b
		}
		if other != nil {
			const msg = "concurrent map iteration and map write"
			mapguardReport(msg, other, other.active != 0, true)
			fatal(msg)
		}
	}
	e.seen = seq
}

// mapguardReport prints who was on the other side, before the stock fatal
// error that the caller raises next. It stops the world when that is safe,
// so the other goroutine's stack can be printed, and leaves it stopped:
// fatal does not need it running.
func mapguardReport(msg string, w *mapguardWrite, inProgress, strict bool) {
	gp := getg()
	level, _, _ := gotraceback()
	mp := gp.m
	canStop := w.stamp != 0 && level > 0 && gp == mp.curg && mp.locks == 0 &&
		mp.mallocing == 0 && mp.preemptoff == "" && mp.p != 0 &&
		panicking.Load() == 0 && debug.asyncpreemptoff == 0
	if canStop {
		stopTheWorld(stwAllGoroutinesStack)
	}

	printlock()
	print("mapguard: ", msg)
	if w.stamp == 0 {
		print(": no write to this map by another goroutine is on record ",
			"(its record was taken over by another map, or the map was cleared)\n\n")
		printunlock()
		return
	}
	switch {
	case strict:
		print(": goroutine ", w.goid, " wrote this map between two steps of this goroutine's range (mapguard strict mode)\n")
	case inProgress:
		print(": the other side is goroutine ", w.goid, ", whose write to this map was in progress\n")
	default:
		print(": the other side is goroutine ", w.goid, ", the last other goroutine to write this map\n")
	}
	name, file, line := mapguardSite(w, level)
	print("mapguard: goroutine ", w.goid, " wrote at ", name, " (", file, ":", line, ")\n")

	print("\nmapguard: goroutine ", w.goid, " at that write:\n")
	mapguardPrintFrames(w, level)

	ogp := w.gp.ptr()
	switch {
	case level == 0:
	case !canStop:
		print("\nmapguard: goroutine ", w.goid, " now: not shown (the world could not be stopped here)\n")
	default:
		print("\nmapguard: goroutine ", w.goid, " now:\n")
		systemstack(func() {
			status := readgstatus(ogp) &^ _Gscan
			if ogp.goid != w.goid || status == _Gdead {
				print("goroutine ", w.goid, " has exited\n")
				return
			}
			goroutineheader(ogp)
			if status == _Grunning && ogp.m != getg().m && ogp.syscallsp == 0 {
				print("\tgoroutine running on other thread; stack unavailable\n")
				return
			}
			traceback(^uintptr(0), ^uintptr(0), 0, ogp)
		})
	}
	print("\n")
	printunlock()
}

// mapguardHidden reports whether a frame is the runtime's own, hidden from
// tracebacks below GOTRACEBACK=system.
func mapguardHidden(name string, level int32) bool {
	return level < 2 && (mapguardHasPrefix(name, "runtime.") || mapguardHasPrefix(name, "internal/runtime/"))
}

func mapguardHasPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && s[:len(prefix)] == prefix
}

// mapguardSite returns the write's site: the first recorded frame that is
// neither the runtime's nor reflect's.
func mapguardSite(w *mapguardWrite, level int32) (name, file string, line int) {
	name, file = "?", "?"
	for _, retPC := range w.pcs {
		if retPC == 0 {
			break
		}
		f := findfunc(retPC - 1)
		if !f.valid() {
			continue
		}
		u, uf := newInlineUnwinder(f, retPC-1)
		for ; uf.valid(); uf = u.next(uf) {
			n := funcNameForPrint(u.srcFunc(uf).name())
			if mapguardHidden(n, 0) || mapguardHasPrefix(n, "reflect.") {
				continue
			}
			file, line = u.fileLine(uf)
			return n, file, line
		}
	}
	return name, file, 0
}

// mapguardPrintFrames prints the recorded frames like a traceback.
func mapguardPrintFrames(w *mapguardWrite, level int32) {
	for _, retPC := range w.pcs {
		if retPC == 0 {
			return
		}
		f := findfunc(retPC - 1)
		if !f.valid() {
			print("?()\n\t?:0 pc=", hex(retPC), "\n")
			continue
		}
		u, uf := newInlineUnwinder(f, retPC-1)
		for ; uf.valid(); uf = u.next(uf) {
			n := funcNameForPrint(u.srcFunc(uf).name())
			if mapguardHidden(n, level) {
				continue
			}
			file, line := u.fileLine(uf)
			print(n, "(...)\n\t", file, ":", line, "\n")
		}
	}
	if w.pcs[mapguardFrames-1] != 0 {
		print("...recorded frames end here\n")
	}
}
