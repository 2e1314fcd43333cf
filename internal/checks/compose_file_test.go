package checks

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// composeWant is the compose lab's structure, as its lab.yaml gives it.
const composeWant = `
services:
  awesome-app: {ports: [5000], depends_on: [greetings, maths]}
  maths: {ports: [5001]}
  greetings: {ports: [5002], depends_on: [redis], env_url: {REDIS_URL: redis}}
  redis: {}
`

func composeSolution(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "labs", "compose", "solution", "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// composeAlternative is a correct answer written otherwise than the shipped
// one: long port syntax, environment as a list, no networks named (the
// default one), a healthcheck in the shell form, and greetings' settings in an
// env file.
const composeAlternative = `
services:
  redis:
    image: redis:7
    healthcheck:
      test: redis-cli ping
      interval: 1s
  greetings:
    build:
      context: greetings
      dockerfile: Dockerfile
    env_file: [greetings.env]
    ports:
      - target: 5002
        published: 5002
    depends_on: {redis: {condition: service_healthy}}
    healthcheck: {test: ["CMD-SHELL", "wget -qO- http://127.0.0.1:5002/healthz"], interval: 1s}
  maths:
    build: maths
    ports: ["127.0.0.1:5001:5001/tcp"]
    healthcheck: {test: ["CMD", "wget", "-qO-", "http://127.0.0.1:5001/healthz"], interval: 1s}
  awesome-app:
    build: awesome-app
    ports: ["5000:5000"]
    environment:
      - GREETINGS_URL=http://greetings:5002
    depends_on:
      maths: {condition: service_healthy}
      greetings: {condition: service_healthy}
`

func writeWorkspace(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestComposeFile(t *testing.T) {
	sol := composeSolution(t)
	// edit replaces old by new in the solution, failing the test if old is
	// not there (so a case cannot silently test the solution itself).
	edit := func(pairs ...string) string {
		s := sol
		for i := 0; i < len(pairs); i += 2 {
			if !strings.Contains(s, pairs[i]) {
				t.Fatalf("solution has no %q", pairs[i])
			}
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		return s
	}
	for _, tc := range []struct {
		name    string
		files   map[string]string
		reason  Reason
		inMsg   string
		setup   func(t *testing.T, dir string)
		withArg string
	}{
		{name: "shipped solution", files: map[string]string{"compose.yaml": sol}},
		{name: "alternative answer", files: map[string]string{"compose.yaml": composeAlternative, "greetings.env": "# where Redis is\nREDIS_URL=redis://redis:6379\n"}},
		{name: "older file name", files: map[string]string{"docker-compose.yml": sol}},
		{name: "alias as host", files: map[string]string{"compose.yaml": edit("redis://redis:6379", "redis://cache:6379",
			"  redis:\n    image: redis:7\n", "  redis:\n    image: redis:7\n    networks:\n      calculator:\n        aliases: [cache]\n",
			"      retries: 10\n    networks: [calculator]\n\nnetworks", "      retries: 10\n\nnetworks")}},

		{name: "no compose file", files: map[string]string{}, reason: ReasonMissing, inMsg: "compose.yaml"},
		{name: "bad indentation", files: map[string]string{"compose.yaml": edit("    ports:\n      - \"5001:5001\"", "    ports:\n     - \"5001:5001\"\n   oops: 1")}, reason: ReasonParseError, inMsg: "compose.yaml:"},
		{name: "mistyped key", files: map[string]string{"compose.yaml": edit("    environment:\n      REDIS_URL", "    enviroment:\n      REDIS_URL")}, reason: ReasonParseError, inMsg: "did you mean environment?"},
		{name: "unknown dependency", files: map[string]string{"compose.yaml": edit("      redis:\n        condition", "      rediss:\n        condition")}, reason: ReasonInvalidSettings, inMsg: "rediss"},
		{name: "no redis service", files: map[string]string{"compose.yaml": edit("  redis:\n    image: redis:7\n", "  cache:\n    image: redis:7\n", "      redis:\n        condition", "      cache:\n        condition")}, reason: ReasonServiceMissing, inMsg: "no service called redis"},
		{name: "maths only exposed", files: map[string]string{"compose.yaml": edit("    ports:\n      - \"5001:5001\"", "    expose: [\"5001\"]")}, reason: ReasonPortNotPublished, inMsg: "port 5001"},
		{name: "port on another host port", files: map[string]string{"compose.yaml": edit("\"5002:5002\"", "\"8002:5002\"")}, reason: ReasonPortNotPublished, inMsg: "port 5002"},
		{name: "greetings without REDIS_URL", files: map[string]string{"compose.yaml": edit("      REDIS_URL: redis://redis:6379", "      EPSILON: \"0.1\"")}, reason: ReasonEnvMissing, inMsg: "REDIS_URL"},
		{name: "REDIS_URL at localhost", files: map[string]string{"compose.yaml": edit("redis://redis:6379", "redis://localhost:6379")}, reason: ReasonEnvWrongHost, inMsg: "localhost"},
		{name: "awesome-app without depends_on", files: map[string]string{"compose.yaml": edit("    depends_on:\n      greetings:\n        condition: service_healthy\n      maths:\n        condition: service_healthy\n", "")}, reason: ReasonDependsOnMissing, inMsg: "does not depend on greetings"},
		{name: "depends_on as a list", files: map[string]string{"compose.yaml": edit("    depends_on:\n      redis:\n        condition: service_healthy\n", "    depends_on: [redis]\n")}, reason: ReasonDependsOnNotHealthy, inMsg: "service_started"},
		{name: "redis without healthcheck", files: map[string]string{"compose.yaml": edit("    healthcheck:\n      test: [\"CMD\", \"redis-cli\", \"ping\"]\n      interval: 2s\n      timeout: 2s\n      retries: 10\n", "")}, reason: ReasonNoHealthcheck, inMsg: "redis has no healthcheck"},
		{name: "redis on another network", files: map[string]string{"compose.yaml": edit("      retries: 10\n    networks: [calculator]\n\nnetworks:\n  calculator: {}\n", "      retries: 10\n    networks: [store]\n\nnetworks:\n  calculator: {}\n  store: {}\n")}, reason: ReasonNoSharedNetwork, inMsg: "no common network"},
		{name: "env file not there", files: map[string]string{"compose.yaml": composeAlternative}, reason: ReasonEnvFileMissing, inMsg: "greetings.env"},
		{name: "env file broken", files: map[string]string{"compose.yaml": composeAlternative, "greetings.env": "REDIS URL = redis://redis:6379\n"}, reason: ReasonEnvFileInvalid, inMsg: "greetings"},
		{name: "env file outside", files: map[string]string{"compose.yaml": strings.Replace(composeAlternative, "[greetings.env]", "[../secret.env]", 1)}, reason: ReasonOutsideWorkspace, inMsg: "outside the workspace"},
		{name: "compose file links out", files: map[string]string{}, reason: ReasonOutsideWorkspace, setup: func(t *testing.T, dir string) {
			secret := filepath.Join(t.TempDir(), "private.yaml")
			os.WriteFile(secret, []byte(sol), 0o600)
			if err := os.Symlink(secret, filepath.Join(dir, "compose.yaml")); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "huge compose file", files: map[string]string{"compose.yaml": sol + "\n#" + strings.Repeat("x", MaxLearnerFile)}, reason: ReasonTooLarge},
		{name: "file named in lab.yaml", files: map[string]string{"compose.yaml": sol}, withArg: "file: stack.yaml\n", reason: ReasonMissing, inMsg: "stack.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeWorkspace(t, tc.files)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			c := mustCheck(t, "compose_file", tc.withArg+composeWant)
			r := c.Run(context.Background(), &Env{Dir: dir, LabID: "compose"})
			if tc.reason == "" {
				wantStatus(t, r, Pass, "")
				return
			}
			wantStatus(t, r, Fail, string(tc.reason))
			if !strings.Contains(r.Message, tc.inMsg) {
				t.Errorf("message %q does not mention %q", r.Message, tc.inMsg)
			}
			switch tc.reason {
			case ReasonServiceMissing, ReasonPortNotPublished, ReasonEnvMissing, ReasonEnvWrongHost,
				ReasonDependsOnMissing, ReasonDependsOnNotHealthy, ReasonNoHealthcheck, ReasonNoSharedNetwork, ReasonParseError:
				if !regexp.MustCompile(`^compose\.yaml:\d+`).MatchString(r.Message) {
					t.Errorf("message %q does not start with compose.yaml:<line>", r.Message)
				}
			}
			if strings.Contains(r.Message+strings.Join(r.Evidence, ""), dir) {
				t.Errorf("result shows the workspace's absolute path: %s", r.Message)
			}
		})
	}
}

func TestComposeFileParams(t *testing.T) {
	for _, tc := range []struct{ with, want string }{
		{"services: {}", "name at least one service"},
		{"services: {a: {ports: [70000]}}", "not a TCP port"},
		{"services: {a: {depends_on: [b]}}", "b is not one of the services"},
		{"services: {a: {env_url: {X: b}}}", "b is not one of the services"},
		{"file: ../x.yaml\nservices: {a: {}}", "outside the workspace"},
		{"services: {a: {portz: [1]}}", "did you mean ports?"},
	} {
		_, err := composeFileKind.New(nodeOf(t, tc.with))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error with %q", tc.with, err, tc.want)
		}
	}
}
