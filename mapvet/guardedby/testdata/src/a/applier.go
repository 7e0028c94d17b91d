package a

import "sync"

// An interface the package calls, implemented only by a test's fake
// (kubernetes' fsquota and its quota_linux_test.go): what is said of the
// package's own functions must not depend on whether the tests were
// loaded, so the fake's map gets no guard and QuotaOf no finding.
type applier interface {
	quotaOf(path string) int
	setQuota(path string, q int)
	clearQuota(path string)
}

var (
	applyMu  sync.Mutex
	appliers = map[string]applier{}
)

func QuotaOf(path string) int {
	ap := appliers[path]
	return ap.quotaOf(path)
}

func SetQuota(path string, q int) {
	applyMu.Lock()
	defer applyMu.Unlock()
	appliers[path].setQuota(path, q)
}

func ClearQuota(path string) {
	applyMu.Lock()
	defer applyMu.Unlock()
	appliers[path].clearQuota(path)
}

func ResetQuota(path string) {
	applyMu.Lock()
	defer applyMu.Unlock()
	appliers[path].setQuota(path, 0)
}
