package gocmd

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// verbs are mapguard's commands, in the order the usage lists them.
var verbs = []string{"build", "test", "run", "install", "overlay", "check", "clean", "help"}

// command is a mapguard command line.
type command struct {
	verb string
	opt  options
	inv  *invocation // the go arguments; nil for clean
}

var (
	errHelp      = errors.New("help requested")
	errNoCommand = errors.New("no command")
)

// parseCommand parses a command line: mapguard's flags, the command, and
// for the commands that run go or ask it for its toolchain, the go flags
// that matter here. MAPGUARD_STRICT is read unless -strict was given.
func parseCommand(args []string) (*command, error) {
	opt, args, err := parseFlags(args)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return nil, errNoCommand
	}
	c := &command{verb: args[0], opt: opt}
	goArgs := args[1:]
	switch c.verb {
	case "help":
		return nil, errHelp
	case "clean":
		if len(goArgs) != 0 {
			return nil, fmt.Errorf("mapguard clean takes no arguments")
		}
		return c, nil
	case "check":
		if len(goArgs) != 0 {
			return nil, fmt.Errorf("mapguard check takes no arguments: it reports on the toolchain that go env names here (set GOTOOLCHAIN, or cd, to choose another)")
		}
	case "build", "test", "run", "install", "overlay":
	default:
		return nil, fmt.Errorf("unknown command %q: mapguard's commands are %s and %s (mapguard help)", c.verb, strings.Join(verbs[:len(verbs)-1], ", "), verbs[len(verbs)-1])
	}
	if c.inv, err = parseGoArgs(c.verb, goArgs); err != nil {
		return nil, err
	}
	if !c.opt.strictSet {
		if c.opt.strict, err = strictFromEnv(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// options are mapguard's own flags, which go before the command.
type options struct {
	strict    bool
	strictSet bool // -strict was given, so MAPGUARD_STRICT is not read
	verbose   bool
}

// parseFlags reads mapguard's flags from the front of args and returns the
// rest, which starts with the command. A go flag there gets a hint.
func parseFlags(args []string) (options, []string, error) {
	var opt options
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			return opt, args[1:], nil
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch name {
		case "h", "help":
			return opt, nil, errHelp
		case "strict", "v":
			b := true
			if hasValue {
				var err error
				if b, err = strconv.ParseBool(value); err != nil {
					return opt, nil, fmt.Errorf("invalid value %q for -%s: want a boolean (true, false, 1, 0)", value, name)
				}
			}
			if name == "strict" {
				opt.strict, opt.strictSet = b, true
			} else {
				opt.verbose = b
			}
		default:
			example := "build"
			if i := slices.IndexFunc(args, func(s string) bool { return !strings.HasPrefix(s, "-") }); i >= 0 && slices.Contains(verbs, args[i]) {
				example = args[i]
			}
			return opt, nil, fmt.Errorf("flag provided but not defined: %s (mapguard's own flags, before the command, are -strict and -v; go's flags go after the command: mapguard %s %s ...)", a, example, a)
		}
		args = args[1:]
	}
	return opt, args, nil
}

// strictFromEnv reads MAPGUARD_STRICT, which strconv.ParseBool must accept
// (unset or empty is false).
func strictFromEnv() (bool, error) {
	v := os.Getenv("MAPGUARD_STRICT")
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("MAPGUARD_STRICT=%q is not a boolean: set it to 1 or true for strict mode, 0 or false (or leave it unset) for the default", v)
	}
	return b, nil
}

// invocation is the user's go arguments with the flags mapguard reads.
type invocation struct {
	args     []string // without -C and -overlay
	chdir    string   // -C
	hasC     bool
	overlay  string
	compiler string
}

// valueFlags are the go build, run and test flags that take a value, so
// that the value is not mistaken for a package.
var valueFlags = map[string]bool{
	"C": true, "o": true, "p": true, "asmflags": true, "buildmode": true, "compiler": true,
	"gccgoflags": true, "gcflags": true, "installsuffix": true, "ldflags": true, "mod": true,
	"modfile": true, "overlay": true, "pgo": true, "pkgdir": true, "tags": true, "toolexec": true,
	"coverpkg": true, "covermode": true, "exec": true, "run": true, "skip": true, "bench": true,
	"benchtime": true, "count": true, "timeout": true, "cpu": true, "parallel": true, "list": true,
	"shuffle": true, "fuzz": true, "fuzztime": true, "fuzzminimizetime": true, "vet": true,
	"outputdir": true, "coverprofile": true, "cpuprofile": true, "memprofile": true,
	"memprofilerate": true, "blockprofile": true, "blockprofilerate": true, "mutexprofile": true,
	"mutexprofilefraction": true, "trace": true,
}

// goFlag is one go flag as the user wrote it.
type goFlag struct {
	name  string   // without dashes and a "test." prefix
	value string   // "" for a boolean flag written without a value
	args  []string // the arguments it took: ["-o", "x"] or ["-o=x"]
}

// nextFlag reads the go flag at args[0], and its value from args[1] if the
// flag takes one and was not written -flag=value.
func nextFlag(args []string) (goFlag, error) {
	name, value, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
	name = strings.TrimPrefix(name, "test.")
	f := goFlag{name: name, value: value, args: args[:1]}
	if valueFlags[name] && !hasValue {
		if len(args) < 2 {
			return f, fmt.Errorf("flag -%s needs a value", name)
		}
		f.value, f.args = args[1], args[:2]
	}
	return f, nil
}

// parseGoArgs finds -C (which go requires first), -overlay and -compiler
// among the go flags: before the first package for build, run and install,
// and anywhere before -args for test (go test accepts flags after
// packages). mapguard overlay takes -C and -overlay only.
func parseGoArgs(verb string, args []string) (*invocation, error) {
	inv := &invocation{}
	for i := 0; i < len(args); {
		a := args[i]
		if a == "--" || a == "-args" || a == "--args" {
			inv.args = append(inv.args, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			if verb == "overlay" {
				return nil, fmt.Errorf("mapguard overlay takes no packages (%s): it prints the overlay for every build with this toolchain", a)
			}
			if verb != "test" {
				inv.args = append(inv.args, args[i:]...)
				break
			}
			inv.args = append(inv.args, a)
			i++
			continue
		}
		f, err := nextFlag(args[i:])
		if err != nil {
			return nil, err
		}
		switch f.name {
		case "C":
			if i != 0 {
				return nil, fmt.Errorf("-C must be the first go flag")
			}
			inv.chdir, inv.hasC = f.value, true
		case "overlay":
			inv.overlay = f.value
		case "strict":
			hint := ""
			if verb == "test" {
				hint = "; to pass -strict to the test binary, put it after -args"
			}
			return nil, fmt.Errorf("%s after the command is not a go flag: mapguard's flags go before it (mapguard -strict %s ...)%s", a, verb, hint)
		default:
			if verb == "overlay" {
				return nil, fmt.Errorf("mapguard overlay takes only -C dir and -overlay file, not %s", a)
			}
			if f.name == "compiler" {
				inv.compiler = f.value
			}
			inv.args = append(inv.args, f.args...)
		}
		i += len(f.args)
	}
	return inv, nil
}

// withOverlay returns the go arguments with -overlay added after -C.
func (inv *invocation) withOverlay(path string) []string {
	var out []string
	if inv.hasC {
		out = append(out, "-C", inv.chdir)
	}
	out = append(out, "-overlay="+path)
	return append(out, inv.args...)
}

// goflags is what mapguard reads of GOFLAGS.
type goflags struct{ overlay, compiler string }

// parseGOFLAGS reads -overlay and -compiler from GOFLAGS, whose entries are
// space-separated -flag or -flag=value (the go command reports any other
// form when it runs).
func parseGOFLAGS(s string) goflags {
	var g goflags
	for _, field := range strings.Fields(s) {
		f, _ := nextFlag([]string{field})
		switch f.name {
		case "overlay":
			g.overlay = f.value
		case "compiler":
			g.compiler = f.value
		}
	}
	return g
}
