package realcode

// Set is the real-code evaluation of issue 12: popular modules at pinned
// versions (the newest the module proxy served on 2026-12-06 that this
// machine's Go 1.26.8 can build, see Note), checked whole (./... with tests)
// as a new user would, and the standard library.
var Set = []Target{
	{Name: "gin", Module: "github.com/gin-gonic/gin", Version: "v1.12.0", Setup: SetupModule, Packages: []string{"./..."}},
	{Name: "client_golang", Module: "github.com/prometheus/client_golang", Version: "v1.25.0", Setup: SetupModule, Packages: []string{"./..."}},
	{Name: "consul-api", Module: "github.com/hashicorp/consul/api", Version: "v1.34.5", Setup: SetupModule, Packages: []string{"./..."},
		Note: "v1.35.0 is served but its go.mod says go 1.26.9, newer than this machine's Go 1.26.8"},
	{Name: "raft", Module: "github.com/hashicorp/raft", Version: "v1.7.2", Setup: SetupModule, Packages: []string{"./..."},
		Note: "v1.7.3 and v1.8.0 are served but not approved for this workplace (/work/.library/env/packages/go-partial.tsv)"},
	{Name: "badger", Module: "github.com/dgraph-io/badger/v4", Version: "v4.9.6", Setup: SetupModule, Packages: []string{"./..."}},
	{Name: "x-net", Module: "golang.org/x/net", Version: "v0.63.0", Setup: SetupModule, Packages: []string{"./..."}},
	{Name: "etcd-client", Module: "go.etcd.io/etcd/client/v3", Version: "v3.7.4", Setup: SetupModule, Packages: []string{"./..."},
		Note: "the module's go.mod replaces api/v3 and client/pkg/v3 by sibling directories of the etcd repository; the copy requires their released v3.7.4 instead"},
	{Name: "grpc", Module: "google.golang.org/grpc", Version: "v1.85.0", Setup: SetupModule, Packages: []string{"./..."}},
	{Name: "client-go-issue12", Module: "k8s.io/client-go", Version: "v0.37.2", Setup: SetupModule,
		Packages: []string{"./tools/cache", "./rest", "./transport"},
		Note:     "the three client-go packages issue 12 names (it ran five more it does not name)"},
	{Name: "client-go", Module: "k8s.io/client-go", Version: "v0.37.2", Setup: SetupModule, Packages: []string{"./..."}},
	{Name: "std", Module: "std", Setup: SetupStd, Packages: []string{"std"},
		Note: "the standard library of the go command in PATH; Version is filled in at run time"},
	// Issue 12's timing case: one function of the leasing package's
	// dependencies took 10-12 minutes.
	{Name: "etcd-leasing", Module: "go.etcd.io/etcd/client/v3", Version: "v3.7.0", Setup: SetupScratch,
		Packages: []string{"go.etcd.io/etcd/client/v3/leasing"}, Extra: true,
		Note: "issue 12's timing case: a scratch module that imports the leasing package, then mapvet go.etcd.io/etcd/client/v3/leasing"},
}
