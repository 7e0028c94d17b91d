package crashlog

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The testdata files are real crash output of guard/testdata/racer built
// with go1.26: writes-unavailable.txt (GOTRACEBACK=all, the other writer
// running on another thread), writes-both-fatal.txt (both writers
// detected the race), writes-crash.txt (GOTRACEBACK=crash, runtime frames
// and gp=/m= headers), iterate-all.txt, readwrite-single.txt (the default
// GOTRACEBACK).

func read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parseOne(t *testing.T, data []byte) *Crash {
	t.Helper()
	cs, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("%d crashes, want 1", len(cs))
	}
	return cs[0]
}

// summary renders what the analysis uses of a crash.
func summary(c *Crash) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s panic=%v truncated=%v\n", c.Fatal, c.Panic, c.Truncated)
	for _, g := range c.Goroutines {
		fmt.Fprintf(&b, "goroutine %d [%s] unavailable=%v", g.ID, g.State, g.Unavailable)
		if g.CreatedBy != nil {
			fmt.Fprintf(&b, " created by %s at %s:%d in %d", g.CreatedBy.Func, filepath.Base(g.CreatedBy.File), g.CreatedBy.Line, g.CreatorID)
		}
		b.WriteString("\n")
		for _, f := range g.Frames {
			fmt.Fprintf(&b, "  %s %s:%d inlined=%v\n", f.Func, filepath.Base(f.File), f.Line, f.Inlined)
		}
	}
	return b.String()
}

func TestParseReal(t *testing.T) {
	for _, tc := range []struct {
		file, want string
	}{
		{"readwrite-single.txt", `concurrent map read and map write panic=false truncated=false
goroutine 1 [running] unavailable=false
  internal/runtime/maps.fatal panic.go:1181 inlined=false
  main.reader main.go:86 inlined=true
  main.main main.go:128 inlined=false
`},
		{"writes-unavailable.txt", `concurrent map writes panic=false truncated=false
goroutine 1 [running] unavailable=false
  internal/runtime/maps.fatal panic.go:1181 inlined=false
  main.writeB main.go:27 inlined=true
  main.main main.go:121 inlined=false
goroutine 19 [running] unavailable=true created by main.main at main.go:120 in 1
`},
		{"writes-both-fatal.txt", `concurrent map writes panic=false truncated=false
goroutine 1 [running] unavailable=false
  internal/runtime/maps.fatal panic.go:1181 inlined=false
  main.writeB main.go:27 inlined=true
  main.main main.go:121 inlined=false
goroutine 19 [runnable] unavailable=false created by main.main at main.go:120 in 1
  internal/runtime/maps.fatal panic.go:1180 inlined=false
  main.writeA main.go:21 inlined=true
`},
	} {
		if got := summary(parseOne(t, read(t, tc.file))); got != tc.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.file, got, tc.want)
		}
	}
	c := parseOne(t, read(t, "writes-crash.txt")) // GOTRACEBACK=crash
	if len(c.Goroutines) != 7 || c.Goroutines[0].ID != 19 || c.Goroutines[0].Frames[2].Func != "runtime.mapassign_fast64" {
		t.Errorf("GOTRACEBACK=crash dump:\n%s", summary(c))
	}
}

// wrap applies a log prefix to every line; prefix gets the line's index.
func wrap(data []byte, prefix func(i int) string) []byte {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		b.WriteString(prefix(i) + l + "\n")
	}
	return []byte(b.String())
}

func jsonLines(data []byte, record func(line string, i int) any) []byte {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		j, err := json.Marshal(record(l, i))
		if err != nil {
			panic(err)
		}
		b.Write(j)
		b.WriteString("\n")
	}
	return []byte(b.String())
}

func TestWrappings(t *testing.T) {
	plain := read(t, "writes-both-fatal.txt")
	want := summary(parseOne(t, plain))
	for name, data := range map[string][]byte{
		// containerd's CRI format: the nanoseconds have as many digits as
		// they need.
		"CRI": wrap(plain, func(i int) string {
			return fmt.Sprintf("2026-05-01T10:00:%02d.%dZ stderr F ", i%60, []int{5, 123456789, 40}[i%3])
		}),
		// syslog pads a one-digit day with a space.
		"syslog":  wrap(plain, func(i int) string { return fmt.Sprintf("May  %d 10:00:%02d host app[917]: ", 1+i%9, i) }),
		"compose": wrap(plain, func(int) string { return "web-1  | " }),
		"logger":  wrap(plain, func(i int) string { return fmt.Sprintf("2026/05/01 10:00:%02d [stderr] ", i%60) }),
		"docker json": jsonLines(plain, func(l string, i int) any {
			return map[string]any{"log": l + "\n", "stream": "stderr", "time": "2026-05-01T10:00:00Z"}
		}),
		"journald": jsonLines(plain, func(l string, i int) any {
			return map[string]any{"MESSAGE": l, "_PID": "917", "PRIORITY": "3", "__CURSOR": fmt.Sprint("s=", i)}
		}),
		"nested json": jsonLines(plain, func(l string, i int) any {
			return map[string]any{"jsonPayload": map[string]any{"message": l}, "severity": "ERROR"}
		}),
		"one record": jsonLines([]byte("x"), func(string, int) any { return map[string]any{"textPayload": string(plain)} }),
		// A logger that drops blank lines and leading tabs.
		"squeezed": []byte(strings.NewReplacer("\n\n", "\n", "\n\t", "\n").Replace(string(plain))),
		// Another writer's lines between the crash's lines.
		"interleaved": []byte(strings.Replace(string(plain), "\ngoroutine 19", "\nINFO request served in 3ms\n\ngoroutine 19", 1)),
	} {
		c, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := summary(c[0]); got != want {
			t.Errorf("%s:\n%s\nwant:\n%s", name, got, want)
		}
	}
	// Other records of a JSON log (metadata, other streams) are dropped.
	mixed := append([]byte(`{"level":"info","msg":"starting"}`+"\n"), jsonLines(plain, func(l string, i int) any { return map[string]any{"log": l + "\n"} })...)
	if c, err := Parse(mixed); err != nil || summary(c[0]) != want {
		t.Errorf("mixed JSON records: %v", err)
	}
}

func TestSeveralCrashes(t *testing.T) {
	a, b := read(t, "readwrite-single.txt"), read(t, "iterate-all.txt")
	log := "service started\n" + string(a) + "restarting\nservice started\n" + string(b)
	cs, err := Parse([]byte(log))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Fatal != "concurrent map read and map write" || cs[1].Fatal != "concurrent map iteration and map write" {
		t.Fatalf("got %d crashes", len(cs))
	}
	second := 1 + strings.Count(string(a), "\n") + 2 + 1 // "service started", a, "restarting", "service started"
	if cs[0].Line != 2 || cs[1].Line != second {
		t.Errorf("crash lines %d and %d, want 2 and %d", cs[0].Line, cs[1].Line, second)
	}
	if len(cs[0].Goroutines) != 1 || len(cs[1].Goroutines) != 2 {
		t.Errorf("goroutines %d and %d, want 1 and 2", len(cs[0].Goroutines), len(cs[1].Goroutines))
	}
}

func TestTwoMessagesOneCrash(t *testing.T) {
	// Two goroutines that detect the race together both print the message.
	data := "fatal error: concurrent map writes\n" + string(read(t, "writes-both-fatal.txt"))
	if c := parseOne(t, []byte(data)); len(c.Goroutines) != 2 {
		t.Errorf("%d goroutines, want 2", len(c.Goroutines))
	}
}

func TestTruncated(t *testing.T) {
	plain := string(read(t, "writes-both-fatal.txt"))
	cut := plain[:strings.Index(plain, "main.writeA(...)")+len("main.writeA(...)")]
	c := parseOne(t, []byte(cut))
	if !c.Truncated || c.Goroutines[0].ID != 1 {
		t.Errorf("truncated=%v, reporter %d\n%s", c.Truncated, c.Goroutines[0].ID, summary(c))
	}
	// A line after the dump that looks like a call is not a frame.
	c = parseOne(t, []byte(plain+"maplab repro writes: child exited with status 2 (the expected fatal error)\n"))
	if c.Truncated {
		t.Errorf("a trailing line made the dump look truncated:\n%s", summary(c))
	}
}

func TestBuildInfo(t *testing.T) {
	bi := "go\tgo1.26.8\npath\texample.com/shop/cmd/api\nmod\texample.com/shop\tv1.4.2\th1:abc=\nbuild\tvcs.revision=0123456789abcdef\nbuild\tvcs.modified=false\n"
	data := wrap([]byte(bi), func(int) string { return "api-1  | " })
	data = append(data, wrap(read(t, "readwrite-single.txt"), func(int) string { return "api-1  | " })...)
	c := parseOne(t, data)
	if c.Build == nil || c.Build.Main.Path != "example.com/shop" || c.Build.Main.Version != "v1.4.2" || len(c.Build.Settings) != 2 || c.Build.Settings[1].Key != "vcs.modified" {
		t.Fatalf("build info %+v", c.Build)
	}
}

func TestPanic(t *testing.T) {
	data := "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:5 +0x1d\nexit status 2\n"
	c := parseOne(t, []byte(data))
	if !c.Panic || c.Fatal != "runtime error: index out of range [3] with length 3" {
		t.Errorf("panic=%v fatal=%q", c.Panic, c.Fatal)
	}
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"empty", "", "empty input"},
		{"blank", "\n \n", "empty input"},
		{"no crash", "INFO starting\nINFO listening on :8080\n", "no Go crash found"},
		{"NUL", "fatal error: \x00\x01\x02", "binary data (a NUL byte"},
		{"not UTF-8", strings.Repeat("\xff\xfe\xfa", 100), "binary data"},
		{"message only", "fatal error: concurrent map writes\n", "no goroutine stack follows it"},
		{"stack only", "SIGQUIT: quit\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:5 +0x1d\n", "no \"fatal error:\" or \"panic:\" message comes before it"},
	} {
		_, err := Parse([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error spans lines: %q", tc.name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"readwrite-single.txt", "writes-unavailable.txt", "writes-both-fatal.txt", "iterate-all.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"log":"fatal error: concurrent map writes\n"}` + "\n" + `{"log":"goroutine 1 [running]:\n"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := Parse(data) // must not panic
		if err == nil && len(cs) == 0 {
			t.Fatal("no error and no crash")
		}
	})
}
