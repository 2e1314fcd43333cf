package dockerfile

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/buildkit/util/suggest"
)

// bkRule maps one of BuildKit's lint rules to our id, severity and fix.
type bkRule struct {
	id       string
	severity Severity
	rule     linter.LinterRuleI
	fix      string
}

// buildkitRules are BuildKit's rules that can be judged from the file alone.
// BuildKit runs most of them while converting the Dockerfile to a build graph,
// which needs a builder; the checks below follow BuildKit's definitions (and
// report through BuildKit's rule objects, so `# check=skip=...` in the
// Dockerfile works as it does with `docker build --check`).
//
// MaintainerDeprecated and JSONArgsRecommended are not listed: the beginner rules
// maintainer-deprecated and shell-form-command report the same lines with a
// fuller explanation.
var buildkitRules = []bkRule{
	{"buildkit-stage-name-casing", SeverityInfo, &linter.RuleStageNameCasing, "write the stage name in lowercase (FROM golang:1.26 AS build)"},
	{"buildkit-from-as-casing", SeverityInfo, &linter.RuleFromAsCasing, "write AS in the same case as FROM (FROM ... AS name)"},
	{"buildkit-consistent-instruction-casing", SeverityInfo, &linter.RuleConsistentInstructionCasing, "write every instruction in capitals, e.g. RUN, COPY, CMD"},
	{"buildkit-legacy-key-value-format", SeverityInfo, &linter.RuleLegacyKeyValueFormat, "put an equals sign between key and value: KEY=value (quote values with spaces)"},
	{"buildkit-no-empty-continuation", SeverityWarning, &linter.RuleNoEmptyContinuation, "remove the blank line inside the instruction continued with \\"},
	{"buildkit-duplicate-stage-name", SeverityWarning, &linter.RuleDuplicateStageName, "give each stage its own name after AS"},
	{"buildkit-reserved-stage-name", SeverityWarning, &linter.RuleReservedStageName, "pick another stage name; scratch and context have a special meaning"},
	{"buildkit-undefined-arg-in-from", SeverityWarning, &linter.RuleUndefinedArgInFrom, "declare the variable with ARG above the first FROM, e.g. ARG VERSION=1.0"},
	{"buildkit-workdir-relative-path", SeverityWarning, &linter.RuleWorkdirRelativePath, "use an absolute path, e.g. WORKDIR /app"},
	{"buildkit-multiple-instructions-disallowed", SeverityWarning, &linter.RuleMultipleInstructionsDisallowed, "keep only one of these instructions per stage: only the last one counts"},
	{"buildkit-secrets-used-in-arg-or-env", SeverityWarning, &linter.RuleSecretsUsedInArgOrEnv, "do not bake secrets into the image; pass them at run time (docker run -e) or use a build secret (RUN --mount=type=secret)"},
	{"buildkit-redundant-target-platform", SeverityInfo, &linter.RuleRedundantTargetPlatform, "remove --platform=$TARGETPLATFORM: it is the default"},
	{"buildkit-expose-proto-casing", SeverityInfo, &linter.RuleExposeProtoCasing, "write the protocol in lowercase, e.g. EXPOSE 80/tcp"},
}

// folded names BuildKit rules that a beginner rule already reports.
var folded = map[string]bool{
	linter.RuleMaintainerDeprecated.Name: true,
	linter.RuleJSONArgsRecommended.Name:  true,
}

// platformArgs are the ARGs BuildKit defines for every build.
var platformArgs = []string{
	"BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT",
	"TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", "TARGETSTAGE",
}

type buildkitLinter struct {
	l    *checker
	lint *linter.Linter
}

func newBuildkitRules(l *checker, data []byte) *buildkitLinter {
	cfg := &linter.Config{}
	if opts, _, _, ok := parser.ParseDirective("check", data); ok {
		// An invalid `# check=` line is left to `docker build` to report; the
		// lint still runs with BuildKit's defaults.
		if c, err := linter.ParseLintOptions(opts); err == nil {
			cfg = c
		}
	}
	bk := &buildkitLinter{l: l}
	cfg.Warn = bk.warn
	bk.lint = linter.New(cfg)
	return bk
}

func (bk *buildkitLinter) warn(name, _, url, msg string, loc []parser.Range) {
	if folded[name] {
		return
	}
	r := bkRule{id: "buildkit-" + kebab(name), severity: SeverityWarning, fix: "see " + url}
	for _, known := range buildkitRules {
		if known.rule.RuleName() == name {
			r = known
			break
		}
	}
	bk.l.add(r.id, r.severity, line(loc), msg, r.fix)
}

func (bk *buildkitLinter) run(res *parser.Result, stages []instructions.Stage, metaArgs []instructions.ArgCommand) {
	for _, w := range res.Warnings {
		if w.URL == linter.RuleNoEmptyContinuation.URL && w.Location != nil {
			bk.lint.Run(&linter.RuleNoEmptyContinuation, []parser.Range{*w.Location}, linter.RuleNoEmptyContinuation.Format())
		}
	}
	bk.stageNames(stages)
	bk.casing(stages)
	bk.fromArgs(stages, metaArgs, res.EscapeToken)
	for _, a := range metaArgs {
		bk.secrets(&a, "ARG", argKeys(a))
	}
	for _, st := range stages {
		bk.stage(st)
	}
}

func (bk *buildkitLinter) stageNames(stages []instructions.Stage) {
	seen := map[string]bool{}
	for _, st := range stages {
		if st.Name == "" {
			continue
		}
		if st.Name == "scratch" || st.Name == "context" {
			bk.lint.Run(&linter.RuleReservedStageName, st.Location, linter.RuleReservedStageName.Format(st.Name))
		}
		if seen[st.Name] {
			bk.lint.Run(&linter.RuleDuplicateStageName, st.Location, linter.RuleDuplicateStageName.Format(st.Name))
		}
		seen[st.Name] = true
	}
}

// casing holds every instruction to the case most of the file uses; mixed-case
// words such as "Run" are wrong under either majority.
func (bk *buildkitLinter) casing(stages []instructions.Stage) {
	type word struct {
		name string
		loc  []parser.Range
	}
	var words []word
	for _, st := range stages {
		words = append(words, word{st.OrigCmd, st.Location})
		for _, c := range st.Commands {
			words = append(words, word{c.Name(), c.Location()})
		}
	}
	lower, upper := 0, 0
	for _, w := range words {
		switch w.name {
		case strings.ToLower(w.name):
			lower++
		case strings.ToUpper(w.name):
			upper++
		}
	}
	want, wantName := strings.ToUpper, "uppercase"
	if lower > upper {
		want, wantName = strings.ToLower, "lowercase"
	}
	for _, w := range words {
		if w.name != want(w.name) {
			bk.lint.Run(&linter.RuleConsistentInstructionCasing, w.loc, linter.RuleConsistentInstructionCasing.Format(w.name, wantName))
		}
	}
}

// fromArgs reports variables in FROM lines that no ARG before the first FROM
// declares: they expand to nothing and the base image name breaks.
func (bk *buildkitLinter) fromArgs(stages []instructions.Stage, metaArgs []instructions.ArgCommand, escape rune) {
	env := envList{}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			env[kv.Key] = kv.ValueString()
		}
	}
	for _, k := range platformArgs {
		env[k] = ""
	}
	lex := shell.NewLex(escape)
	for _, st := range stages {
		for _, word := range []string{st.BaseName, st.Platform} {
			if word == "" {
				continue
			}
			res, err := lex.ProcessWordWithMatches(word, env)
			if err != nil {
				continue
			}
			for name := range res.Unmatched {
				match, _ := suggest.Search(name, env.Keys(), true)
				bk.lint.Run(&linter.RuleUndefinedArgInFrom, st.Location, linter.RuleUndefinedArgInFrom.Format(name, match))
			}
		}
		if p := st.Platform; p == "$TARGETPLATFORM" || p == "${TARGETPLATFORM}" {
			bk.lint.Run(&linter.RuleRedundantTargetPlatform, st.Location, linter.RuleRedundantTargetPlatform.Format(p))
		}
	}
}

// stage runs the per-stage rules. Like BuildKit, a stage built FROM another
// stage of the file starts without a WORKDIR of its own; only the first WORKDIR
// of a stage is judged, since fixing it fixes the relative ones after it.
func (bk *buildkitLinter) stage(st instructions.Stage) {
	workdirSet := false
	seen := map[string][]parser.Range{}
	for _, c := range st.Commands {
		switch c := c.(type) {
		case *instructions.WorkdirCommand:
			if !workdirSet && !strings.HasPrefix(c.Path, "/") && !strings.HasPrefix(c.Path, "$") {
				bk.lint.Run(&linter.RuleWorkdirRelativePath, c.Location(), linter.RuleWorkdirRelativePath.Format(c.Path))
			}
			workdirSet = true
		case *instructions.CmdCommand, *instructions.EntrypointCommand, *instructions.HealthCheckCommand:
			// BuildKit points at the earlier instruction: it is the one ignored.
			name := strings.ToUpper(c.Name())
			if prev, ok := seen[name]; ok {
				bk.lint.Run(&linter.RuleMultipleInstructionsDisallowed, prev, linter.RuleMultipleInstructionsDisallowed.Format(c.Name()))
			}
			seen[name] = c.Location()
		case *instructions.EnvCommand:
			keys := make([]string, 0, len(c.Env))
			for _, kv := range c.Env {
				keys = append(keys, kv.Key)
				if kv.NoDelim {
					bk.lint.Run(&linter.RuleLegacyKeyValueFormat, c.Location(), linter.RuleLegacyKeyValueFormat.Format(c.Name()))
				}
			}
			bk.secrets(c, "ENV", keys)
		case *instructions.LabelCommand:
			for _, kv := range c.Labels {
				if kv.NoDelim {
					bk.lint.Run(&linter.RuleLegacyKeyValueFormat, c.Location(), linter.RuleLegacyKeyValueFormat.Format(c.Name()))
				}
			}
		case *instructions.ArgCommand:
			bk.secrets(c, "ARG", argKeys(*c))
		case *instructions.ExposeCommand:
			for _, p := range c.Ports {
				if _, proto, ok := strings.Cut(p, "/"); ok && proto != strings.ToLower(proto) {
					bk.lint.Run(&linter.RuleExposeProtoCasing, c.Location(), linter.RuleExposeProtoCasing.Format(p))
				}
			}
		}
	}
}

var (
	secretWord  = regexp.MustCompile(`(?i)(?:_|^)(?:apikey|auth|credentials?|key|password|pword|passwd|secret|token)(?:_|$)`)
	harmlessKey = regexp.MustCompile(`(?i)(?:_|^)(?:public|file|version)(?:_|$)`)
)

// secrets flags ARG and ENV names that look like secrets: their values end up
// in the image history for anyone who pulls it.
func (bk *buildkitLinter) secrets(c instructions.Command, instr string, keys []string) {
	for _, k := range keys {
		if secretWord.MatchString(k) && !harmlessKey.MatchString(k) {
			bk.lint.Run(&linter.RuleSecretsUsedInArgOrEnv, c.Location(), linter.RuleSecretsUsedInArgOrEnv.Format(instr, k))
		}
	}
}

func argKeys(a instructions.ArgCommand) []string {
	keys := make([]string, 0, len(a.Args))
	for _, kv := range a.Args {
		keys = append(keys, kv.Key)
	}
	return keys
}

// envList is the variables FROM lines may use.
type envList map[string]string

func (e envList) Get(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e envList) Keys() []string {
	// Sorted, so that a suggestion between equally close names is stable.
	return slices.Sorted(maps.Keys(e))
}

// kebab turns BuildKit's rule names (JSONArgsRecommended) into ids
// (json-args-recommended).
func kebab(name string) string {
	var b strings.Builder
	rs := []rune(name)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) {
			prevLower := !unicode.IsUpper(rs[i-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if prevLower || nextLower {
				b.WriteByte('-')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
