package a

import (
	"os"
	"sync"
)

// The encoding/gob shape: a map used only while the package initializes,
// then dropped for a copy-on-write one. After init typesInit is nil, so the
// goroutines below never reach it.
var typesInit = map[string]int{}

var typesLater sync.Map

func lookupType(name string) int {
	if m := typesInit; m != nil {
		return m[name]
	}
	v, _ := typesLater.Load(name)
	n, _ := v.(int)
	return n
}

func registerType(name string, id int) {
	if m := typesInit; m != nil {
		m[name] = id
		return
	}
	typesLater.Store(name, id)
}

func init() {
	registerType("int", 1)
	for name, id := range typesInit {
		typesLater.Store(name, id)
	}
	typesInit = nil
}

func stressTypes(names []string) {
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(2)
		go func() { defer wg.Done(); registerType(n, i) }()
		go func() { defer wg.Done(); _ = lookupType(n) }()
	}
	wg.Wait()
}

// Not init-only: a function other than init gives the variable a map again.
var refilled = map[string]int{}

func init() { refilled = nil }

func refill() { refilled = map[string]int{} }

func useRefilled(n string) {
	if m := refilled; m != nil {
		m[n] = 1
	}
}

func stressRefilled(names []string) {
	for _, n := range names {
		go useRefilled(n) // want `goroutines started here in a loop all write refilled at initonly.go:59, with no common lock \(fatal error: concurrent map writes\)`
	}
}

// Not init-only: init drops the map only on one path.
var kept = map[string]int{}

func init() {
	if os.Getenv("KEEP") == "" {
		kept = nil
	}
}

func useKept(n string) {
	if m := kept; m != nil {
		m[n] = 1
	}
}

func stressKept(names []string) {
	for _, n := range names {
		go useKept(n) // want `goroutines started here in a loop all write kept at initonly.go:80, with no common lock \(fatal error: concurrent map writes\)`
	}
}
