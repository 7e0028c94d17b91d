package paralleltest

import (
	"fmt"
	"testing"
)

// TestRegister shares one registry between parallel subtests. It crashes
// the test binary; the mapvet crash tests build it with go test -c and run
// it on purpose (it is under testdata, so go test ./... never runs it).
func TestRegister(t *testing.T) {
	r := New()
	for i := range 4 {
		t.Run(fmt.Sprint("worker", i), func(t *testing.T) {
			t.Parallel()
			for j := 0; j < 10_000_000; j++ {
				r.Add(fmt.Sprint("name-", j%64))
			}
		})
	}
}
