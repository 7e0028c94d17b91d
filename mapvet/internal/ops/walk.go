package ops

import (
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Hidden iteration. Printing or encoding a value that holds a map reads the
// map, though no map appears in the call:
//
//	log.Printf("state: %+v", s)   // fmt walks *s's fields, s.conns among them
//	json.NewEncoder(w).Encode(cfg) // and encoding/json its exported ones
//
// fmt prints a struct's fields (through one pointer at the top: &{...}),
// encoding/json, gob and xml a struct's exported fields (through
// pointers), text/template whatever the template reads. The walkers below
// find the map fields such a call iterates: a struct, or a pointer to one,
// passed directly or in an interface whose dynamic type is known here,
// and its fields' structs down to walkDepth. A type that formats itself
// (fmt.Stringer, error, json.Marshaler, ...) is not walked.

const walkDepth = 3

// walker says how a printing or encoding function walks a value.
type walker struct {
	exportedOnly bool // encoders see exported fields only
	derefNested  bool // encoders follow pointers in fields; fmt prints them as addresses
	selfMethods  []string
}

var (
	fmtWalker  = walker{selfMethods: []string{"String", "Error", "Format", "GoString"}}
	jsonWalker = walker{exportedOnly: true, derefNested: true, selfMethods: []string{"MarshalJSON", "MarshalText"}}
	gobWalker  = walker{exportedOnly: true, derefNested: true, selfMethods: []string{"GobEncode", "MarshalBinary"}}
	xmlWalker  = walker{exportedOnly: true, derefNested: true, selfMethods: []string{"MarshalXML", "MarshalText"}}
	tmplWalker = walker{exportedOnly: true, derefNested: true}
)

// encoders are the functions that walk an argument, and which one.
var encoders = map[string]struct {
	arg int // the value walked; reflect.DeepEqual walks the next one too
	w   walker
}{
	"encoding/json.Marshal":                     {0, jsonWalker},
	"encoding/json.MarshalIndent":               {0, jsonWalker},
	"(*encoding/json.Encoder).Encode":           {1, jsonWalker},
	"(*encoding/gob.Encoder).Encode":            {1, gobWalker},
	"encoding/xml.Marshal":                      {0, xmlWalker},
	"encoding/xml.MarshalIndent":                {0, xmlWalker},
	"(*encoding/xml.Encoder).Encode":            {1, xmlWalker},
	"(*text/template.Template).Execute":         {2, tmplWalker},
	"(*text/template.Template).ExecuteTemplate": {3, tmplWalker},
	"(*html/template.Template).Execute":         {2, tmplWalker},
	"(*html/template.Template).ExecuteTemplate": {3, tmplWalker},
	"reflect.DeepEqual":                         {0, tmplWalker},
}

// fieldMaps returns the maps w iterates when it walks v.
func (w walker) fieldMaps(v ssa.Value, verb string, pos token.Pos) []MapOp {
	if mi, ok := v.(*ssa.MakeInterface); ok {
		v = mi.X
	}
	t := v.Type()
	path := ""
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t, path = p.Elem(), "*"
	}
	var out []MapOp
	w.walk(t, v, path, verb, pos, 0, &out)
	return out
}

func (w walker) walk(t types.Type, v ssa.Value, path, verb string, pos token.Pos, depth int, out *[]MapOp) {
	if depth >= walkDepth || w.formatsItself(t) {
		return
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i := range st.NumFields() {
		f := st.Field(i)
		if w.exportedOnly && !f.Exported() && !f.Embedded() {
			continue
		}
		ft := f.Type()
		fpath := path + "." + f.Name()
		if IsMap(ft) {
			*out = append(*out, MapOp{Kind: Iterate, Verb: verb, Map: v, Pos: pos, Path: fpath, Owner: t, Field: f.Name()})
			continue
		}
		if p, ok := ft.Underlying().(*types.Pointer); ok {
			if !w.derefNested {
				continue
			}
			ft, fpath = p.Elem(), fpath+"*"
		}
		w.walk(ft, v, fpath, verb, pos, depth+1, out)
	}
}

// formatsItself reports whether t (or *t) has a method the walker calls
// instead of walking the fields.
func (w walker) formatsItself(t types.Type) bool {
	for _, name := range w.selfMethods {
		for _, u := range []types.Type{t, types.NewPointer(t)} {
			if obj, _, _ := types.LookupFieldOrMethod(u, true, nil, name); obj != nil {
				if _, isFunc := obj.(*types.Func); isFunc {
					return true
				}
			}
		}
	}
	return false
}

// Encoding reports whether the function named name encodes or walks its
// argument (json.Marshal, gob's Encode, a template's Execute, ...).
func Encoding(name string) bool {
	_, ok := encoders[name]
	return ok
}

// ShortName is a function's name as a program spells it at a call:
// "json.Encoder.Encode" for "(*encoding/json.Encoder).Encode".
func ShortName(name string) string {
	name = strings.NewReplacer("(*", "", "(", "", ")", "").Replace(name)
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return name
}
