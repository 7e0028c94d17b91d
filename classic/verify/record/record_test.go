package record

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestReadRoundTrip(t *testing.T) {
	recs := []Record{
		{Op: 0, Hash: 7, Map: Map{Count: 1, B: 0, Buckets: []string{Chain([][8]uint8{{0x1e}})}}},
		{Op: 1, Found: true, Key: 1, Val: 2, Map: Map{Count: 1}, Iter: &Iter{Start: 3, NoCheck: true, Check: ^uint64(0)},
			RehashKeys: []int{1}, RehashHashes: []uint64{9}},
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range recs {
		if err := enc.Encode(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	back, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, recs) {
		t.Fatalf("read back %+v, want %+v", back, recs)
	}
}

func TestReadRefuses(t *testing.T) {
	for in, want := range map[string]string{
		`{"op":0,"map":{},"extra":1}`: `probe output line 1: json: unknown field "extra"`,
		`{"op":1,"map":{}}`:           "probe output line 1 is for operation 1",
		`not json`:                    "probe output line 1:",
	} {
		if _, err := Read(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Read(%s): %v, want %q", in, err, want)
		}
	}
}

func TestChain(t *testing.T) {
	if got := Chain([][8]uint8{{0x1e, 1, 0, 0, 0, 0, 0, 0}, {2, 3, 4, 5, 0xff, 0, 0, 0}}); got != "1e01000000000000.02030405ff000000" {
		t.Fatalf("Chain = %s", got)
	}
	if got := Chain(nil); got != "" {
		t.Fatalf("empty chain = %q", got)
	}
}
