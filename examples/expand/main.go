// Command expand adds aliases to a map while ranging over it; whether the
// loop then visits the aliases it added is unspecified, so the result can
// differ from run to run (mapvet: rangeinsert).
package main

import "fmt"

func withAliases(names map[string]bool) {
	for name := range names {
		names[name+".alias"] = true
	}
}

func main() {
	names := map[string]bool{"a": true, "b": true}
	withAliases(names)
	fmt.Println(len(names))
}
