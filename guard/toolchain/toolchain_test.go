package toolchain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheck: the release is read from GOROOT/VERSION when there is one (the
// source mapguard patches), else from GOVERSION; only Go 1.26 and 1.27 pass,
// on amd64 and arm64.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		version   string // GOROOT/VERSION's content; "" for no file
		goversion string // go env GOVERSION
		goarch    string
		want      string // in the error; "" for none
	}{
		{"go1.26.8\ntime 2026-08-28T16:20:06Z\n", "go1.26.8", "amd64", ""},
		{"go1.27.3\ntime 2026-10-19T22:20:36Z\n", "go1.27.3", "arm64", ""},
		{"go1.27rc2\n", "go1.27rc2", "amd64", ""},
		{"", "go1.26.8 X:nodwarf5", "amd64", ""},
		{"go1.25.0\ntime 2025-08-12T00:00:00Z\n", "go1.26.8", "amd64", "mapguard supports Go 1.26 and 1.27; this is go1.25.0 (GOROOT "},
		{"go1.23.0\n", "go1.23.0", "amd64", "this is go1.23.0"},
		{"go1.28.0\n", "go1.28.0", "amd64", "this is go1.28.0"},
		{"", "devel go1.27-1b2c3d4e5f Tue Oct 20 10:00:00 2026 +0000", "amd64", "this is devel go1.27-1b2c3d4e5f"},
		{"go1.26.8\n", "go1.26.8", "386", "go1.26.8: GOARCH=386 is not supported: mapguard records write sites by frame pointers, which Go keeps on amd64 and arm64 only"},
		{"go1.25.0\n", "go1.25.0", "riscv64", "this is go1.25.0"}, // the release first
	} {
		root := t.TempDir()
		if tc.version != "" {
			if err := os.WriteFile(filepath.Join(root, "VERSION"), []byte(tc.version), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		tcn := Toolchain{GOROOT: root, GoVersion: tc.goversion, GOOS: "linux", GOARCH: tc.goarch}
		err := tcn.Check()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("VERSION %q, GOVERSION %q, GOARCH %s: %v", tc.version, tc.goversion, tc.goarch, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("VERSION %q, GOVERSION %q, GOARCH %s: %v, want %q", tc.version, tc.goversion, tc.goarch, err, tc.want)
		}
	}
}

func TestWarning(t *testing.T) {
	if w := (Toolchain{GOOS: "linux", GOARCH: "arm64"}).Warning(); w != "" {
		t.Errorf("linux/arm64: warning %q", w)
	}
	if w := (Toolchain{GOOS: "darwin", GOARCH: "arm64"}).Warning(); !strings.Contains(w, "GOOS=darwin is untested") {
		t.Errorf("darwin/arm64: warning %q", w)
	}
}
