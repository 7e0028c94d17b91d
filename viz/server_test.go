package viz

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/internal/cli"
)

var dataRE = regexp.MustCompile(`(?s)<script id="data" type="application/json">(.*?)</script>`)

// The page is one document with the style, script and data inlined, and
// the data reads back as the scenarios.
func TestPageSelfContained(t *testing.T) {
	d := buildOnce(t)
	page, err := Page(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, mark := range []string{"/*CSS*/", "/*DATA*/", "/*JS*/"} {
		if bytes.Contains(page, []byte(mark)) {
			t.Errorf("page still contains %s", mark)
		}
	}
	if bytes.Contains(page, []byte(`src="`)) || bytes.Contains(page, []byte(`href="http`)) {
		t.Error("page refers to an external resource")
	}
	m := dataRE.FindSubmatch(page)
	if m == nil {
		t.Fatal("no data script in the page")
	}
	var back Data
	if err := json.Unmarshal(m[1], &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Scenarios) != len(d.Scenarios) || back.Live {
		t.Fatalf("page data: %d scenarios, live %v", len(back.Scenarios), back.Live)
	}
}

func TestServer(t *testing.T) {
	h, err := Handler(buildOnce(t))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"live":true`)) {
		t.Fatalf("GET /: %d, live page %v", resp.StatusCode, bytes.Contains(body, []byte(`"live":true`)))
	}

	post := func(query, ops string) (int, map[string]any) {
		resp, err := http.Post(srv.URL+"/api/classic"+query, "text/plain", strings.NewReader(ops))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, v
	}
	code, v := post("?seed=4", "i 1 10\ni 2 20\nr\nn\nd 1\nn\ne\nc\n")
	if code != 200 || v["id"] != "custom" || len(v["classic"].([]any)) < 6 {
		t.Fatalf("custom run: %d %v", code, v["error"])
	}
	// make starts a new map, which ends the range.
	code, v = post("", "i 1 1\nr\nm 100\ni 2 2")
	if code != 200 {
		t.Fatalf("custom run with make: %d %v", code, v["error"])
	}
	fs := v["classic"].([]any)
	if last := fs[len(fs)-1].(map[string]any); last["header"].(map[string]any)["B"].(float64) != 4 || last["iters"] != nil {
		t.Fatalf("after make(map, 100) and an insert: B %v, iterators %v", last["header"].(map[string]any)["B"], last["iters"])
	}
	for _, c := range []struct{ query, ops, want string }{
		{"", "x 1", `line 1: unknown operation "x"`},
		{"", "i 1", "takes 2 arguments"},
		{"?seed=-1", "i 1 1", `seed "-1"`},
		{"", "", "no operations"},
		{"", "i 1 1\nn", `operation 2 (n): "n": no range is open`},
		{"", "i 1 1\nr\ne\ne", `operation 4 (e): "e": no range is open`},
		{"", strings.Repeat("g 1\n", maxCustomOps+1), "at most"},
	} {
		code, v := post(c.query, c.ops)
		msg, _ := v["error"].(string)
		if code != 400 || !strings.Contains(msg, c.want) {
			t.Errorf("POST %q %q: %d %q, want 400 mentioning %q", c.query, c.ops[:min(len(c.ops), 10)], code, msg, c.want)
		}
	}
}

func TestCommandExport(t *testing.T) {
	file := filepath.Join(t.TempDir(), "out.html")
	var out, errb bytes.Buffer
	err := Command(cli.Env{Args: []string{"-export", file}, Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(file)
	if err != nil || !dataRE.Match(page) || !strings.HasPrefix(out.String(), "wrote "+file) {
		t.Fatalf("export: %v, %d bytes, output %q", err, len(page), out.String())
	}
	for _, args := range [][]string{{"-nope"}, {"extra"}} {
		err := Command(cli.Env{Args: args, Stdout: &out, Stderr: &errb})
		if code := cli.Code("maplab", err, &errb); code != 2 {
			t.Errorf("maplab viz %v: exit %d, want 2", args, code)
		}
	}
	err = Command(cli.Env{Args: []string{"-export", filepath.Join(t.TempDir(), "no", "such", "dir.html")}, Stdout: &out, Stderr: &errb})
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("export to a missing directory: %v", err)
	}
}
