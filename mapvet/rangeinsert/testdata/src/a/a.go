package a

import "maps"

func copies(m map[string]int) {
	for k, v := range m {
		m[k+"/copy"] = v // want `insert into m during range over it: the new entry may or may not be visited by this loop; collect inserts in a second map`
	}
}

func noKey(m map[int]int, n int) {
	for range m {
		m[n]++ // want `insert into m during range over it`
		n++
	}
}

type T struct{ idx map[string]bool }

func (t *T) expand(extra map[string]bool) {
	for k := range t.idx {
		if k == "" {
			continue
		}
		maps.Copy(t.idx, extra) // want `insert into t.idx during range over it`
	}
}

// The range key is reassigned, so m[k] may be a new key.
func rekey(m map[string]int) {
	for k, v := range m {
		k = k + "!"
		m[k] = v // want `insert into m during range over it`
	}
}

// An explicitly instantiated generic call is the same call.
func explicit(m, extra map[string]int) {
	for range m {
		maps.Copy[map[string]int, map[string]int](m, extra) // want `insert into m during range over it`
		maps.Insert[map[string]int](m, maps.All(extra))     // want `insert into m during range over it`
	}
}
