// Package directive defines an Analyzer that checks mapvet's suppression
// comments.
//
// # Analyzer mapvetignore
//
// mapvetignore: check //mapvet:ignore directives
//
// A report of a mapvet check is suppressed by a comment on its line, or on
// the line above it:
//
//	//mapvet:ignore sharedmap the map is written before Start returns
//
// The comment names one check or several, comma-separated, and must give a
// reason: a suppression without one hides a crash without telling the next
// reader why that is safe. This analyzer reports directives that name no
// check, an unknown check, or no reason; such a directive suppresses
// nothing.
package directive
