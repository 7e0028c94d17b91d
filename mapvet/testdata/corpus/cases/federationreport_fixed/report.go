// Package federationreport is the fixed twin of cases/federationreport: a
// mutex guards the report while the checks run.
//
// Report: https://github.com/matrix-org/matrix-federation-tester/pull/78
package federationreport

import (
	"crypto/tls"
	"net"
	"sync"
	"time"
)

// ConnectionReport is the result of checking one address.
type ConnectionReport struct {
	Certificates []string
	Cipher       string
	AllChecksOK  bool
}

// ServerReport is the result of checking a server.
type ServerReport struct {
	ServerName        string
	FederationOK      bool
	ConnectionReports map[string]ConnectionReport
	ConnectionErrors  map[string]string
}

// Report checks every address of serverName.
func Report(serverName string, addrs []string, timeout time.Duration) ServerReport {
	report := ServerReport{
		ServerName:        serverName,
		FederationOK:      true,
		ConnectionReports: make(map[string]ConnectionReport),
		ConnectionErrors:  make(map[string]string),
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, addr := range addrs {
		wg.Add(1)
		go func(report *ServerReport, addr string) {
			defer wg.Done()
			cr, err := connCheck(addr, serverName, timeout)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				report.ConnectionErrors[addr] = err.Error()
				return
			}
			report.ConnectionReports[addr] = cr
		}(&report, addr)
	}
	wg.Wait()
	for _, cr := range report.ConnectionReports {
		report.FederationOK = report.FederationOK && cr.AllChecksOK
	}
	if len(report.ConnectionErrors) > 0 {
		report.FederationOK = false
	}
	return report
}

func connCheck(addr, serverName string, timeout time.Duration) (ConnectionReport, error) {
	d := &net.Dialer{Timeout: timeout}
	conn, err := tls.DialWithDialer(d, "tcp", addr, &tls.Config{ServerName: serverName})
	if err != nil {
		return ConnectionReport{}, err
	}
	defer conn.Close()
	st := conn.ConnectionState()
	var r ConnectionReport
	for _, c := range st.PeerCertificates {
		r.Certificates = append(r.Certificates, c.Subject.CommonName)
	}
	r.Cipher = tls.CipherSuiteName(st.CipherSuite)
	r.AllChecksOK = len(st.VerifiedChains) > 0
	return r, nil
}
