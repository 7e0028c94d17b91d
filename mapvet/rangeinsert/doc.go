// Package rangeinsert defines an Analyzer that reports inserts into a map
// while ranging over it.
//
// # Analyzer rangeinsert
//
// rangeinsert: report inserts into a map during a range over it
//
// The Go spec allows adding entries to a map during a range over it, but
// leaves open whether the loop visits them: "If a map entry is created
// during iteration, that entry may be produced during the iteration or may
// be skipped." A loop that inserts keys it computes can process some of its
// own inserts and not others, differently from run to run:
//
//	for k, v := range m {
//		m[k+"/copy"] = v // reported
//	}
//
// reports
//
//	insert into m during range over it: the new entry may or may not be visited by this loop; collect inserts in a second map
//
// Inserts are index assignments, op-assignments, `++` and `--`, and
// `maps.Copy` and `maps.Insert` into the ranged map (explicitly
// instantiated calls included). Deleting entries and updating the entry of
// the range key are allowed and well defined, and are not reported. An
// insert followed immediately by break or return is not reported either:
// the loop ends before it could visit the new entry.
//
// When the loop has a single plain insert, the suggested fix collects the
// inserts in a second map (`added := make(map[K]V)`) and copies them in
// after the loop.
//
// In one goroutine this is not a crash (only a concurrent write is); it is
// a warning, listed because it is the same "writes while ranging" pattern
// that is confused with the crash, and because its results are not
// reproducible.
//
// Suppress a report with `//mapvet:ignore rangeinsert <reason>`.
package rangeinsert
