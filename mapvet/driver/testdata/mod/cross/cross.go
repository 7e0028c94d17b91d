package cross

import "example.com/mod/cross/lib"

func Spawn() {
	m := map[string]int{}
	lib.Start(m)
	for range m {
	}
}
