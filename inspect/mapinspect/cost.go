package mapinspect

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Cost is what a Config will take: the memory the map holds at its
// largest, the time the fill (and tracing) takes and the bytes written.
type Cost struct {
	Bytes       float64 // memory the map holds at its largest
	Seconds     float64 // fill, deletes and tracing
	OutputBytes float64 // text, JSON
}

// Per-entry figures behind Cost, measured with scripts/bench-trace.sh
// (docs/inspector.md: "Cost of a request"), rounded up: a map[int]int's
// resident memory per entry at its largest (gc: tables up to half empty
// after a doubling; gccgo: buckets at half load plus the old array while
// it is evacuated, and a garbage collector that frees late), the time per
// insert or delete and per traced step on one core, and the output per
// entry of the formats that list every group or bucket.
const (
	gcBytesPerEntry    = 48
	gccgoBytesPerEntry = 160
	gcNsPerWrite       = 250
	gccgoNsPerWrite    = 500
	nsPerTracedStep    = 400
	textGroupsPerEntry = 60 // -groups -all
	jsonGroupsPerEntry = 8  // -json -groups
)

// Limits above which Run warns before it starts.
const (
	warnBytes   = 1 << 30
	warnSeconds = 60
)

// Cost estimates what c will take.
func (c Config) Cost() Cost {
	perEntry, nsPerWrite := float64(gcBytesPerEntry), float64(gcNsPerWrite)
	if runtime.Compiler == "gccgo" {
		perEntry, nsPerWrite = gccgoBytesPerEntry, gccgoNsPerWrite
	}
	entries := float64(c.N)
	if h := float64(c.Hint); h > entries {
		entries = h
	}
	k := Cost{Bytes: entries * perEntry, Seconds: float64(c.N+c.Delete) * nsPerWrite / 1e9}
	if c.Trace {
		k.Seconds += float64(c.N) * nsPerTracedStep / 1e9
	}
	switch {
	case c.JSON && c.Groups:
		k.OutputBytes = entries * jsonGroupsPerEntry
	case !c.JSON && c.Groups && c.All:
		k.OutputBytes = entries * textGroupsPerEntry
	}
	return k
}

// checkCost refuses a request that needs more memory than the machine has
// (memTotal bytes; 0 if unknown) and returns a warning for one that will
// take minutes or gigabytes.
func (c Config) checkCost(memTotal float64) (warning string, err error) {
	k := c.Cost()
	if memTotal > 0 && k.Bytes > memTotal {
		return "", fmt.Errorf("%s needs about %s of memory, more than this machine's %s: use a smaller -n or -hint", c.flags(), size(k.Bytes), size(memTotal))
	}
	if k.Bytes < warnBytes && k.OutputBytes < warnBytes && k.Seconds < warnSeconds {
		return "", nil
	}
	w := fmt.Sprintf("%s will take about %s of memory and %.0f s", c.flags(), size(k.Bytes), k.Seconds)
	if k.OutputBytes >= warnBytes {
		w += fmt.Sprintf(", and write about %s", size(k.OutputBytes))
	}
	return w + " (Ctrl-C to stop)", nil
}

// flags names the flags that decide the cost.
func (c Config) flags() string {
	s := "-n " + strconv.Itoa(c.N)
	if c.Hint > 0 {
		s += " -hint " + strconv.Itoa(c.Hint)
	}
	if c.Trace {
		s += " -trace"
	}
	return s
}

func size(b float64) string {
	if b >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", b/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", b/(1<<20))
}

// memTotal is the machine's memory from /proc/meminfo, 0 if unknown.
func memTotal() float64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			kb, err := strconv.ParseFloat(f[1], 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}
