package claims

import (
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/mapsafe/mapsafe/lab/child"
)

// Claims about tools: 14 (-gcflags=-m) and 15 (GODEBUG=gctrace=1).

//go:embed testdata/gcflagsm/main.go
var gcflagsmSource []byte

// notInlined is the message the article says -gcflags=-m prints.
const notInlined = "map access not inlined"

type ev14 struct {
	Lines, Matches   int // compiler diagnostics at -m, and those with the message
	Lines2, Matches2 int // the same at -m=2, the most verbose level
	Sample           string
}

func (e ev14) verdict() Verdict {
	switch {
	case e.Matches > 0:
		return Holds
	case e.Lines > 0:
		return DoesNotHold
	default:
		return Inconclusive // -m said nothing at all: the build did not run as meant
	}
}

func (e ev14) summary() string {
	return fmt.Sprintf("go build -gcflags=-m on a program with a deferred range, a writing goroutine, lookups in a loop and maps.Keys: %d diagnostics, %d saying %q (at -m=2: %d diagnostics, %d saying it); e.g. %q",
		e.Lines, e.Matches, notInlined, e.Lines2, e.Matches2, e.Sample)
}

func measure14(ctx context.Context, t *trial) (evidence, error) {
	goCmd := t.lab.GoCmd
	if goCmd == "" {
		return nil, fmt.Errorf("claim 14 needs the go command: none found in PATH")
	}
	dir, err := os.MkdirTemp("", "maplab-gcflagsm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), gcflagsmSource, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module gcflagsm\n\ngo 1.23\n"), 0o644); err != nil {
		return nil, err
	}
	var e ev14
	for _, level := range []string{"-m", "-m=2"} {
		res, err := goBuild(ctx, goCmd, dir, level)
		if err != nil {
			return nil, err
		}
		t.record("go build -gcflags="+level+" on testdata/gcflagsm", gcRuntime(), res)
		if res.ExitCode != 0 {
			return nil, fmt.Errorf("go build -gcflags=%s failed (exit %d): %s", level, res.ExitCode, res.Excerpt())
		}
		lines, matches := 0, 0
		for _, l := range strings.Split(string(res.Stderr), "\n") {
			if !strings.HasPrefix(l, "./main.go:") {
				continue
			}
			lines++
			if strings.Contains(l, notInlined) {
				matches++
			}
			if e.Sample == "" && strings.Contains(l, "map") {
				e.Sample = l
			}
		}
		if level == "-m" {
			e.Lines, e.Matches = lines, matches
		} else {
			e.Lines2, e.Matches2 = lines, matches
		}
	}
	return e, nil
}

// goBuild runs go build with -gcflags=level in dir; the compiler's
// diagnostics are on stderr.
func goBuild(ctx context.Context, goCmd, dir, level string) (child.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-gcflags="+level, "-o", os.DevNull, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GO111MODULE=on")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := child.Result{Program: "go build -gcflags=" + level, Elapsed: time.Since(start), Stdout: []byte(stdout.String()), Stderr: []byte(stderr.String())}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			return res, fmt.Errorf("running %s: %w", goCmd, err)
		}
		res.ExitCode = ee.ExitCode()
	}
	return res, nil
}

var (
	gctraceLine = regexp.MustCompile(`^gc \d+ @`)
	growthWord  = regexp.MustCompile(`(?i)\b(map|slice|grow)`)
)

type ev15 struct {
	MapGrowths, SliceGrowths int
	// Trace lines printed while the map and slice grew, and after the
	// forced collection (the control: gctrace was on).
	GrowthLines, ForcedLines int
	Mentions                 int // trace lines naming a map, slice or growth
	Forced                   string
}

func (e ev15) verdict() Verdict {
	switch {
	case e.Mentions > 0:
		return Holds
	case e.ForcedLines == 0 || e.MapGrowths+e.SliceGrowths == 0:
		return Inconclusive
	default:
		return DoesNotHold
	}
}

func (e ev15) summary() string {
	return fmt.Sprintf("with GODEBUG=gctrace=1 a map grew %d times and a slice %d times while gctrace printed %d lines; a forced GC printed %d (%q); trace lines naming a map, slice or growth: %d",
		e.MapGrowths, e.SliceGrowths, e.GrowthLines, e.ForcedLines, e.Forced, e.Mentions)
}

func measure15(ctx context.Context, t *trial) (evidence, error) {
	res, err := t.child(ctx, "grow a map and a slice, then force a GC, under GODEBUG=gctrace=1", child.Spec{
		Program: "claims/growth-trace",
		Env:     []string{"GODEBUG=gctrace=1"},
	})
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		return nil, fmt.Errorf("%s: exit %d: %s", res.Program, res.ExitCode, res.Excerpt())
	}
	var e ev15
	if e.MapGrowths, err = figureInt(res, "map growths"); err != nil {
		return nil, err
	}
	if e.SliceGrowths, err = figureInt(res, "slice growths"); err != nil {
		return nil, err
	}
	phase := ""
	for _, l := range strings.Split(string(res.Stderr), "\n") {
		if p, ok := strings.CutPrefix(l, "phase: "); ok {
			phase = p
			continue
		}
		if !gctraceLine.MatchString(l) {
			continue
		}
		if growthWord.MatchString(l) {
			e.Mentions++
		}
		switch phase {
		case "growth":
			e.GrowthLines++
		case "forced gc":
			e.ForcedLines++
			if e.Forced == "" {
				e.Forced = l
			}
		}
	}
	return e, nil
}
