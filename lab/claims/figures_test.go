package claims

import (
	"strings"
	"testing"

	"github.com/mapsafe/mapsafe/lab/child"
)

func TestFigures(t *testing.T) {
	f := figures([]byte("impl: swiss\ngarbage line\ncount: 12\ncount: 13\n\tindented: x\n"))
	if f["impl"] != "swiss" || f["count"] != "12" || len(f) != 2 {
		t.Fatalf("figures = %v", f)
	}
}

func TestFigureErrorsNameTheFigure(t *testing.T) {
	r := child.Result{Program: "claims/x", ExitCode: 1, Stdout: []byte("n: twelve\n"), Stderr: []byte("boom\n")}
	if _, err := figureInt(r, "n"); err == nil || !strings.Contains(err.Error(), `"n" is "twelve"`) {
		t.Errorf("malformed figure: %v", err)
	}
	if _, err := figureInt(r, "missing"); err == nil || !strings.Contains(err.Error(), `no "missing" figure`) || !strings.Contains(err.Error(), "boom") {
		t.Errorf("missing figure: %v", err)
	}
	if _, err := figureFloat(r, "n"); err == nil {
		t.Error("figureFloat accepted a word")
	}
}

func TestRead8a(t *testing.T) {
	ok := child.Result{Stdout: []byte("growths (insert/units before): 9/1 14/2\n")}
	e, err := read8a(ok)
	if err != nil || len(e.Points) != 2 || e.Points[1] != (growthPoint{14, 2}) {
		t.Fatalf("read8a = %v, %v", e, err)
	}
	bad := child.Result{Program: "p", Stdout: []byte("growths (insert/units before): 9/0\n")}
	if _, err := read8a(bad); err == nil || !strings.Contains(err.Error(), `"9/0"`) {
		t.Fatalf("bad point: %v", err)
	}
}
