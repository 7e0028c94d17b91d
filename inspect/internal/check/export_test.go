package check

import "github.com/mapsafe/mapsafe/inspect"

func ctrlOf(b uint8) inspect.Ctrl { return inspect.Ctrl(b) }
