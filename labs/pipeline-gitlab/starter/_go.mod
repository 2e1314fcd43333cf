// The lab's app is a module of its own, so `go test ./...` in the workspace
// tests only the app.
module calc

go 1.26
