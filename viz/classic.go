package viz

import (
	"fmt"

	"github.com/mapsafe/mapsafe/classic"
	"github.com/mapsafe/mapsafe/classic/interleave"
	"github.com/mapsafe/mapsafe/classic/verify"
)

// recorder runs operations on a model and keeps a frame per event.
type recorder struct {
	m      *classic.Map[int, int]
	iters  []*classic.Iter[int, int]
	frames []ClassicFrame
	op     int
	opText string
	limit  int
	err    error
}

// quiet events are bookkeeping of a write (entry and exit checks), shown
// only in interleaving scenarios.
var quiet = map[classic.EventKind]bool{classic.EvOpStart: true, classic.EvWriting: true, classic.EvOpEnd: true, classic.EvIterCheck: true, classic.EvMake: true}

func newRecorder(seed uint64, limit int, cfg classic.Config[int]) (*recorder, error) {
	r := &recorder{limit: limit}
	cfg.Seed = seed
	m, err := classic.New[int, int](0, cfg, r.observe)
	if err != nil {
		return nil, err
	}
	r.m = m
	return r, nil
}

func (r *recorder) observe(e classic.Event) {
	if quiet[e.Kind] {
		return
	}
	if len(r.frames) >= r.limit {
		r.err = fmt.Errorf("more than %d steps: use fewer operations", r.limit)
		return
	}
	f := classicFrame(r.m.State())
	f.Op, f.OpText, f.Kind, f.Event = r.op, r.opText, e.Kind.String(), e.String()
	for _, it := range r.iters {
		if it != nil { // nil while the iterator is being started
			f.Iters = append(f.Iters, it.Cursor())
		}
	}
	if e.Bucket >= 0 {
		arr := "buckets"
		if e.Old {
			arr = "old"
		}
		f.Focus = &Focus{Array: arr, Bucket: e.Bucket, Chain: e.Chain, Slot: e.Slot}
	}
	r.frames = append(r.frames, f)
}

// do runs one operation; text is the Go statement shown with its frames.
func (r *recorder) do(text string, f func()) {
	r.op++
	r.opText = text
	n := len(r.frames)
	f()
	if len(r.frames) == n && r.err == nil && len(r.frames) < r.limit {
		// An operation without a visible event (a delete of a missing
		// key, a range over an empty map) still gets a frame.
		r.observe(classic.Event{Kind: classic.EvLookup, Bucket: -1, Slot: -1})
		r.frames[len(r.frames)-1].Event = text + ": nothing changes"
	}
}

func (r *recorder) insert(k, v int) {
	r.do(fmt.Sprintf("m[%d] = %d", k, v), func() { r.m.Insert(k, v) })
}
func (r *recorder) delete(k int) { r.do(fmt.Sprintf("delete(m, %d)", k), func() { r.m.Delete(k) }) }
func (r *recorder) clear()       { r.do("clear(m)", func() { r.m.Clear() }) }

// iterStart starts iterator number len(iters)+1 (a for-range statement).
func (r *recorder) iterStart() int {
	id := len(r.iters)
	r.do(fmt.Sprintf("for k := range m  // iterator %d starts", id+1), func() {
		r.iters = append(r.iters, nil)
		it := r.m.Iter()
		r.iters[id] = it
		// The iterator's own events came before Iter returned it: give
		// the last of them (its first key) the new cursor.
		if n := len(r.frames); n > 0 {
			r.frames[n-1].Iters = append(r.frames[n-1].Iters, it.Cursor())
		}
	})
	return id
}

func (r *recorder) iterNext(id int) {
	it := r.iters[id]
	if it == nil || !it.Ok() {
		return
	}
	r.do(fmt.Sprintf("next key of iterator %d", id+1), func() { it.Next() })
}

func (r *recorder) scenario(id, title, desc string) *Scenario {
	s := &Scenario{ID: id, Title: title, Kind: "classic", Description: desc, Classic: r.frames}
	if r.err != nil {
		s.Error = r.err.Error()
	}
	return s
}

const maxClassicFrames = 20000

// GrowScenario fills a map to one key short of a grow, starts an
// iterator, inserts the key that doubles the map and keeps inserting while
// the grow goes on; a second iterator starts in the middle of the grow.
func GrowScenario() (*Scenario, error) {
	r, err := newRecorder(3, maxClassicFrames, classic.Config[int]{})
	if err != nil {
		return nil, err
	}
	for i := 0; i < 52; i++ { // B=3 holds 52 keys; the 53rd doubles it
		r.insert(i, i)
	}
	a := r.iterStart()
	for i := 0; i < 6; i++ {
		r.iterNext(a)
	}
	r.insert(52, 52) // grow starts: 8 old buckets
	r.iterNext(a)
	r.insert(53, 53)
	b := r.iterStart() // started mid-grow: filters unevacuated old buckets
	for i := 0; i < 4; i++ {
		r.iterNext(b)
		r.iterNext(a)
	}
	for k := 54; r.m.Growing(); k++ {
		r.insert(k, k)
		r.iterNext(b)
	}
	for _, id := range []int{a, b} {
		for r.iters[id].Ok() {
			r.iterNext(id)
		}
	}
	return r.scenario("grow", "Doubling grow, two iterators",
		"map[int]int with 52 keys (B=3). Iterator 1 starts, the 53rd key starts a doubling grow to 16 buckets; "+
			"each later write evacuates the key's old bucket and the one at nevacuate. Iterator 1 keeps walking the old array "+
			"and re-looks up evacuated keys; iterator 2 starts mid-grow and filters unevacuated old buckets (checkBucket)."), r.err
}

// SameSizeScenario churns a map at a steady size (delete the oldest key,
// insert a fresh one) until overflow buckets are as many as buckets and a
// same-size grow packs the keys again.
func SameSizeScenario() (*Scenario, error) {
	r, err := newRecorder(sameSizeSeed, maxClassicFrames, classic.Config[int]{})
	if err != nil {
		return nil, err
	}
	keys := []int{}
	for i := 0; i < 26; i++ { // B=2 at 26 keys: just under the load limit
		r.insert(i, i)
		keys = append(keys, i)
	}
	next := 26
	for sawGrow := false; !sawGrow || r.m.Growing(); {
		n := len(r.frames)
		r.delete(keys[0])
		keys = keys[1:]
		r.insert(next, next)
		keys = append(keys, next)
		next++
		for _, f := range r.frames[n:] {
			sawGrow = sawGrow || f.Kind == classic.EvGrowStart.String()
		}
		if r.op > 2000 {
			return nil, fmt.Errorf("same-size scenario: no grow after 2000 operations")
		}
	}
	return r.scenario("samesize", "Same-size grow from churn",
		"26 keys in 4 buckets, then delete the oldest key and insert a fresh one, again and again. Deleted slots only take keys of "+
			"their own bucket, so chains grow overflow buckets; when noverflow reaches 2^B the next new key starts a same-size grow "+
			"that packs the keys into a fresh array of the same size."), r.err
}

// sameSizeSeed is a model seed under which SameSizeScenario's churn
// reaches a same-size grow early (TestSameSizeSeed checks it stays so).
const sameSizeSeed = 23

// DeleteScenario shows emptyOne and emptyRest.
func DeleteScenario() (*Scenario, error) {
	r, err := newRecorder(1, maxClassicFrames, classic.Config[int]{})
	if err != nil {
		return nil, err
	}
	for i := 0; i < 8; i++ {
		r.insert(i, i*10)
	}
	for _, k := range []int{2, 7, 6, 5, 4, 3, 1} {
		r.delete(k)
	}
	r.insert(20, 200)
	r.delete(99)
	r.delete(0)
	r.delete(20)
	r.insert(21, 210)
	return r.scenario("delete", "Deletes: emptyOne and emptyRest",
		"One bucket of 8 keys. A delete marks its slot emptyOne (1); when nothing live follows, the trailing empty slots become "+
			"emptyRest (0) so lookups stop early. Deleting the last key gives the map a new hash seed."), r.err
}

// ClearScenario shows Go 1.18's mapclear leaving an iterator on the old
// array, which then returns keys the clear removed.
func ClearScenario() (*Scenario, error) {
	r, err := newRecorder(2, maxClassicFrames, classic.Config[int]{})
	if err != nil {
		return nil, err
	}
	for i := 0; i < 26; i++ {
		r.insert(i, i)
	}
	a := r.iterStart()
	r.insert(100, 100)
	r.clear()
	for r.iters[a].Ok() {
		r.iterNext(a)
	}
	return r.scenario("clear", "Clear during a range (Go 1.18 bug)",
		"An iterator starts on 26 keys, an insert starts a grow (the iterator now walks the old array), then the map is cleared. "+
			"Go 1.18's mapclear drops the old array without marking it, so the iterator goes on returning cleared keys; gccgo 12 "+
			"does the same (maplab classic -verify checks it). Go 1.21 marks both arrays empty first (golang/go#59411)."), r.err
}

// InterleaveScenario is the interleaving demo's first fatal schedule.
func InterleaveScenario() (*Scenario, error) {
	gs := interleave.DemoGoroutines()
	s, err := interleave.Explore(interleave.DemoMap(), gs, 1_000_000)
	if err != nil {
		return nil, err
	}
	var sched []int
	for _, o := range s.Outcomes {
		if o.Message != "" {
			sched = o.Example
		}
	}
	res, err := interleave.Run(interleave.DemoMap(), gs, sched, interleave.Options{Snapshots: true})
	if err != nil {
		return nil, err
	}
	sc := &Scenario{ID: "interleave", Title: "Two goroutines: when the check fires", Kind: "classic",
		Description: fmt.Sprintf("A writer inserts the key that starts a grow while another goroutine ranges over the map. Of %d "+
			"interleavings of their runtime steps, %d die; this is one. The ranger's mapiternext checks hashWriting once, "+
			"at entry: it fires only while the writer is between setting and clearing the flag.", s.Interleavings, countFatal(s))}
	for _, g := range gs {
		sc.Goroutines = append(sc.Goroutines, g.Name)
	}
	op := 0
	for i, st := range res.Steps {
		f := classicFrame(*st.State)
		f.G, f.Kind, f.Event = st.G, st.Event.Kind.String(), st.Event.String()
		if st.Event.Kind == classic.EvOpStart || st.Event.Kind == classic.EvIterInit || (i > 0 && res.Steps[i-1].G != st.G) {
			op++
		}
		f.Op, f.OpText = op, gs[st.G].Name
		if st.Event.Bucket >= 0 {
			arr := "buckets"
			if st.Event.Old {
				arr = "old"
			}
			f.Focus = &Focus{Array: arr, Bucket: st.Event.Bucket, Chain: st.Event.Chain, Slot: st.Event.Slot}
		}
		if res.Fatal != nil && i == res.Fatal.Step {
			f.Fatal = "fatal error: " + res.Fatal.Message
		}
		sc.Classic = append(sc.Classic, f)
	}
	return sc, nil
}

func countFatal(s *interleave.Summary) int {
	n := 0
	for _, o := range s.Outcomes {
		if o.Message != "" {
			n += o.Count
		}
	}
	return n
}

// CustomScenario runs operations in verify's text format (i K V, d K, g K,
// c, r, n, e, m) on the model; served pages use it for their input box.
func CustomScenario(ops []verify.Op, seed uint64) (*Scenario, error) {
	r, err := newRecorder(seed, maxClassicFrames, classic.Config[int]{})
	if err != nil {
		return nil, err
	}
	cur := -1
	for i, op := range ops {
		switch op.Kind {
		case verify.OpInsert:
			r.insert(op.Key, op.Val)
		case verify.OpDelete:
			r.delete(op.Key)
		case verify.OpLookup:
			r.do(fmt.Sprintf("_ = m[%d]", op.Key), func() { r.m.Lookup(op.Key) })
		case verify.OpClear:
			r.clear()
		case verify.OpIterStart:
			cur = r.iterStart()
		case verify.OpIterNext:
			if cur >= 0 {
				r.iterNext(cur)
			}
		case verify.OpIterEnd:
			cur = -1
		default:
			return nil, fmt.Errorf("operation %d: %q is not supported here", i+1, string(op.Kind))
		}
		if r.err != nil {
			return nil, r.err
		}
	}
	return r.scenario("custom", "Custom operations", fmt.Sprintf("%d operations on the model (seed %d).", len(ops), seed)), nil
}
