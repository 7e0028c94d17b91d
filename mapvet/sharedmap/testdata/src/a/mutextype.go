package a

import "sync"

// A type that holds a mutex is called from several goroutines: its
// exported methods run at the same time (fhmq/hmq#108's client, whose
// mutex guards its subscriptions but not its in-flight messages).
type mqttClient struct {
	mu       sync.Mutex // guards subs
	subs     map[string]byte
	inflight map[uint16]string
}

func (c *mqttClient) Subscribe(topic string) {
	c.mu.Lock()
	c.subs[topic] = 1
	c.mu.Unlock()
}

func (c *mqttClient) Deliver(id uint16, msg string) {
	c.inflight[id] = msg // want `mqttClient holds a mutex, so its methods may run on several goroutines at once: Deliver writes c.inflight at mutextype.go:21 while Deliver writes it`
}

func (c *mqttClient) Ack(id uint16) {
	delete(c.inflight, id)
}

// Without a mutex, nothing says the type is shared.
type single struct {
	pending map[int]string
}

func (s *single) Add(id int, v string) { s.pending[id] = v }
func (s *single) Done(id int)          { delete(s.pending, id) }

// All under the mutex: nothing to report.
type lockedAll struct {
	mu sync.Mutex
	m  map[int]int
}

func (l *lockedAll) Put(k, v int) { l.mu.Lock(); l.m[k] = v; l.mu.Unlock() }
func (l *lockedAll) Get(k int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.m[k]
}
