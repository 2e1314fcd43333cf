// Command devopsctl teaches DevOps by doing: labs checked for real on a Docker
// engine, concept lessons, and a deployment rollout simulator.
package main

import (
	"os"

	"github.com/devopsctl/devopsctl/internal/app"
)

func main() { os.Exit(app.Main()) }
