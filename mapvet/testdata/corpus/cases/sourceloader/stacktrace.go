// Package sourceloader is modeled on raven-go's source code loader: Load
// has a value receiver, so every call locks a copy of the loader's mutex
// while the cache map, shared by all copies, is written by the goroutines
// that capture errors concurrently.
//
// Report: https://github.com/getsentry/raven-go/pull/212
package sourceloader

import (
	"bytes"
	"os"
	"runtime"
	"sync"
)

// SourceCodeLoader reads lines around a position in a source file.
type SourceCodeLoader interface {
	Load(filename string, line, context int) ([][]byte, int)
}

var sourceCodeLoader SourceCodeLoader = &fsLoader{cache: make(map[string][][]byte)}

type fsLoader struct {
	mu    sync.Mutex
	cache map[string][][]byte
}

func (fs fsLoader) Load(filename string, line, context int) ([][]byte, int) { // race: d the value receiver copies fs.mu, so each call locks its own copy
	fs.mu.Lock()
	defer fs.mu.Unlock()
	lines, ok := fs.cache[filename]
	if !ok {
		data, err := os.ReadFile(filename)
		if err != nil {
			// Remember the failure so the file is not read again.
			fs.cache[filename] = nil // race: d writes the shared cache under a copied mutex
			return nil, 0
		}
		lines = bytes.Split(data, []byte{'\n'})
		fs.cache[filename] = lines // race: d writes the shared cache under a copied mutex
	}
	if lines == nil {
		return nil, 0
	}
	line-- // stack trace lines are 1-indexed
	start := max(line-context, 0)
	end := min(line+context+1, len(lines))
	if line >= len(lines) {
		return nil, 0
	}
	return lines[start:end], line - start
}

// Frame is one frame of a captured stack trace.
type Frame struct {
	Filename    string
	Function    string
	Lineno      int
	ContextLine string
	PreContext  []string
	PostContext []string
}

// NewStacktrace captures the calling goroutine's stack with source context.
func NewStacktrace(skip, context int) []Frame {
	var frames []Frame
	pcs := make([]uintptr, 64)
	n := runtime.Callers(skip+2, pcs)
	it := runtime.CallersFrames(pcs[:n])
	for {
		f, more := it.Next()
		frame := Frame{Filename: f.File, Function: f.Function, Lineno: f.Line}
		if lines, i := sourceCodeLoader.Load(f.File, f.Line, context); lines != nil { // race: d Load through the interface locks a copy of the mutex
			frame.ContextLine = string(lines[i])
			for _, l := range lines[:i] {
				frame.PreContext = append(frame.PreContext, string(l))
			}
			for _, l := range lines[i+1:] {
				frame.PostContext = append(frame.PostContext, string(l))
			}
		}
		frames = append(frames, frame)
		if !more {
			return frames
		}
	}
}

// CaptureErrors reports each error with a stack trace of its own goroutine.
func CaptureErrors(errs <-chan error, report func(error, []Frame)) {
	for err := range errs {
		go func() { // race: d capture goroutines load sources concurrently
			report(err, NewStacktrace(0, 3)) // race: d each capture goroutine loads sources through the copied-mutex loader
		}()
	}
}
