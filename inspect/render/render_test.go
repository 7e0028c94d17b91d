package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/inspect"
)

func layoutOf(t *testing.T, n, del int) *inspect.Layout {
	t.Helper()
	m := map[int]int{}
	for i := 0; i < n; i++ {
		m[i] = i
	}
	for i := 0; i < del; i++ {
		delete(m, i)
	}
	l, err := inspect.Inspect(m)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestJSONFields checks the fields the issue promises at the top level.
func TestJSONFields(t *testing.T) {
	for _, n := range []int{0, 5, 100, 2000} {
		var buf bytes.Buffer
		if err := JSON(&buf, layoutOf(t, n, 0), Options{}); err != nil {
			t.Fatal(err)
		}
		var doc map[string]interface{}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"impl", "len", "dirLen", "globalDepth", "tables", "stats"} {
			if _, ok := doc[k]; !ok {
				t.Errorf("n=%d: no %q field", n, k)
			}
		}
		if doc["impl"] != "swiss" || doc["len"] != float64(n) {
			t.Errorf("n=%d: impl %v, len %v", n, doc["impl"], doc["len"])
		}
		tables := doc["tables"].([]interface{})
		if n <= 8 && len(tables) != 0 || n > 8 && len(tables) == 0 {
			t.Errorf("n=%d: %d tables", n, len(tables))
		}
		for _, tab := range tables {
			for _, k := range []string{"capacity", "used", "growthLeft", "localDepth"} {
				if _, ok := tab.(map[string]interface{})[k]; !ok {
					t.Errorf("n=%d: table without %q", n, k)
				}
			}
		}
	}
}

func TestJSONGroups(t *testing.T) {
	l := layoutOf(t, 100, 10)
	var buf bytes.Buffer
	if err := JSON(&buf, l, Options{Groups: true}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tables []struct{ Groups []string }
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	full := 0
	for _, tab := range doc.Tables {
		for _, g := range tab.Groups {
			if len(g) != 16 {
				t.Fatalf("group %q is not 8 hex bytes", g)
			}
			for i := 0; i < 16; i += 2 {
				if g[i] < '8' { // high bit clear: full
					full++
				}
			}
		}
	}
	if full != 90 {
		t.Errorf("%d full control bytes in the JSON, want 90", full)
	}
	nog, err := inspect.InspectWith(map[int]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9}, inspect.Options{NoGroups: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := JSON(io.Discard, nog, Options{Groups: true}); err == nil {
		t.Error("groups requested from a layout read without them: no error")
	}
}

// svgClasses parses an SVG and counts rect elements by class.
func svgClasses(t *testing.T, data []byte) map[string]int {
	t.Helper()
	n := map[string]int{}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			for _, a := range se.Attr {
				if a.Name.Local == "class" {
					n[a.Value]++
				}
			}
		}
	}
	return n
}

// TestSVGCounts: the drawing has one square per slot, classed by state.
func TestSVGCounts(t *testing.T) {
	for _, c := range []struct{ n, del int }{{5, 0}, {100, 0}, {1500, 500}} {
		l := layoutOf(t, c.n, c.del)
		var buf bytes.Buffer
		if err := SVG(&buf, l); err != nil {
			t.Fatal(err)
		}
		got := svgClasses(t, buf.Bytes())
		s := l.Stats()
		if got["full"] != l.Len || got["deleted"] != s.Tombstones || got["full"]+got["deleted"]+got["empty"] != s.Slots {
			t.Errorf("n=%d del=%d: drew %v; want %d full, %d deleted, %d slots", c.n, c.del, got, l.Len, s.Tombstones, s.Slots)
		}
		if !l.Swiss.Small && got["dir"] != l.Swiss.DirLen {
			t.Errorf("n=%d: %d directory boxes, want %d", c.n, got["dir"], l.Swiss.DirLen)
		}
	}
}

func TestText(t *testing.T) {
	var buf bytes.Buffer
	l := layoutOf(t, 1000, 0)
	if err := Text(&buf, l, Options{Groups: true}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"map[int]int  len 1000  swiss", "directory 2 entries (global depth 1), 2 tables", "table 1  dir [1,2)  depth 1  capacity 1024", "group 127: ", "grows at 0.875"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if got := strings.Count(out, "\n  group "); got != 256 {
		t.Errorf("%d group lines, want 256", got)
	}
}

// Full slots are drawn in greens, evacuation marks in blue and purple, so
// that no key can be read as a mark (nor a mark as a key).
func TestSVGFullNeverLooksLikeAMark(t *testing.T) {
	hue := func(fill string) float64 {
		t.Helper()
		var h, s, l float64
		if _, err := fmt.Sscanf(fill, "hsl(%f,%f%%,%f%%)", &h, &s, &l); err == nil {
			return h
		}
		var r, g, b int
		if _, err := fmt.Sscanf(fill, "#%1x%1x%1x", &r, &g, &b); err != nil {
			t.Fatalf("fill %q", fill)
		}
		// (render's own min, for gccgo, hides the builtin here.)
		R, G, B := float64(r), float64(g), float64(b)
		mx, mn := math.Max(R, math.Max(G, B)), math.Min(R, math.Min(G, B))
		d := mx - mn
		switch mx {
		case R:
			return math.Mod((G-B)/d*60+360, 360)
		case G:
			return (B-R)/d*60 + 120
		}
		return (R-G)/d*60 + 240
	}
	for _, m := range []string{fillEvacX, fillEvacY} {
		if h := hue(m); h > 60 && h < 180 {
			t.Errorf("mark fill %s has hue %.0f, among the greens", m, h)
		}
	}
	for _, c := range []struct{ n, max int }{{128, 127}, {256, 255}} {
		for v := 0; v <= c.max; v++ {
			if h := hue(fullFill(v, c.n)); h < 90 || h > 150 {
				t.Fatalf("full slot %d/%d drawn with hue %.0f", v, c.n, h)
			}
		}
	}
}
