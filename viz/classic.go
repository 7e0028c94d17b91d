package viz

import (
	"fmt"

	"github.com/mapsafe/mapsafe/classic"
	"github.com/mapsafe/mapsafe/classic/interleave"
	"github.com/mapsafe/mapsafe/classic/op"
)

// recorder runs operations on a model and keeps a frame per event. Each
// range the scenario opens has a session of its own (iters), all on the
// one map.
type recorder struct {
	m      *classic.Map[int, int]
	cfg    classic.Config[int]
	iters  []*classic.Session
	frames []ClassicFrame
	op     int
	opText string
	limit  int
	err    error
	// telling picks the frame a scenario opens on: the first whose event
	// it accepts (the first frame if none does).
	telling func(classic.Event) bool
	start   int
}

// quiet events are bookkeeping of a write (entry and exit checks), shown
// only in interleaving scenarios.
var quiet = map[classic.EventKind]bool{classic.EvOpStart: true, classic.EvWriting: true, classic.EvOpEnd: true, classic.EvIterCheck: true, classic.EvMake: true}

func newRecorder(seed uint64, limit int, cfg classic.Config[int]) (*recorder, error) {
	r := &recorder{limit: limit, start: -1}
	cfg.Seed = seed
	r.cfg = cfg
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
	for _, s := range r.iters {
		if s.Iter != nil { // nil while the iterator is being started
			f.addIter(s.Iter)
		}
	}
	f.Focus = focus(e)
	if r.start < 0 && r.telling != nil && r.telling(e) {
		r.start = len(r.frames)
	}
	r.frames = append(r.frames, f)
}

// addIter adds an iterator's cursor to the frame and, when the iterator
// reads an array the map no longer uses, that array.
func (f *ClassicFrame) addIter(it *classic.Iter[int, int]) {
	f.Iters = append(f.Iters, it.Cursor())
	if a := it.StaleArray(); a != nil {
		f.Stale = append(f.Stale, StaleArray{Iter: it.ID(), Buckets: vchains(a)})
	}
}

// focus is where an event happened, nil for an event about no bucket.
func focus(e classic.Event) *Focus {
	if e.Bucket < 0 {
		return nil
	}
	f := &Focus{Array: "buckets", Bucket: e.Bucket, Chain: e.Chain, Slot: e.Slot}
	switch {
	case e.Old:
		f.Array = "old"
	case e.Stale:
		f.Array, f.Iter = "stale", e.Iter
	}
	return f
}

// apply runs o in session s (nil: a new session, for operations outside
// any range); text is the Go statement shown with its frames. An
// operation without a visible event (a delete of a missing key, a range
// over an empty map) still gets a frame.
func (r *recorder) apply(s *classic.Session, o op.Op, text string) error {
	if s == nil {
		s = &classic.Session{Map: r.m, Make: r.newMap}
	}
	r.op++
	r.opText = text
	n := len(r.frames)
	if _, err := s.Apply(o); err != nil {
		return err
	}
	r.m = s.Map
	if len(r.frames) == n && r.err == nil && len(r.frames) < r.limit {
		r.observe(classic.Event{Kind: classic.EvLookup, Bucket: -1, Slot: -1})
		r.frames[len(r.frames)-1].Event = text + ": nothing changes"
	}
	return r.err
}

// newMap is op.Make for the recorder's map: same configuration, same
// observer, and every open range ends.
func (r *recorder) newMap(hint int) (*classic.Map[int, int], error) {
	m, err := classic.New[int, int](hint, r.cfg, r.observe)
	if err != nil {
		return nil, err
	}
	for _, s := range r.iters {
		s.Map, s.Iter = m, nil
	}
	return m, nil
}

// do runs an operation outside any range.
func (r *recorder) do(o op.Op) { r.fail(r.apply(nil, o, o.Statement())) }

func (r *recorder) insert(k, v int) { r.do(op.Op{Kind: op.Insert, Key: k, Val: v}) }
func (r *recorder) delete(k int)    { r.do(op.Op{Kind: op.Delete, Key: k}) }
func (r *recorder) clear()          { r.do(op.Op{Kind: op.Clear}) }

// iterStart starts range number len(iters)+1 in a session of its own and
// returns its index in iters.
func (r *recorder) iterStart() int {
	id := len(r.iters)
	s := &classic.Session{Map: r.m}
	r.iters = append(r.iters, s)
	err := r.apply(s, op.Op{Kind: op.IterStart}, fmt.Sprintf("for k := range m  // iterator %d starts", id+1))
	// The iterator's own events came before Iter returned it: give the
	// last of them (its first key) the new cursor.
	if n := len(r.frames); err == nil && n > 0 && s.Iter != nil {
		r.frames[n-1].addIter(s.Iter)
	}
	r.fail(err)
	return id
}

// iterNext takes the next key of range id, if it has one.
func (r *recorder) iterNext(id int) {
	s := r.iters[id]
	if s.Iter == nil || !s.Iter.Ok() {
		return
	}
	r.fail(r.apply(s, op.Op{Kind: op.IterNext}, fmt.Sprintf("next key of iterator %d", id+1)))
}

// done reports whether range id has returned its last key.
func (r *recorder) done(id int) bool { return r.iters[id].Iter == nil || !r.iters[id].Iter.Ok() }

func (r *recorder) fail(err error) {
	if err != nil && r.err == nil {
		r.err = err
	}
}

func (r *recorder) scenario(id, title, desc string) *Scenario {
	s := &Scenario{ID: id, Title: title, Kind: "classic", Description: desc, Classic: r.frames, Start: max(r.start, 0)}
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
	r.telling = func(e classic.Event) bool { return e.Kind == classic.EvGrowStart && e.OldB == 3 }
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
		for !r.done(id) {
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
	r.telling = func(e classic.Event) bool { return e.Kind == classic.EvGrowStart && e.SameSize }
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
	// Open where one delete turns several slots into emptyRest.
	r.telling = func(e classic.Event) bool { return e.Kind == classic.EvDelete && e.Rest > 1 }
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
	// Open on the first key returned from the array the clear dropped.
	r.telling = func(e classic.Event) bool { return e.Kind == classic.EvIterReturn && e.Stale }
	for i := 0; i < 26; i++ {
		r.insert(i, i)
	}
	a := r.iterStart()
	r.insert(100, 100)
	r.clear()
	for !r.done(a) {
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
	n := 0
	for i, st := range res.Steps {
		f := classicFrame(*st.State)
		f.G, f.Kind, f.Event = st.G, st.Event.Kind.String(), st.Event.String()
		if st.Event.Kind == classic.EvOpStart || st.Event.Kind == classic.EvIterInit || (i > 0 && res.Steps[i-1].G != st.G) {
			n++
		}
		f.Op, f.OpText = n, gs[st.G].Name
		f.Focus = focus(st.Event)
		if res.Fatal != nil && i == res.Fatal.Step {
			f.Fatal = "fatal error: " + res.Fatal.Message
			sc.Start = i
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

// CustomScenario runs operations of the classic/op language on the model;
// served pages use it for their input box. Ranges are numbered as they
// start; n and e act on the last one started. An operation that cannot run
// (n or e with no range open) is an error naming it.
func CustomScenario(ops []op.Op, seed uint64) (*Scenario, error) {
	r, err := newRecorder(seed, maxClassicFrames, classic.Config[int]{})
	if err != nil {
		return nil, err
	}
	r.telling = isGrowStart
	cur := &classic.Session{Map: r.m, Make: r.newMap}
	for i, o := range ops {
		text := o.Statement()
		if o.Kind == op.IterStart {
			cur = &classic.Session{Map: r.m, Make: r.newMap}
			r.iters = append(r.iters, cur)
			text = fmt.Sprintf("for k := range m  // iterator %d starts", len(r.iters))
		} else if cur.Iter != nil && (o.Kind == op.IterNext || o.Kind == op.IterEnd) {
			text = fmt.Sprintf("%s  // iterator %d", text, len(r.iters))
		}
		if err := r.apply(cur, o, text); err != nil {
			return nil, fmt.Errorf("operation %d (%s): %v", i+1, o, err)
		}
		if o.Kind == op.IterStart && cur.Iter != nil && len(r.frames) > 0 {
			r.frames[len(r.frames)-1].addIter(cur.Iter)
		}
	}
	return r.scenario("custom", "Custom operations", fmt.Sprintf("%d operations on the model (seed %d).", len(ops), seed)), nil
}

func isGrowStart(e classic.Event) bool { return e.Kind == classic.EvGrowStart }
