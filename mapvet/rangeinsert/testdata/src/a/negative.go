package a

func update(m map[string]int) {
	for k, v := range m {
		m[k] = v * 2
		m[k]++
		if v < 0 {
			delete(m, k)
		}
	}
}

func otherMap(m, out map[string]int) {
	for k, v := range m {
		out[k+"x"] = v
	}
}

func insertThenBreak(m map[string]int) {
	for k := range m {
		if k == "" {
			m["root"] = 1
			break
		}
	}
	for k := range m {
		m[k+"x"] = 1
		return
	}
}

func deleteOthers(m map[int]bool) {
	for k := range m {
		delete(m, k+1)
	}
}
