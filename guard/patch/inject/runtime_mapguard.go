//go:build ignore

// This file is the runtime half of mapguard. The patcher (guard/patch) adds
// it to the runtime package through go build -overlay, with the build
// constraint above removed and a header naming the Go version and patch
// version. It is never compiled as part of mapsafe itself.
//
// # Where the state lives
//
// The map header's size is fixed by the compiler, so the record of who
// writes which map lives on the writing goroutine: the patch adds one field,
// mapguard (a mapguardG), at the end of the runtime's g, and zeroes it when
// newproc1 hands out a g for a new goroutine. A write costs one call and a
// handful of stores to memory that only its own goroutine writes; no table
// is shared between goroutines on the write path.
//
//	write start    guardBegin: if the map is not the one of the latest
//	               write, that write moves to rec.prev; then the map, the
//	               write's call chain (the maps function's return address
//	               and three callers, by frame pointers) and the GC cycle
//	               count go into g.mapguard.rec, and rec.n++ (odd: in
//	               progress); returns &rec, whose address the maps half
//	               stamps in the map header's padding (guardLast: who
//	               began the latest write to this map). In Delete and Clear
//	               (which only wrappers call) the wrapper's return address
//	               and stack pointer, passed down, stand for the maps
//	               function's: the wrapper's own frame is the runtime's,
//	               which tracebacks hide anyway
//	write end      rec.n++ (even: done), inlined in the maps code
//	reflect        the runtime's reflect_map* wrappers first record their
//	               callers, past the runtime and reflect, in g.mapguard.deep
//	               (mapguardReflect)
//	fatal site     guardFatal, given the map's stamp, freezes every record
//	               (mapguardOff), finds the goroutines whose latest write,
//	               or latest write before one to another map, was to this
//	               map (the stamped one first, else one in progress), prints
//	               each with its state and site, the other side's chain at
//	               its write and its stack now, then the stock fatal error
//
// # The call chain
//
// A write records its site and the three functions above it, so that a
// report names the code path that wrote even when the writer has long
// moved on. They are read by frame pointers, which Go keeps on amd64 and
// arm64, the only GOARCHes the patcher accepts: every Go function that
// calls another saves its caller's frame pointer at the address its own
// frame pointer holds, and its return address one word above
// (cmd/internal/obj/x86/obj6.go, arm64/obj7.go; the runtime's own
// fpTracebackPCs walks them so). The maps function passes down its
// caller's stack pointer, sp, and the writing function's frame pointer
// follows from it without a walk (mapguard_begin). From there each
// caller costs two loads, a store and a test for the end of the chain: a
// goroutine's first function was entered with frame pointer 0. The walk
// reads the frames of the writing function and of its two callers, Go
// frames on the goroutine's stack even for a write in a callback from C
// (cgocallbackg and cgocallbackg1 are above it); the frames beyond could
// be C's, whose frame pointer register holds any value.
//
// # Strict mode
//
// In the strict overlay (mapguardStrict is true) each write also stamps a
// side table keyed by map address, and each step of a range checks it for
// writes by another goroutine since the previous step: see
// mapguardStrictNote and mapguard_iterNext.

package runtime

import (
	"internal/abi"
	"internal/goarch"
	"unsafe"
)

// mapguardStrict is true in the strict overlay; the patcher sets it.
const mapguardStrict = false

// mapguardRec is a goroutine's latest map write, and its latest write to
// another map before that: a goroutine that writes two maps by turns has
// moved on to the other one by the time a report reads its record about as
// often as not. internal/runtime/maps mirrors its first field, n, as
// guardRec (its mapguard.go, added by the same patch): the write end there
// increments it. guard/patch TestRecordMirror fails if the two differ.
//
// A map's memory is reused for another map only after a garbage collection
// has finished marking without finding it since its last write: mark
// termination increments memstats.numgc with the world stopped, before any
// sweeping can free the map's memory for a new allocation. So a finished
// record whose cycle is still memstats.numgc is about the map that is at
// that address now; an older one may not be, and is not reported.
// (work.cycles, which counts GC starts, would not do: a map written during
// marking, then dropped before its goroutine's stack is scanned, is freed by
// the same cycle's sweep.)
type mapguardRec struct {
	mapguardWrite               // the latest write
	prev          mapguardWrite // the latest write before it to another map
}

// mapguardChain is how many frames a write records: its site and three
// callers (mapguard_begin reads them one by one).
const mapguardChain = 4

// mapguardWrite is one recorded write.
type mapguardWrite struct {
	n     uintptr // writes begun plus writes ended: odd while one is in progress
	m     uintptr // the map's address, as an integer so that no map is kept alive
	cycle uint64  // memstats.numgc (a uint32) at the write: GC cycles whose marking ended
	// The write's site (see mapguard_begin) and the return addresses of
	// the three functions above it; 0 ends the chain early, at the
	// goroutine's entry.
	pcs [mapguardChain]uintptr
}

// mapguardStackFreed forgets gp's recorded writes to maps inside stk, the
// stack the runtime is about to free (the patch inserts the call before
// every stackfree of a goroutine's stack: copystack, gfput, gfget,
// markrootFreeGStacks, and the g0 and gsignal stacks). A map on a stack
// never escaped its goroutine, so no race is ever reported on it, but its
// memory may become heap memory without a garbage collection in between:
// a freed stack goes back to the heap at once when no collection is
// running. Without this, a new map there could be reported with a write
// that gp made to the stack map, in the same GC cycle. gp is not running
// its own code here (it is growing or shrinking its stack, or it has
// exited), so nothing writes its record meanwhile.
//
//go:nosplit
func mapguardStackFreed(gp *g, stk stack) {
	d := &gp.mapguard
	for _, w := range [...]*mapguardWrite{&d.rec.mapguardWrite, &d.rec.prev, &d.spare.mapguardWrite, &d.spare.prev} {
		if stk.lo <= w.m && w.m < stk.hi {
			w.m = 0
		}
	}
}

// mapguardDeep is how many frames a reflect wrapper records above itself:
// the frames of reflect (two on the standard library's paths, e.g.
// reflect.mapassign and reflect.Value.SetMapIndex) and then mapguardChain
// frames of the user's.
const mapguardDeep = mapguardChain + 2

// mapguardG is the field g.mapguard.
type mapguardG struct {
	rec   mapguardRec
	spare mapguardRec // writes go here once the records are frozen
	// The callers a reflect wrapper recorded for the write that began
	// when rec.n was deepN[i], i = deepN[i]/2 % 2: two buffers, so that a
	// reflect call that records its callers and is then frozen out of
	// recording its write does not overwrite the previous write's.
	deepN [2]uintptr
	deep  [2][mapguardDeep]uintptr
}

// mapguardOff is the offset in a g of the record a write fills: rec, until
// the goroutine that reports a race freezes the records by moving it, in
// one store, to spare. From then on writes leave the records alone, so the
// writer's record of the racing write is not replaced by its next write
// while the report reads it; the write path needs no test for it.
var mapguardOff = unsafe.Offsetof(g{}.mapguard) + unsafe.Offsetof(mapguardG{}.rec)

func mapguardFreeze() {
	mapguardOff = unsafe.Offsetof(g{}.mapguard) + unsafe.Offsetof(mapguardG{}.spare)
}

// mapguard_begin records the start of a write to m by this goroutine. pc
// is the return address of the maps function that writes (for the
// compiler's calls, the user's call site) and sp its caller's stack
// pointer, or, in GuardDelete and GuardClear, which only wrappers call (the
// runtime's mapdelete and mapclear, the maps package's
// runtime_mapdelete_fast*), the wrapper's, which the wrapper passes down.
// It runs just before the write sets Map.writing and returns the record,
// whose n the write's end increments.
//
//go:linkname mapguard_begin internal/runtime/maps.guardBegin
//go:nosplit
func mapguard_begin(m unsafe.Pointer, pc, sp uintptr) (r *mapguardRec) {
	gp := getg()
	if mapguardStrict {
		mapguardStrictNote(m, gp)
	}
	// Written so (named result, mm, the copy field by field with m last),
	// the compiler compares r.m in memory with m in its argument register.
	r = (*mapguardRec)(unsafe.Add(unsafe.Pointer(gp), mapguardOff))
	if mm := uintptr(m); r.m != mm {
		r.prev.n, r.prev.cycle = r.n, r.cycle
		r.prev.pcs[0], r.prev.pcs[1], r.prev.pcs[2], r.prev.pcs[3] = r.pcs[0], r.pcs[1], r.pcs[2], r.pcs[3]
		r.prev.m = r.m
		r.m = mm
	}
	// The chain (see "The call chain" above). A frame holds its caller's
	// frame pointer, then its return address. f is the writing
	// function's frame, found from sp: on amd64 the maps function saved
	// its caller's frame pointer just below its return address, as every
	// function that makes a call does; on arm64 a function's frame
	// pointer is its stack pointer less one word, and sp is the caller's
	// stack pointer. The writing function has a caller, but that caller
	// may be the goroutine's first function, whose frame holds 0. The
	// walk is unrolled, and f found here rather than in a function: a
	// loop costs twelve instructions more per write, the inlined call one.
	var f *[2]uintptr
	if GOARCH == "amd64" {
		f = *(**[2]uintptr)(unsafe.Add(unsafe.Pointer(sp), -2*goarch.PtrSize))
	} else { // arm64: the patcher refuses any other GOARCH
		f = (*[2]uintptr)(unsafe.Add(unsafe.Pointer(sp), -goarch.PtrSize))
	}
	r.pcs[0] = pc
	r.pcs[1] = f[1]
	r.pcs[2], r.pcs[3] = 0, 0
	if up := f[0]; up != 0 {
		f = (*[2]uintptr)(unsafe.Pointer(up))
		r.pcs[2] = f[1]
		if up := f[0]; up != 0 {
			r.pcs[3] = (*[2]uintptr)(unsafe.Pointer(up))[1]
		}
	}
	r.cycle = uint64(memstats.numgc)
	r.n++ // after the fields: a reader that sees n odd sees this write's fields
	return r
}

// mapguardReflect runs first in the runtime's reflect_map* wrappers (the
// patch inserts the call): it records the wrapper's callers, by frame
// pointers inside this goroutine's stack, past the runtime and reflect and
// then mapguardChain frames more (or to the goroutine's first function).
// The record of the write that follows (rec.n one or two past deepN[i])
// uses them. It needs no test for frozen records: once rec.n stops moving,
// it only ever fills the buffer of a write that rec will not hold.
//
//go:noinline
func mapguardReflect() {
	gp := getg()
	d := &gp.mapguard
	began := d.rec.n // even: no write of this goroutine is in progress
	deep := &d.deep[began/2%2]
	lo, hi := gp.stack.lo, gp.stack.hi
	n, user := 0, 0
	fp := getfp() // this function's frame; it holds the wrapper's
	if fp >= lo && fp+goarch.PtrSize <= hi {
		fp = *(*uintptr)(unsafe.Pointer(fp))
		for n < mapguardDeep && user < mapguardChain && fp >= lo && fp+2*goarch.PtrSize <= hi {
			ret := *(*uintptr)(unsafe.Pointer(fp + goarch.PtrSize))
			fp = *(*uintptr)(unsafe.Pointer(fp))
			deep[n] = ret
			n++
			if user > 0 || !mapguardInternal(ret) {
				user++
			}
		}
	}
	for i := n; i < mapguardDeep; i++ {
		deep[i] = 0
	}
	d.deepN[began/2%2] = began
}

// mapguardPCKind caches, per return address, whether it lies in the runtime
// or reflect: pc<<1 | 1 if so, pc<<1 if not, 0 when empty. Racing stores are
// harmless: each entry is one word and names the pc it describes.
const mapguardPCKindMask = 1<<10 - 1

var mapguardPCKind [mapguardPCKindMask + 1]uintptr

// mapguardInternal reports whether pc lies in the runtime or reflect (or in
// code it cannot name).
func mapguardInternal(pc uintptr) bool {
	v := mapguardPCKind[(pc>>2)&mapguardPCKindMask]
	if v>>1 == pc {
		return v&1 != 0
	}
	internal := true
	if f := findfunc(pc - 1); f.valid() {
		name := funcname(f)
		internal = mapguardHasPrefix(name, "runtime.") || mapguardHasPrefix(name, "internal/runtime/") ||
			mapguardHasPrefix(name, "reflect.")
	}
	v = pc << 1
	if internal {
		v |= 1
	}
	mapguardPCKind[(pc>>2)&mapguardPCKindMask] = v
	return internal
}

// mapguardWriter is a goroutine with a write to the map on record, as the
// report prints it.
type mapguardWriter struct {
	goid       uint64
	gp         *g
	inProgress bool
	last       bool                      // its write to the map began last before the race was noticed
	n          uintptr                   // the write's count (mapguardWrite.n) when the report read it
	pcs        [1 + mapguardDeep]uintptr // the write's frames, innermost first; 0 ends; none if its site is not on record
}

// mapguardSide is the other side of a race on map m: w[0], and the other
// goroutines with a write to m on record.
type mapguardSide struct {
	m        uintptr
	w        [4]mapguardWriter
	nw       int // goroutines found: past len(w), they are counted only
	moreLive int // of those counted only, how many were in progress
}

// mapguardLoad copies a record. It is a call so that the two loads in
// mapguardSnapshot stay two.
//
//go:noinline
func mapguardLoad(r *mapguardRec) mapguardRec { return *r }

// mapguardSnapshot reads gp's record; ok is false if it kept changing (its
// goroutine was writing right then and the records are not frozen yet).
func mapguardSnapshot(gp *g) (r mapguardRec, ok bool) {
	for range 1000 {
		a := mapguardLoad(&gp.mapguard.rec)
		if b := mapguardLoad(&gp.mapguard.rec); a == b {
			return a, true
		}
	}
	return r, false
}

// mapguardWriterOf describes gp's write w: its chain and, for a write
// through a reflect wrapper, the wrapper's callers in place of all but its
// site, which is in the wrapper (recorded just before the write began, in
// buffer began/2%2, marked with began).
func mapguardWriterOf(gp *g, w *mapguardWrite) mapguardWriter {
	o := mapguardWriter{goid: gp.goid, gp: gp, inProgress: w.n&1 != 0, n: w.n}
	copy(o.pcs[:], w.pcs[:])
	began := w.n - 1 - (w.n+1)&1
	i := began / 2 % 2
	deepN, deep := gp.mapguard.deepN[i], gp.mapguard.deep[i]
	if deepN == began && mapguardInternal(w.pcs[0]) {
		copy(o.pcs[1:], deep[:])
	}
	return o
}

// mapguardOf returns gp's write to map m in record r: the latest write if
// it is to m, else the latest write to another map before it; nil if
// neither is to m, or if the write is finished and a garbage collection
// has finished marking since (the map at m may then be another one than it
// wrote).
func mapguardOf(r *mapguardRec, m unsafe.Pointer, cycle uint32) *mapguardWrite {
	for _, w := range [2]*mapguardWrite{&r.mapguardWrite, &r.prev} {
		if w.n != 0 && w.m == uintptr(m) && (w.n&1 != 0 || uint32(w.cycle) == cycle) {
			return w
		}
	}
	return nil
}

// mapguardFind returns the other side: the goroutines other than me whose
// latest write, or latest write before one to another map, was to this
// map. First comes the one whose write to the map began last before the
// race was noticed, if known: last is the map's stamp of it, the low 32
// bits of the address of its g's record (guardWriteBegin in the maps
// half), which the noticing goroutine read at the fatal site. That write
// was in progress then: a write sets Map.writing after the stamp. Else one
// whose write is in progress, else the first found.
func mapguardFind(m unsafe.Pointer, last uint32, me *g) mapguardSide {
	s := mapguardSide{m: uintptr(m)}
	var lastG *g // the g whose record matches the stamp, if exactly one does
	matches := 0
	forEachGRace(func(gp *g) {
		if uint32(uintptr(unsafe.Pointer(&gp.mapguard.rec))) == last {
			lastG = gp
			matches++
		}
	})
	if matches != 1 || lastG == me {
		lastG = nil
	}
	cycle := memstats.numgc
	forEachGRace(func(gp *g) {
		if gp == me {
			return
		}
		r, ok := mapguardSnapshot(gp)
		if !ok {
			return
		}
		w := mapguardOf(&r, m, cycle)
		if w == nil {
			return
		}
		o := mapguardWriterOf(gp, w)
		o.last = gp == lastG
		if s.nw > 0 && mapguardRank(&o) > mapguardRank(&s.w[0]) {
			o, s.w[0] = s.w[0], o
		}
		if s.nw < len(s.w) {
			s.w[s.nw] = o
		} else if o.inProgress {
			s.moreLive++
		}
		s.nw++
	})
	return s
}

// mapguardRank orders the candidates for the other side.
func mapguardRank(w *mapguardWriter) int {
	switch {
	case w.last:
		return 2
	case w.inProgress:
		return 1
	}
	return 0
}

// mapguard_fatal replaces fatal(msg) at every "concurrent map ..." site;
// last is the map's stamp of its latest writer (see mapguardFind).
//
//go:linkname mapguard_fatal internal/runtime/maps.guardFatal
func mapguard_fatal(m unsafe.Pointer, last uint32, msg string) {
	mapguardFreeze()
	s := mapguardFind(m, last, getg())
	mapguardReport(msg, &s, false)
	fatal(msg)
}

// The strict mode's tables. mapguardSlots, keyed by a hash of the map's
// address, keeps for each map the latest write of each of the last two
// goroutines that wrote it, stamped with the slot's sequence number;
// mapguardIters keeps, per goroutine and map, the sequence number at a
// range's last step (keyed by goroutine and map rather than by the
// iterator's address, because the iterator lives on a stack that can move).
// Both are direct-mapped: an entry taken over by another map or range loses
// its history, and the check then stays silent.
type mapguardSlotW struct {
	goid  uint64
	gp    guintptr // g structs are never freed, so a uintptr is safe
	stamp uint64   // slot sequence number at the write; 0 = empty
}

type mapguardSlot struct {
	m   uintptr
	seq uint64
	w   [2]mapguardSlotW
}

const mapguardSlotBits = 10

var mapguardSlots [1 << mapguardSlotBits]mapguardSlot

func mapguardSlotOf(m unsafe.Pointer) *mapguardSlot {
	h := uint64(uintptr(m)) * 0x9E3779B97F4A7C15
	return &mapguardSlots[h>>(64-mapguardSlotBits)]
}

// mapguardStrictNote stamps m's slot with a write by gp (strict mode only).
// A goroutine only ever writes its own entry (or, when it has none, the
// older one), so two goroutines racing on a map land in different entries.
// Entries of an earlier map at the same address do no harm: a range only
// looks at entries stamped after it started, when its map was this one.
//
//go:nosplit
func mapguardStrictNote(m unsafe.Pointer, gp *g) {
	s := mapguardSlotOf(m)
	if s.m != uintptr(m) {
		s.m = uintptr(m)
		s.w[0].stamp = 0
		s.w[1].stamp = 0
	}
	seq := s.seq + 1
	s.seq = seq
	goid := gp.goid
	w := &s.w[0]
	if w0, w1 := &s.w[0], &s.w[1]; w0.goid != goid && (w1.goid == goid || w1.stamp < w0.stamp) {
		w = w1
	}
	w.goid = goid
	w.gp.set(gp)
	w.stamp = seq
}

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

// mapguard_iterInit runs at the end of Iter.Init (strict mode only).
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

// mapguard_iterNext runs in Iter.Next after the stock check (strict mode
// only). A write by another goroutine stamped since the previous step (or
// Init) is reported even though it did not overlap a step.
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
		var w *mapguardSlotW
		switch {
		case a.stamp > e.seen && a.goid != gp.goid:
			w = &a
		case b.stamp > e.seen && b.goid != gp.goid:
			w = &b
		}
		if w != nil {
			mapguardFreeze()
			const msg = "concurrent map iteration and map write"
			other := mapguardSide{m: uintptr(m), nw: 1}
			o := &other.w[0]
			o.goid, o.gp = w.goid, w.gp.ptr()
			// The site is in the writer's own record, if it still
			// holds this write.
			if r, ok := mapguardSnapshot(o.gp); ok && o.gp.goid == w.goid {
				if ow := mapguardOf(&r, m, memstats.numgc); ow != nil {
					*o = mapguardWriterOf(o.gp, ow)
				}
			}
			mapguardReport(msg, &other, true)
			fatal(msg)
		}
	}
	e.seen = seq
}

// mapguardReport prints who was on the other side, before the stock fatal
// error that the caller raises next. It stops the world when that is safe,
// so the other goroutine's stack can be printed, and leaves it stopped:
// fatal does not need it running.
func mapguardReport(msg string, s *mapguardSide, strict bool) {
	gp := getg()
	level, _, _ := gotraceback()
	mp := gp.m
	canStop := s.nw > 0 && level > 0 && gp == mp.curg && mp.locks == 0 &&
		mp.mallocing == 0 && mp.preemptoff == "" && mp.p != 0 &&
		panicking.Load() == 0 && debug.asyncpreemptoff == 0
	if canStop {
		stopTheWorld(stwAllGoroutinesStack)
	}

	printlock()
	print("mapguard: ", msg)
	if s.nw == 0 {
		print(": no write to this map by another goroutine is on record ",
			"(the writer has written two other maps since, or a garbage collection has finished since its write)\n\n")
		printunlock()
		return
	}
	w := &s.w[0]
	switch {
	case strict:
		print(": goroutine ", w.goid, " wrote this map between two steps of this goroutine's range (mapguard strict mode)\n")
	case w.inProgress:
		print(": the other side is goroutine ", w.goid, ", whose write to this map was in progress\n")
	case w.last:
		print(": the other side is goroutine ", w.goid, ", whose write to this map began last before the race was noticed and has finished since\n")
	default:
		print(": the other side is goroutine ", w.goid, ", whose write to this map was finished\n")
	}
	if w.pcs[0] == 0 {
		print("mapguard: goroutine ", w.goid, "'s write site is no longer on record (it has written another map since)\n")
	} else {
		print("mapguard: goroutine ", w.goid, " wrote at ")
		mapguardPrintSite(w)
		print("\n")
	}
	// The others, whose writes are in progress too (racing as well) or
	// finished (before this one began, or while it was in progress: then
	// they raced too, unnoticed).
	for i := 1; i < min(s.nw, len(s.w)); i++ {
		o := &s.w[i]
		state := "finished"
		if o.inProgress {
			state = "in progress"
		}
		print("mapguard: goroutine ", o.goid, " also has a write to this map on record, ", state, ", at ")
		mapguardPrintSite(o)
		print("\n")
	}
	if s.nw > len(s.w) {
		print("mapguard: ", s.nw-len(s.w), " more goroutines have a write to this map on record, ", s.moreLive, " of them in progress\n")
	}

	if w.pcs[0] != 0 {
		print("\nmapguard: goroutine ", w.goid, " at that write:\n")
		mapguardPrintFrames(w, level)
	}

	ogp := w.gp
	switch {
	case level == 0:
	case !canStop:
		print("\nmapguard: goroutine ", w.goid, " now: not shown (the world could not be stopped here)\n")
	default:
		systemstack(func() {
			status := readgstatus(ogp) &^ _Gscan
			if ogp.goid != w.goid || status == _Gdead {
				print("\nmapguard: goroutine ", w.goid, " now: it has exited\n")
				return
			}
			// The records are frozen: the end of the write that was in
			// progress then still changes rec.n, and later writes go to
			// spare (or, begun as the freeze happened, to rec).
			rec, spare := &ogp.mapguard.rec, &ogp.mapguard.spare
			print("\nmapguard: goroutine ", w.goid, " now")
			switch {
			case w.pcs[0] == 0:
			case w.inProgress && rec.n == w.n:
				print(", still in that write")
			case spare.n&1 != 0 && spare.m == s.m, rec.n&1 != 0 && rec.m == s.m:
				print(", in a later write to this map")
			default:
				print(", no longer at that write")
			}
			print(":\n")
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

// mapguardPrintSite prints the write's site: the first recorded frame that
// is neither the runtime's nor reflect's, as "name (file:line)".
func mapguardPrintSite(w *mapguardWriter) {
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
			file, line := u.fileLine(uf)
			print(n, " (", file, ":", line, ")")
			return
		}
	}
	print("? (?:0)")
}

// mapguardPrintFrames prints the recorded frames like a traceback, and says
// so unless they reach the goroutine's first function (whose caller is
// runtime.goexit).
func mapguardPrintFrames(w *mapguardWriter, level int32) {
	last := ""
	for _, retPC := range w.pcs {
		if retPC == 0 {
			break
		}
		f := findfunc(retPC - 1)
		if !f.valid() {
			print("?()\n\t?:0 pc=", hex(retPC), "\n")
			last = "?"
			continue
		}
		u, uf := newInlineUnwinder(f, retPC-1)
		for ; uf.valid(); uf = u.next(uf) {
			sf := u.srcFunc(uf)
			n := funcNameForPrint(sf.name())
			last = n
			// Wrappers the compiler generated (a method value's -fm,
			// ...) are hidden too, as in tracebacks.
			if mapguardHidden(n, level) || level < 2 && sf.funcID == abi.FuncIDWrapper {
				continue
			}
			file, line := u.fileLine(uf)
			print(n, "(...)\n\t", file, ":", line, "\n")
		}
	}
	if last != "runtime.goexit" {
		print("...recorded frames end here\n")
	}
}
