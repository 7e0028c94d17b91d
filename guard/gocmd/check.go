package gocmd

import (
	"fmt"

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
	counts := map[string]int{}
	for _, s := range res.Sites {
		counts[s.Kind]++
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
	fmt.Fprintf(env.Stdout, "%s %s/%s, patch v%d: %d write starts, %d write ends, %d fatal sites, %d iterator lookups, %d wrapper edits, %d runtime edits, %d stack frees",
		tc.GoVersion, tc.GOOS, tc.GOARCH, patch.Version, counts["write-begin"], counts["write-end"], counts["fatal"], counts["iter-lookup"],
		counts["wrapped"]+counts["wrapper-call"], counts["g-field"]+counts["g-reset"]+counts["reflect-callers"], counts["stack-free"])
	if strict {
		fmt.Fprintf(env.Stdout, ", %d strict hooks", counts["strict-init"]+counts["strict-next"])
	}
	fmt.Fprintln(env.Stdout)
	return nil
}
