package child

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func init() {
	Register("test/echo", func(args []string) int {
		fmt.Println("args:", strings.Join(args, " "))
		fmt.Println("env:", os.Getenv("LAB_TEST_VAR"))
		fmt.Fprintln(os.Stderr, "to stderr")
		return 7
	})
	Register("test/sleep", func([]string) int {
		time.Sleep(time.Minute)
		return 0
	})
	Register("test/fatal", func([]string) int {
		m := map[int]int{}
		go func() {
			for i := 0; ; i++ {
				m[i%8] = i
			}
		}()
		for i := 0; ; i++ {
			m[i%8] = i
		}
	})
}

func TestMain(m *testing.M) {
	Main()
	os.Exit(m.Run())
}

func TestRunPassesArgsEnvAndStatus(t *testing.T) {
	var out strings.Builder
	res, err := Run(context.Background(), Spec{
		Program: "test/echo",
		Args:    []string{"-x", "1"},
		Env:     []string{"LAB_TEST_VAR=hello"},
		Stdout:  &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 7 {
		t.Errorf("exit code %d, want 7", res.ExitCode)
	}
	if got, _ := res.Line("args:"); got != "-x 1" {
		t.Errorf("args line %q, want %q", got, "-x 1")
	}
	if got, _ := res.Line("env:"); got != "hello" {
		t.Errorf("env line %q, want hello", got)
	}
	if out.String() != string(res.Stdout) {
		t.Errorf("streamed stdout %q differs from kept %q", out.String(), res.Stdout)
	}
	if res.Excerpt() != "to stderr" {
		t.Errorf("excerpt %q", res.Excerpt())
	}
	if res.Fatal() != "" {
		t.Errorf("fatal %q for a clean exit", res.Fatal())
	}
}

func TestRunTimeout(t *testing.T) {
	res, err := Run(context.Background(), Spec{Program: "test/sleep", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !res.TimedOut || res.ExitCode != -1 {
		t.Fatalf("timed out %v, exit %d; want true, -1", res.TimedOut, res.ExitCode)
	}
}

func TestRunFatal(t *testing.T) {
	res, err := Run(context.Background(), Spec{Program: "test/fatal", Env: []string{"GOMAXPROCS=2"}, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Crashed("concurrent map writes") {
		t.Fatalf("exit %d, fatal %q", res.ExitCode, res.Fatal())
	}
	if res.Crashed("concurrent map read and map write") {
		t.Fatal("Crashed matched another message")
	}
	if !strings.HasPrefix(res.Excerpt(), "fatal error: concurrent map writes") {
		t.Fatalf("excerpt %q", res.Excerpt())
	}
}

func TestRunUnknownProgram(t *testing.T) {
	if _, err := Run(context.Background(), Spec{Program: "no/such"}); err == nil || !strings.Contains(err.Error(), `"no/such"`) {
		t.Fatalf("err %v, want one naming the program", err)
	}
}

func TestExcerptShortens(t *testing.T) {
	r := Result{Stderr: []byte("noise\npanic: " + strings.Repeat("x", 200) + "\n")}
	if e := r.Excerpt(); len(e) != 80 || !strings.HasPrefix(e, "panic: ") {
		t.Fatalf("excerpt %q (%d bytes)", e, len(e))
	}
}
