package dockerfile

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// good is a Dockerfile every rule is happy with.
const good = `FROM python:3.12-slim
WORKDIR /app
COPY app.py .
RUN useradd --create-home app
USER app
CMD ["python", "app.py"]
`

// ids renders findings as "rule@line" so that a test states exactly what it expects.
func ids(fs []Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Rule+"@"+strconv.Itoa(f.Line))
	}
	slices.Sort(out)
	return out
}

func TestLint(t *testing.T) {
	utf16le := func(s string) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	tests := []struct {
		name string
		src  []byte
		want []string
	}{
		{"good", []byte(good), nil},
		{"empty", nil, []string{"empty@1"}},
		{"only comments", []byte("# syntax=docker/dockerfile:1\n\n# nothing yet\n"), []string{"empty@1"}},
		{"binary garbage", []byte("FROM alpine:3.20\n\x00\x01\x02\xff"), []string{"not-text@2"}},
		{"invalid utf-8", []byte("FROM alpine:3.20\nCMD [\"\xc3\x28\"]\n"), []string{"not-text@2"}},
		{"utf-16", utf16le("FROM alpine:3.20\n"), []string{"not-text@1"}},
		{"utf-16 with bom", append([]byte{0xff, 0xfe}, utf16le("FROM alpine:3.20\n")...), []string{"not-text@1"}},
		{"unknown instruction", []byte("FROM alpine:3.20\nRUNN echo hi\n"), []string{"syntax@2"}},
		{"unterminated heredoc", []byte("FROM alpine:3.20\nCOPY <<EOF /x\nhello\n"), []string{"syntax@2"}},
		{"overlong line", []byte("FROM alpine:3.20\nRUN echo " + strings.Repeat("x", 70000) + "\nCMD [\"x\"]\n"), []string{"syntax@2"}},
		{"crlf line endings", []byte(strings.ReplaceAll(good, "\n", "\r\n")), nil},
		{"byte order mark", []byte("\xef\xbb\xbf" + good), nil},
		{"bad escape directive", []byte("# escape=x\nFROM alpine:3.20\n"), []string{"syntax@1"}},
		{"bad from", []byte("FROM a b\nCMD [\"x\"]\n"), []string{"syntax@1"}},
		{"no from", []byte("# app\nRUN echo hi\n"), []string{"no-from@2"}},
		{"only args", []byte("ARG VERSION=1\n"), []string{"no-from@1"}},
		{"no command", []byte("FROM python:3.12\nUSER 1000\nCOPY . /app\n"), []string{"no-command@1"}},
		{"command inherited from earlier stage", []byte("FROM python:3.12 AS base\nCMD [\"python\"]\nFROM base\nUSER app\n"), nil},
		{"multi-stage: only the final stage matters", []byte("FROM golang:1.26 AS build\nRUN go build -o /app .\nFROM alpine:3.20\nCOPY --from=build /app /app\nUSER 65534\nENTRYPOINT [\"/app\"]\n"), nil},
		{"multi-stage: final stage lacks the command", []byte("FROM golang:1.26 AS build\nCMD [\"go\"]\nFROM alpine:3.20\nUSER 65534\nCOPY --from=build /app /app\n"), []string{"no-command@3"}},
		{"build stage reused as the final stage", []byte("FROM golang:1.26 AS build\nWORKDIR /src\nRUN go build -o /bin/app .\nFROM build\nUSER 1000\nCMD [\"/bin/app\"]\n"), nil},
		{"scratch and stage reference", []byte("FROM golang:1.26 AS build\nRUN go build\nFROM build AS test\nRUN go test\nFROM scratch\nCOPY --from=build /app /app\nUSER 65534\nCMD [\"/app\"]\n"), nil},
		{"latest", []byte("FROM python:latest\nUSER app\nCMD [\"python\"]\n"), []string{"latest-tag@1"}},
		{"untagged", []byte("FROM python\nUSER app\nCMD [\"python\"]\n"), []string{"untagged-base@1"}},
		{"registry port is not a tag", []byte("FROM localhost:5000/app\nUSER app\nCMD [\"a\"]\n"), []string{"untagged-base@1"}},
		{"digest pins", []byte("FROM python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nUSER app\nCMD [\"python\"]\n"), nil},
		{"arg base is not judged", []byte("ARG IMG=python:3.12\nFROM $IMG\nUSER app\nCMD [\"python\"]\n"), nil},
		{"add local files", []byte("FROM python:3.12\nADD . /app\nUSER app\nCMD [\"python\"]\n"), []string{"add-instead-of-copy@2"}},
		{"add url and tar are fine", []byte("FROM python:3.12\nADD https://example.org/x.txt /x\nADD site.tar.gz /srv\nUSER app\nCMD [\"python\"]\n"), nil},
		{"maintainer", []byte("FROM python:3.12\nMAINTAINER Ada <ada@example.org>\nUSER app\nCMD [\"python\"]\n"), []string{"maintainer-deprecated@2"}},
		{"shell form cmd", []byte("FROM python:3.12\nUSER app\nCMD python app.py\n"), []string{"shell-form-command@3"}},
		{"shell form entrypoint", []byte("FROM python:3.12\nUSER app\nENTRYPOINT python app.py\n"), []string{"shell-form-command@3"}},
		{"cmd in brackets without quotes", []byte("FROM golang:1.26\nUSER 65534\nCMD [greeter]\n"), []string{"unquoted-json-form@3"}},
		{"entrypoint with single quotes", []byte("FROM python:3.12\nUSER app\nENTRYPOINT ['python', 'app.py']\n"), []string{"unquoted-json-form@3"}},
		{"run in brackets without quotes", []byte("FROM golang:1.26\nRUN [go, build]\nUSER 1\nCMD [\"x\"]\n"), []string{"unquoted-json-form@2"}},
		{"heredoc run", []byte("FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\nUSER 1\nCMD [\"x\"]\n"), []string{"heredoc-unsupported@2"}},
		{"heredoc copy", []byte("FROM alpine:3.20\nCOPY <<EOT /etc/motd\nhello\nEOT\nUSER 1\nCMD [\"x\"]\n"), []string{"heredoc-unsupported@2"}},
		{"shell form after SHELL is a choice", []byte("FROM python:3.12\nSHELL [\"/bin/bash\", \"-c\"]\nUSER app\nCMD python app.py\n"), nil},
		{"no user", []byte("FROM python:3.12\nCMD [\"python\"]\n"), []string{"runs-as-root@1"}},
		{"user root last", []byte("FROM python:3.12\nUSER app\nRUN id\nUSER root\nCMD [\"python\"]\n"), []string{"runs-as-root@4"}},
		{"user 0:0", []byte("FROM python:3.12\nUSER 0:0\nCMD [\"python\"]\n"), []string{"runs-as-root@2"}},
		{"user set in builder only", []byte("FROM python:3.12 AS build\nUSER app\nFROM python:3.12\nCMD [\"python\"]\n"), []string{"runs-as-root@3"}},
		{"user inherited from base stage", []byte("FROM python:3.12 AS base\nUSER app\nFROM base\nCMD [\"python\"]\n"), nil},

		{"buildkit stage name casing", []byte("FROM golang:1.26 AS Build\nFROM alpine:3.20\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-stage-name-casing@1"}},
		{"buildkit from/as casing", []byte("FROM golang:1.26 as build\nFROM alpine:3.20\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-from-as-casing@1"}},
		{"buildkit instruction casing", []byte("FROM alpine:3.20\nrun echo\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-consistent-instruction-casing@2"}},
		{"buildkit duplicate stage", []byte("FROM alpine:3.20 AS a\nFROM alpine:3.20 AS a\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-duplicate-stage-name@2"}},
		{"buildkit reserved stage", []byte("FROM alpine:3.20 AS context\nFROM alpine:3.20\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-reserved-stage-name@1"}},
		{"buildkit undefined arg in from", []byte("ARG VERSION=3.20\nFROM alpine:${VERSON}\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-undefined-arg-in-from@2"}},
		{"buildkit workdir relative", []byte("FROM alpine:3.20\nWORKDIR app\nWORKDIR sub\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-workdir-relative-path@2"}},
		{"buildkit multiple cmd", []byte("FROM alpine:3.20\nUSER 1\nCMD [\"a\"]\nCMD [\"b\"]\n"), []string{"buildkit-multiple-instructions-disallowed@3"}},
		{"buildkit legacy env", []byte("FROM alpine:3.20\nENV MODE production\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-legacy-key-value-format@2"}},
		{"buildkit empty continuation", []byte("FROM alpine:3.20\nRUN echo a \\\n\n  b\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-no-empty-continuation@4"}},
		{"buildkit secrets", []byte("FROM alpine:3.20\nENV DB_PASSWORD=hunter2\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-secrets-used-in-arg-or-env@2"}},
		{"buildkit expose proto casing", []byte("FROM alpine:3.20\nEXPOSE 80/TCP\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-expose-proto-casing@2"}},
		{"buildkit redundant platform", []byte("FROM --platform=$TARGETPLATFORM alpine:3.20\nUSER 1\nCMD [\"x\"]\n"), []string{"buildkit-redundant-target-platform@1"}},
		{"check directive skips a buildkit rule", []byte("# check=skip=LegacyKeyValueFormat\nFROM alpine:3.20\nENV MODE production\nUSER 1\nCMD [\"x\"]\n"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := Lint("Dockerfile", tt.src)
			if err != nil {
				t.Fatalf("Lint: %v", err)
			}
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if got := ids(fs); !slices.Equal(got, want) {
				t.Errorf("findings = %v, want %v\n%s", got, want, render(fs))
			}
			for _, f := range fs {
				if f.File != "Dockerfile" || f.Message == "" || f.Fix == "" || f.Severity.rank() == 0 || !KnownRule(f.Rule) {
					t.Errorf("incomplete finding %#v", f)
				}
			}
		})
	}
}

func render(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.String() + "\n")
	}
	return b.String()
}

func TestFindingsAreSortedAndExplained(t *testing.T) {
	src := "FROM python\nADD . /app\nCMD python app.py\n"
	fs, err := Lint("web/Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(fs, func(a, b Finding) int { return a.Line - b.Line }) {
		t.Errorf("findings not sorted by line:\n%s", render(fs))
	}
	want := map[string]string{
		"untagged-base":       `web/Dockerfile:1: warning: base image "python" has no tag`,
		"add-instead-of-copy": "web/Dockerfile:2: warning: ADD is used",
		"shell-form-command":  "web/Dockerfile:3: warning: CMD is in shell form",
		"runs-as-root":        "web/Dockerfile:1: info: the final stage sets no USER",
	}
	for _, f := range fs {
		prefix, ok := want[f.Rule]
		if !ok {
			t.Errorf("unexpected finding %s", f)
			continue
		}
		if !strings.HasPrefix(f.String(), prefix) || !strings.HasSuffix(f.String(), "["+f.Rule+"]") {
			t.Errorf("finding renders as %q, want prefix %q", f, prefix)
		}
		delete(want, f.Rule)
	}
	if len(want) > 0 {
		t.Errorf("missing findings %v", want)
	}
}

func TestShellFormFixSpellsOutJSON(t *testing.T) {
	tests := []struct{ src, fix string }{
		{"CMD python app.py", `CMD ["python", "app.py"]`},
		{"CMD python app.py && echo done", "CMD exec python app.py && echo done"},
		{`CMD ["python" "app.py"]`, `CMD ["python", "app.py"]`},
	}
	for _, tt := range tests {
		fs, err := Lint("Dockerfile", []byte("FROM python:3.12\nUSER app\n"+tt.src+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 1 || !strings.Contains(fs[0].Fix, tt.fix) {
			t.Errorf("%s: findings\n%swant one whose fix mentions %q", tt.src, render(fs), tt.fix)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"error": SeverityError, "Warning": SeverityWarning, " info ": SeverityInfo} {
		if got, err := ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity(fatal) accepted")
	}
	if !SeverityError.AtLeast(SeverityWarning) || SeverityInfo.AtLeast(SeverityWarning) || !SeverityWarning.AtLeast(SeverityWarning) {
		t.Error("AtLeast ranks severities wrongly")
	}
}

func TestRulesHaveUniqueKebabIDs(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule id %q", r.ID)
		}
		seen[r.ID] = true
		if r.ID != strings.ToLower(r.ID) || strings.ContainsAny(r.ID, " _") || r.Severity.rank() == 0 || r.Summary == "" {
			t.Errorf("bad rule %#v", r)
		}
	}
	for in, want := range map[string]string{"JSONArgsRecommended": "json-args-recommended", "FromAsCasing": "from-as-casing", "UndefinedArgInFrom": "undefined-arg-in-from"} {
		if got := kebab(in); got != want {
			t.Errorf("kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnquotedJSONSaysWhatToWrite(t *testing.T) {
	tests := []struct{ src, msg, fix string }{
		{"FROM golang:1.26\nUSER 1\nCMD [greeter]\n", `CMD [greeter] is not JSON, so Docker runs it through /bin/sh as a command called "[greeter]"`, `write CMD ["greeter"]`},
		{"FROM python:3.12\nUSER 1\nCMD ['python', 'app.py']\n", `CMD ['python', 'app.py'] is not JSON`, `write CMD ["python", "app.py"]`},
		{"FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\nUSER 1\nCMD [\"x\"]\n", "RUN uses a heredoc (<<EOF), which only BuildKit understands", "joined with &&"},
	}
	for _, tt := range tests {
		fs, err := Lint("Dockerfile", []byte(tt.src))
		if err != nil || len(fs) != 1 {
			t.Fatalf("%q: %v %v", tt.src, fs, err)
		}
		if !strings.Contains(fs[0].Message, tt.msg) || !strings.Contains(fs[0].Fix, tt.fix) {
			t.Errorf("%q:\n got %s / fix %s\nwant %s / fix %s", tt.src, fs[0].Message, fs[0].Fix, tt.msg, tt.fix)
		}
	}
}
