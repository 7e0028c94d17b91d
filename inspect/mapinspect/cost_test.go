package mapinspect

import (
	"strings"
	"testing"
)

func TestCheckCost(t *testing.T) {
	const gib = 1 << 30
	for _, c := range []struct {
		cfg     Config
		mem     float64
		warn    string // "" for none
		refusal string // "" for none
	}{
		{Config{N: 1000, Trace: true}, 16 * gib, "", ""},
		{Config{N: 100_000_000}, 64 * gib, "-n 100000000 will take about 4.5 GiB of memory", ""},
		{Config{N: 1_000_000, Trace: true}, 0, "", ""},
		{Config{N: 200_000_000, Trace: true}, 0, "and 130 s", ""},
		{Config{N: 10_000_000, JSON: true, Groups: true}, 64 * gib, "", ""},
		{Config{N: 30_000_000, Groups: true, All: true}, 64 * gib, "write about 1.7 GiB", ""},
		{Config{N: 1_000_000_000}, 16 * gib, "", "-n 1000000000 needs about 44.7 GiB of memory, more than this machine's 16.0 GiB: use a smaller -n or -hint"},
		{Config{Hint: 1_000_000_000_000}, 16 * gib, "", "-n 0 -hint 1000000000000 needs about"},
	} {
		w, err := c.cfg.checkCost(c.mem)
		switch {
		case c.refusal != "":
			if err == nil || !strings.Contains(err.Error(), c.refusal) {
				t.Errorf("%+v: %v, want a refusal saying %q", c.cfg, err, c.refusal)
			}
		case err != nil:
			t.Errorf("%+v: refused: %v", c.cfg, err)
		case c.warn == "" && w != "", c.warn != "" && !strings.Contains(w, c.warn):
			t.Errorf("%+v: warning %q, want %q", c.cfg, w, c.warn)
		}
	}
}
