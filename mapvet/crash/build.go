package crash

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/crash/crashlog"
)

// buildWarnings compares the build information printed before a crash, if
// any, with the source: a crash from another module, another version or
// another revision has lines that may not be the source's.
func (p *program) buildWarnings(c *crashlog.Crash) []string {
	bi := c.Build
	if bi == nil || p.module == nil {
		return nil
	}
	var out []string
	if bi.Main.Path != "" && bi.Main.Path != p.module.Path {
		out = append(out, fmt.Sprintf("the crashed binary was built from module %s, the source given is module %s", bi.Main.Path, p.module.Path))
		return out
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" && p.module.Version != "" && v != p.module.Version {
		out = append(out, fmt.Sprintf("the crashed binary was built from %s %s, the source is %s: lines may have moved", bi.Main.Path, v, p.module.Version))
	}
	var rev string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" {
		if head := gitHead(p.module.Dir); head != "" && head != rev {
			out = append(out, fmt.Sprintf("the crashed binary was built from revision %s, the source is at %s: lines may have moved", short(rev), short(head)))
		}
	}
	if modified {
		out = append(out, "the crashed binary was built from a work tree with uncommitted changes")
	}
	return out
}

// gitHead returns the commit checked out in dir, "" when it is not known.
func gitHead(dir string) string {
	if dir == "" {
		return ""
	}
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}
