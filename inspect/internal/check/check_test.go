package check

import "testing"

// TestCases runs the shared property tests on the compiler running the
// tests (gc); inspect's gccgo probe runs the same cases under gccgo.
func TestCases(t *testing.T) {
	for _, c := range Cases() {
		c := c
		t.Run(c.Name, func(t *testing.T) {
			if err := c.Run(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestVerifyCatchesCorruption shows Verify is not vacuous: a layout with
// one fragment changed, or one full slot emptied, fails.
func TestVerifyCatchesCorruption(t *testing.T) {
	m := map[int]int{}
	for i := 0; i < 300; i++ {
		m[i] = i
	}
	l, err := Layout(m)
	if err != nil {
		t.Fatal(err)
	}
	corrupt := func(f func(c *uint8)) {
		t.Helper()
		for ti := range l.Swiss.Tables {
			for gi := range l.Swiss.Tables[ti].Groups {
				g := &l.Swiss.Tables[ti].Groups[gi]
				for si := range g {
					if g[si].IsFull() {
						old := g[si]
						b := uint8(g[si])
						f(&b)
						g[si] = ctrlOf(b)
						if Verify(m, l) == nil {
							t.Errorf("Verify accepted a layout with control byte %#x changed to %#x", old, b)
						}
						g[si] = old
						return
					}
				}
			}
		}
		t.Fatal("no full slot found")
	}
	corrupt(func(c *uint8) { *c ^= 1 })   // another H2
	corrupt(func(c *uint8) { *c = 0x80 }) // emptied
	if err := Verify(m, l); err != nil {
		t.Fatalf("restored layout fails: %v", err)
	}
}
