// Package lazyreset is package lazy's table with one more function: a store
// of a whole table, which can make byName nil again.
package lazyreset

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

func Reset() { *static = table{} }

func fromGoroutines() {
	go static.search("a")
	_ = static.search("b") // want `write to static.byName may run while the goroutine started at lazyreset.go:29 writes it`
}
