package claims

// All is the article's claims, in our translation, in the article's order.
// A claim that joins several statements is split into parts (6a-6c), each
// with its own experiment and verdict.
var All = []Claim{
	{
		ID: "1", Title: "chapter 1 reproducer always crashes",
		Text:    "The chapter 1 reproducer (deferred range, goroutine writes after a 1 µs sleep) always crashes.",
		measure: measure1,
	},
	{
		ID: "2", Title: "crash window is tied to growth", Classic: true,
		Text: "The crash window is tied to growth: it opens at hashGrow and closes when evacuation finishes " +
			"(test: a concurrent write during iteration with no growth at all; growth during iteration in one goroutine).",
		measure: measure2,
	},
	{
		ID: "3", Title: "recover() catches the error",
		Text:    "recover() in a deferred function catches the error.",
		measure: measure3,
	},
	{
		ID: "4", Title: "maps.Keys snapshot in defer avoids it",
		Text:    "Taking a snapshot with maps.Keys(m) inside the deferred function avoids the crash while a goroutine still writes.",
		measure: measure4,
	},
	{
		ID: "5", Title: "RWMutex cannot protect a range",
		Text:    "A sync.RWMutex cannot protect a range, because the runtime's check is hard-coded.",
		measure: measure5,
	},
	{
		ID: "6a", Title: "write right after a range is safe",
		Text:    "Writing to a map right after a range finishes is safe.",
		measure: measure6a,
	},
	{
		ID: "6b", Title: "deferred range + body writes is unsafe",
		Text:    "A deferred range plus writes in the function body (same goroutine) is unsafe.",
		measure: measure6b,
	},
	{
		ID: "6c", Title: "deleting during range is unsafe",
		Text:    "Deleting during range is unsafe.",
		measure: measure6c,
	},
	{
		ID: "7a", Title: "a bucket holds 8 entries", Classic: true,
		Text:    "A bucket holds 8 entries.",
		measure: measure7a,
	},
	{
		ID: "7b", Title: "tophash 0 empty, 1 deleted, >1 live", Classic: true,
		Text:    "tophash 0 means empty, 1 means deleted, anything above 1 is a live entry.",
		measure: measure7b,
	},
	{
		ID: "8a", Title: "grows when load factor exceeds 6.5", Classic: true,
		Text:    "Growth triggers when the load factor exceeds 6.5.",
		measure: measure8a,
	},
	{
		ID: "8b", Title: "grows when overflow buckets exceed 2^B", Classic: true,
		Text:    "Growth triggers when overflow buckets exceed 2^B.",
		measure: measure8b,
	},
	{
		ID: "9", Title: "iteration starts at a random bucket", Classic: true,
		Text:    "Iteration starts at a random bucket.",
		measure: measure9,
	},
	{
		ID: "10", Title: "the iterator is a fixed 64 bytes", Classic: true,
		Text:    "The runtime iterator structure is a fixed 64 bytes.",
		measure: measure10,
	},
	{
		ID: "11", Title: "growth is incremental, by writes only", Classic: true,
		Text:    "Growth copies no data at once; evacuation happens during later writes (and not during reads).",
		measure: measure11,
	},
	{
		ID: "12", Title: "defer sees and changes named results",
		Text:    "Deferred functions run after the return values are set and can see and change named results.",
		measure: measure12,
	},
	{
		ID: "13", Title: "section 3.3 slice example panics",
		Text:    "The slice example in section 3.3 (append, then read s[0] in a deferred function) panics.",
		measure: measure13,
	},
	{
		ID: "14", Title: "-gcflags=-m says \"map access not inlined\"",
		Text:    "-gcflags=-m reports \"map access not inlined\" for risky map accesses.",
		measure: measure14,
	},
	{
		ID: "15", Title: "gctrace=1 reveals map/slice growth",
		Text:    "GODEBUG=gctrace=1 reveals hidden map or slice growth.",
		measure: measure15,
	},
	{
		ID: "16a", Title: "immutable snapshot: high write throughput",
		Text:    "An immutable snapshot map has high write throughput (measured against a mutex-guarded map).",
		measure: measure16a,
	},
	{
		ID: "16b", Title: "sync.Map: very low read latency",
		Text:    "sync.Map has very low read latency (measured against a mutex-guarded map).",
		measure: measure16b,
	},
}
