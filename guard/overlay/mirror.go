package overlay

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mapsafe/mapsafe/guard/toolchain"
)

// The go command refuses an overlay that replaces files beneath GOMODCACHE
// ("Files beneath GOMODCACHE must not be replaced"), and a toolchain that
// GOTOOLCHAIN downloads (go1.27.3 here) lives there, in
// $GOMODCACHE/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64. For such a
// toolchain mapguard builds with a mirror of its GOROOT made of hard links
// (copies where a link is impossible), in the mapguard cache, and runs the
// mirror's own go command with GOROOT pointing at it. The mirror is never
// written after it is made; the overlay still carries every change. (An
// overlay for a go command mapguard does not run, mapguard overlay's, cannot
// help such a toolchain: Open refuses it, see Config.External.)

// beneathModCache reports whether goroot lies inside gomodcache.
func beneathModCache(goroot, gomodcache string) bool {
	if gomodcache == "" {
		return false
	}
	rel, err := filepath.Rel(gomodcache, goroot)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// mirrorDir returns the directory under root that mirrors tc's GOROOT.
func mirrorDir(root string, tc toolchain.Toolchain) string {
	h := sha256.Sum256([]byte(tc.GOROOT + "\n" + tc.GoVersion))
	return filepath.Join(root, "goroot-"+safeName(tc.GoVersion)+"-"+hex.EncodeToString(h[:])[:12])
}

// mirror makes dir, under root, a mirror of goroot unless it is one
// already, and returns dir. It is safe for concurrent runs in the same way
// as prepare.
func mirror(root, goroot, dir string) (string, error) {
	if _, err := os.Stat(filepath.Join(dir, "bin", "go")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("creating the mapguard cache: %v", err)
	}
	tmp, err := os.MkdirTemp(root, ".tmp-"+filepath.Base(dir)+"-")
	if err != nil {
		return "", fmt.Errorf("creating the mapguard cache: %v", err)
	}
	defer os.RemoveAll(tmp)
	err = filepath.WalkDir(goroot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(goroot, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(tmp, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(dst, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		default:
			if os.Link(path, dst) == nil {
				return nil
			}
			return copyFile(path, dst)
		}
	})
	if err != nil {
		return "", fmt.Errorf("mirroring %s outside the module cache: %v", goroot, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "bin", "go")); statErr == nil {
			return dir, nil
		}
		return "", fmt.Errorf("publishing the mirror %s: %v", dir, err)
	}
	return dir, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm()|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return errors.Join(out.Close(), os.Chmod(dst, info.Mode().Perm()))
}
