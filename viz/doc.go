// Package viz is the visualizer behind "maplab viz": a page that steps
// forward and back through operations on the classic map model and on a
// real Swiss map, served on localhost or exported as one HTML file.
//
// All the content is computed in Go before the page exists:
//
//	classic model scenarios ──┐  (one ClassicFrame per model event: header,
//	  (classic, interleave)   │   both bucket arrays, iterators, focus)
//	real map[int]int ─────────┼─> Data ─JSON─> page (index.html + viz.css + viz.js,
//	  (inspect, this process) │                       go:embed, inlined by Page)
//	custom operations (POST) ─┘  (one SwissFrame per operation: directory,
//	                              tables, control bytes, iterator slot)
//
// The script only draws the frame it is asked for, so what the page shows
// can be checked against the frame data: the browser test (chromedp,
// headless Chromium) does that, and the browser-less tests check the frames
// themselves against the model's and the runtime's known figures.
package viz
