// Package backupwriters is the fixed twin of cases/backupwriters: the
// writers live in a sync.Map (the fix the report proposes), and each
// writer's chunks are appended under the writer's own lock.
//
// Report: https://github.com/tizbac/pmoxs3backuproxy/issues/36
package backupwriters

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

// DataWriter collects the chunks of one index.
type DataWriter struct {
	Archive string
	mu      sync.Mutex
	Chunks  [][]byte
	Size    int64
}

// Store persists a finished index.
type Store interface {
	PutIndex(archive string, chunks [][]byte) error
}

// Server is the backup session's HTTP/2 handler.
type Server struct {
	Store     Store
	Writers   sync.Map // int32 -> *DataWriter
	writersID atomic.Int32
}

// NewServer returns a server for one backup session.
func NewServer(store Store) *Server {
	return &Server{Store: store}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/dynamic_index" && r.Method == http.MethodPost:
		wid := s.writersID.Add(1)
		s.Writers.Store(wid, &DataWriter{Archive: r.URL.Query().Get("archive-name")})
		fmt.Fprintf(w, `{"data":%d}`, wid)
	case r.URL.Path == "/dynamic_chunk" && r.Method == http.MethodPost:
		dw := s.writer(w, r)
		if dw == nil {
			return
		}
		var buf bytes.Buffer
		n, err := io.Copy(&buf, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		dw.mu.Lock()
		dw.Chunks = append(dw.Chunks, buf.Bytes())
		dw.Size += n
		dw.mu.Unlock()
	case r.URL.Path == "/dynamic_close" && r.Method == http.MethodPost:
		dw := s.writer(w, r)
		if dw == nil {
			return
		}
		dw.mu.Lock()
		chunks := dw.Chunks
		dw.mu.Unlock()
		if err := s.Store.PutIndex(dw.Archive, chunks); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		wid, _ := strconv.Atoi(r.URL.Query().Get("wid"))
		s.Writers.Delete(int32(wid))
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) writer(w http.ResponseWriter, r *http.Request) *DataWriter {
	wid, err := strconv.Atoi(r.URL.Query().Get("wid"))
	if err != nil {
		http.Error(w, "bad wid", http.StatusBadRequest)
		return nil
	}
	v, ok := s.Writers.Load(int32(wid))
	if !ok {
		http.Error(w, "unknown writer", http.StatusNotFound)
		return nil
	}
	return v.(*DataWriter)
}
