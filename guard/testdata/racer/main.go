// Command racer races on a map in the way its argument names. The tests
// build it with plain go and with mapguard and compare the crash reports.
// Each write the reports must name carries a "// site: NAME" comment; the
// tests read the expected file:line from these comments.
package main

import (
	"fmt"
	"maps"
	"os"
	"reflect"
	"sync"
	"time"
)

var sink int

// writeA and writeB update existing keys: the map never grows.
func writeA(m map[int]int) {
	for i := 0; ; i++ {
		m[i%64] = i // site: writeA
	}
}

func writeB(m map[int]int) {
	for i := 0; ; i++ {
		m[i%64] = -i // site: writeB
	}
}

// writeTwo writes m and then another map, over and over: mapguard keeps
// only each goroutine's latest write, so its report must find the write to
// m before the next write to other replaces it.
func writeTwo(m, other map[int]int) {
	for i := 0; ; i++ {
		m[i%64] = i // site: writeTwo
		other[i%64] = i
	}
}

func writeString(m map[string]int) {
	keys := []string{"a", "b", "c", "d"}
	for i := 0; ; i++ {
		m[keys[i%4]] = i // site: writeString
	}
}

// grow inserts new keys forever, so tables keep splitting.
func grow(m map[int]int) {
	for i := 1 << 20; ; i++ {
		m[i] = i // site: grow
	}
}

// deleter deletes the keys of a map filled by filled(n), refilling it when
// it is empty: a delete from an empty map does not write.
func deleter(m map[int]int, n int) {
	for i := 0; ; i++ {
		delete(m, i%n) // site: deleter
		if i%n == n-1 {
			for j := range n {
				m[j] = j // site: deleterFill
			}
		}
	}
}

// clearer refills the map before each clear: clear of an empty map does
// not write.
func clearer(m map[int]int) {
	for i := 0; ; i++ {
		m[i%64] = i // site: clearerFill
		clear(m)    // site: clearer
	}
}

func reflectWriter(m map[int]int) {
	v := reflect.ValueOf(m)
	for i := 0; ; i++ {
		v.SetMapIndex(reflect.ValueOf(i%64), reflect.ValueOf(i)) // site: reflectWriter
	}
}

// chainWriter writes from four calls down: the report's chain at the write
// must name chain4, chain3, chain2 and chain1, in that order, at these
// lines. (noinline keeps each call a frame of its own.)
func chainWriter(m map[int]int) {
	chain1(m)
}

//go:noinline
func chain1(m map[int]int) {
	chain2(m) // site: chain1
}

//go:noinline
func chain2(m map[int]int) {
	chain3(m) // site: chain2
}

//go:noinline
func chain3(m map[int]int) {
	chain4(m) // site: chain3
}

//go:noinline
func chain4(m map[int]int) {
	for i := 0; ; i++ {
		m[i%64] = i // site: chain4
	}
}

func reader(m map[int]int) {
	for i := 0; ; i++ {
		sink += m[i%64]
	}
}

func ranger(m map[int]int) {
	for {
		for _, v := range m {
			sink += v
		}
	}
}

func cloner(m map[int]int) {
	for {
		sink += len(maps.Clone(m))
	}
}

func filled(n int) map[int]int {
	m := make(map[int]int)
	for i := range n {
		m[i] = i
	}
	return m
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: racer writes|writes-string|readwrite|two-maps|iterate|iterate-grown|delete|clear|reflect|clone|chain|parked|strict-gap|strict-sync")
		os.Exit(2)
	}
	m := filled(64)
	switch os.Args[1] {
	case "writes":
		go writeA(m)
		writeB(m)
	case "writes-string":
		ms := map[string]int{}
		go writeString(ms)
		writeString(ms)
	case "readwrite":
		go writeA(m)
		reader(m)
	case "two-maps":
		go writeTwo(m, map[int]int{})
		reader(m)
	case "iterate":
		go writeA(m)
		ranger(m)
	case "iterate-grown":
		big := filled(4096)
		go grow(big)
		ranger(big)
	case "delete":
		const n = 1 << 18
		big := filled(n)
		go deleter(big, n)
		reader(big)
	case "clear":
		go clearer(m)
		reader(m)
	case "reflect":
		go reflectWriter(m)
		reader(m)
	case "clone":
		go writeA(m)
		cloner(m)
	case "chain":
		go chainWriter(m)
		reader(m)
	case "parked":
		parked(m)
	case "strict-gap":
		strictGap(m)
	case "strict-sync":
		strictSync(m)
	default:
		fmt.Fprintf(os.Stderr, "racer: unknown race %q\n", os.Args[1])
		os.Exit(2)
	}
}

// parked races two writers beside 5000 goroutines blocked on a channel.
func parked(m map[int]int) {
	block := make(chan struct{})
	var started sync.WaitGroup
	for range 5000 {
		started.Add(1)
		go func() {
			started.Done()
			<-block
		}()
	}
	started.Wait()
	go writeA(m)
	writeB(m)
}

// strictGap ranges slowly while another goroutine writes, unsynchronized,
// in the gaps between steps. The writes are a data race, but they almost
// never overlap a step, so the stock check does not see them.
func strictGap(m map[int]int) {
	go func() {
		for i := 0; ; i++ {
			time.Sleep(3 * time.Millisecond)
			m[i%64] = i // site: gapWriter
		}
	}()
	steps := 0
	for range m {
		time.Sleep(2 * time.Millisecond)
		steps++
	}
	fmt.Println("ranged", steps, "steps")
}

// strictSync writes between steps, synchronized by channels: not a data
// race, and allowed by the language (which entries the range then produces
// is unspecified). Strict mode reports it all the same.
func strictSync(m map[int]int) {
	step, done := make(chan struct{}), make(chan struct{})
	go func() {
		for i := range step {
			_ = i
			m[1] = 1 // site: syncWriter
			done <- struct{}{}
		}
	}()
	steps := 0
	for range m {
		step <- struct{}{}
		<-done
		steps++
	}
	close(step)
	fmt.Println("ranged", steps, "steps")
}
