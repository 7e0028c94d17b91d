package mapbench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mapsafe/mapsafe/internal/cli"
	"github.com/mapsafe/mapsafe/lab/child"
)

func TestMain(m *testing.M) {
	child.Main() // this test binary is also the benchmark's child process
	m.Run()
}

// TestEveryContestant runs every workload on every map, briefly, and
// checks the lines parse back.
func TestEveryContestant(t *testing.T) {
	for _, c := range Contestants {
		for _, kt := range []string{"int", "string"} {
			var out bytes.Buffer
			g := group{Map: c.Name, KeyType: kt, Keys: 100, Time: time.Millisecond}
			if err := measureGroup(&out, g); err != nil {
				t.Fatalf("%s %s: %v", c.Name, kt, err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			want := len(Workloads(2)) // GOMAXPROCS may differ; count below
			if len(lines) < want-2 {
				t.Errorf("%s %s: %d lines, want about %d:\n%s", c.Name, kt, len(lines), want, out.String())
			}
			for _, s := range lines {
				l, err := parseLine(s)
				if err != nil {
					t.Fatal(err)
				}
				if l.String() != s {
					t.Errorf("line %q prints back as %q", s, l)
				}
				if ns, _ := l.Metric("ns/op"); ns <= 0 {
					t.Errorf("%s: ns/op %v", s, ns)
				}
				if _, ok := parseName(l.Name); !ok {
					t.Errorf("name %q does not parse", l.Name)
				}
			}
		}
	}
}

func TestSnapshotOnlyWhereConsistent(t *testing.T) {
	for _, c := range Contestants {
		_, ok := c.newInt().(Snapshotter[int])
		want := c.Name != "sync.Map" && c.Name != "xsync" && c.Name != "orcaman"
		if ok != want {
			t.Errorf("%s: Snapshotter %v, want %v", c.Name, ok, want)
		}
	}
}

// TestCommand runs maplab bench -json end to end (child processes and all)
// on two maps and one small key set.
func TestCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	env := cli.Env{Args: []string{"-json", "-maps", "Snapshot,xsync", "-keys", "1e3", "-key", "int",
		"-rounds", "2", "-time", "1ms", "-md", t.TempDir() + "/t.md", "-svg", t.TempDir() + "/t.svg"},
		Stdout: &stdout, Stderr: &stderr}
	if err := Command(env); err != nil {
		t.Fatalf("bench: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "bench: round 2/2") {
		t.Errorf("no progress line on stderr:\n%s", stderr.String())
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("not a JSON object: %q: %v", line, err)
		}
		for _, k := range []string{"map", "reads", "keys", "goroutines", "ns_per_op", "allocs_per_op"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("object %s has no %q", line, k)
			}
		}
		if obj["rounds"] != 2.0 {
			t.Errorf("object %s: rounds %v, want 2", line, obj["rounds"])
		}
		n++
	}
	if n < 20 {
		t.Errorf("%d objects, want one per map and workload", n)
	}
}

func TestCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-maps", "nosuch"}, `-maps: no map named "nosuch"`},
		{[]string{"-keys", "1e3,x"}, `-keys: "x" is not a key count`},
		{[]string{"-key", "float"}, `-key: "float" is not a key type`},
		{[]string{"-work", "sleep"}, `-work: "sleep" is not a workload kind`},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		var stderr bytes.Buffer
		err := Command(cli.Env{Args: tc.args, Stdout: &bytes.Buffer{}, Stderr: &stderr})
		if err == nil || !strings.Contains(err.Error(), tc.want) || cli.Code("maplab", err, &bytes.Buffer{}) != 2 {
			t.Errorf("bench %v: error %v, want a usage error containing %q", tc.args, err, tc.want)
		}
	}
}

func TestSummarizeAndReports(t *testing.T) {
	mk := func(m string, ns float64, round int) Line {
		return Line{Name: benchName(m, "int", 1e6, Workload{Mix, 99, 2}), Procs: 2, N: 1, Round: round,
			Metrics: []Metric{{ns, "ns/op"}, {0, "allocs/op"}, {40, "B/entry"}}}
	}
	// Per-round ratios 10/12.5, 30/37.5, 20/100: median 0.8; the ratio
	// of the medians would be 20/37.5.
	rs := Summarize([]Line{mk("Snapshot", 10, 0), mk("xsync", 12.5, 0), mk("Snapshot", 30, 1), mk("xsync", 37.5, 1),
		mk("Snapshot", 20, 2), mk("xsync", 100, 2)})
	if len(rs) != 2 || rs[0].NsPerOp != 20 || rs[0].Rounds != 3 || rs[0].VsXsync != 0.8 {
		t.Fatalf("Summarize = %+v", rs)
	}
	md := Markdown(Config{Rounds: 3, Time: time.Millisecond, Maps: []string{"Snapshot", "xsync"},
		KeyTypes: []string{"int"}, Keys: []int{1e6}}, rs)
	if !strings.Contains(md, "| Snapshot, 1e6 int keys, 99% reads, 2 goroutines: <= 1.0x xsync | 0.80x (medians 20.0 vs 37.5 ns/op) | yes |") {
		t.Errorf("Markdown has no met 99%% target:\n%s", md)
	}
	if svg := SVG(rs); !strings.Contains(svg, "<title>Snapshot int reads=99%/g=2: 0.80x</title>") {
		t.Errorf("SVG has no bar for Snapshot:\n%s", svg)
	}
}

func TestParseRaw(t *testing.T) {
	raw := "goos: linux\n" +
		"BenchmarkMaps/map=Snapshot/key=int/keys=1e3/work=reads99/g=2-2\t10\t5 ns/op\n" +
		"BenchmarkMaps/map=xsync/key=int/keys=1e3/work=reads99/g=2-2\t10\t6 ns/op\n" +
		"BenchmarkMaps/map=Snapshot/key=int/keys=1e3/work=reads99/g=2-2\t10\t7 ns/op\n"
	lines, err := ParseRaw(strings.NewReader(raw))
	if err != nil || len(lines) != 3 || lines[0].Round != 0 || lines[1].Round != 0 || lines[2].Round != 1 {
		t.Fatalf("ParseRaw = %+v, %v", lines, err)
	}
	cfg := DefaultConfig().covering(lines)
	if cfg.Rounds != 2 || len(cfg.Maps) != 2 || len(cfg.Keys) != 1 || len(cfg.KeyTypes) != 1 {
		t.Errorf("covering = %+v", cfg)
	}
	if _, err := ParseRaw(strings.NewReader("BenchmarkX 1 2\n")); err == nil {
		t.Error("a malformed line parsed")
	}
}
