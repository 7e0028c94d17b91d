package golangci

import (
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"github.com/mapsafe/mapsafe/mapvet"
)

func TestRegistered(t *testing.T) {
	newPlugin, err := register.GetPlugin("mapvet")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(nil)
	if err != nil {
		t.Fatal(err)
	}
	as, err := p.BuildAnalyzers()
	if want := len(mapvet.Analyzers()); err != nil || len(as) != want {
		t.Fatalf("BuildAnalyzers = %d analyzers, %v; want the %d of the suite", len(as), err, want)
	}
	if p.GetLoadMode() != register.LoadModeTypesInfo {
		t.Errorf("load mode %q", p.GetLoadMode())
	}
}

func TestSettings(t *testing.T) {
	p, err := New(map[string]any{"checks": []any{"rlockwrite", "sharedmap"}})
	if err != nil {
		t.Fatal(err)
	}
	as, _ := p.BuildAnalyzers()
	if len(as) != 2 || as[0].Name != "rlockwrite" || as[1].Name != "sharedmap" {
		t.Errorf("checks setting not honoured: %v", as)
	}
	if _, err := New(map[string]any{"checks": []any{"nosuch"}}); err == nil || !strings.Contains(err.Error(), `unknown check "nosuch"`) {
		t.Errorf("unknown check: err = %v", err)
	}
}
