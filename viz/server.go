package viz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/mapsafe/mapsafe/classic/op"
)

// Limits on what a served page may ask the model to run.
const (
	maxCustomBody = 64 << 10
	maxCustomOps  = 5000
)

// Handler serves the page (GET /) and runs custom operations on the model
// (POST /api/classic?seed=S with operations in the body, one per line).
func Handler(d *Data) (http.Handler, error) {
	live := *d
	live.Live = true
	page, err := Page(&live)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	mux.HandleFunc("POST /api/classic", custom)
	return mux, nil
}

func custom(w http.ResponseWriter, r *http.Request) {
	fail := func(code int, format string, args ...any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]string{"error": fmt.Sprintf(format, args...)})
	}
	seed := uint64(1)
	if s := r.URL.Query().Get("seed"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			fail(http.StatusBadRequest, "seed %q is not a non-negative integer", s)
			return
		}
		seed = v
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCustomBody+1))
	if err != nil {
		fail(http.StatusBadRequest, "reading the operations: %v", err)
		return
	}
	if len(body) > maxCustomBody {
		fail(http.StatusRequestEntityTooLarge, "operations longer than %d bytes", maxCustomBody)
		return
	}
	ops, err := op.Parse(bytes.NewReader(body))
	if err != nil {
		fail(http.StatusBadRequest, "operations: %v", err)
		return
	}
	if len(ops) == 0 {
		fail(http.StatusBadRequest, "no operations")
		return
	}
	if len(ops) > maxCustomOps {
		fail(http.StatusBadRequest, "%d operations: at most %d", len(ops), maxCustomOps)
		return
	}
	s, err := CustomScenario(ops, seed)
	if err != nil {
		fail(http.StatusBadRequest, "%v", err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(s)
}
