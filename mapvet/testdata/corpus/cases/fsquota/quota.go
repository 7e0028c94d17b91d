// Package fsquota is modeled on the kubelet's project-quota support for
// emptyDir volumes: supportsQuotas, a package map, is guarded by
// supportsQuotasLock in SupportsQuotas, but ClearQuota, which holds only
// quotaLock, writes it too, once directly and once in a deferred delete.
// The volume plugin's mount and unmount calls come from the kubelet's
// volume manager goroutines in other packages.
//
// Report: https://github.com/kubernetes/kubernetes/issues/135089
package fsquota

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
)

// QuotaID is a project quota ID.
type QuotaID uint32

// Applier reads and writes project quotas on a filesystem.
type Applier interface {
	Supported(path string) (bool, error)
	SetQuota(path string, id QuotaID, bytes int64) error
	ClearQuota(path string, id QuotaID) error
}

var (
	// quotaLock guards the assignment maps.
	quotaLock   sync.Mutex
	podQuotaMap = make(map[string]QuotaID) // pod UID -> quota
	dirQuotaMap = make(map[string]QuotaID) // directory -> quota
	dirPodMap   = make(map[string]string)  // directory -> pod UID

	// supportsQuotasLock guards supportsQuotas.
	supportsQuotasLock sync.Mutex
	supportsQuotas     = make(map[string]bool) // directory -> quotas supported

	nextID QuotaID = 1048577
)

// SupportsQuotas reports whether path's filesystem enforces project quotas.
func SupportsQuotas(a Applier, path string) (bool, error) {
	supportsQuotasLock.Lock()
	defer supportsQuotasLock.Unlock()
	if ok, seen := supportsQuotas[path]; seen {
		return ok, nil
	}
	ok, err := a.Supported(path)
	if err != nil {
		return false, err
	}
	supportsQuotas[path] = ok
	return ok, nil
}

// AssignQuota assigns a quota for podUID's volume at path.
func AssignQuota(a Applier, path, podUID string, bytes int64) error {
	if ok, err := SupportsQuotas(a, path); err != nil || !ok {
		return fmt.Errorf("quotas not supported on %s: %v", path, err)
	}
	quotaLock.Lock()
	defer quotaLock.Unlock()
	id, ok := podQuotaMap[podUID]
	if !ok {
		id = nextID
		nextID++
		podQuotaMap[podUID] = id
	}
	if err := a.SetQuota(path, id, bytes); err != nil {
		return err
	}
	dirQuotaMap[path] = id
	dirPodMap[path] = podUID
	return nil
}

// ClearQuota removes the quota of the volume at path.
func ClearQuota(a Applier, path string) error {
	path = filepath.Clean(path)
	quotaLock.Lock()
	defer quotaLock.Unlock()
	id, ok := dirQuotaMap[path]
	if !ok {
		return errors.New("no quota assigned to " + path)
	}
	defer delete(supportsQuotas, path) // race: a deferred delete of supportsQuotas under quotaLock, not supportsQuotasLock
	podUID := dirPodMap[path]
	delete(dirQuotaMap, path)
	delete(dirPodMap, path)
	if err := a.ClearQuota(path, id); err != nil {
		supportsQuotas[path] = false // race: a write to supportsQuotas under quotaLock, not supportsQuotasLock
		return err
	}
	for _, uid := range dirPodMap {
		if uid == podUID {
			return nil // another volume of the pod still uses the quota
		}
	}
	delete(podQuotaMap, podUID)
	return nil
}
