package httpsrv

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// A test's handler records what it saw in a map it captured, for requests
// the test makes one at a time: not judged.
func TestRecord(t *testing.T) {
	got := map[string]bool{}
	h := func(w http.ResponseWriter, r *http.Request) { got[r.URL.Path] = true }
	rec := httptest.NewRecorder()
	h(rec, httptest.NewRequest("GET", "/a", nil))
	h(rec, httptest.NewRequest("GET", "/b", nil))
	if !got["/a"] || !got["/b"] {
		t.Fatal(got)
	}
}
