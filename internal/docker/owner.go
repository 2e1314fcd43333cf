package docker

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	// LabelOwner names the process that made a resource: "<host>/<pid>/<start>",
	// where host is the machine's boot id (or its hostname where there is none)
	// and start the process's start time, so that a reused pid is not taken for
	// the owner.
	LabelOwner = "io.devopsctl.owner"
	// LabelExpires is the Unix time after which a resource is an orphan whatever
	// its owner's state: the bound on how long anything learner-made lives.
	LabelExpires = "io.devopsctl.expires"
	// DefaultLifetime bounds a container when its spec gives no lifetime.
	DefaultLifetime = 10 * time.Minute
)

// ownerLabels are put on every container and network the adapter creates.
func ownerLabels(lifetime time.Duration, now time.Time) map[string]string {
	if lifetime <= 0 {
		lifetime = DefaultLifetime
	}
	if d := leaseOverride(); d > 0 {
		lifetime = d
	}
	return map[string]string{
		LabelOwner:   currentOwner(),
		LabelExpires: strconv.FormatInt(now.Add(lifetime).Unix(), 10),
	}
}

var (
	ownerOnce sync.Once
	owner     string
)

// currentOwner is this process's owner label value.
func currentOwner() string {
	ownerOnce.Do(func() {
		pid := os.Getpid()
		owner = fmt.Sprintf("%s/%d/%s", hostID(), pid, processStart(pid))
	})
	return owner
}

// hostID tells this machine from another that talks to the same engine. The
// boot id changes on reboot, when every earlier process is gone anyway.
func hostID() string {
	if b, err := os.ReadFile("/proc/sys/kernel/random/boot_id"); err == nil {
		return strings.TrimSpace(string(b))
	}
	h, _ := os.Hostname()
	return strings.ReplaceAll(h, "/", "_")
}

// processStart is the start time of a process in clock ticks since boot
// (field 22 of /proc/<pid>/stat), "" where /proc is missing and "-" when the
// process does not exist.
func processStart(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		if _, serr := os.Stat("/proc/self/stat"); serr != nil {
			return ""
		}
		return "-"
	}
	// The command name (field 2) is in parentheses and may hold spaces.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	fields := strings.Fields(s)
	if len(fields) < 20 {
		return "-"
	}
	return fields[19]
}

// Orphan reports whether a resource with these labels belongs to no live run:
// its lease expired, or its owner process on this machine is gone. A resource
// without an owner label (images, fixtures) or made on another machine before
// its lease ends is never an orphan.
func Orphan(labels map[string]string, now time.Time) bool {
	if exp, err := strconv.ParseInt(labels[LabelExpires], 10, 64); err == nil && now.Unix() > exp {
		return true
	}
	host, rest, ok := strings.Cut(labels[LabelOwner], "/")
	if !ok || host != hostID() {
		return false
	}
	pidText, start, _ := strings.Cut(rest, "/")
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return false
	}
	got := processStart(pid)
	switch {
	case got == "-":
		return true
	case got == "" || start == "":
		// No /proc: the lease alone decides.
		return false
	}
	return got != start
}
