package claims

import (
	"strings"
	"testing"
)

// Each verdict is a function of the evidence alone. These tables feed every
// evidence type observations of each kind and check the verdict that must
// follow, so a verdict cannot be right by accident of the machine.

type verdictCase struct {
	name string
	ev   evidence
	want Verdict
}

func checkVerdicts(t *testing.T, cases []verdictCase) {
	t.Helper()
	for _, c := range cases {
		if got := c.ev.verdict(); got != c.want {
			t.Errorf("%s: verdict %q, want %q (evidence %+v)", c.name, got, c.want, c.ev)
		}
		if c.ev.summary() == "" {
			t.Errorf("%s: empty summary", c.name)
		}
	}
}

const iterFatal = "concurrent map iteration and map write"

func TestVerdictsCrashClaims(t *testing.T) {
	checkVerdicts(t, []verdictCase{
		{"1 every run crashed", ev1{Runs: 50, Crashes: 50}, Holds},
		{"1 some runs crashed", ev1{Runs: 50, Crashes: 49}, DoesNotHold},
		{"1 no run crashed", ev1{Runs: 50}, DoesNotHold},
		{"1 no runs", ev1{}, Inconclusive},

		{"3 recover caught it", ev3{Exit: 0, Recovered: "x", Control: "y"}, Holds},
		{"3 fatal, nothing recovered", ev3{Exit: 2, Fatal: iterFatal, Control: "y"}, DoesNotHold},
		{"3 control recovered nothing", ev3{Exit: 2, Fatal: iterFatal}, Inconclusive},
		{"3 no race seen", ev3{Exit: 0, Control: "y"}, Inconclusive},
		{"3 another fatal error", ev3{Exit: 2, Fatal: "out of memory", Control: "y"}, Inconclusive},

		{"4 crashed", ev4{Exit: 2, Fatal: iterFatal}, DoesNotHold},
		{"4 completed", ev4{Exit: 0, Calls: 300}, Holds},
		{"4 broken program", ev4{Exit: 1}, Inconclusive},

		{"5 locked run crashed", ev5{Exit: 2, Fatal: iterFatal}, Holds},
		{"5 locked ran, control crashed", ev5{Exit: 0, Ranges: 10, Writes: 10, ControlExit: 2, ControlFatal: iterFatal}, DoesNotHold},
		{"5 control did not crash", ev5{Exit: 0, Ranges: 10, Writes: 10}, Inconclusive},
		{"5 locked ran no writes", ev5{Exit: 0, Ranges: 10, ControlExit: 2, ControlFatal: iterFatal}, Inconclusive},

		{"6a safe, says safe", evSafe{ClaimsSafe: true, Done: 5, Consistent: true}, Holds},
		{"6a crashed, says safe", evSafe{ClaimsSafe: true, Exit: 2, Failure: "fatal error: " + iterFatal}, DoesNotHold},
		{"6b safe, says unsafe", evSafe{ClaimsSafe: false, Done: 5, Consistent: true}, DoesNotHold},
		{"6c panicked, says unsafe", evSafe{ClaimsSafe: false, Exit: 2, Failure: "panic: boom"}, Holds},
		{"6c figures do not add up", evSafe{ClaimsSafe: false, Done: 5}, Inconclusive},
	})
}

func TestVerdictsLanguageToolPerfClaims(t *testing.T) {
	checkVerdicts(t, []verdictCase{
		{"12 saw and changed", ev12{Seen: 21, Returned: 42}, Holds},
		{"12 saw zero", ev12{Seen: 0, Returned: 42}, DoesNotHold},
		{"12 change lost", ev12{Seen: 21, Returned: 21}, DoesNotHold},

		{"13 panicked", ev13{Exit: 2, Panic: "panic: runtime error: index out of range"}, Holds},
		{"13 read fine after a move", ev13{Exit: 0, Moved: true, S0: "0"}, DoesNotHold},
		{"13 append did not move", ev13{Exit: 0, Moved: false, S0: "0"}, Inconclusive},

		{"14 message present", ev14{Lines: 30, Matches: 1}, Holds},
		{"14 message absent", ev14{Lines: 30}, DoesNotHold},
		{"14 no diagnostics", ev14{}, Inconclusive},

		{"15 trace names growth", ev15{MapGrowths: 8, GrowthLines: 2, ForcedLines: 1, Mentions: 1}, Holds},
		{"15 silent trace", ev15{MapGrowths: 8, SliceGrowths: 12, ForcedLines: 1}, DoesNotHold},
		{"15 trace never on", ev15{MapGrowths: 8}, Inconclusive},
		{"15 nothing grew", ev15{ForcedLines: 1}, Inconclusive},

		{"16a snapshot faster", ev16a{Locked: 100, Snapshot: 200, Size: 10}, Holds},
		{"16a snapshot slower", ev16a{Locked: 200, Snapshot: 100, Size: 10}, DoesNotHold},
		{"16a no figures", ev16a{}, Inconclusive},

		{"16b sync.Map lower in both", ev16b{LockedNs: 50, SyncNs: 20, LockedWriterNs: 90, SyncWriterNs: 30}, Holds},
		{"16b lower only with a writer", ev16b{LockedNs: 20, SyncNs: 50, LockedWriterNs: 90, SyncWriterNs: 30}, DoesNotHold},
		{"16b no figures", ev16b{LockedNs: 20}, Inconclusive},
	})
}

func TestCombine(t *testing.T) {
	for _, c := range []struct{ classic, swiss, want Verdict }{
		{Holds, Holds, Holds},
		{Holds, DoesNotHold, ClassicOnly},
		{DoesNotHold, Holds, DoesNotHold},
		{DoesNotHold, DoesNotHold, DoesNotHold},
		{Inconclusive, Holds, Inconclusive},
		{Holds, Inconclusive, Inconclusive},
	} {
		if got := combine(c.classic, c.swiss); got != c.want {
			t.Errorf("combine(%s, %s) = %s, want %s", c.classic, c.swiss, got, c.want)
		}
	}
}

func TestVerdictsClassicClaims(t *testing.T) {
	noGrowthRace := ev2{UnitsBefore: 16, UnitsAfter: 16, RaceExit: 2, RaceFatal: iterFatal, GrowExit: 0, LenBefore: 8, LenAfter: 2008, GrowUnitsBefore: 1, GrowUnitsAfter: 512}
	growthOnly := ev2{UnitsBefore: 16, UnitsAfter: 16, RaceExit: 0, GrowExit: 2, GrowFailure: "fatal error: " + iterFatal}
	grewWhileRacing := ev2{Allocs: 3, UnitsBefore: 16, UnitsAfter: 32, RaceExit: 2, RaceFatal: iterFatal, GrowExit: 2, GrowFailure: "x"}

	classicPoints := ev8a{Points: []growthPoint{{9, 1}, {14, 2}, {27, 4}, {53, 8}, {105, 16}}}
	swissPoints := ev8a{Points: []growthPoint{{9, 1}, {15, 2}, {29, 4}, {57, 8}}}
	earlyPoints := ev8a{Points: []growthPoint{{9, 1}, {13, 2}}} // 12/2 = 6 before: grew too early

	freshOK := cells{Len: 100, Cells: 152, Zeros: 52, AboveOne: 100}
	delOK := cells{Len: 70, Cells: 152, Zeros: 56, Ones: 26, AboveOne: 70}
	growthMarks := cells{Len: 105, Cells: 416, Zeros: 288, Ones: 7, AboveOne: 121, Marks: 16}
	growthOK := cells{Len: 105, Cells: 416, Zeros: 304, Ones: 7, AboveOne: 105}
	swissFresh := cells{Len: 100, Cells: 128, Zeros: 2, AboveOne: 126}

	checkVerdicts(t, []verdictCase{
		{"2 race without growth", noGrowthRace, DoesNotHold},
		{"2 only growth crashes", growthOnly, Holds},
		{"2 no-growth check failed", grewWhileRacing, Inconclusive},
		{"2 both", classicAndSwiss[ev2]{noGrowthRace, noGrowthRace}, DoesNotHold},
		{"2 classic-only", classicAndSwiss[ev2]{growthOnly, noGrowthRace}, ClassicOnly},

		{"7a 8 and 8", ev7a{Held: 8, Slots: 8, UnitBytes: 144}, Holds},
		{"7a 16 slots", ev7a{Held: 16, Slots: 16, UnitBytes: 272}, DoesNotHold},
		{"7a both", classicAndSwiss[ev7a]{ev7a{8, 8, 144}, ev7a{8, 8, 136}}, Holds},

		{"7b consistent everywhere", ev7b{Fresh: freshOK, AfterDeletes: delOK, AfterGrowth: growthOK, Deleted: 30}, Holds},
		{"7b evacuation marks", ev7b{Fresh: freshOK, AfterDeletes: delOK, AfterGrowth: growthMarks, Deleted: 30}, DoesNotHold},
		{"7b swiss control bytes", ev7b{Fresh: swissFresh, AfterDeletes: delOK, AfterGrowth: growthOK, Deleted: 30}, DoesNotHold},
		{"7b ones before any delete", ev7b{Fresh: cells{Len: 100, Cells: 152, Zeros: 51, Ones: 1, AboveOne: 100}, AfterDeletes: delOK, AfterGrowth: growthOK, Deleted: 30}, DoesNotHold},
		{"7b nothing read", ev7b{}, Inconclusive},

		{"8a at 6.5", classicPoints, Holds},
		{"8a at 7", swissPoints, DoesNotHold},
		{"8a too early", earlyPoints, DoesNotHold},
		{"8a single-unit growth only", ev8a{Points: []growthPoint{{9, 1}}}, Inconclusive},
		{"8a classic-only", classicAndSwiss[ev8a]{classicPoints, swissPoints}, ClassicOnly},

		{"8b same-size at 2^B", ev8b{HasOverflow: true, Grew: true, Ops: 600, SameSize: true, Overflow: 16, Buckets: 16}, Holds},
		{"8b same-size at 2^B+1", ev8b{HasOverflow: true, Grew: true, Ops: 600, SameSize: true, Overflow: 17, Buckets: 16}, Holds},
		{"8b same-size far below 2^B", ev8b{HasOverflow: true, Grew: true, Ops: 600, SameSize: true, Overflow: 3, Buckets: 16}, DoesNotHold},
		{"8b doubling under churn", ev8b{HasOverflow: true, Grew: true, Ops: 600, SameSize: false, Overflow: 16, Buckets: 16}, DoesNotHold},
		{"8b no growth seen", ev8b{HasOverflow: true}, Inconclusive},
		{"8b no overflow buckets", ev8b{Grew: true, Ops: 30, UnitsAfter: 32}, DoesNotHold},

		{"9 many first keys", ev9{Ranges: 2000, Units: 16, Distinct: 64}, Holds},
		{"9 one bucket's worth", ev9{Ranges: 2000, Units: 16, Distinct: 8}, DoesNotHold},
		{"9 one unit", ev9{Ranges: 2000, Units: 1, Distinct: 8}, Inconclusive},

		{"10 64", ev10{64}, Holds},
		{"10 96", ev10{96}, DoesNotHold},
		{"10 both 96", classicAndSwiss[ev10]{ev10{96}, ev10{96}}, DoesNotHold},

		{"11 incremental", ev11{Count: 833, AtGrowth: 10, AfterReads: 10, AfterWrites: 236, WritesToFinish: 90}, Holds},
		{"11 all at once", ev11{Count: 897, AtGrowth: 897, AfterReads: 897, AfterWrites: 897, WritesToFinish: 16}, DoesNotHold},
		{"11 reads evacuate", ev11{Count: 833, AtGrowth: 10, AfterReads: 50, AfterWrites: 236}, DoesNotHold},
		{"11 nothing read", ev11{}, Inconclusive},
		{"11 classic-only", classicAndSwiss[ev11]{ev11{833, 10, 10, 236, 90}, ev11{897, 897, 897, 897, 16}}, ClassicOnly},
	})
}

func TestClaimList(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range All {
		if c.ID == "" || c.Text == "" || c.Title == "" || c.measure == nil {
			t.Errorf("claim %q is incomplete", c.ID)
		}
		if seen[c.ID] {
			t.Errorf("claim ID %q twice", c.ID)
		}
		seen[c.ID] = true
	}
	// The sixteen claims are all there.
	for _, id := range strings.Fields("1 2 3 4 5 6a 6b 6c 7a 7b 8a 8b 9 10 11 12 13 14 15 16a 16b") {
		if !seen[id] {
			t.Errorf("claim %s is missing", id)
		}
	}
}

func TestWrap(t *testing.T) {
	lines := wrap("aaa bbb ccc ddd", 7)
	if strings.Join(lines, "|") != "aaa bbb|ccc ddd" {
		t.Fatalf("wrap = %q", lines)
	}
}
