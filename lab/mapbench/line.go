package mapbench

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// A Line is one result in the Go benchmark format:
//
//	BenchmarkMaps/map=Snapshot/key=int/keys=1e6/work=reads99/g=2-2  1000000  31.2 ns/op  0 allocs/op  38.5 B/entry
type Line struct {
	Name    string // without the -GOMAXPROCS suffix
	Procs   int
	N       int64
	Metrics []Metric
	Round   int // the round it was measured in (not printed)
}

// A Metric is a value and its unit.
type Metric struct {
	Value float64
	Unit  string
}

func (l Line) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s-%d\t%d", l.Name, l.Procs, l.N)
	for _, m := range l.Metrics {
		fmt.Fprintf(&b, "\t%s %s", strconv.FormatFloat(m.Value, 'g', 4, 64), m.Unit)
	}
	return b.String()
}

// Metric returns the value of the metric with the given unit.
func (l Line) Metric(unit string) (float64, bool) {
	for _, m := range l.Metrics {
		if m.Unit == unit {
			return m.Value, true
		}
	}
	return 0, false
}

// ParseRaw reads the raw output of an earlier run: its benchmark lines,
// the round of each being the number of times its name came before.
func ParseRaw(r io.Reader) ([]Line, error) {
	var lines []Line
	seen := map[string]int{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "Benchmark") {
			continue // configuration lines
		}
		l, err := parseLine(sc.Text())
		if err != nil {
			return nil, err
		}
		l.Round = seen[l.Name]
		seen[l.Name]++
		lines = append(lines, l)
	}
	return lines, sc.Err()
}

// parseLine parses a line written by Line.String.
func parseLine(s string) (Line, error) {
	f := strings.Fields(s)
	if len(f) < 4 || len(f)%2 != 0 || !strings.HasPrefix(f[0], "Benchmark") {
		return Line{}, fmt.Errorf("not a benchmark line: %q", s)
	}
	var l Line
	i := strings.LastIndexByte(f[0], '-')
	if i < 0 {
		return Line{}, fmt.Errorf("benchmark line without -GOMAXPROCS: %q", s)
	}
	var err error
	l.Name = f[0][:i]
	if l.Procs, err = strconv.Atoi(f[0][i+1:]); err != nil {
		return Line{}, fmt.Errorf("benchmark line %q: %v", s, err)
	}
	if l.N, err = strconv.ParseInt(f[1], 10, 64); err != nil {
		return Line{}, fmt.Errorf("benchmark line %q: %v", s, err)
	}
	for j := 2; j < len(f); j += 2 {
		v, err := strconv.ParseFloat(f[j], 64)
		if err != nil {
			return Line{}, fmt.Errorf("benchmark line %q: %v", s, err)
		}
		l.Metrics = append(l.Metrics, Metric{v, f[j+1]})
	}
	return l, nil
}
