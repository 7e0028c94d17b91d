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
	iterSlots := eval[int](t, ctx, `document.querySelectorAll(".slot.iter-slot").length`)
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
	full := eval[int](t, ctx, `document.querySelectorAll('#view .ctrl[data-c="full"]').length`)
	used := eval[int](t, ctx, `+document.getElementById("hdr-used").textContent`)
	if tables != 2 || full != sw.Swiss[split].Used || used != sw.Swiss[split].Used {
		t.Errorf("swiss after split: %d tables, %d full control bytes, used %d; want 2, %d", tables, full, used, sw.Swiss[split].Used)
	}
	shot(t, ctx, "swiss-split.png")

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
