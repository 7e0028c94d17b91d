module corpus

go 1.26.0

require (
	golang.org/x/sync v0.25.0
	google.golang.org/grpc v1.0.0
)

replace google.golang.org/grpc => ./lib/grpc
