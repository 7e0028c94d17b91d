// Package lokihook is modeled on a Loki hook for logrus: Fire, which the
// logger calls through its Hook interface on whatever goroutine logs,
// appends the entry to the batch map, and the hook's own run goroutine
// ranges that map to push it to Loki, with no lock between them.
//
// Report: https://github.com/schoentoon/logrus-loki/issues/2
package lokihook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"corpus/cases/lokihook/logx"
)

type logLine struct {
	ts   time.Time
	line string
}

// Loki pushes log entries to a Loki server in batches.
type Loki struct {
	url    string
	client *http.Client
	batch  map[string][]logLine // stream labels -> lines
	every  time.Duration
}

// NewLoki returns a hook pushing to url every flush interval.
func NewLoki(url string, every time.Duration) *Loki {
	l := &Loki{url: url, client: http.DefaultClient, batch: make(map[string][]logLine), every: every}
	go l.run() // race: f the pusher goroutine ranges the batch map that Fire writes from the logging goroutines
	return l
}

// Levels returns the levels the hook wants.
func (l *Loki) Levels() []logx.Level {
	return []logx.Level{logx.ErrorLevel, logx.WarnLevel, logx.InfoLevel}
}

// Fire adds the entry to the current batch.
func (l *Loki) Fire(e *logx.Entry) error {
	labels := streamLabels(e.Data)
	l.batch[labels] = append(l.batch[labels], logLine{ts: e.Time, line: e.Message}) // race: f Fire runs on every logging goroutine and writes l.batch
	return nil
}

func (l *Loki) run() {
	t := time.NewTicker(l.every)
	defer t.Stop()
	for range t.C {
		type stream struct {
			Stream string      `json:"stream"`
			Values [][2]string `json:"values"`
		}
		var streams []stream
		for labels, lines := range l.batch { // race: f ranges the batch while Fire appends to it
			s := stream{Stream: labels}
			for _, ln := range lines {
				s.Values = append(s.Values, [2]string{fmt.Sprint(ln.ts.UnixNano()), ln.line})
			}
			streams = append(streams, s)
		}
		l.batch = make(map[string][]logLine)
		if len(streams) == 0 {
			continue
		}
		body, _ := json.Marshal(map[string]any{"streams": streams})
		resp, err := l.client.Post(l.url, "application/json", bytes.NewReader(body))
		if err == nil {
			resp.Body.Close()
		}
	}
}

func streamLabels(f logx.Fields) string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%q", k, fmt.Sprint(f[k])))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// Handler logs every request through log, on the request's goroutine.
func Handler(log *logx.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		log.WithFields(logx.Fields{"path": r.URL.Path, "method": r.Method}).Info("request")
		w.WriteHeader(http.StatusNoContent)
	}
}
