// Package backupwriters is modeled on a Proxmox backup server proxy: the
// backup protocol opens two index writers at once (one request each), and
// Server.ServeHTTP, which net/http (and HTTP/2, one goroutine per stream)
// runs concurrently, registers, uses and closes them in s.Writers with no
// lock.
//
// Report: https://github.com/tizbac/pmoxs3backuproxy/issues/36
package backupwriters

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
)

// DataWriter collects the chunks of one index.
type DataWriter struct {
	Archive string
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
	Writers   map[int32]*DataWriter
	writersID atomic.Int32
}

// NewServer returns a server for one backup session.
func NewServer(store Store) *Server {
	return &Server{Store: store, Writers: make(map[int32]*DataWriter)}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/dynamic_index" && r.Method == http.MethodPost:
		wid := s.writersID.Add(1)
		s.Writers[wid] = &DataWriter{Archive: r.URL.Query().Get("archive-name")} // race: b concurrent requests write s.Writers
		fmt.Fprintf(w, `{"data":%d}`, wid)
	case r.URL.Path == "/dynamic_chunk" && r.Method == http.MethodPost:
		dw := s.writer(w, r) // race: b reads s.Writers through writer while other requests write it
		if dw == nil {
			return
		}
		var buf bytes.Buffer
		n, err := io.Copy(&buf, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		dw.Chunks = append(dw.Chunks, buf.Bytes())
		dw.Size += n
	case r.URL.Path == "/dynamic_close" && r.Method == http.MethodPost:
		dw := s.writer(w, r) // race: b reads s.Writers through writer while other requests write it
		if dw == nil {
			return
		}
		if err := s.Store.PutIndex(dw.Archive, dw.Chunks); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		wid, _ := strconv.Atoi(r.URL.Query().Get("wid"))
		delete(s.Writers, int32(wid)) // race: b concurrent requests delete from s.Writers
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
	dw, ok := s.Writers[int32(wid)] // race: b reads s.Writers while another request writes it
	if !ok {
		http.Error(w, "unknown writer", http.StatusNotFound)
		return nil
	}
	return dw
}
