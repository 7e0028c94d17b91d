package realcode

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Limits bound one command: a run past them is killed and recorded as
// exceeded, not waited for.
type Limits struct {
	Timeout time.Duration
	MemKB   int64 // address-space cap (ulimit -v), in kB
}

// Measure is what one bounded command did.
type Measure struct {
	Wall     time.Duration
	MaxRSSKB int64  // peak resident set of the process and the children it waited for
	Exit     int    // exit status; -1 when killed
	Exceeded string // "", "time" or "memory"
	Stdout   []byte
	Stderr   []byte
}

// Bounded runs name args in dir with env added to the process's
// environment, at nice 10, under the address-space cap, and kills its
// process group at the timeout. Peak RSS comes from wait4's rusage, the
// number /usr/bin/time -v prints: sh execs nice, which execs the command,
// so the rusage is the command's own (with the children it waited for, such
// as go list).
func Bounded(dir string, env []string, lim Limits, name string, args ...string) (Measure, error) {
	script := `ulimit -v "$1" || exit 125; shift; exec nice -n 10 "$@"`
	argv := append([]string{"-c", script, "sh", strconv.FormatInt(lim.MemKB, 10), name}, args...)
	cmd := exec.Command("sh", argv...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return Measure{}, fmt.Errorf("%s: %v", name, err)
	}
	timedOut := make(chan bool, 1)
	timer := time.AfterFunc(lim.Timeout, func() {
		timedOut <- true
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	})
	err := cmd.Wait()
	timer.Stop()
	m := Measure{Wall: time.Since(start), Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), Exit: -1}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.MaxRSSKB = ru.Maxrss // kB on Linux
	}
	if cmd.ProcessState != nil {
		m.Exit = cmd.ProcessState.ExitCode()
	}
	select {
	case <-timedOut:
		m.Exceeded = "time"
		return m, nil
	default:
	}
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		return m, fmt.Errorf("%s: %v", name, err)
	}
	if m.Exit == 125 {
		return m, fmt.Errorf("ulimit -v %d failed: %s", lim.MemKB, tail(m.Stderr, 200))
	}
	if m.Exit != 0 && outOfMemory(m.Stderr) {
		m.Exceeded = "memory"
	}
	return m, nil
}

// outOfMemory recognizes the Go runtime's messages when an allocation fails
// under the address-space cap.
func outOfMemory(stderr []byte) bool {
	s := string(stderr)
	for _, sign := range []string{"out of memory", "cannot allocate memory", "failed to reserve", "cannot reserve"} {
		if strings.Contains(s, sign) {
			return true
		}
	}
	return false
}

// tail returns the last n bytes of b, as text on one line.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.Join(strings.Fields(string(b)), " ")
}
