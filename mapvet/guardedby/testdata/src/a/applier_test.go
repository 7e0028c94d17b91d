package a

var fakeQuotas = map[string]int{}

type fakeApplier struct{}

func (fakeApplier) quotaOf(path string) int     { return fakeQuotas[path] }
func (fakeApplier) setQuota(path string, q int) { fakeQuotas[path] = q }
func (fakeApplier) clearQuota(path string)      { delete(fakeQuotas, path) }
