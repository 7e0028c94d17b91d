package a

import "sync"

func (c *Cache) Set(k string, v int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.data[k] = v
}

// Upgrading: the write happens after RUnlock, under Lock.
func (c *Cache) GetOrSet(k string) int {
	c.mu.RLock()
	v, ok := c.data[k]
	c.mu.RUnlock()
	if ok {
		return v
	}
	c.mu.Lock()
	c.data[k] = 1
	c.mu.Unlock()
	return 1
}

// dst is the caller's map; c.mu does not guard it.
func (c *Cache) CopyTo(dst map[string]int) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for k, v := range c.data {
		dst[k] = v
	}
}

// A map made here is not shared.
func (c *Cache) Snapshot() map[string]int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make(map[string]int, len(c.data))
	for k, v := range c.data {
		out[k] = v
	}
	return out
}

// Another mutex held exclusively guards the map written.
type Stats struct {
	mu     sync.RWMutex
	statMu sync.Mutex
	data   map[string]int
	counts map[string]int
}

func (s *Stats) Observe(k string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.statMu.Lock()
	s.counts[k]++
	s.statMu.Unlock()
	return s.data[k]
}

func (s *Stats) Inc(k string) {
	s.statMu.Lock()
	s.counts[k]++
	s.statMu.Unlock()
}

// Reads only.
func (c *Cache) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.data) + c.data["x"]
}

var other sync.Mutex

func TryWrite(k int) {
	if mu.TryLock() {
		table[k] = ""
		mu.Unlock()
	}
	_ = other
}

// The swap idiom under the read lock's writer: the old map is private.
func (c *Cache) Rotate() map[string]int {
	c.mu.Lock()
	old := c.hits
	c.hits = map[string]int{}
	c.mu.Unlock()
	c.mu.RLock()
	delete(old, "")
	c.mu.RUnlock()
	return old
}

// text/template's Clone: under the original's read lock, fill the copy's
// own table. copy returns a new template (whatever its name), and init
// gives it a new common: nobody else can see the map yet.
type tmplCommon struct {
	muTmpl sync.RWMutex
	tmpl   map[string]*Tmpl
}

type Tmpl struct {
	name   string
	parent *Tmpl
	*tmplCommon
}

func (t *Tmpl) copy() *Tmpl { return &Tmpl{name: t.name} }

func (t *Tmpl) Add(n *Tmpl) {
	t.muTmpl.Lock()
	defer t.muTmpl.Unlock()
	t.tmpl[n.name] = n
}

func (t *Tmpl) Lookup(name string) *Tmpl {
	t.muTmpl.RLock()
	defer t.muTmpl.RUnlock()
	return t.tmpl[name]
}

func (t *Tmpl) init() {
	if t.tmplCommon == nil {
		t.tmplCommon = &tmplCommon{tmpl: map[string]*Tmpl{}}
	}
}

func (t *Tmpl) Clone() *Tmpl {
	nt := t.copy()
	nt.init()
	t.muTmpl.RLock()
	defer t.muTmpl.RUnlock()
	for k, v := range t.tmpl {
		nt.tmpl[k] = v
	}
	return nt
}

// A copy that sometimes hands back another template is not fresh.
func (t *Tmpl) maybeCopy(share bool) *Tmpl {
	if share {
		return t.parent
	}
	return &Tmpl{name: t.name}
}

func (t *Tmpl) CloneShared(share bool) {
	nt := t.maybeCopy(share)
	t.muTmpl.RLock()
	defer t.muTmpl.RUnlock()
	for k, v := range t.tmpl {
		nt.tmpl[k] = v // want `write to nt.tmplCommon.tmpl while only the read lock t.tmplCommon.muTmpl is held`
	}
}
