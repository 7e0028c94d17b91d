package engine

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/mapsafe/mapsafe/mapvet/internal/ops"
	"github.com/mapsafe/mapsafe/mapvet/internal/ref"
	"golang.org/x/tools/go/analysis"
)

// The locks a program declares for its maps: a //mapvet:guardedby comment,
// or the layout (a mutex named after the map, the mutex field just before
// it). See guards.go for how each is used.

const guardedByPrefix = "//mapvet:guardedby "

// declaredGuards reads //mapvet:guardedby comments on struct fields and
// package variables of map type: the lock a sibling field (or a package
// variable) named in the comment.
func declaredGuards(pass *analysis.Pass) map[ref.TypeKey]Held {
	out := map[ref.TypeKey]Held{}
	pkg := pass.Pkg.Path()
	lockOf := func(c *ast.CommentGroup) (string, bool) {
		if c == nil {
			return "", false
		}
		for _, l := range c.List {
			if name, ok := strings.CutPrefix(l.Text, guardedByPrefix); ok {
				return strings.TrimSpace(name), true
			}
		}
		return "", false
	}
	for _, f := range pass.Files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					st, ok := spec.Type.(*ast.StructType)
					if !ok {
						continue
					}
					for _, field := range st.Fields.List {
						lock, ok := lockOf(field.Doc)
						if !ok {
							lock, ok = lockOf(field.Comment)
						}
						if !ok {
							continue
						}
						for _, n := range field.Names {
							key := ref.TypeKey(pkg + "." + spec.Name.Name + "." + n.Name)
							out[key] = Held{TypeKey: ref.TypeKey(pkg + "." + spec.Name.Name + "." + lock), Name: lock, At: field.Pos()}
						}
					}
				case *ast.ValueSpec:
					lock, ok := lockOf(spec.Doc)
					if !ok {
						lock, ok = lockOf(spec.Comment)
					}
					if !ok && len(gd.Specs) == 1 {
						lock, ok = lockOf(gd.Doc)
					}
					if !ok {
						continue
					}
					for _, n := range spec.Names {
						out[ref.TypeKey(pkg+"."+n.Name)] = Held{TypeKey: ref.TypeKey(pkg + "." + lock), Name: lock, At: n.Pos()}
					}
				}
			}
		}
	}
	return out
}

// besideLocks returns, for each map field and package map variable, the
// mutexes the declarations put with it: one named after the map (the
// map's name followed by Lock, Mu, Mutex, Mtx, in any case), or the mutex
// declared just before it in the same struct or var block, with only maps
// in between.
func besideLocks(pass *analysis.Pass) map[ref.TypeKey][]ref.TypeKey {
	out := map[ref.TypeKey][]ref.TypeKey{}
	type decl struct {
		name  string
		mutex bool
		isMap bool
	}
	// pair links each map to the mutexes declared for it: one named after
	// it, or the mutex just before it (only other maps in between, as in
	// `mu sync.Mutex; byName map...; byID map...`).
	pair := func(prefix string, ds []decl) {
		var last string
		for _, d := range ds {
			switch {
			case d.mutex:
				last = d.name
				continue
			case !d.isMap:
				last = "" // something else between: mu is for that
				continue
			}
			key := ref.TypeKey(prefix + d.name)
			for _, o := range ds {
				if o.mutex && namedFor(o.name, d.name) {
					out[key] = append(out[key], ref.TypeKey(prefix+o.name))
				}
			}
			if last != "" {
				out[key] = append(out[key], ref.TypeKey(prefix+last))
			}
		}
	}
	info := pass.TypesInfo
	pkg := pass.Pkg.Path() + "."
	for _, f := range pass.Files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				continue
			}
			var vars []decl
			for _, spec := range gd.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					st, ok := spec.Type.(*ast.StructType)
					if !ok {
						continue
					}
					var fields []decl
					for _, field := range st.Fields.List {
						t := info.TypeOf(field.Type)
						names := field.Names
						if len(names) == 0 { // embedded: the type's name
							if n, ok := t.(*types.Named); ok {
								names = []*ast.Ident{{Name: n.Obj().Name()}}
							}
						}
						for _, n := range names {
							fields = append(fields, decl{n.Name, isMutex(t), t != nil && ops.IsMap(t)})
						}
					}
					pair(pkg+spec.Name.Name+".", fields)
				case *ast.ValueSpec:
					for _, n := range spec.Names {
						obj := info.Defs[n]
						if obj == nil {
							continue
						}
						vars = append(vars, decl{n.Name, isMutex(obj.Type()), ops.IsMap(obj.Type())})
					}
				}
			}
			pair(pkg, vars)
		}
	}
	return out
}

// namedFor reports whether a lock's name says it is the map's:
// supportsQuotasLock for supportsQuotas.
func namedFor(lock, m string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(lock), strings.ToLower(m))
	return ok && (rest == "lock" || rest == "mu" || rest == "mutex" || rest == "mtx" || rest == "lck")
}

func isMutex(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "sync" && (n.Obj().Name() == "Mutex" || n.Obj().Name() == "RWMutex")
}
