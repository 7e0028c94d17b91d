package engine

// bits is a set of small non-negative integers (goroutine and defer
// indexes within one function).
type bits []uint64

func (b bits) has(i int) bool {
	w := i / 64
	return w < len(b) && b[w]&(1<<(i%64)) != 0
}

func (b bits) with(i int) bits {
	out := b.clone()
	for len(out) <= i/64 {
		out = append(out, 0)
	}
	out[i/64] |= 1 << (i % 64)
	return out
}

func (b bits) minus(c bits) bits {
	out := b.clone()
	for i := range out {
		if i < len(c) {
			out[i] &^= c[i]
		}
	}
	return out
}

func (b bits) or(c bits) bits {
	if len(c) > len(b) {
		b, c = c, b
	}
	out := b.clone()
	for i := range c {
		out[i] |= c[i]
	}
	return out
}

func (b bits) and(c bits) bits {
	n := min(len(b), len(c))
	out := make(bits, n)
	for i := range n {
		out[i] = b[i] & c[i]
	}
	return out
}

func (b bits) equal(c bits) bool {
	n := max(len(b), len(c))
	for i := range n {
		var x, y uint64
		if i < len(b) {
			x = b[i]
		}
		if i < len(c) {
			y = c[i]
		}
		if x != y {
			return false
		}
	}
	return true
}

func (b bits) clone() bits { return append(bits(nil), b...) }

// each calls f for every member, in increasing order.
func (b bits) each(f func(int)) {
	for w, x := range b {
		for i := 0; i < 64; i++ {
			if x&(1<<i) != 0 {
				f(w*64 + i)
			}
		}
	}
}

// all returns the set {0, ..., n-1}.
func all(n int) bits {
	var b bits
	for i := 0; i < n; i++ {
		b = b.with(i)
	}
	return b
}
