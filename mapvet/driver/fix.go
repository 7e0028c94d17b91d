package driver

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
	"sort"
)

type edit struct {
	start, end int
	text       []byte
}

// ApplyFixes applies the first suggested fix of each finding and returns
// how many it applied. A fix whose edits overlap edits already taken is
// skipped whole; identical edits from two findings are applied once. Files
// are gofmt'ed after editing.
func ApplyFixes(fs []Finding) (int, error) {
	byFile := map[string][]edit{}
	applied := 0
	for _, f := range fs {
		if len(f.Fixes) == 0 {
			continue
		}
		var es []edit
		var file string
		ok := true
		for _, e := range edits(f, f.Fixes[0]) {
			if file != "" && e.Filename != file {
				ok = false // fixes spanning files are not ours to make
			}
			file = e.Filename
			es = append(es, edit{e.Start, e.End, []byte(e.New)})
		}
		if !ok || file == "" {
			continue
		}
		merged, ok := merge(byFile[file], es)
		if !ok {
			continue
		}
		byFile[file] = merged
		applied++
	}
	for file, es := range byFile {
		src, err := os.ReadFile(file)
		if err != nil {
			return applied, err
		}
		sort.Slice(es, func(i, j int) bool { return es[i].start > es[j].start })
		for _, e := range es {
			if e.end > len(src) {
				return applied, fmt.Errorf("%s: fix out of range (was the file edited?)", file)
			}
			src = append(src[:e.start:e.start], append(append([]byte(nil), e.text...), src[e.end:]...)...)
		}
		if out, err := format.Source(src); err == nil {
			src = out
		}
		if err := os.WriteFile(file, src, 0o644); err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// merge adds es to have unless one of them overlaps an edit already there;
// an identical edit counts as already there.
func merge(have, es []edit) ([]edit, bool) {
	out := append([]edit(nil), have...)
	for _, e := range es {
		dup := false
		for _, h := range have {
			if h.start == e.start && h.end == e.end && bytes.Equal(h.text, e.text) {
				dup = true
				break
			}
			if e.start < h.end && h.start < e.end || e.start == h.start && e.end == e.start && h.end == h.start {
				return have, false
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out, true
}
