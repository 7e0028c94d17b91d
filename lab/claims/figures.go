package claims

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/mapsafe/mapsafe/lab/child"
)

// figures parses the "name: value" lines a lab program prints.
func figures(stdout []byte) map[string]string {
	var f map[string]string
	for _, l := range strings.Split(string(stdout), "\n") {
		name, value, ok := strings.Cut(l, ": ")
		if !ok || name == "" || strings.ContainsAny(name, "\t") {
			continue
		}
		if f == nil {
			f = map[string]string{}
		}
		if _, dup := f[name]; !dup {
			f[name] = strings.TrimSpace(value)
		}
	}
	return f
}

// figureInt reads an integer figure; missing or malformed is an error that
// names the figure, the program and what it printed.
func figureInt(r child.Result, name string) (int, error) {
	s, ok := r.Line(name + ":")
	if !ok {
		return 0, fmt.Errorf("%s printed no %q figure (exit status %d: %s)", r.Program, name, r.ExitCode, r.Excerpt())
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%s: figure %q is %q, not an integer", r.Program, name, s)
	}
	return n, nil
}

func figureFloat(r child.Result, name string) (float64, error) {
	s, ok := r.Line(name + ":")
	if !ok {
		return 0, fmt.Errorf("%s printed no %q figure (exit status %d: %s)", r.Program, name, r.ExitCode, r.Excerpt())
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: figure %q is %q, not a number", r.Program, name, s)
	}
	return x, nil
}

// gcRuntime labels the current toolchain's runtime in the evidence.
func gcRuntime() string {
	return fmt.Sprintf("gc %s %s/%s (Swiss-table map)", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// outcome is what one child run ended as, for counting repeated runs.
type outcome struct {
	Exit  int
	Fatal string
}

func (o outcome) String() string {
	if o.Fatal != "" {
		return fmt.Sprintf("exit %d, fatal error: %s", o.Exit, o.Fatal)
	}
	return fmt.Sprintf("exit %d", o.Exit)
}

// repeat runs a program n times and records one run per distinct outcome
// (so the evidence lists "exit 0: 50 of 50 runs" rather than 50 rows).
func (t *trial) repeat(ctx context.Context, what string, s child.Spec, n int) (map[outcome]int, error) {
	counts := map[outcome]int{}
	first := map[outcome]child.Result{}
	for i := 0; i < n; i++ {
		res, err := child.Run(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		o := outcome{res.ExitCode, res.Fatal()}
		if _, ok := first[o]; !ok {
			first[o] = res
		}
		counts[o]++
	}
	var keys []outcome
	for o := range counts {
		keys = append(keys, o)
	}
	sort.Slice(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
	for _, o := range keys {
		t.record(fmt.Sprintf("%s: %s in %d of %d runs", what, o, counts[o], n), gcRuntime(), first[o])
	}
	return counts, nil
}

// histogram renders outcome counts, most frequent first.
func histogram(counts map[outcome]int) string {
	var keys []outcome
	for o := range counts {
		keys = append(keys, o)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i].Exit < keys[j].Exit
	})
	var parts []string
	for _, o := range keys {
		parts = append(parts, fmt.Sprintf("%s ×%d", o, counts[o]))
	}
	return strings.Join(parts, ", ")
}

// isMapFatal reports whether a fatal error message is one of the runtime's
// map race errors.
func isMapFatal(msg string) bool {
	return strings.HasPrefix(msg, "concurrent map ")
}
