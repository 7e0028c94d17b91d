package inspect

// Stats are figures derived from a Layout.
//
// Byte counts are the sizes the runtime asks the allocator for (header,
// directory, tables, group or bucket arrays, overflow buckets, and the
// separate allocations of keys and elements over 128 bytes), not rounded
// up to malloc size classes. Memory a key or element points to (a
// string's bytes, a slice's array) is the entries' business, not the
// map's, and is counted in neither figure.
type Stats struct {
	Len int `json:"len"`
	// Slots is the storage the runtime's own load factor is measured
	// against: Swiss, the slots of all tables (8 for a small map's group);
	// classic, 8 per bucket of the current array (overflow buckets not
	// counted, as the runtime does not count them).
	Slots   int     `json:"slots"`
	Load    float64 `json:"load"`    // Len / Slots
	MaxLoad float64 `json:"maxLoad"` // the load the map grows at: Swiss 7/8 (a small map 8/8), classic 6.5/8
	// Tombstones are Swiss deleted slots, which still take room until the
	// table is rehashed (classic maps simply mark deleted cells empty).
	Tombstones     int     `json:"tombstones"`
	TombstoneRatio float64 `json:"tombstoneRatio"` // Tombstones / Slots

	Tables          int `json:"tables,omitempty"`          // Swiss: distinct tables
	Groups          int `json:"groups,omitempty"`          // Swiss: groups in all tables (or the small group)
	Buckets         int `json:"buckets,omitempty"`         // classic: buckets in the current array
	OverflowBuckets int `json:"overflowBuckets,omitempty"` // classic: overflow buckets chained to them (plus free preallocated ones)
	OldBuckets      int `json:"oldBuckets,omitempty"`      // classic: buckets (and their chains) of the array being evacuated

	// StructBytes is what the map's structure holds; LiveBytes what its
	// live entries need (Len × (KeySize+ElemSize)); WasteBytes the
	// difference. Maps never shrink (golang/go#20135): after deletes
	// StructBytes stays and WasteBytes grows.
	StructBytes uint64  `json:"structBytes"`
	LiveBytes   uint64  `json:"liveBytes"`
	WasteBytes  uint64  `json:"wasteBytes"`
	WasteRatio  float64 `json:"wasteRatio"` // WasteBytes / StructBytes
}

// Stats derives figures from l.
func (l *Layout) Stats() Stats {
	s := Stats{Len: l.Len}
	entry := uint64(l.KeySize + l.ElemSize)
	s.LiveBytes = uint64(l.Len) * entry
	var indirect uint64
	if l.IndirectKey {
		indirect += uint64(l.KeySize)
	}
	if l.IndirectElem {
		indirect += uint64(l.ElemSize)
	}
	switch {
	case l.Nil:
	case l.Swiss != nil:
		w := l.Swiss
		s.StructBytes = uint64(headerBytes)
		s.MaxLoad = float64(maxAvgGroupLoad) / groupSlots
		if w.Small {
			s.MaxLoad = 1
			if w.SmallGroup != nil {
				s.Slots = groupSlots
				s.Groups = 1
				s.StructBytes += uint64(w.GroupSize)
			}
		}
		s.StructBytes += uint64(w.DirLen) * uint64(ptrBytes)
		for _, t := range w.Tables {
			s.Tables++
			s.Slots += t.Capacity
			s.Groups += t.Capacity / groupSlots
			s.Tombstones += t.Tombstones
			s.StructBytes += uint64(tableBytes) + uint64(t.Capacity/groupSlots)*uint64(w.GroupSize)
		}
	case l.Classic != nil:
		c := l.Classic
		s.MaxLoad = 6.5 / 8
		s.StructBytes = uint64(headerBytes)
		if c.Extra {
			s.StructBytes += uint64(extraBytes)
		}
		s.Buckets = len(c.Buckets)
		s.Slots = 8 * len(c.Buckets)
		for _, b := range c.Buckets {
			s.OverflowBuckets += b.Overflow
		}
		s.OverflowBuckets += c.FreeOverflow
		for _, b := range c.OldBuckets {
			s.OldBuckets += 1 + b.Overflow
		}
		s.StructBytes += uint64(s.Buckets+s.OverflowBuckets+s.OldBuckets) * uint64(c.BucketSize)
	}
	s.StructBytes += uint64(l.Len) * indirect
	if s.Slots > 0 {
		s.Load = float64(l.Len) / float64(s.Slots)
		s.TombstoneRatio = float64(s.Tombstones) / float64(s.Slots)
	}
	if s.StructBytes > s.LiveBytes {
		s.WasteBytes = s.StructBytes - s.LiveBytes
	}
	if s.StructBytes > 0 {
		s.WasteRatio = float64(s.WasteBytes) / float64(s.StructBytes)
	}
	return s
}
