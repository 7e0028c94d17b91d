//go:build unix

package viz

import (
	"context"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mapsafe/mapsafe/classic/op"
	"github.com/mapsafe/mapsafe/internal/testenv"
)

var screenshots = flag.String("screenshots", "", "directory to write the visualizer's screenshots to (docs/img to refresh them)")

// browserDeadline bounds the whole browser session, shutdown included: a
// Chromium that stops answering is killed (its whole process group) and
// the test fails, instead of hanging until the test binary's timeout.
const browserDeadline = 150 * time.Second

// browser starts headless Chromium and returns a context for chromedp.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := testenv.Chromium(t)
	var cmdp atomic.Pointer[exec.Cmd]
	watchdog := time.AfterFunc(browserDeadline, func() {
		t.Errorf("chromium did not finish within %v: killing it", browserDeadline)
		if c := cmdp.Load(); c != nil && c.Process != nil {
			syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		}
	})
	t.Cleanup(func() { watchdog.Stop() }) // registered first, so it runs after the browser's own cleanups
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
			if cmd.SysProcAttr == nil {
				cmd.SysProcAttr = &syscall.SysProcAttr{}
			}
			cmd.SysProcAttr.Setpgid = true
			cmdp.Store(cmd)
		}),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1400, 1000),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, browserDeadline-10*time.Second)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		testenv.Missing(t, "chromium did not start: %v", err)
	}
	return ctx
}

// The page, served as maplab viz serves it, steps through a doubling grow
// and draws what the frame data says: header, both bucket arrays with
// their evacuation marks, the iterator cursor; stepping with the buttons
// moves one frame. The exported file draws the same, and the Swiss
// scenario draws the real map's tables and control bytes.
func TestBrowser(t *testing.T) {
	d := buildOnce(t)
	h, err := Handler(d)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := browser(t)

	grow := scenario(t, d, "grow")
	mid := midGrow(t, grow)
	f := grow.Classic[mid]
	open(t, ctx, srv.URL+"/?load=1#grow/"+strconv.Itoa(mid))
	growing := eval[string](t, ctx, `document.getElementById("hdr-growing").textContent`)
	count := eval[string](t, ctx, `document.getElementById("hdr-count").textContent`)
	stepText := eval[string](t, ctx, `document.getElementById("step").textContent`)
	oldChains := eval[int](t, ctx, `document.querySelectorAll("#old > .chain").length`)
	evacChains := eval[int](t, ctx, `document.querySelectorAll("#old > .chain.evacuated").length`)
	newChains := eval[int](t, ctx, `document.querySelectorAll("#buckets > .chain").length`)
	iterSlots := eval[int](t, ctx, `document.querySelectorAll(".array .slot.iter-slot").length`)
	liveOld := eval[int](t, ctx, `document.querySelectorAll('#old .slot[data-state="live"]').length`)
	liveNew := eval[int](t, ctx, `document.querySelectorAll('#buckets .slot[data-state="live"]').length`)
	if growing != "doubling" || count != strconv.Itoa(f.Header.Count) {
		t.Errorf("header: growing %q count %s, want doubling %d", growing, count, f.Header.Count)
	}
	if want := fmt.Sprintf("step %d / %d", mid+1, len(grow.Classic)); stepText != want {
		t.Errorf("step counter %q, want %q", stepText, want)
	}
	if oldChains != len(f.Old) || evacChains != f.Header.Evacuated || newChains != len(f.Buckets) {
		t.Errorf("drawn %d old buckets (%d evacuated) and %d buckets; frame has %d (%d evacuated) and %d",
			oldChains, evacChains, newChains, len(f.Old), f.Header.Evacuated, len(f.Buckets))
	}
	if liveOld+liveNew != f.Header.Count {
		t.Errorf("drawn %d live slots (%d old + %d new), count is %d", liveOld+liveNew, liveOld, liveNew, f.Header.Count)
	}
	if want := visibleCursors(f); iterSlots != want {
		t.Errorf("drawn %d iterator cursors, frame has %d on a drawn array", iterSlots, want)
	}
	t.Logf("grow frame %d of %d: count %d, %d/%d old buckets evacuated, nevacuate %d, %d iterator cursors drawn",
		mid+1, len(grow.Classic), f.Header.Count, f.Header.Evacuated, f.Header.OldCount, f.Header.Nevacuate, iterSlots)
	shot(t, ctx, "classic-midgrow.png")

	// Step through the whole grow with the next button, from the frame
	// that starts it to the one that ends it: every frame's event,
	// evacuation progress and arrays are drawn as the data says.
	start, end := -1, -1
	for i, fr := range grow.Classic {
		if fr.Kind == "grow-start" && fr.Header.B == 4 {
			start = i
		}
		if start >= 0 && fr.Kind == "grow-done" {
			end = i
			break
		}
	}
	if start < 0 || end < 0 {
		t.Fatal("no B=4 grow in the grow scenario")
	}
	open(t, ctx, srv.URL+"/?load=step#grow/"+strconv.Itoa(start))
	const probe = `[document.getElementById("step").textContent, document.getElementById("event").textContent,
		document.querySelectorAll("#old > .chain").length, document.querySelectorAll("#old > .chain.evacuated").length,
		document.querySelectorAll("#buckets > .chain").length].join("|")`
	for i := start; i <= end; i++ {
		fr := grow.Classic[i]
		want := fmt.Sprintf("step %d / %d|%s|%d|%d|%d", i+1, len(grow.Classic), fr.Event, len(fr.Old), fr.Header.Evacuated, len(fr.Buckets))
		if got := eval[string](t, ctx, probe); got != want {
			t.Fatalf("frame %d drawn as %q, want %q", i, got, want)
		}
		if i < end {
			do(t, ctx, chromedp.Click(chromedp.CSS("#next")))
		}
	}
	t.Logf("stepped through the grow: frames %d to %d, drawn as the data says", start+1, end+1)

	// The interleaving scenario ends in the fatal error.
	il := scenario(t, d, "interleave")
	open(t, ctx, srv.URL+"/?load=2#interleave/"+strconv.Itoa(len(il.Classic)-1))
	fatal := eval[string](t, ctx, `document.getElementById("fatal").hidden ? "" : document.getElementById("fatal").textContent`)
	if !strings.Contains(fatal, "concurrent map iteration and map write") {
		t.Errorf("interleaving scenario's last frame shows %q", fatal)
	}
	shot(t, ctx, "classic-interleave.png")

	// The real Swiss map after the split: two tables, every full control
	// byte drawn.
	sw := scenario(t, d, "swiss")
	if sw.Error != "" {
		t.Fatalf("swiss scenario: %s", sw.Error)
	}
	split := -1
	for i, fr := range sw.Swiss {
		if len(fr.Tables) == 2 {
			split = i
			break
		}
	}
	if split < 0 {
		t.Fatal("the Swiss scenario never splits")
	}
	open(t, ctx, srv.URL+"/?load=3#swiss/"+strconv.Itoa(split))
	tables := eval[int](t, ctx, `document.querySelectorAll("#view .table").length`)
	full := eval[int](t, ctx, `document.querySelectorAll('#view .table .ctrl[data-c="full"]').length`)
	used := eval[int](t, ctx, `+document.getElementById("hdr-used").textContent`)
	if tables != 2 || full != sw.Swiss[split].Used || used != sw.Swiss[split].Used {
		t.Errorf("swiss after split: %d tables, %d full control bytes, used %d; want 2, %d", tables, full, used, sw.Swiss[split].Used)
	}
	newTables := eval[int](t, ctx, `document.querySelectorAll("#view .table.focus").length`)
	if newTables != 2 {
		t.Errorf("swiss split frame: %d tables outlined as new, want 2", newTables)
	}
	shot(t, ctx, "swiss-split.png")
	checkSwissFrames(t, ctx, srv.URL, sw)
	checkFullColours(t, ctx)

	checkClearFrame(t, ctx, srv.URL, scenario(t, d, "clear"))
	checkLegends(t, ctx, srv.URL, sw)
	checkOpeningFrames(t, ctx, srv.URL, d)

	// The exported file draws the same frame from disk, without the
	// custom-operations box (it needs the server).
	page, err := Page(d)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "viz.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	open(t, ctx, "file://"+file+"#grow/"+strconv.Itoa(mid))
	exported := eval[int](t, ctx, `document.querySelectorAll("#old > .chain.evacuated").length`)
	custom := eval[bool](t, ctx, `!document.getElementById("custom").hidden`)
	if exported != f.Header.Evacuated || custom {
		t.Errorf("exported page: %d evacuated old buckets (want %d), custom box shown %v", exported, f.Header.Evacuated, custom)
	}
}

// In "Clear during a range", the frame where the iterator returns a key
// the clear removed draws the array the clear dropped, with the outline
// and the iterator's cursor on the slot it reads there, not on the
// current array.
func checkClearFrame(t *testing.T, ctx context.Context, url string, clr *Scenario) {
	t.Helper()
	i := clr.Start
	f := clr.Classic[i]
	if f.Kind != "iter-return" || f.Focus == nil || f.Focus.Array != "stale" || len(f.Stale) != 1 {
		t.Fatalf("clear scenario opens on frame %d (%s), not on a key returned from the dropped array", i+1, f.Event)
	}
	open(t, ctx, url+"/?load=clear#clear/"+strconv.Itoa(i))
	const probe = `(() => {
		const st = document.getElementById("stale-1");
		const focus = document.querySelectorAll(".array .slot.focus");
		const cur = document.querySelectorAll(".array .slot.iter-slot");
		return [st ? st.querySelectorAll(":scope > .chain").length : -1, focus.length,
			focus.length ? focus[0].closest(".array").id : "", focus.length ? focus[0].querySelector(".k").textContent : "",
			cur.length ? cur[0].closest(".array").id : ""].join("|");
	})()`
	fo := f.Focus
	key := f.Stale[0].Buckets[fo.Bucket][fo.Chain].K[fo.Slot]
	want := fmt.Sprintf("%d|1|stale-1|%s|stale-1", len(f.Stale[0].Buckets), key)
	if got := eval[string](t, ctx, probe); got != want {
		t.Errorf("clear frame %d (%s) drawn as %q (dropped buckets|outlined slots|their array|key|cursor's array), want %q", i+1, f.Event, got, want)
	}
	if !strings.Contains(f.Event, "returns "+key+" from dropped bucket") {
		t.Errorf("frame %d says %q; the outlined slot holds %s", i+1, f.Event, key)
	}
	t.Logf("clear frame %d: %q, outline on key %s in the dropped array", i+1, f.Event, key)
	shot(t, ctx, "classic-clear.png")
}

// Every Swiss frame that changed one slot outlines exactly that slot and
// its group, in the table the data names.
func checkSwissFrames(t *testing.T, ctx context.Context, url string, sw *Scenario) {
	t.Helper()
	checked := 0
	for i, f := range sw.Swiss {
		if f.Focus == nil || f.Focus.Slot < 0 || f.Small || (checked > 0 && i%97 != 0) {
			continue
		}
		open(t, ctx, url+"/?load=sw"+strconv.Itoa(i)+"#swiss/"+strconv.Itoa(i))
		got := eval[string](t, ctx, `(() => {
			const c = document.querySelectorAll("#view .table .ctrl.focus");
			const g = document.querySelectorAll("#view .table .group.focus");
			if (c.length !== 1) return c.length + " slots";
			const tab = c[0].closest(".table");
			const cells = [...tab.querySelectorAll(".ctrl")];
			return [g.length, tab.dataset.table, cells.indexOf(c[0])].join("|");
		})()`)
		if want := fmt.Sprintf("1|%d|%d", f.Focus.Table, f.Focus.Slot); got != want {
			t.Errorf("swiss frame %d (%s): outlined %q (groups|table|slot), want %q", i+1, f.OpText, got, want)
		}
		checked++
	}
	if checked < 5 {
		t.Errorf("checked %d swiss frames with a changed slot", checked)
	}
}

// Full Swiss slots are drawn in greens, far from the blue and purple of
// the classic tabs' evacuation marks.
func checkFullColours(t *testing.T, ctx context.Context) {
	t.Helper()
	hues := eval[[]float64](t, ctx, `[...document.querySelectorAll('#view .table .ctrl[data-c="full"]')].map((c) => {
		const [r, g, b] = getComputedStyle(c).backgroundColor.match(/\d+/g).map(Number).map((v) => v / 255);
		const mx = Math.max(r, g, b), mn = Math.min(r, g, b), d = mx - mn;
		if (d === 0) return -1;
		let h = mx === r ? ((g - b) / d) % 6 : mx === g ? (b - r) / d + 2 : (r - g) / d + 4;
		return (h * 60 + 360) % 360;
	})`)
	if len(hues) == 0 {
		t.Fatal("no full control bytes drawn")
	}
	for _, h := range hues {
		if h < 80 || h > 160 {
			t.Fatalf("a full slot is drawn with hue %.0f, outside the greens (80-160): it could be read as an evacuation mark", h)
		}
	}
}

// legendOps make a custom scenario that draws every classic outline
// style: a map made with a hint has preallocated overflow buckets, the
// fill chains some of them, and a range is open while keys go in.
func legendOps() string {
	var b strings.Builder
	b.WriteString("m 100\n")
	for k := range 96 {
		fmt.Fprintf(&b, "i %d %d\n", k, k)
	}
	b.WriteString("r\nn\n")
	for k := 200; k < 204; k++ {
		fmt.Fprintf(&b, "i %d %d\n", k, k)
	}
	return b.String()
}

// Every outline style the drawings use is explained in the legend, by a
// sample drawn with the same classes (so with the same computed style).
// The classic styles are checked on a custom scenario run through the
// page's own box, which also shows a refused operation's reason.
func checkLegends(t *testing.T, ctx context.Context, url string, sw *Scenario) {
	t.Helper()
	open(t, ctx, url+"/?load=custom")
	runCustom := func(ops string) {
		t.Helper()
		do(t, ctx, chromedp.SetValue(chromedp.CSS("#ops"), ops), chromedp.Click(chromedp.CSS("#run")))
	}
	runCustom("i 1 1\nn")
	if msg := waitFor(t, ctx, `document.getElementById("runerr").textContent`); !strings.Contains(msg, "operation 2 (n)") || !strings.Contains(msg, "no range is open") {
		t.Errorf("custom box with n and no range open shows %q", msg)
	}
	ops := legendOps()
	runCustom(ops)
	waitFor(t, ctx, `document.getElementById("tab-custom") ? "yes" : ""`)
	parsed, err := op.Parse(strings.NewReader(ops))
	if err != nil {
		t.Fatal(err)
	}
	custom, err := CustomScenario(parsed, 1)
	if err != nil {
		t.Fatal(err)
	}
	frame := -1
	for i, f := range custom.Classic {
		pre := false
		for _, c := range f.Buckets {
			for _, b := range c {
				pre = pre || b.Prealloc
			}
		}
		apart := f.Focus != nil && f.Focus.Slot >= 0 && visibleCursors(f) > 0
		for _, c := range f.Iters {
			apart = apart && (c.Array != "buckets" || uint64(f.Focus.Bucket) != c.Bucket)
		}
		if pre && apart && f.Focus.Array == "buckets" {
			frame = i
			break
		}
	}
	if frame < 0 {
		t.Fatal("the legend's custom scenario has no frame with a chained preallocated bucket, an outlined slot and an iterator cursor")
	}
	both := -1 // the iterator's own step: its slot is the event's
	for i, f := range custom.Classic {
		if f.Kind == "iter-return" {
			both = i
			break
		}
	}
	swissFocus, swissIter := -1, -1
	for i, f := range sw.Swiss {
		if swissFocus < 0 && f.Focus != nil && f.Focus.Slot >= 0 && !f.Small {
			swissFocus = i
		}
		if swissIter < 0 && f.Iter != nil && !f.Iter.Done && f.Iter.Table >= 0 && f.Iter.Slot >= 0 {
			swissIter = i
		}
	}
	for _, c := range []struct {
		hash                string
		drawn, legend, prop string
	}{
		{"custom/" + strconv.Itoa(frame), ".array .chain.focus:not(.iter-at)", "#legend .chain.focus:not(.iter-at)", "outline"},
		{"custom/" + strconv.Itoa(frame), ".array .slot.focus:not(.iter-slot)", "#legend .slot.focus:not(.iter-slot)", "box-shadow"},
		{"custom/" + strconv.Itoa(frame), ".array .chain.iter-at:not(.focus)", "#legend .chain.iter-at:not(.focus)", "outline"},
		{"custom/" + strconv.Itoa(frame), ".array .slot.iter-slot:not(.focus)", "#legend .slot.iter-slot:not(.focus)", "box-shadow"},
		{"custom/" + strconv.Itoa(both), ".array .slot.iter-slot.focus", "#legend .slot.iter-slot.focus", "box-shadow"},
		{"custom/" + strconv.Itoa(both), ".array .chain.iter-at.focus", "#legend .chain.iter-at.focus", "box-shadow"},
		{"custom/" + strconv.Itoa(frame), ".array .bucket.prealloc", "#legend .bucket.prealloc", "border-top-style"},
		{"swiss/" + strconv.Itoa(swissFocus), "#view .table .ctrl.focus", "#legend .ctrl.focus", "outline"},
		{"swiss/" + strconv.Itoa(swissFocus), "#view .table .group.focus", "#legend .group.focus", "outline"},
		{"swiss/" + strconv.Itoa(swissIter), "#view .table .ctrl.iter-slot", "#legend .ctrl.iter-slot", "outline"},
	} {
		do(t, ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("location.hash = %q", "#"+c.hash)))
		got := waitFor(t, ctx, fmt.Sprintf(`(() => {
			if (location.hash !== %q || !document.getElementById("step").textContent.startsWith("step %s ")) return "";
			const d = document.querySelector(%q), l = document.querySelector(%q);
			if (!d || !l) return "drawn " + !!d + ", in legend " + !!l;
			const a = getComputedStyle(d).getPropertyValue(%q), b = getComputedStyle(l).getPropertyValue(%q);
			return a === b ? "same" : a + " vs " + b;
		})()`, "#"+c.hash, stepOf(c.hash), c.drawn, c.legend, c.prop, c.prop))
		if got != "same" {
			t.Errorf("%s: %s against its legend sample: %s", c.hash, c.drawn, got)
		}
	}
	do(t, ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf("location.hash = %q", "#custom/"+strconv.Itoa(frame))))
	waitFor(t, ctx, fmt.Sprintf(`document.getElementById("step").textContent.startsWith("step %d ") ? "yes" : ""`, frame+1))
	shot(t, ctx, "classic-legend.png")
}

// stepOf is the 1-based step a "#id/N" hash shows.
func stepOf(hash string) string {
	_, n, _ := strings.Cut(hash, "/")
	i, _ := strconv.Atoi(n)
	return strconv.Itoa(i + 1)
}

// waitFor evaluates expr until it returns a non-empty string.
func waitFor(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	for range 100 {
		if v := eval[string](t, ctx, expr); v != "" {
			return v
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waited 5s for %s", expr)
	return ""
}

// Each scenario opens on its most telling frame: clicking its tab shows
// the frame Scenario.Start names.
func checkOpeningFrames(t *testing.T, ctx context.Context, url string, d *Data) {
	t.Helper()
	open(t, ctx, url+"/?load=tabs")
	for _, s := range d.Scenarios {
		do(t, ctx, chromedp.Click(chromedp.CSS("#tab-"+s.ID)))
		n := len(s.Classic) + len(s.Swiss)
		if got, want := eval[string](t, ctx, `document.getElementById("step").textContent`), fmt.Sprintf("step %d / %d", s.Start+1, n); got != want {
			t.Errorf("tab %s opens on %q, want %q", s.ID, got, want)
		}
	}
}

func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="1"]`)))
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// midGrow picks a frame of the grow scenario in the middle of the grow:
// some but not all old buckets evacuated, an iterator on the old array.
func midGrow(t *testing.T, s *Scenario) int {
	t.Helper()
	for i, f := range s.Classic {
		h := f.Header
		if h.Growing == "doubling" && h.Evacuated > 1 && h.Evacuated < h.OldCount-1 && len(f.Iters) == 2 && visibleCursors(f) > 0 {
			return i
		}
	}
	t.Fatal("the grow scenario has no frame in the middle of the grow with both iterators")
	return 0
}

// visibleCursors counts the iterators the page draws on a slot.
func visibleCursors(f ClassicFrame) int {
	n := 0
	for _, c := range f.Iters {
		if !c.Done && c.Slot >= 0 && (c.Array == "buckets" || c.Array == "oldbuckets") {
			n++
		}
	}
	return n
}

func scenario(t *testing.T, d *Data, id string) *Scenario {
	t.Helper()
	for _, s := range d.Scenarios {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no scenario %q", id)
	return nil
}

// shot saves a screenshot under -screenshots (and always into the test's
// temporary directory, so taking it is exercised).
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 1000 {
		t.Fatalf("screenshot %s: %d bytes", name, len(png))
	}
	dir := *screenshots
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
