//go:build !linux

package browser

import "os/exec"

// dieWithTest is a no-op where the parent-death signal does not exist.
func dieWithTest(cmd *exec.Cmd) {}
