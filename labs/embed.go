// Package labcontent embeds the labs that ship with devopsctl. Each folder holds
// one lab: lab.yaml, README.md, starter/ and solution/. It holds data only.
package labcontent

import "embed"

// FS holds every shipped lab, dotfiles (.dockerignore) included.
//
//go:embed all:*
var FS embed.FS
