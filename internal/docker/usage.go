package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/docker/docker/api/types/container"
)

// Usage is what a running container holds of its limits: the processes in its
// cgroup, and how much it has written to its log.
type Usage struct {
	Pids, PidsLimit uint64
	// LogBytes is what the log still holds of the container's output, and
	// LogLines its lines; read up to LogCap, so a flood is seen at once.
	LogBytes, LogLines int64
}

// LogCap is what a container's log keeps at most: two files of half of it,
// so that after the first rotation the engine still holds at least half.
const LogCap = 1 << 20

// logFileSize is the size of one of the two log files (the engine's
// "max-size"), written as the log driver wants it.
const logFileSize = "512k"

// logLineOverhead is what the json-file driver adds to every line it stores
// (the stream name, the time stamp and the JSON around them).
const logLineOverhead = 70

// LogStored estimates how much of the log files the output takes on the
// engine's disk.
func (u Usage) LogStored() int64 { return u.LogBytes + u.LogLines*logLineOverhead }

// ContainerUsage reads the process count from the engine's one-shot stats
// and counts the container's log as the engine serves it.
func (c *Client) ContainerUsage(ctx context.Context, id string) (Usage, error) {
	var u Usage
	st, err := c.api.ContainerStatsOneShot(ctx, id)
	if err != nil {
		return u, fmt.Errorf("stats of container %s: %w", short(id), err)
	}
	var s container.StatsResponse
	err = json.NewDecoder(io.LimitReader(st.Body, 1<<20)).Decode(&s)
	st.Body.Close()
	if err != nil {
		return u, fmt.Errorf("read stats of container %s: %w", short(id), err)
	}
	u.Pids, u.PidsLimit = s.PidsStats.Current, s.PidsStats.Limit
	rc, err := c.api.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return u, fmt.Errorf("logs of container %s: %w", short(id), err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, 2*LogCap))
	if err != nil {
		return u, fmt.Errorf("read logs of container %s: %w", short(id), err)
	}
	text := demux(raw)
	u.LogBytes = int64(len(text))
	u.LogLines = int64(bytes.Count([]byte(text), []byte("\n")))
	return u, nil
}
