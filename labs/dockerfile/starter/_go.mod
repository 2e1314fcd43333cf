// The lab's app is a module of its own: `go run .` works in the workspace,
// and a workspace inside another Go module stays out of that module's build.
module greeter

go 1.26
