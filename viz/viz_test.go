package viz

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mapsafe/mapsafe/inspect"
)

var built struct {
	once sync.Once
	d    *Data
	err  error
}

// buildOnce computes the built-in scenarios once per test binary.
func buildOnce(t *testing.T) *Data {
	t.Helper()
	built.once.Do(func() { built.d, built.err = Build() })
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.d
}

func kinds(s *Scenario) map[string]int {
	k := map[string]int{}
	for _, f := range s.Classic {
		k[f.Kind]++
	}
	return k
}

// The classic scenarios tell what their titles promise.
func TestClassicScenarios(t *testing.T) {
	d := buildOnce(t)
	grow := scenario(t, d, "grow")
	k := kinds(grow)
	for _, want := range []string{"grow-start", "evacuate", "mark-advance", "grow-done", "iter-relookup", "iter-skip", "iter-end"} {
		if k[want] == 0 {
			t.Errorf("grow scenario has no %s step", want)
		}
	}
	for i, f := range grow.Classic {
		h := f.Header
		if h.Growing != "" && (h.Evacuated < int(h.Nevacuate) || h.OldCount != len(f.Old) || h.Evacuated > h.OldCount) {
			t.Fatalf("grow frame %d: evacuated %d, nevacuate %d, old %d/%d", i, h.Evacuated, h.Nevacuate, h.OldCount, len(f.Old))
		}
		if f.Kind == "grow-start" && h.B == 4 && (len(f.Old) != 8 || len(f.Buckets) != 16 || h.Growing != "doubling") {
			t.Fatalf("grow-start frame: %d old buckets, %d buckets, growing %q", len(f.Old), len(f.Buckets), h.Growing)
		}
	}

	same := scenario(t, d, "samesize")
	sawSame := false
	for _, f := range same.Classic {
		if f.Kind == "grow-start" && f.Op > 26 { // after the fill of 26 keys
			if f.Header.Growing != "same-size" || len(f.Old) != len(f.Buckets) {
				t.Fatalf("samesize scenario: a grow that is not same-size: %s", f.Event)
			}
			sawSame = true
		}
	}
	if last := same.Classic[len(same.Classic)-1]; !sawSame || last.Header.Growing != "" || last.Header.B != 2 {
		t.Fatalf("samesize scenario: same-size grow %v, ends growing %q at B=%d", sawSame, last.Header.Growing, last.Header.B)
	}

	del := scenario(t, d, "delete")
	rest, one := 0, 0
	for _, f := range del.Classic {
		if f.Kind == "delete" {
			if strings.Contains(f.Buckets[0][0].T, "01") {
				one++
			}
			if f.Header.Count < 7 && strings.HasSuffix(f.Buckets[0][0].T, "00") {
				rest++
			}
		}
	}
	if one == 0 || rest == 0 || kinds(del)["seed"] == 0 {
		t.Fatalf("delete scenario: %d frames with emptyOne, %d with emptyRest, %d reseeds", one, rest, kinds(del)["seed"])
	}

	clr := scenario(t, d, "clear")
	cleared, stale := false, 0
	for _, f := range clr.Classic {
		if f.Kind == "clear" {
			cleared = true
		}
		if cleared && f.Kind == "iter-return" {
			stale++
		}
	}
	if stale == 0 {
		t.Fatal("clear scenario: the iterator returned nothing after the clear; the scenario no longer shows the Go 1.18 behaviour")
	}

	il := scenario(t, d, "interleave")
	if last := il.Classic[len(il.Classic)-1]; last.Fatal == "" || len(il.Goroutines) != 2 {
		t.Fatalf("interleave scenario ends without a fatal error: %+v", last)
	}
}

// Classic scenarios are deterministic: the model runs with fixed seeds.
func TestClassicScenariosDeterministic(t *testing.T) {
	a, err := GrowScenario()
	if err != nil {
		t.Fatal(err)
	}
	b, err := GrowScenario()
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatal("two runs of the grow scenario differ")
	}
}

// The real Swiss map's frames show the capacity steps READING.md lists:
// table capacity changes at inserts 9, 15, 29, 57, 113, 225, 449 and the
// split into two 1024-slot tables at insert 897.
func TestSwissScenarioGrowthPoints(t *testing.T) {
	sw := scenario(t, buildOnce(t), "swiss")
	if sw.Error != "" {
		t.Fatal(sw.Error)
	}
	var steps []int
	split := 0
	prevCap, prevTables := 0, 0
	for i, f := range sw.Swiss {
		if i >= 960 {
			break // inserts only
		}
		c := 0
		if len(f.Tables) > 0 {
			c = f.Tables[0].Capacity
		}
		if c != prevCap && len(f.Tables) == prevTables {
			steps = append(steps, i+1)
		}
		if len(f.Tables) == 1 && prevTables == 0 {
			steps = append(steps, i+1)
		}
		if len(f.Tables) == 2 && prevTables == 1 {
			split = i + 1
			if f.Tables[0].Capacity != 1024 || f.Tables[1].Capacity != 1024 {
				t.Errorf("split into capacities %d and %d", f.Tables[0].Capacity, f.Tables[1].Capacity)
			}
		}
		prevCap, prevTables = c, len(f.Tables)
	}
	if want := []int{9, 15, 29, 57, 113, 225, 449}; !slices.Equal(steps, want) || split != 897 {
		t.Fatalf("capacity steps at inserts %v and split at %d, want %v and 897", steps, split, want)
	}
}

// The cursor drawn for a real Swiss iterator is on the slot of the key it
// just returned: that slot's control byte is full with the key's H2.
func TestSwissCursorPointsAtReturnedKey(t *testing.T) {
	for _, n := range []int{5, 100, 1000} {
		m := map[int]int{}
		for i := 0; i < n; i++ {
			m[i] = i
		}
		it := reflect.ValueOf(m).MapRange()
		for steps := 0; it.Next() && steps < 50; steps++ {
			lay, err := inspect.Inspect(m)
			if err != nil {
				t.Fatal(err)
			}
			c, err := swissCursor(it, lay.Swiss, false)
			if err != nil {
				t.Fatal(err)
			}
			loc, err := inspect.Locate(m, int(it.Key().Int()))
			if err != nil {
				t.Fatal(err)
			}
			var ctrl inspect.Ctrl
			switch {
			case c.Small && c.Slot >= 0:
				ctrl = lay.Swiss.SmallGroup[c.Slot]
			case c.Table >= 0 && c.Slot >= 0:
				tb := lay.Swiss.Tables[c.Table]
				ctrl = tb.Groups[c.Slot/8][c.Slot%8]
				if loc.Swiss.Table != c.Table {
					t.Fatalf("n=%d: key %d is in table %d, cursor in table %d", n, it.Key().Int(), loc.Swiss.Table, c.Table)
				}
			default:
				t.Fatalf("n=%d: cursor without a table: %+v", n, c)
			}
			if c.Slot < 0 {
				t.Fatalf("n=%d: no cursor slot: %+v", n, c)
			}
			if !ctrl.IsFull() || ctrl.H2() != loc.Swiss.H2 {
				t.Fatalf("n=%d: key %d (H2 %#x): cursor slot %d holds control byte %#x", n, it.Key().Int(), loc.Swiss.H2, c.Slot, uint8(ctrl))
			}
		}
	}
}

// The Swiss frames' focus is what each operation changed: an insert that
// grew nothing fills the one outlined slot, a delete empties it or leaves a
// tombstone there, and a grow or split outlines the new tables.
func TestSwissFocus(t *testing.T) {
	sw := scenario(t, buildOnce(t), "swiss")
	if sw.Error != "" {
		t.Fatal(sw.Error)
	}
	ctrl := func(f SwissFrame, table, slot int) string {
		hex := f.SmallGroup
		if table >= 0 {
			hex = f.Tables[table].Ctrl
		}
		return ctrlAt(hex, 2*slot)
	}
	grows, slots := 0, 0
	for i := 1; i < len(sw.Swiss); i++ {
		prev, f := sw.Swiss[i-1], sw.Swiss[i]
		insert, del := strings.HasPrefix(f.OpText, "m["), strings.HasPrefix(f.OpText, "delete(")
		fo := f.Focus
		switch {
		case !insert && !del:
			if fo != nil {
				t.Fatalf("frame %d (%s): focus %+v on an iteration step", i, f.OpText, fo)
			}
		case len(f.Tables) != len(prev.Tables) || (len(f.Tables) > 0 && f.Tables[0].Capacity != prev.Tables[0].Capacity) || prev.Small != f.Small:
			if fo == nil || fo.Slot != -1 || len(fo.Tables) == 0 {
				t.Fatalf("frame %d (%s, %s): focus %+v, want the new tables", i, f.OpText, f.Event, fo)
			}
			grows++
		default:
			if fo == nil || fo.Slot < 0 {
				t.Fatalf("frame %d (%s): focus %+v, want a slot", i, f.OpText, fo)
			}
			was, now := ctrl(prev, fo.Table, fo.Slot), ctrl(f, fo.Table, fo.Slot)
			full := func(c string) bool { return c[0] < '8' }
			if insert && (full(was) || !full(now)) || del && (!full(was) || full(now)) {
				t.Fatalf("frame %d (%s): outlined slot went from %s to %s", i, f.OpText, was, now)
			}
			slots++
		}
	}
	if grows < 8 || slots < 1000 {
		t.Fatalf("%d grows and %d slot changes outlined", grows, slots)
	}
}
