package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// maplab claims -json prints one object per claim with the four fields the
// issue names, the verdict among the documented values.
func TestClaimsJSON(t *testing.T) {
	stdout, stderr, code := runMaplab("claims", "-json", "-run", "12|6c")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var got []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, stdout)
	}
	if len(got) != 2 {
		t.Fatalf("%d results, want 2 (claims 6c and 12)", len(got))
	}
	for _, r := range got {
		for _, f := range []string{"id", "claim", "verdict", "evidence"} {
			if _, ok := r[f]; !ok {
				t.Errorf("result lacks %q: %s", f, stdout)
			}
		}
		var v string
		json.Unmarshal(r["verdict"], &v)
		switch v {
		case "holds", "does-not-hold", "classic-only":
		default:
			t.Errorf("verdict %q", v)
		}
		var ev struct {
			Summary string
			Runs    []struct {
				Exit int `json:"exit_status"`
			}
		}
		if err := json.Unmarshal(r["evidence"], &ev); err != nil || ev.Summary == "" || len(ev.Runs) == 0 {
			t.Errorf("evidence %s: want a summary and the child runs (%v)", r["evidence"], err)
		}
	}
}

func TestClaimsTable(t *testing.T) {
	stdout, stderr, code := runMaplab("claims", "-run", "13", "-v")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"ID   VERDICT", "13   does-not-hold", "panics.", "no panic", "· section 3.3"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

func TestClaimsBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"claims", "-run", "99"}, `matches no claim ID`},
		{[]string{"claims", "-run", "("}, `-run "("`},
		{[]string{"claims", "extra"}, `unexpected argument "extra"`},
	} {
		_, stderr, code := runMaplab(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
