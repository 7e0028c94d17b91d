package gocmd

import (
	"fmt"
	"strings"

	"github.com/mapsafe/mapsafe/guard/patch"
	"github.com/mapsafe/mapsafe/guard/toolchain"
	"github.com/mapsafe/mapsafe/internal/cli"
)

// check prints what the patch changes in this toolchain, without caching.
func check(env cli.Env, tc toolchain.Toolchain, strict bool) error {
	if err := tc.Check(); err != nil {
		return err
	}
	res, err := patch.Generate(patch.Options{Toolchain: tc, Strict: strict})
	if err != nil {
		return err
	}
	for _, s := range res.Sites {
		note := ""
		if s.Note != "" {
			note = " " + fmt.Sprintf("%q", s.Note)
		}
		fmt.Fprintf(env.Stdout, "%s:%d\t%s\t%s%s\n", s.File, s.Line, s.Kind, s.Func, note)
	}
	for _, f := range res.Files {
		state := "patched"
		if f.New {
			state = "added"
		}
		fmt.Fprintf(env.Stdout, "%s\t%s\n", f.Path, state)
	}
	var tally []string
	for _, t := range patch.Count(res.Sites) {
		tally = append(tally, fmt.Sprintf("%d %s", t.N, t.Label))
	}
	fmt.Fprintf(env.Stdout, "%s %s/%s, patch v%d: %s\n", tc.GoVersion, tc.GOOS, tc.GOARCH, patch.Version, strings.Join(tally, ", "))
	return nil
}
