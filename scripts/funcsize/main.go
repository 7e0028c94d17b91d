// Command funcsize lists the longest functions and the largest files of a
// Go tree (test files and testdata excluded): the figures the structure
// work is judged by.
//
//	go run ./scripts/funcsize [-n 10] [dir]
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type item struct {
	name  string
	lines int
}

func main() {
	n := flag.Int("n", 10, "how many of each to list")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	funcs, files, err := measure(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "funcsize:", err)
		os.Exit(1)
	}
	show("longest functions", funcs, *n)
	show("largest files", files, *n)
	fmt.Printf("functions: %d, median %d lines, p90 %d\n", len(funcs), quantile(funcs, 0.5), quantile(funcs, 0.9))
}

func measure(root string) (funcs, files []item, err error) {
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		tf := fset.File(f.Pos())
		files = append(files, item{path, tf.LineCount()})
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) > 0 {
				name = fmt.Sprintf("(%s).%s", recvName(fd.Recv.List[0].Type), name)
			}
			lines := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
			funcs = append(funcs, item{fmt.Sprintf("%s %s", path, name), lines})
		}
		return nil
	})
	return funcs, files, err
}

func recvName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return "*" + recvName(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return recvName(e.X)
	case *ast.IndexListExpr:
		return recvName(e.X)
	}
	return "?"
}

func show(title string, items []item, n int) {
	sort.Slice(items, func(i, j int) bool {
		if items[i].lines != items[j].lines {
			return items[i].lines > items[j].lines
		}
		return items[i].name < items[j].name
	})
	fmt.Println(title + ":")
	for i := 0; i < n && i < len(items); i++ {
		fmt.Printf("  %5d  %s\n", items[i].lines, items[i].name)
	}
}

func quantile(items []item, q float64) int {
	if len(items) == 0 {
		return 0
	}
	ls := make([]int, len(items))
	for i, it := range items {
		ls[i] = it.lines
	}
	sort.Ints(ls)
	return ls[int(q*float64(len(ls)-1))]
}
