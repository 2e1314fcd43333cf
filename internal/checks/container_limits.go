package checks

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/devopsctl/devopsctl/internal/docker"
	"github.com/devopsctl/devopsctl/internal/plural"
)

// Reasons container_http reports when the learner's program runs into one of
// the sandbox's limits (docs/limits.md); a lab can attach a hint to each.
const (
	ReasonTooManyProcesses Reason = "too-many-processes"
	ReasonLogFlood         Reason = "log-flood"
	ReasonOutOfMemory      Reason = "out-of-memory"
	ReasonVolumeFull       Reason = "volume-full"
)

// floodStored is how much of the engine's log a container may fill before
// its output is called a flood: a server's start-up says a few lines, while a
// program that writes without end fills the log's first file in a moment.
const floodStored = docker.LogCap / 4

// atProcessLimit says whether a container holds (nearly) as many processes as
// it may: a program that forks without end stays there.
func atProcessLimit(u docker.Usage) bool {
	return u.PidsLimit > 0 && u.Pids*10 >= u.PidsLimit*9
}

var (
	forkFailed = regexp.MustCompile(`(?i)can't fork|cannot fork|fork: retry|fork failed|resource temporarily unavailable`)
	diskFull   = regexp.MustCompile(`(?i)no space left on device`)
)

// overLimits explains a running container that has not answered by the limit
// it is stuck at, if any: a process count at the limit, or a flooded log.
func overLimits(ctx context.Context, env *Env, id string) (Result, bool) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	u, err := env.Engine.ContainerUsage(ctx, id)
	if err != nil {
		return Result{}, false
	}
	switch {
	case atProcessLimit(u):
		return tooManyProcesses(u.PidsLimit).
			WithEvidence(fmt.Sprintf("processes in the container: %d of at most %d", u.Pids, u.PidsLimit)), true
	case u.LogStored() >= floodStored:
		logs, _ := env.Engine.ContainerLogs(context.Background(), id, 5)
		return Failf(ReasonLogFlood, "The app wrote too much output: %s in %s before it answered, and the engine keeps at most %s of a container's log, so the oldest lines are already gone.",
			humanBytes(u.LogBytes), plural.N(int(u.LogLines), "line"), binaryBytes(docker.LogCap)).
			WithEvidence(logLines(logs)...).
			WithHint("A program that prints in a loop without end does nothing else: look for a loop around a print, or a command like `yes`, in CMD and in your code."), true
	}
	return Result{}, false
}

func tooManyProcesses(limit uint64) Result {
	return Failf(ReasonTooManyProcesses, "The program started too many processes: a container may run at most %d, and it reached that limit, so it could not start anything else.", limit).
		WithHint("Something in CMD or in your code starts processes in a loop that never ends (a fork bomb): start the server once, in the foreground, and let it be the container's only program.")
}

// exitedAtLimit explains a container that stopped because of one of its
// limits, from its state and the last lines it printed.
func exitedAtLimit(st docker.ContainerState, logs string) (Result, bool) {
	switch {
	case st.OOMKilled:
		return Failf(ReasonOutOfMemory, "The program ran out of memory: a container may use at most %s, and the kernel stopped it when it asked for more.", binaryBytes(docker.DefaultMemory)).
			WithHint("Look for what takes so much memory at start-up: a huge buffer or a file read whole. A web server of this lab needs a few MB."), true
	case diskFull.MatchString(logs):
		return Failf(ReasonVolumeFull, "The program filled the space it may write to and stopped: each VOLUME of the image is a %d MB space in memory, and /tmp holds 16 MB.", docker.VolumeSizeMB).
			WithHint("Write less: a server of this lab keeps what it needs in memory or in small files. Check for a loop that writes to a file without end."), true
	case forkFailed.MatchString(logs):
		return tooManyProcesses(docker.DefaultPidsMax), true
	}
	return Result{}, false
}

// binaryBytes writes a limit the way it is set, in powers of two: 256 MiB,
// 1.5 GiB.
func binaryBytes(n int64) string {
	if n >= 1<<30 {
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', -1, 64) + " GiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', -1, 64) + " MiB"
}
