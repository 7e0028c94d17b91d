package interleave

import (
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/classic"
	"github.com/mapsafe/mapsafe/classic/op"
)

// A writer whose insert starts a grow, and a goroutine ranging over the
// map: every interleaving either finishes or dies with "concurrent map
// iteration and map write", and it dies exactly when mapiternext's check
// runs while the writer is between setting and clearing hashWriting.
func TestWriterAndIterator(t *testing.T) {
	gs := []Goroutine{
		{Name: "writer", Ops: []op.Op{{Kind: op.Insert, Key: 100, Val: 1}}},
		{Name: "ranger", Ops: []op.Op{{Kind: op.IterStart}, {Kind: op.IterNext}, {Kind: op.IterNext}}},
	}
	s, err := Explore(IntMap(1, 26), gs, 100000)
	if err != nil {
		t.Fatal(err)
	}
	if s.Truncated {
		t.Fatal("exploration truncated")
	}
	got := map[string]int{}
	for _, o := range s.Outcomes {
		got[o.Message] = o.Count
		t.Logf("%q: %d of %d interleavings (when the writer was at %v), e.g. schedule %v", o.Message, o.Count, s.Interleavings, o.At, o.Example)
	}
	if got[""] == 0 || got["concurrent map iteration and map write"] == 0 || len(got) != 2 {
		t.Fatalf("outcomes %v, want finished runs and iteration-write fatals only", got)
	}
	// Check the rule on every fatal run's example and on a fixed schedule:
	// the ranger's check fires only inside the writer's write.
	for _, o := range s.Outcomes {
		res, err := Run(IntMap(1, 26), gs, o.Example, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if (res.Fatal != nil) != (o.Message != "") {
			t.Fatalf("replaying %v: fatal %v, want %q", o.Example, res.Fatal, o.Message)
		}
		if f := res.Fatal; f != nil && (f.G != 1 || len(f.Writers) != 1 || f.Writers[0] != 0) {
			t.Fatalf("fatal %+v: want the ranger noticing the writer", f)
		}
	}
}

// The same actions in one goroutine never die: each write has cleared
// hashWriting before the goroutine's next check.
func TestOneGoroutineNeverDies(t *testing.T) {
	g := Goroutine{Name: "main", Ops: []op.Op{{Kind: op.IterStart}, {Kind: op.Insert, Key: 100, Val: 1}, {Kind: op.IterNext},
		{Kind: op.Delete, Key: 3}, {Kind: op.IterNext}, {Kind: op.Insert, Key: 101}}}
	for range 30 { // to the end of the range
		g.Ops = append(g.Ops, op.Op{Kind: op.IterNext})
	}
	res, err := Run(IntMap(1, 26), []Goroutine{g}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Fatal != nil {
		t.Fatalf("one goroutine died: %+v", res.Fatal)
	}
	checks := 0
	for _, st := range res.Steps {
		if st.Event.Kind == classic.EvIterCheck {
			checks++
			if st.Writing[0] {
				t.Fatalf("step %d: an iterator check ran while the goroutine was inside a write", st.Event.Seq)
			}
		}
	}
	if checks < 3 {
		t.Fatalf("%d iterator checks", checks)
	}
}

// Two writers: the entry check catches a second writer that arrives after
// the flag is set; one that arrives between the first writer's entry check
// and its flag set toggles the flag off (XOR), and the exit check of one of
// them fires instead.
func TestTwoWriters(t *testing.T) {
	gs := []Goroutine{
		{Name: "w1", Ops: []op.Op{{Kind: op.Insert, Key: 100, Val: 1}}},
		{Name: "w2", Ops: []op.Op{{Kind: op.Insert, Key: 200, Val: 2}}},
	}
	s, err := Explore(IntMap(2, 5), gs, 100000)
	if err != nil {
		t.Fatal(err)
	}
	fatal := 0
	for _, o := range s.Outcomes {
		t.Logf("%q: %d of %d (writer at %v)", o.Message, o.Count, s.Interleavings, o.At)
		if o.Message == "concurrent map writes" {
			fatal = o.Count
			xor := 0
			for at, n := range o.At {
				if strings.HasPrefix(at, "exit check") {
					xor += n
				}
			}
			if xor == 0 || o.At["entry check while w1 at writing"] == 0 {
				t.Errorf("want both entry-check fatals and exit-check fatals (the second writer entered before the first set the flag, and XOR cleared it): %v", o.At)
			}
		} else if o.Message != "" {
			t.Errorf("unexpected outcome %q", o.Message)
		}
	}
	if fatal == 0 {
		t.Fatal("two overlapping writers never died")
	}
	// Both XOR toggles happening with neither writer seeing the other is
	// impossible: every overlapping schedule dies.
	res, err := Run(IntMap(2, 5), gs, []int{0, 1, 0, 1, 0, 1, 0, 1, 0, 1}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Fatal == nil {
		t.Fatal("alternating writers survived")
	}
}

func TestRunRejectsBadSchedule(t *testing.T) {
	if _, err := Run(IntMap(1, 0), []Goroutine{{Name: "a"}}, []int{1}, Options{}); err == nil {
		t.Fatal("schedule naming goroutine 1 of 1: no error")
	}
}

// A goroutine whose program cannot run (a range step with no range open)
// is Run's error, naming the goroutine and the operation.
func TestBadProgram(t *testing.T) {
	g := Goroutine{Name: "lost", Ops: []op.Op{{Kind: op.Insert, Key: 1, Val: 1}, {Kind: op.IterNext}}}
	_, err := Run(IntMap(1, 3), []Goroutine{g}, nil, Options{})
	if err == nil || !strings.Contains(err.Error(), "goroutine lost: operation 2") || !strings.Contains(err.Error(), "no range is open") {
		t.Fatalf("err = %v", err)
	}
}
