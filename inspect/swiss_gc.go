//go:build gc

package inspect

import (
	"fmt"
	"math/bits"
	"reflect"
	"runtime"
	"unsafe"
)

// implName is the implementation this build reads.
const implName = ImplSwiss

// checkRuntime refuses a runtime whose layout this build has not mirrored.
// The build tags already chose the mirror of the compiling toolchain's
// release; runtime.Version must agree (a program is linked with the runtime
// of the toolchain that compiled it, so disagreement means something odd,
// like a renamed toolchain, and we refuse rather than guess).
func checkRuntime() (string, error) {
	v := runtime.Version()
	if runtime.Compiler != "gc" {
		return v, fmt.Errorf("compiler %q: this build reads gc maps only", runtime.Compiler)
	}
	if runtime.GOARCH != "amd64" {
		return v, fmt.Errorf("GOARCH %s: map layout checked on amd64 only", runtime.GOARCH)
	}
	if err := checkGoVersion(v, mirroredRelease); err != nil {
		return v, err
	}
	return v, nil
}

// fromEface splits an interface holding a map into its type descriptor
// and its header pointer (a map value is a pointer to the header).
func fromEface(m any) (*mapType, *swissMap) {
	e := (*eface)(unsafe.Pointer(&m))
	return (*mapType)(unsafe.Pointer(e.typ)), (*swissMap)(e.data)
}

// rtypeOf returns the runtime type descriptor behind a reflect.Type
// (reflect's *rtype is the abi.Type itself).
func rtypeOf(t reflect.Type) *abiType {
	e := (*eface)(unsafe.Pointer(&t))
	return (*abiType)(e.data)
}

// checkMapType verifies the type descriptor against reflect: the same
// key and element descriptors, and the group size reflect would build.
func checkMapType(rt reflect.Type, mt *mapType) error {
	if mt.Type.Kind_&kindMask != kindMap {
		return fmt.Errorf("%s: type descriptor kind %d is not a map", rt, mt.Type.Kind_&kindMask)
	}
	if mt.Key != rtypeOf(rt.Key()) || mt.Elem != rtypeOf(rt.Elem()) {
		return fmt.Errorf("%s: type descriptor's key and element types do not match reflect's", rt)
	}
	k, e := rt.Key(), rt.Elem()
	if k.Size() > maxKeyBytes {
		k = reflect.PointerTo(k)
	}
	if e.Size() > maxElemBytes {
		e = reflect.PointerTo(e)
	}
	group, stride := groupTypeOf(k, e)
	if mt.GroupSize != group.Size() || mt.Group == nil || mt.Group.Size_ != group.Size() || mt.keyStride() != stride {
		return fmt.Errorf("%s: runtime group size %d, key stride %d; reflect computes %d, %d", rt, mt.GroupSize, mt.keyStride(), group.Size(), stride)
	}
	wantFlags := uint32(0)
	if rt.Key().Size() > maxKeyBytes {
		wantFlags |= flagIndirectKey
	}
	if rt.Elem().Size() > maxElemBytes {
		wantFlags |= flagIndirectElem
	}
	if mt.Flags&(flagIndirectKey|flagIndirectElem) != wantFlags {
		return fmt.Errorf("%s: runtime indirect flags %#x, want %#x", rt, mt.Flags&(flagIndirectKey|flagIndirectElem), wantFlags)
	}
	return nil
}

// readLayout reads the map in m (already known to be a map) into l.
func readLayout(m any, rt reflect.Type, l *Layout, opt Options) error {
	mt, h := fromEface(m)
	if err := checkMapType(rt, mt); err != nil {
		return err
	}
	l.IndirectKey = mt.Flags&flagIndirectKey != 0
	l.IndirectElem = mt.Flags&flagIndirectElem != 0
	s := &SwissLayout{SplitGroups: splitGroups, GroupSize: mt.GroupSize, SlotSize: mt.keyStride()}
	l.Swiss = s
	if h == nil {
		l.Nil = true
		s.Small = true
		return nil
	}
	if h.writing != 0 {
		return fmt.Errorf("%s: the map is being written (Map.writing is set); inspect it only when no goroutine writes it", rt)
	}
	s.Used = h.used
	s.SeedSet = h.seed != 0
	s.GlobalDepth = h.globalDepth
	s.DirLen = h.dirLen
	s.TombstonePossible = h.tombstonePossible
	s.ClearSeq = h.clearSeq
	if s.Used != uint64(l.Len) {
		return fmt.Errorf("%s: Map.used is %d but len is %d", rt, s.Used, l.Len)
	}

	if h.dirLen == 0 {
		// Small-map mode: dirPtr is the single group, or nil before the
		// first insert.
		s.Small = true
		if h.used > groupSlots {
			return fmt.Errorf("%s: small map with %d entries (at most %d fit)", rt, h.used, groupSlots)
		}
		if h.dirPtr == nil {
			if h.used != 0 {
				return fmt.Errorf("%s: %d entries but no group", rt, h.used)
			}
			return nil
		}
		g := readGroup(h.dirPtr)
		full, empty, deleted := countCtrl(ctrlWord(h.dirPtr))
		if full+empty+deleted != groupSlots {
			return badGroup(rt.String()+": small group", g)
		}
		if uint64(full) != h.used || deleted != 0 {
			return fmt.Errorf("%s: small group has %d full and %d deleted slots, Map.used is %d", rt, full, deleted, h.used)
		}
		s.SmallGroup = &g
		return nil
	}
	return readDirectory(rt, mt, h, s, opt)
}

// maxGlobalDepth bounds the directory: 1<<40 tables of 1024 slots is more
// memory than any machine has, so a larger depth is a misread.
const maxGlobalDepth = 40

func readDirectory(rt reflect.Type, mt *mapType, h *swissMap, s *SwissLayout, opt Options) error {
	if h.dirLen < 0 || h.globalDepth > maxGlobalDepth || h.dirLen != 1<<h.globalDepth {
		return fmt.Errorf("%s: directory length %d does not match global depth %d", rt, h.dirLen, h.globalDepth)
	}
	if h.dirPtr == nil {
		return fmt.Errorf("%s: directory length %d but no directory", rt, h.dirLen)
	}
	if h.globalShift != 64-h.globalDepth {
		return fmt.Errorf("%s: global shift %d does not match global depth %d", rt, h.globalShift, h.globalDepth)
	}
	dir := unsafe.Slice((**swissTable)(h.dirPtr), h.dirLen)
	s.Directory = make([]int, h.dirLen)
	var used uint64
	for i := 0; i < len(dir); {
		t := dir[i]
		if t == nil {
			return fmt.Errorf("%s: directory entry %d is nil", rt, i)
		}
		if t.index != i || t.localDepth > h.globalDepth {
			return fmt.Errorf("%s: directory entry %d holds a table with index %d, local depth %d (global depth %d)", rt, i, t.index, t.localDepth, h.globalDepth)
		}
		span := 1 << (h.globalDepth - t.localDepth)
		if i+span > len(dir) {
			return fmt.Errorf("%s: table at directory entry %d spans past the directory", rt, i)
		}
		for j := i; j < i+span; j++ {
			if dir[j] != t {
				return fmt.Errorf("%s: directory entry %d should repeat the table at entry %d (local depth %d)", rt, j, i, t.localDepth)
			}
			s.Directory[j] = len(s.Tables)
		}
		tab, err := readTable(rt, mt, t, opt)
		if err != nil {
			return fmt.Errorf("%s: table at directory entry %d: %v", rt, i, err)
		}
		used += uint64(tab.Used)
		s.Tables = append(s.Tables, tab)
		i += span
	}
	if used != h.used {
		return fmt.Errorf("%s: tables hold %d entries, Map.used is %d", rt, used, h.used)
	}
	return nil
}

func readTable(rt reflect.Type, mt *mapType, t *swissTable, opt Options) (Table, error) {
	c := int(t.capacity)
	if c < groupSlots || c > maxTableCapacity || c&(c-1) != 0 {
		return Table{}, fmt.Errorf("capacity %d is not a power of two in [%d, %d]", c, groupSlots, maxTableCapacity)
	}
	ngroups := c / groupSlots
	if t.groups.data == nil || t.groups.lengthMask != uint64(ngroups-1) {
		return Table{}, fmt.Errorf("capacity %d but %d groups", c, t.groups.lengthMask+1)
	}
	tab := Table{
		Index:      t.index,
		LocalDepth: t.localDepth,
		Capacity:   c,
		Used:       int(t.used),
		GrowthLeft: int(t.growthLeft),
	}
	if !opt.NoGroups {
		tab.Groups = make([]Group, ngroups)
	}
	full := 0
	p := t.groups.data
	for i := 0; i < ngroups; i++ {
		w := ctrlWord(p)
		f, e, d := countCtrl(w)
		if f+e+d != groupSlots {
			return Table{}, badGroup(fmt.Sprintf("group %d", i), readGroup(p))
		}
		full += f
		tab.Empty += e
		tab.Tombstones += d
		if tab.Groups != nil {
			tab.Groups[i] = readGroup(p)
		}
		p = unsafe.Add(p, mt.GroupSize)
	}
	if full != tab.Used {
		return Table{}, fmt.Errorf("%d full control bytes but table.used is %d", full, tab.Used)
	}
	if want := c*maxAvgGroupLoad/groupSlots - tab.Used - tab.Tombstones; want != tab.GrowthLeft {
		return Table{}, fmt.Errorf("growthLeft is %d, capacity %d with %d used and %d deleted slots implies %d", tab.GrowthLeft, c, tab.Used, tab.Tombstones, want)
	}
	return tab, nil
}

// readGroup copies the control word at the start of a group.
func readGroup(p unsafe.Pointer) Group {
	return *(*Group)(p)
}

// ctrlWord loads a group's control word (8 control bytes, slot 0 in the
// low byte on little-endian amd64).
func ctrlWord(p unsafe.Pointer) uint64 { return *(*uint64)(p) }

const (
	bytesLSB = 0x0101010101010101
	bytesMSB = 0x8080808080808080
	bytesLow = 0x7f7f7f7f7f7f7f7f
)

// zeroBytes counts the zero bytes of x exactly (no borrow across bytes:
// the low 7 bits are summed apart from the high bit).
func zeroBytes(x uint64) int {
	y := (x & bytesLow) + bytesLow
	return bits.OnesCount64(^(y | x | bytesLow))
}

// countCtrl counts full, empty and deleted slots of a control word.
func countCtrl(w uint64) (full, empty, deleted int) {
	full = groupSlots - bits.OnesCount64(w&bytesMSB)
	empty = zeroBytes(w ^ bytesLSB*uint64(CtrlEmpty))
	deleted = zeroBytes(w ^ bytesLSB*uint64(CtrlDeleted))
	return full, empty, deleted
}

// badGroup reports a control byte that is neither empty, deleted nor
// full (a misread, or a runtime this package does not know).
func badGroup(where string, g Group) error {
	return fmt.Errorf("%s holds a control byte that is neither empty, deleted nor full: %x", where, [8]Ctrl(g))
}
