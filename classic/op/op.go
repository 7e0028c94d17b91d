// Package op is the language of operations on a classic map[int]int: what
// classic.Session applies to the model, what classic/verify generates and
// feeds to both the model and the gccgo probe, what classic/interleave's
// goroutines run and what the visualizer's custom-operations box accepts.
//
// An operation has a text form, one per line, which is how the verifier
// talks to the probe and how a user types operations:
//
//	i K V   m[K] = V
//	d K     delete(m, K)
//	g K     v, ok := m[K]
//	c       clear(m) (mapclear; also what for k := range m { delete(m, k) } compiles to)
//	r       start a range over m and take its first key
//	n       the range's next key (none once it is exhausted)
//	e       leave the range
//	m H     m = make(map[int]int, H) (leaves any range)
//
// The package builds with gccgo 12 (Go 1.18: no generics, no min/max, no
// clear, nothing from the standard library newer than 1.18), because the
// probe that runs the operations on gccgo's real map imports it.
package op

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Kind is what an operation does; its value is the letter of the text form.
type Kind byte

// The kinds of operation.
const (
	Insert    Kind = 'i' // m[Key] = Val (a new key or an update)
	Delete    Kind = 'd' // delete(m, Key), present or not
	Lookup    Kind = 'g' // v, ok := m[Key]
	Clear     Kind = 'c' // clear(m)
	IterStart Kind = 'r' // start a range and take its first key
	IterNext  Kind = 'n' // the range's next key
	IterEnd   Kind = 'e' // leave the range
	Make      Kind = 'm' // m = make(map[int]int, Key): a new, empty map sized for Key keys
)

// Args is how many numbers follow the kind's letter in the text form, or
// -1 for a letter that is not a kind.
func (k Kind) Args() int {
	switch k {
	case Insert:
		return 2
	case Delete, Lookup, Make:
		return 1
	case Clear, IterStart, IterNext, IterEnd:
		return 0
	}
	return -1
}

// Op is one operation. Key is the key of an insert, delete or lookup and
// the size hint of a make; Val is the value an insert stores.
type Op struct {
	Kind Kind
	Key  int
	Val  int
}

// String is the text form, e.g. "i 1 2".
func (o Op) String() string {
	switch o.Kind.Args() {
	case 2:
		return fmt.Sprintf("%c %d %d", o.Kind, o.Key, o.Val)
	case 1:
		return fmt.Sprintf("%c %d", o.Kind, o.Key)
	case 0:
		return string(rune(o.Kind))
	}
	return fmt.Sprintf("Kind(%d)", o.Kind)
}

// Statement is the operation as Go code, for people: "m[1] = 2".
func (o Op) Statement() string {
	switch o.Kind {
	case Insert:
		return fmt.Sprintf("m[%d] = %d", o.Key, o.Val)
	case Delete:
		return fmt.Sprintf("delete(m, %d)", o.Key)
	case Lookup:
		return fmt.Sprintf("v, ok := m[%d]", o.Key)
	case Clear:
		return "clear(m)"
	case IterStart:
		return "for k, v := range m"
	case IterNext:
		return "next key of the range"
	case IterEnd:
		return "break (leave the range)"
	case Make:
		return fmt.Sprintf("m = make(map[int]int, %d)", o.Key)
	}
	return o.String()
}

// ParseLine reads one operation in the text form.
func ParseLine(s string) (Op, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return Op{}, fmt.Errorf("empty operation")
	}
	k := Kind(f[0][0])
	want := k.Args()
	if len(f[0]) != 1 || want < 0 {
		return Op{}, fmt.Errorf("unknown operation %q", f[0])
	}
	if len(f)-1 != want {
		return Op{}, fmt.Errorf("%q takes %d arguments, got %d", f[0], want, len(f)-1)
	}
	o := Op{Kind: k}
	var err error
	if want >= 1 {
		if o.Key, err = strconv.Atoi(f[1]); err != nil {
			return Op{}, fmt.Errorf("%q: %q is not an integer", f[0], f[1])
		}
	}
	if want == 2 {
		if o.Val, err = strconv.Atoi(f[2]); err != nil {
			return Op{}, fmt.Errorf("%q: %q is not an integer", f[0], f[2])
		}
	}
	return o, nil
}

// Parse reads operations in the text form, one per line; blank lines are
// skipped. Errors name the line.
func Parse(r io.Reader) ([]Op, error) {
	var ops []Op
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		o, err := ParseLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		ops = append(ops, o)
	}
	return ops, sc.Err()
}

// Write writes ops in the text form, one per line.
func Write(w io.Writer, ops []Op) error {
	bw := bufio.NewWriter(w)
	for _, o := range ops {
		if _, err := bw.WriteString(o.String() + "\n"); err != nil {
			return err
		}
	}
	return bw.Flush()
}
