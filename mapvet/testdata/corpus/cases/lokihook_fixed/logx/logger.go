// Package logx is a small structured logger in the manner of logrus:
// entries carry fields, and hooks registered on the logger are fired, on
// the logging goroutine, for every entry.
//
// Report: https://github.com/schoentoon/logrus-loki/issues/2
package logx

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// Level is a log level.
type Level int

// Log levels.
const (
	ErrorLevel Level = iota
	WarnLevel
	InfoLevel
	DebugLevel
)

// Fields are an entry's key-value pairs.
type Fields map[string]any

// Entry is one log record.
type Entry struct {
	Logger  *Logger
	Time    time.Time
	Level   Level
	Message string
	Data    Fields
}

// Hook is told about entries of its levels.
type Hook interface {
	Levels() []Level
	Fire(*Entry) error
}

// Logger writes entries and fires hooks.
type Logger struct {
	mu    sync.Mutex
	out   io.Writer
	hooks map[Level][]Hook
}

// New returns a logger writing to out.
func New(out io.Writer) *Logger { return &Logger{out: out, hooks: make(map[Level][]Hook)} }

// AddHook registers h for its levels.
func (l *Logger) AddHook(h Hook) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, lv := range h.Levels() {
		l.hooks[lv] = append(l.hooks[lv], h)
	}
}

// WithFields returns an entry with fields.
func (l *Logger) WithFields(f Fields) *Entry {
	return &Entry{Logger: l, Data: f}
}

// Info logs msg at info level.
func (e *Entry) Info(msg string) { e.log(InfoLevel, msg) }

// Error logs msg at error level.
func (e *Entry) Error(msg string) { e.log(ErrorLevel, msg) }

func (e *Entry) log(lv Level, msg string) {
	ent := &Entry{Logger: e.Logger, Time: time.Now(), Level: lv, Message: msg, Data: e.Data}
	l := e.Logger
	l.mu.Lock()
	hooks := append([]Hook(nil), l.hooks[lv]...)
	l.mu.Unlock()
	for _, h := range hooks {
		if err := h.Fire(ent); err != nil {
			fmt.Fprintf(l.out, "failed to fire hook: %v\n", err)
		}
	}
	keys := make([]string, 0, len(ent.Data))
	for k := range ent.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "time=%s level=%d msg=%q", ent.Time.Format(time.RFC3339), lv, msg)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, ent.Data[k])
	}
	l.mu.Lock()
	fmt.Fprintln(l.out, b.String())
	l.mu.Unlock()
}
