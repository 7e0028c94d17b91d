package classic

import "fmt"

// EventKind says what happened inside the map.
type EventKind uint8

const (
	EvMake         EventKind = iota + 1 // makemap: B chosen for the size hint
	EvOpStart                           // a write passed the entry check (hashWriting was clear)
	EvWriting                           // hashWriting set: the write is in progress
	EvOpEnd                             // the write passed the exit check and cleared hashWriting
	EvGrowStart                         // hashGrow: a new bucket array, old one kept for evacuation
	EvEvacuate                          // an old bucket's keys moved to the new array
	EvMarkAdvance                       // nevacuate moved forward
	EvGrowDone                          // all old buckets evacuated; oldbuckets dropped
	EvOverflow                          // an overflow bucket was chained to a bucket
	EvInsert                            // a new key was stored
	EvUpdate                            // an existing key's elem was replaced
	EvDelete                            // a key was removed
	EvDeleteMiss                        // delete of a key that is not in the map
	EvClear                             // all keys removed (mapclear)
	EvSeed                              // hash0 changed
	EvLookup                            // a read (mapaccess) passed its check
	EvIterInit                          // an iterator chose its start
	EvIterBucket                        // the iterator moved to a bucket (or overflow bucket)
	EvIterSkip                          // the iterator skipped a key that belongs to the other half of a grow
	EvIterRelookup                      // the iterator found a key evacuated and looked it up in the new array
	EvIterReturn                        // the iterator returned a key
	EvIterEnd                           // the iterator is exhausted
	EvIterCheck                         // mapiternext passed its hashWriting check
	EvThrow                             // the runtime would die with a fatal error
)

var kindNames = [...]string{
	EvMake: "make", EvOpStart: "op-start", EvWriting: "writing", EvOpEnd: "op-end",
	EvGrowStart: "grow-start", EvEvacuate: "evacuate", EvMarkAdvance: "mark-advance",
	EvGrowDone: "grow-done", EvOverflow: "overflow", EvInsert: "insert", EvUpdate: "update",
	EvDelete: "delete", EvDeleteMiss: "delete-miss", EvClear: "clear", EvSeed: "seed",
	EvLookup: "lookup", EvIterInit: "iter-init", EvIterBucket: "iter-bucket",
	EvIterSkip: "iter-skip", EvIterRelookup: "iter-relookup", EvIterReturn: "iter-return",
	EvIterEnd: "iter-end", EvIterCheck: "iter-check", EvThrow: "throw",
}

func (k EventKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", k)
}

// MarshalText makes kinds readable in JSON.
func (k EventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Event is one observable step of the model. Fields that do not apply to a
// kind are zero (or -1 for indexes); String says which apply.
type Event struct {
	Seq  int       // position in the map's event stream, from 1
	Op   int       // the public operation this event belongs to, from 1
	Kind EventKind // what happened

	Key  any // the key concerned (insert, update, delete, lookup, iterator)
	Elem any // the elem stored or returned

	Bucket int  // bucket index (new array unless Old), -1 if none
	Chain  int  // position in the bucket's overflow chain, 0 = the bucket itself
	Slot   int  // slot 0..7, -1 if none
	Old    bool // Bucket indexes oldbuckets
	// Stale: Bucket indexes a bucket array the map no longer uses, which
	// the iterator Iter still reads (after a clear dropped it, or a grow
	// ended while the iterator was in an old bucket).
	Stale    bool
	TopHash  uint8 // tophash written or read
	Hash     uint64
	B        uint8 // B after the event (grow, make)
	OldB     uint8 // B before a grow
	SameSize bool  // grow-start: a same-size grow
	Reason   string

	// Evacuation: how many keys went to X (same index) and Y (index+old
	// size), and where nevacuate moved.
	X, Y      int
	From, To  uint64
	Noverflow uint16
	Prealloc  bool   // overflow: taken from the preallocated buckets
	Check     uint64 // iterator: checkBucket (noCheck = ^0)
	StartB    uint64 // iterator: startBucket
	Offset    uint8  // iterator: slot offset
	Found     bool   // relookup: the key is still in the map
	Rest      int    // delete: slots turned to emptyRest
	Message   string // throw: the fatal error text
	Goroutine int    // set by the interleaver: which goroutine caused the event
	Iter      int    // iterator id (from 1) for iterator events
}

// String renders an event as one log line.
func (e Event) String() string {
	loc := func() string {
		arr := "bucket"
		switch {
		case e.Old:
			arr = "oldbucket"
		case e.Stale:
			arr = "dropped bucket"
		}
		s := fmt.Sprintf("%s %d", arr, e.Bucket)
		if e.Chain > 0 {
			s += fmt.Sprintf(" ovf#%d", e.Chain)
		}
		if e.Slot >= 0 {
			s += fmt.Sprintf(" slot %d", e.Slot)
		}
		return s
	}
	switch e.Kind {
	case EvMake:
		return fmt.Sprintf("makemap: B=%d (%s)", e.B, e.Reason)
	case EvOpStart:
		return fmt.Sprintf("%s %v: entry check passed (hashWriting clear)", e.Reason, e.Key)
	case EvWriting:
		return fmt.Sprintf("%s %v: hashWriting set", e.Reason, e.Key)
	case EvOpEnd:
		return fmt.Sprintf("%s %v: exit check passed, hashWriting cleared", e.Reason, e.Key)
	case EvGrowStart:
		kind := "doubling"
		if e.SameSize {
			kind = "same-size"
		}
		return fmt.Sprintf("hashGrow: %s grow B %d -> %d (%s)", kind, e.OldB, e.B, e.Reason)
	case EvEvacuate:
		return fmt.Sprintf("evacuate oldbucket %d: %d keys to X, %d to Y", e.Bucket, e.X, e.Y)
	case EvMarkAdvance:
		return fmt.Sprintf("nevacuate %d -> %d", e.From, e.To)
	case EvGrowDone:
		return "grow done: oldbuckets = nil"
	case EvOverflow:
		src := "new allocation"
		if e.Prealloc {
			src = "preallocated"
		}
		return fmt.Sprintf("overflow bucket added to %s (%s), noverflow=%d", loc(), src, e.Noverflow)
	case EvInsert:
		return fmt.Sprintf("insert %v at %s (tophash %#02x)", e.Key, loc(), e.TopHash)
	case EvUpdate:
		return fmt.Sprintf("update %v at %s", e.Key, loc())
	case EvDelete:
		return fmt.Sprintf("delete %v at %s", e.Key, loc())
	case EvDeleteMiss:
		return fmt.Sprintf("delete %v: not present", e.Key)
	case EvClear:
		return "clear: count=0, growth abandoned, buckets zeroed"
	case EvSeed:
		return fmt.Sprintf("hash0 reseeded (%s)", e.Reason)
	case EvLookup:
		return fmt.Sprintf("lookup %v: read check passed", e.Key)
	case EvIterInit:
		return fmt.Sprintf("iterator %d: start bucket %d, offset %d, B=%d", e.Iter, e.StartB, e.Offset, e.B)
	case EvIterBucket:
		c := "no filter"
		if e.Check != noCheck {
			c = fmt.Sprintf("filtering for new bucket %d", e.Check)
		}
		return fmt.Sprintf("iterator %d: walking %s (%s)", e.Iter, loc(), c)
	case EvIterSkip:
		return fmt.Sprintf("iterator %d: skip %v at %s (belongs to the other new bucket)", e.Iter, e.Key, loc())
	case EvIterRelookup:
		if e.Found {
			return fmt.Sprintf("iterator %d: %v was evacuated; found in the new array", e.Iter, e.Key)
		}
		return fmt.Sprintf("iterator %d: %v was evacuated and is gone; skipped", e.Iter, e.Key)
	case EvIterReturn:
		return fmt.Sprintf("iterator %d: returns %v from %s", e.Iter, e.Key, loc())
	case EvIterEnd:
		return fmt.Sprintf("iterator %d: done", e.Iter)
	case EvIterCheck:
		return fmt.Sprintf("iterator %d: mapiternext check passed (hashWriting clear)", e.Iter)
	case EvThrow:
		return fmt.Sprintf("fatal error: %s (%s)", e.Message, e.Reason)
	}
	return e.Kind.String()
}
