package crash

import "testing"

func TestLiteralDepth(t *testing.T) {
	for name, want := range map[string]int{
		"main.main":                                0,
		"main.main.func1":                          1,
		"main.(*T).m.func2.1":                      2,
		"main.main.gowrap1":                        0,
		"main.main.func1.gowrap2":                  1,
		"example.com/x/repro.init.0":               0,
		"example.com/x/repro.init.0.program.func1": 1,
		"repro.rangeInDefer[...].func3":            1,
	} {
		if got := literalDepth(name); got != want {
			t.Errorf("literalDepth(%q) = %d, want %d", name, got, want)
		}
	}
}

func TestTopName(t *testing.T) {
	for _, tc := range []struct{ pkg, name, want string }{
		{"main", "main.reader", "reader"},
		{"main", "main.(*Cache).refresh.func1", "(*Cache).refresh"},
		{"main", "main.main.func1.2", "main"},
		{"example.com/app/cache", "example.com/app/cache.(*Cache[...]).Get", "(*Cache).Get"},
		{"example.com/app/cache", "example.com/app/cache.Cache.Get", "Cache.Get"},
		{"example.com/app/cache", "example.com/app/cache.New.func1", "New"},
		{"github.com/x/repro", "github.com/x/repro.writeForever[...]", "writeForever"},
		{"gopkg.in/yaml.v2", "gopkg.in/yaml.v2.(*decoder).unmarshal.func1", "(*decoder).unmarshal"},
	} {
		if got := topName(tc.pkg, tc.name); got != tc.want {
			t.Errorf("topName(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNamesDecl(t *testing.T) {
	for _, tc := range []struct {
		pkg, name, decl string
		want            bool
	}{
		{"main", "main.reader", "reader", true},
		{"main", "main.(*Cache).refresh.func1", "(*Cache).refresh", true},
		{"main", "main.main.func1.2", "main", true},
		{"example.com/app/cache", "example.com/app/cache.(*Cache[...]).Get", "(*Cache).Get", true},
		{"example.com/app/cache", "example.com/app/cache.Cache.Get", "Cache.Get", true},
		// literals of functions inlined into their callers
		{"main", "main.main.(*Sessions).touch.func1", "(*Sessions).touch", true},
		{"example.com/x/repro", "example.com/x/repro.init.0.program.func1", "program", true},
		{"main", "main.main.(*Sessions).touch.func1", "main", false},
		{"main", "main.(*Cache).refresh.func1", "refresh", false},
		{"main", "main.writer", "reader", false},
	} {
		if got := namesDecl(tc.pkg, tc.name, tc.decl); got != tc.want {
			t.Errorf("namesDecl(%q, %q) = %v, want %v", tc.name, tc.decl, got, tc.want)
		}
	}
}
