// Package ops classifies SSA instructions into the operations mapvet
// reasons about: map accesses (read, write, iteration, clone), lock and
// unlock calls, goroutine starts, and the synchronisation that can order
// two goroutines (WaitGroup, errgroup, channels).
//
// It knows the shapes go/ssa gives these operations:
//
//	m[k]                 *ssa.Lookup (X of map type)
//	m[k] = v, m[k]++     *ssa.MapUpdate (op-assignments also read: Lookup)
//	delete(m, k)         *ssa.Call of the builtin delete
//	clear(m)             *ssa.Call of the builtin clear, with a map argument
//	for k, v := range m  *ssa.Range (X of map type), then *ssa.Next
//	mu.Lock()            *ssa.Call of (*sync.Mutex).Lock, receiver &mu;
//	                     s.Lock() with an embedded mutex passes &s.Mutex
//	go f(x)              *ssa.Go
//
// and a table of library functions that touch a map argument (maps.Clone,
// maps.Copy, json.Marshal, ...). Everything else is not an operation.
package ops

import (
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Kind is the kind of a map access. The runtime reports a race between a
// write and any other kind with a message naming both.
type Kind uint8

const (
	Read    Kind = iota + 1 // a lookup
	Write                   // an insert, update, delete or clear
	Iterate                 // a range (or a library call that ranges)
	Clone                   // maps.Clone
	// Len is len(m): it reads the map's count without the runtime's
	// check, so it never crashes, but holding a lock around it says the
	// lock guards the map (guard inference counts it; no check reports it).
	Len
)

func (k Kind) String() string {
	switch k {
	case Read:
		return "read"
	case Write:
		return "write"
	case Iterate:
		return "iteration"
	case Clone:
		return "clone"
	case Len:
		return "len"
	}
	return "?"
}

// Crashes reports whether an access of kind k can meet a write in the
// runtime's check (everything but len).
func (k Kind) Crashes() bool { return k != Len }

// Fatal returns the runtime's fatal error for a write racing with an access
// of kind k.
func Fatal(k Kind) string {
	switch k {
	case Write:
		return "fatal error: concurrent map writes"
	case Iterate:
		return "fatal error: concurrent map iteration and map write"
	case Clone:
		return "fatal error: concurrent map clone and map write"
	}
	return "fatal error: concurrent map read and map write"
}

// MapOp is one access to one map by one instruction.
type MapOp struct {
	Kind Kind
	Verb string    // how the program spelled it: "index", "assign", "delete", "clear", "range", "maps.Copy", ...
	Map  ssa.Value // the map value, or the value that holds it (Path)
	Pos  token.Pos

	// For a map inside a printed or encoded value (walk.go): the steps
	// from Map to the map ("*.conns"), and the struct type and field that
	// hold it.
	Path  string
	Owner types.Type
	Field string
}

// IsMap reports whether t's core type is a map.
func IsMap(t types.Type) bool {
	_, ok := t.Underlying().(*types.Map)
	return ok
}

// MapOps returns the map accesses instr performs itself (not those of a
// function it calls, except the library functions in the table).
func MapOps(instr ssa.Instruction) []MapOp {
	switch in := instr.(type) {
	case *ssa.Lookup:
		if IsMap(in.X.Type()) {
			return []MapOp{{Kind: Read, Verb: "index", Map: in.X, Pos: in.Pos()}}
		}
	case *ssa.MapUpdate:
		return []MapOp{{Kind: Write, Verb: "assign", Map: in.Map, Pos: in.Pos()}}
	case *ssa.Range:
		if IsMap(in.X.Type()) {
			return []MapOp{{Kind: Iterate, Verb: "range", Map: in.X, Pos: in.Pos()}}
		}
	case ssa.CallInstruction:
		if _, isGo := in.(*ssa.Go); isGo {
			return nil // the goroutine does the work, later
		}
		return callOps(in.Common(), in.Pos())
	}
	return nil
}

func callOps(c *ssa.CallCommon, pos token.Pos) []MapOp {
	if b, ok := c.Value.(*ssa.Builtin); ok {
		switch b.Name() {
		case "delete":
			return []MapOp{{Kind: Write, Verb: "delete", Map: c.Args[0], Pos: pos}}
		case "clear":
			if IsMap(c.Args[0].Type()) {
				return []MapOp{{Kind: Write, Verb: "clear", Map: c.Args[0], Pos: pos}}
			}
		case "len":
			if IsMap(c.Args[0].Type()) {
				return []MapOp{{Kind: Len, Verb: "len", Map: c.Args[0], Pos: pos}}
			}
		}
		return nil
	}
	fn := c.StaticCallee()
	if fn == nil {
		return nil
	}
	name := FuncName(fn)
	if printing[name] && len(c.Args) > 0 {
		var format ssa.Value
		if strings.HasSuffix(name, "f") && len(c.Args) >= 2 {
			format = c.Args[len(c.Args)-2]
		}
		return printedMaps(c.Args[len(c.Args)-1], format, name, pos)
	}
	var out []MapOp
	for _, e := range library[name] {
		if e.arg < len(c.Args) && mayHoldMap(c.Args[e.arg]) {
			out = append(out, MapOp{Kind: e.kind, Verb: name, Map: c.Args[e.arg], Pos: pos})
		}
	}
	if enc, ok := encoders[name]; ok && enc.arg < len(c.Args) {
		out = append(out, enc.w.fieldMaps(c.Args[enc.arg], name, pos)...)
		if name == "reflect.DeepEqual" {
			out = append(out, enc.w.fieldMaps(c.Args[1], name, pos)...)
		}
	}
	return out
}

// mayHoldMap reports whether v is a map, or an interface converted from one.
func mayHoldMap(v ssa.Value) bool {
	if IsMap(v.Type()) {
		return true
	}
	if mi, ok := v.(*ssa.MakeInterface); ok {
		return IsMap(mi.X.Type())
	}
	return false
}

type libEffect struct {
	arg  int
	kind Kind
}

// library lists functions whose effect on a map argument is known. The
// iterators of maps.All/Keys/Values range over the map when they are
// consumed, which is almost always right away; they count as an iteration
// at the call.
var library = map[string][]libEffect{
	"maps.Clone":                       {{0, Clone}},
	"maps.Copy":                        {{0, Write}, {1, Iterate}},
	"maps.DeleteFunc":                  {{0, Write}},
	"maps.Equal":                       {{0, Iterate}, {1, Read}},
	"maps.EqualFunc":                   {{0, Iterate}, {1, Read}},
	"maps.Insert":                      {{0, Write}},
	"maps.All":                         {{0, Iterate}},
	"maps.Keys":                        {{0, Iterate}},
	"maps.Values":                      {{0, Iterate}},
	"encoding/json.Marshal":            {{0, Iterate}},
	"encoding/json.MarshalIndent":      {{0, Iterate}},
	"(*encoding/json.Encoder).Encode":  {{1, Iterate}},
	"encoding/xml.Marshal":             {{0, Iterate}},
	"reflect.DeepEqual":                {{0, Iterate}, {1, Iterate}},
	"(*encoding/xml.Encoder).Encode":   {{1, Iterate}},
	"golang.org/x/exp/maps.Keys":       {{0, Iterate}},
	"golang.org/x/exp/maps.Values":     {{0, Iterate}},
	"golang.org/x/exp/maps.Clone":      {{0, Clone}},
	"golang.org/x/exp/maps.Copy":       {{0, Write}, {1, Iterate}},
	"golang.org/x/exp/maps.DeleteFunc": {{0, Write}},
	"golang.org/x/exp/maps.Clear":      {{0, Write}},
	"golang.org/x/exp/maps.Equal":      {{0, Iterate}, {1, Read}},
	"golang.org/x/exp/maps.EqualFunc":  {{0, Iterate}, {1, Read}},
	"(*encoding/gob.Encoder).Encode":   {{1, Iterate}},
}

// FuncName is the function's full name, with generic instantiations mapped
// to their origin: "maps.Copy", "(*sync.Mutex).Lock".
func FuncName(fn *ssa.Function) string {
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if obj, ok := fn.Object().(*types.Func); ok {
		return obj.FullName()
	}
	return fn.String()
}

// printing lists functions that format their variadic arguments: printing
// a map ranges over it (fmt sorts a map's keys, which reads all of them), so
// `defer log.Printf("%v", stats)` races with a writer like a range does.
var printing = map[string]bool{
	"fmt.Print": true, "fmt.Println": true, "fmt.Printf": true,
	"fmt.Sprint": true, "fmt.Sprintln": true, "fmt.Sprintf": true,
	"fmt.Fprint": true, "fmt.Fprintln": true, "fmt.Fprintf": true,
	"fmt.Errorf": true, "fmt.Appendf": true, "fmt.Append": true, "fmt.Appendln": true,
	"log.Print": true, "log.Println": true, "log.Printf": true,
	"log.Fatal": true, "log.Fatalf": true, "log.Fatalln": true,
	"log.Panic": true, "log.Panicf": true, "log.Panicln": true,
	"(*log.Logger).Print": true, "(*log.Logger).Println": true, "(*log.Logger).Printf": true,
	"(*testing.common).Log": true, "(*testing.common).Logf": true,
	"(*testing.common).Error": true, "(*testing.common).Errorf": true,
	"(*testing.common).Fatal": true, "(*testing.common).Fatalf": true,
}

// printedMaps finds the maps among the values packed into a variadic
// ...any argument. go/ssa builds the slice as
//
//	t0 = new [n]any (varargs)
//	t1 = &t0[i]
//	t2 = make any <- map[K]V (m)
//	*t1 = t2
//	t3 = slice t0[:]
func printedMaps(args, format ssa.Value, verb string, pos token.Pos) []MapOp {
	verbs := formatVerbs(format)
	sl, ok := args.(*ssa.Slice)
	if !ok {
		return nil
	}
	arr, ok := sl.X.(*ssa.Alloc)
	if !ok {
		return nil
	}
	var out []MapOp
	for _, u := range *arr.Referrers() {
		ia, ok := u.(*ssa.IndexAddr)
		if !ok {
			continue
		}
		for _, w := range *ia.Referrers() {
			st, ok := w.(*ssa.Store)
			if !ok || st.Addr != ia {
				continue
			}
			mi, ok := st.Val.(*ssa.MakeInterface)
			if !ok || !walks(verbs, ia.Index) {
				continue
			}
			if IsMap(mi.X.Type()) {
				out = append(out, MapOp{Kind: Iterate, Verb: verb, Map: mi.X, Pos: pos})
			} else {
				out = append(out, fmtWalker.fieldMaps(mi, verb, pos)...)
			}
		}
	}
	return out
}

// formatVerbs returns the verbs of a constant format string, one for each
// argument in order; nil when the format is not a constant or numbers its
// arguments explicitly (then every argument may be printed).
func formatVerbs(format ssa.Value) []byte {
	c, ok := format.(*ssa.Const)
	if !ok || c.Value == nil || c.Value.Kind() != constant.String {
		return nil
	}
	f := constant.StringVal(c.Value)
	var verbs []byte
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		i++
		for i < len(f) && strings.IndexByte("+-# 0123456789.*", f[i]) >= 0 {
			if f[i] == '*' {
				verbs = append(verbs, '*') // a width argument
			}
			i++
		}
		if i >= len(f) {
			break
		}
		switch f[i] {
		case '%':
		case '[':
			return nil
		default:
			verbs = append(verbs, f[i])
		}
	}
	return verbs
}

// walks reports whether the argument at index (an SSA constant) is printed
// with a verb that walks a value's fields or a map's entries: every verb
// but %T, %p and a width's *.
func walks(verbs []byte, index ssa.Value) bool {
	if verbs == nil {
		return true
	}
	c, ok := index.(*ssa.Const)
	if !ok {
		return true
	}
	i, ok := constant.Int64Val(c.Value)
	if !ok || i < 0 || int(i) >= len(verbs) {
		return true
	}
	switch verbs[i] {
	case 'T', 'p', '*':
		return false
	}
	return true
}

// Printing reports whether the function named name formats its arguments
// (fmt.Printf, log.Print, t.Logf, ...).
func Printing(name string) bool { return printing[name] }
