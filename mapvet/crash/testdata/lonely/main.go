// Command lonely reads a map that nothing else touches. The crash log
// beside it (crash.txt) is written by hand: it names this read as the
// crashing access, so that mapvet crash has no other access to offer and
// exits 0.
package main

var table = map[string]int{"a": 1}

func lookup(k string) int {
	return table[k]
}

func main() {
	println(lookup("a"))
}
