//go:build gc

package inspect

import (
	"testing"
)

// capacityOf is the slot capacity of a map[int]int's single table (8 in
// small mode).
func capacityOf(t *testing.T, m map[int]int) (capacity, tables int) {
	t.Helper()
	l, err := Inspect(m)
	if err != nil {
		t.Fatal(err)
	}
	s := l.Swiss
	if s.Small {
		return 8, 0
	}
	return s.Tables[0].Capacity, len(s.Tables)
}

// TestSwissCapacitySteps checks the figures READING.md records: a
// map[int]int's table capacity steps at inserts 9, 15, 29, 57, 113, 225,
// 449, and the map splits into 1024-slot tables from insert 897.
func TestSwissCapacitySteps(t *testing.T) {
	m := map[int]int{}
	var steps []int
	split := 0
	prev := 8
	for i := 1; i <= 1000; i++ {
		m[i] = i
		c, n := capacityOf(t, m)
		if c != prev {
			steps = append(steps, i)
			if c != 2*prev {
				t.Fatalf("insert %d: capacity %d after %d, want doubling", i, c, prev)
			}
			prev = c
		}
		if n > 1 && split == 0 {
			split = i
			l, _ := Inspect(m)
			for _, tab := range l.Swiss.Tables {
				if tab.Capacity != 1024 || tab.LocalDepth != 1 {
					t.Errorf("after split: table capacity %d, local depth %d; want 1024, 1", tab.Capacity, tab.LocalDepth)
				}
			}
		}
	}
	want := []int{9, 15, 29, 57, 113, 225, 449}
	if len(steps) != len(want) {
		t.Fatalf("capacity steps at %v, want %v", steps, want)
	}
	for i := range want {
		if steps[i] != want[i] {
			t.Fatalf("capacity steps at %v, want %v", steps, want)
		}
	}
	if split != 897 {
		t.Errorf("split into two tables at insert %d, want 897", split)
	}
}
