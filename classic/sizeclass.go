package classic

// sizeClasses are the object sizes of the Go allocator's small size
// classes, as in src/runtime/sizeclasses.go of Go 1.18 (libgo of GCC 12 has
// the same table; it is unchanged from Go 1.16 to Go 1.26, where it moved to
// internal/runtime/gc). makeBucketArray rounds the bucket array up to a size
// class and uses the slack as preallocated overflow buckets, so the number
// of those depends on this table.
var sizeClasses = [...]uint32{0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672, 32768}

const (
	maxSmallSize = 32768
	pageSize     = 8192
)

// roundupsize returns the size of the memory block the allocator hands out
// for a request of size bytes: the smallest size class that fits, or whole
// pages above maxSmallSize.
func roundupsize(size uint64) uint64 {
	if size <= maxSmallSize {
		for _, c := range sizeClasses {
			if uint64(c) >= size {
				return uint64(c)
			}
		}
	}
	if size+pageSize < size {
		return size
	}
	return (size + pageSize - 1) &^ (pageSize - 1)
}
