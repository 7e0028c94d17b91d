// Command cgoracer races on a map from a cgo callback: C calls goWrite in a
// loop while main reads the map. The callback's frame chain leaves the
// goroutine's stack at the C frames, which mapguard's recorder must stop at.
package main

/*
extern void goWrite(int);

static void cWrite(int n) {
	for (int i = 0; ; i++) {
		goWrite(i % n);
	}
}
*/
import "C"

import (
	"fmt"
	"os"
)

var sink int

// note is set by a file that only a user's overlay adds (the tests use it to
// see that mapguard merged that overlay with its own).
var note = "no user overlay"

//export goWrite
func goWrite(i C.int) {
	m[int(i)] = int(i) // site: goWrite
}

var m = map[int]int{}

func main() {
	fmt.Fprintln(os.Stderr, "cgoracer:", note)
	for i := range 64 {
		m[i] = i
	}
	go C.cWrite(64)
	for i := 0; ; i++ {
		sink += m[i%64]
		if i == -1 {
			fmt.Println(sink)
		}
	}
}
