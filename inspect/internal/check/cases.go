package check

import (
	"fmt"
	"math"
	"strings"
)

// Case is one property test: it builds maps and verifies their layout at
// the moments that matter (after growth, deletes, during iteration).
type Case struct {
	Name string
	Run  func() error
}

// Cases returns the property tests shared by gc and gccgo. They use only
// Go 1.18 (no clear builtin: see the gc tests for clear).
func Cases() []Case {
	return []Case{
		{"int-fill", intFill},
		{"int-hint", intHint},
		{"int8-all", int8All},
		{"string", stringKeys},
		{"indirect-key", indirectKey},
		{"indirect-elem", indirectElem},
		{"indirect-both", indirectBoth},
		{"interface", interfaceKeys},
		{"float-nan", floatNaN},
		{"struct", structKeys},
		{"empty-elem", emptyElem},
		{"pointer", pointerKeys},
		{"deletes", deletes},
		{"delete-all-refill", deleteAllRefill},
		{"during-iteration", duringIteration},
	}
}

// checkAt reports whether to verify after the n-th insert: every size up
// to 300 (all growth boundaries of both implementations up to there,
// including classic maps mid-evacuation), then a sample.
func checkAt(n int) bool { return n <= 300 || n%97 == 0 || n == 897 || n == 898 }

func verify(m interface{}, what string) error {
	if _, err := Layout(m); err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	return nil
}

func intFill() error {
	m := map[int]int{}
	if err := verify(m, "empty"); err != nil {
		return err
	}
	var nilMap map[int]int
	if err := verify(nilMap, "nil map"); err != nil {
		return err
	}
	for i := 0; i < 3000; i++ {
		m[i*7919] = i
		if checkAt(i + 1) {
			if err := verify(m, fmt.Sprintf("after %d inserts", i+1)); err != nil {
				return err
			}
		}
	}
	return nil
}

func intHint() error {
	for _, hint := range []int{0, 8, 9, 100, 1000, 5000} {
		m := make(map[int]int, hint)
		if err := verify(m, fmt.Sprintf("make hint %d", hint)); err != nil {
			return err
		}
		for i := 0; i < 150; i++ {
			m[i] = i
		}
		if err := verify(m, fmt.Sprintf("make hint %d, 150 inserts", hint)); err != nil {
			return err
		}
	}
	return nil
}

func int8All() error {
	m := map[int8]int8{}
	for i := -128; i < 128; i++ {
		m[int8(i)] = int8(i)
		if err := verify(m, fmt.Sprintf("int8 %d", i)); err != nil {
			return err
		}
	}
	return nil
}

func stringKeys() error {
	m := map[string]string{}
	for i := 0; i < 500; i++ {
		k := fmt.Sprint(i)
		if i%10 == 0 {
			k = strings.Repeat(k, 100) // long keys hash differently
		}
		m[k] = k
		if checkAt(i+1) && i%5 == 0 {
			if err := verify(m, fmt.Sprintf("%d strings", i+1)); err != nil {
				return err
			}
		}
	}
	m[""] = "empty"
	return verify(m, "with the empty string")
}

func indirectKey() error {
	m := map[[200]byte]int{}
	for i := 0; i < 200; i++ {
		var k [200]byte
		k[i] = byte(i)
		k[199-i] ^= 0xff
		m[k] = i
		if err := verify(m, fmt.Sprintf("%d keys of 200 bytes", i+1)); err != nil {
			return err
		}
	}
	return nil
}

func indirectElem() error {
	m := map[int][300]byte{}
	for i := 0; i < 100; i++ {
		m[i] = [300]byte{byte(i)}
		if err := verify(m, fmt.Sprintf("%d elements of 300 bytes", i+1)); err != nil {
			return err
		}
	}
	return nil
}

func indirectBoth() error {
	m := map[[129]byte][129]byte{}
	for i := 0; i < 60; i++ {
		m[[129]byte{byte(i), 1}] = [129]byte{byte(i)}
		if err := verify(m, fmt.Sprintf("%d 129-byte keys and elements", i+1)); err != nil {
			return err
		}
	}
	return nil
}

type point struct {
	X, Y int
	Name string
}

func interfaceKeys() error {
	m := map[interface{}]int{}
	for i := 0; i < 120; i++ {
		var k interface{}
		switch i % 5 {
		case 0:
			k = i
		case 1:
			k = fmt.Sprint("s", i)
		case 2:
			k = float64(i) + 0.5
		case 3:
			k = point{i, -i, "p"}
		case 4:
			k = [2]int8{int8(i), 3}
		}
		m[k] = i
		if err := verify(m, fmt.Sprintf("%d interface keys", i+1)); err != nil {
			return err
		}
	}
	m[math.NaN()] = -1 // an interface holding NaN: not locatable, counted
	return verify(m, "with an interface holding NaN")
}

func floatNaN() error {
	m := map[float64]int{}
	for i := 0; i < 5; i++ {
		m[math.NaN()] = i // each NaN is a new key
	}
	m[0] = 1
	m[math.Copysign(0, -1)] = 2 // -0 == +0: overwrites
	m[math.Inf(1)] = 3
	m[math.Inf(-1)] = 4
	if len(m) != 8 {
		return fmt.Errorf("float map has %d entries, want 8", len(m))
	}
	if err := verify(m, "NaN, zeros and infinities"); err != nil {
		return err
	}
	for i := 0; i < 100; i++ {
		m[float64(i)/3] = i
		m[math.NaN()] = i
	}
	return verify(m, "100 NaNs among 100 floats")
}

func structKeys() error {
	m := map[point]string{}
	for i := 0; i < 150; i++ {
		m[point{i, i * i, fmt.Sprint(i)}] = "v"
	}
	return verify(m, "150 struct keys")
}

func emptyElem() error {
	m := map[int]struct{}{}
	for i := 0; i < 100; i++ {
		m[i] = struct{}{}
	}
	return verify(m, "set of 100")
}

func pointerKeys() error {
	m := map[*int]bool{}
	for i := 0; i < 100; i++ {
		m[new(int)] = true
	}
	return verify(m, "100 pointer keys")
}

func deletes() error {
	m := map[int]int{}
	for i := 0; i < 2000; i++ {
		m[i] = i
	}
	for i := 0; i < 2000; i += 2 {
		delete(m, i)
		if i%200 == 0 {
			if err := verify(m, fmt.Sprintf("deleting evens, at %d", i)); err != nil {
				return err
			}
		}
	}
	if err := verify(m, "odds left"); err != nil {
		return err
	}
	// Reinsert into a map with holes: Swiss tables reuse tombstones,
	// classic buckets reuse empty cells.
	for i := 0; i < 2000; i += 4 {
		m[i] = i
	}
	return verify(m, "reinserted a quarter")
}

func deleteAllRefill() error {
	m := map[string]int{}
	for i := 0; i < 1000; i++ {
		m[fmt.Sprint(i)] = i
	}
	for k := range m {
		delete(m, k)
	}
	if err := verify(m, "all deleted"); err != nil {
		return err
	}
	for i := 0; i < 500; i++ {
		m[fmt.Sprint("again", i)] = i
	}
	return verify(m, "refilled 500")
}

// duringIteration verifies the layout in the middle of a range loop that
// deletes the current key and inserts new ones, growing the map.
func duringIteration() error {
	m := map[int]int{}
	for i := 0; i < 500; i++ {
		m[i] = i
	}
	n, next := 0, 1000
	for k := range m {
		n++
		delete(m, k)
		for j := 0; j < 3; j++ {
			m[next] = next
			next++
		}
		if n%50 == 0 {
			if err := verify(m, fmt.Sprintf("iteration step %d", n)); err != nil {
				return err
			}
		}
	}
	return verify(m, "after the loop")
}
