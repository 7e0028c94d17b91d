package viz

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed assets/index.html
var pageHTML []byte

//go:embed assets/viz.css
var pageCSS []byte

//go:embed assets/viz.js
var pageJS []byte

// Page returns the visualizer as one self-contained HTML document: the
// style, the script and the data are inlined, so the file works offline
// and from disk.
func Page(d *Data) ([]byte, error) {
	js, err := json.Marshal(d) // escapes <, > and & so the JSON cannot end the script element
	if err != nil {
		return nil, fmt.Errorf("viz: encoding the scenarios: %v", err)
	}
	out := pageHTML
	for _, r := range []struct {
		mark string
		with []byte
	}{{"/*CSS*/", pageCSS}, {"/*DATA*/", js}, {"/*JS*/", pageJS}} {
		if bytes.Count(out, []byte(r.mark)) != 1 {
			return nil, fmt.Errorf("viz: page template must contain %s exactly once", r.mark)
		}
		out = bytes.Replace(out, []byte(r.mark), r.with, 1)
	}
	return out, nil
}

// Build computes every built-in scenario. The Swiss scenario reads real
// maps of this process; it carries an error instead of frames where the
// inspector refuses the runtime.
func Build() (*Data, error) {
	d := &Data{}
	for _, f := range []func() (*Scenario, error){GrowScenario, SameSizeScenario, DeleteScenario, InterleaveScenario, ClearScenario} {
		s, err := f()
		if err != nil {
			return nil, err
		}
		d.Scenarios = append(d.Scenarios, s)
	}
	d.Scenarios = append(d.Scenarios, SwissScenario())
	return d, nil
}
