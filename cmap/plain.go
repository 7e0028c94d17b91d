package cmap

// The operations of Locked and Sharded on a builtin map; the callers hold
// the map's write lock, and m is not nil.

func loadOrStore[K comparable, V any](m map[K]V, key K, value V) (actual V, loaded bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	m[key] = value
	return value, false
}

func loadAndDelete[K comparable, V any](m map[K]V, key K) (value V, loaded bool) {
	value, loaded = m[key]
	if loaded {
		delete(m, key)
	}
	return value, loaded
}

func swap[K comparable, V any](m map[K]V, key K, value V) (previous V, loaded bool) {
	previous, loaded = m[key]
	m[key] = value
	return previous, loaded
}

func compareAndSwap[K comparable, V any](m map[K]V, key K, old, new V) bool {
	if v, ok := m[key]; ok && equal(v, old) {
		m[key] = new
		return true
	}
	return false
}

func compareAndDelete[K comparable, V any](m map[K]V, key K, old V) bool {
	if v, ok := m[key]; ok && equal(v, old) {
		delete(m, key)
		return true
	}
	return false
}

func compute[K comparable, V any](m map[K]V, key K, f func(old V, loaded bool) (V, ComputeOp)) (actual V, ok bool) {
	old, loaded := m[key]
	v, op := f(old, loaded)
	switch op {
	case UpdateOp:
		m[key] = v
		return v, true
	case DeleteOp:
		delete(m, key)
		var zero V
		return zero, false
	}
	return old, loaded
}
