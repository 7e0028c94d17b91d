// Package lazy builds a table's maps on first use, as x/net's hpack does
// with headerFieldTable.search; its static table is built in its
// declaration, so only dynamic tables ever run build.
package lazy

type table struct {
	ents   []string
	byName map[string]int
}

func (t *table) build() {
	t.byName = make(map[string]int, len(t.ents))
	for i, e := range t.ents {
		t.byName[e] = i
	}
}

func (t *table) search(name string) int {
	if t.byName == nil {
		t.build()
	}
	return t.byName[name]
}

var static = &table{ents: []string{"a"}, byName: map[string]int{"a": 0}}

// Find searches the static table; safe from any goroutine.
func Find(name string) int { return static.search(name) }

func staticFromGoroutines() {
	go Find("a")
	go Find("b")
	_ = static.search("c")
}

// A dynamic table starts with nil maps: two goroutines may both build it.
var dynamic = &table{ents: []string{"a"}}

func dynamicFromGoroutines() {
	go dynamic.search("a")
	_ = dynamic.search("b") // want `write to dynamic.byName may run while the goroutine started at lazy.go:40 writes it`
}

// A variable of a struct type, not a pointer, is the same.
var staticValue = table{ents: []string{"a"}, byName: map[string]int{"a": 0}}

func staticValueFromGoroutines() {
	go staticValue.search("a")
	_ = staticValue.search("b")
}
