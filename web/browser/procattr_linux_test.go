package browser

import (
	"os/exec"
	"syscall"
)

// dieWithTest makes the server process get SIGKILL if the test process dies first (a timeout
// panic, a kill), so no server outlives its test.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
