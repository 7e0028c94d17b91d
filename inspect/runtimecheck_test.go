package inspect

import (
	"strings"
	"testing"
)

// TestCheckGoVersion: only the mirrored release line is read; anything
// else is refused with an error naming the version.
func TestCheckGoVersion(t *testing.T) {
	for _, c := range []struct {
		version, mirrored string
		ok                bool
	}{
		{"go1.26.8", "go1.26", true},
		{"go1.26", "go1.26", true},
		{"go1.26.12", "go1.26", true},
		{"go1.26.8 X:nocoverageredesign", "go1.26", true},
		{"go1.27.3-X:mapsplitgroup", "go1.27", true},
		{"go1.27.3", "go1.26", false},
		{"go1.25.4", "go1.26", false},
		{"go1.260", "go1.26", false},
		{"go1.26rc1", "go1.26", false},
		{"go1.26.8 devel", "go1.26", false},
		{"devel go1.27-abcdef", "go1.27", false},
		{"go1.28", "", false},
	} {
		err := checkGoVersion(c.version, c.mirrored)
		if (err == nil) != c.ok {
			t.Errorf("checkGoVersion(%q, %q) = %v, want ok=%v", c.version, c.mirrored, err, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), c.version) {
			t.Errorf("error %q does not name the version", err)
		}
	}
}

func TestCheckLibgo(t *testing.T) {
	for _, c := range []struct {
		line      string
		libgo, ok bool
	}{
		{"7f00-7f10 r-xp 00000000 08:01 123 /usr/lib/x86_64-linux-gnu/libgo.so.21.0.0", true, true},
		{"7f00-7f10 r-xp 00000000 08:01 123 /lib/libgo.so.21", true, true},
		{"7f00-7f10 r-xp 00000000 08:01 123 /usr/lib/x86_64-linux-gnu/libgo.so.22.0.0", true, false},
		{"7f00-7f10 r-xp 00000000 08:01 123 /usr/lib/libgo.so.210", true, false},
		{"7f00-7f10 r-xp 00000000 08:01 123 /usr/lib/libc.so.6", false, true},
		{"7f00-7f10 rw-p 00000000 00:00 0 [heap]", false, true},
	} {
		_, isLibgo, err := checkLibgoMapping(c.line, "libgo.so.21")
		if isLibgo != c.libgo || (err == nil) != c.ok {
			t.Errorf("%q: libgo %v, err %v; want libgo %v, ok %v", c.line, isLibgo, err, c.libgo, c.ok)
		}
	}
	if _, err := checkGCCComment([]byte("GCC: (Debian 12.2.0-14+deb12u1) 12.2.0\x00")); err != nil {
		t.Error(err)
	}
	if _, err := checkGCCComment([]byte("GCC: (Debian 13.2.0-1) 13.2.0\x00GCC: (GNU) 11.1\x00")); err == nil {
		t.Error("GCC 13 accepted")
	}
}
