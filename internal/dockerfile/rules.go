package dockerfile

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Rule ids are stable: labs name them in `ignore:` and attach hints to them.
const (
	RuleNotText          = "not-text"
	RuleEmpty            = "empty"
	RuleSyntax           = "syntax"
	RuleNoFrom           = "no-from"
	RuleNoCommand        = "no-command"
	RuleAddInsteadOfCopy = "add-instead-of-copy"
	RuleLatestTag        = "latest-tag"
	RuleUntaggedBase     = "untagged-base"
	RuleMaintainer       = "maintainer-deprecated"
	RuleShellForm        = "shell-form-command"
	RuleRunsAsRoot       = "runs-as-root"
	RuleUnquotedJSON     = "unquoted-json-form"
	RuleHeredoc          = "heredoc-unsupported"
)

// Rule describes one rule Lint can report.
type Rule struct {
	ID       string
	Severity Severity
	Summary  string
}

var ownRules = []Rule{
	{RuleNotText, SeverityError, "the file is binary or not UTF-8 text"},
	{RuleEmpty, SeverityError, "the file has no instructions"},
	{RuleSyntax, SeverityError, "a line Docker cannot parse"},
	{RuleNoFrom, SeverityError, "no FROM before the first instruction"},
	{RuleNoCommand, SeverityError, "the final stage sets no CMD or ENTRYPOINT"},
	{RuleAddInsteadOfCopy, SeverityWarning, "ADD used for plain local files"},
	{RuleLatestTag, SeverityWarning, "base image pinned to :latest"},
	{RuleUntaggedBase, SeverityWarning, "base image without a tag"},
	{RuleMaintainer, SeverityWarning, "MAINTAINER is deprecated"},
	{RuleShellForm, SeverityWarning, "CMD or ENTRYPOINT in shell form"},
	{RuleRunsAsRoot, SeverityInfo, "the container runs as root"},
	{RuleUnquotedJSON, SeverityError, "CMD, ENTRYPOINT or RUN in brackets that are not JSON"},
	{RuleHeredoc, SeverityError, "a heredoc (<<EOF), which the classic builder cannot read"},
}

// Rules lists every rule Lint can report, beginner rules first.
func Rules() []Rule {
	out := append([]Rule(nil), ownRules...)
	for _, r := range buildkitRules {
		out = append(out, Rule{ID: r.id, Severity: r.severity, Summary: r.rule.RuleName()})
	}
	return out
}

// KnownRule reports whether id names a rule Lint can report.
func KnownRule(id string) bool {
	for _, r := range Rules() {
		if r.ID == id {
			return true
		}
	}
	return false
}

func line(loc []parser.Range) int {
	if len(loc) == 0 {
		return 1
	}
	return loc[0].Start.Line
}

// beginnerRules runs the rules that matter most to someone writing their first
// Dockerfile. Only the final stage and the in-file stages it builds on shape the
// image that runs, so command and user rules look at that chain alone.
func (l *checker) beginnerRules(stages []instructions.Stage) {
	names := map[string]bool{}
	for _, st := range stages {
		l.baseImage(st, names)
		if st.Name != "" {
			names[st.Name] = true
		}
		for _, c := range st.Commands {
			switch c := c.(type) {
			case *instructions.AddCommand:
				l.addInsteadOfCopy(c)
			case *instructions.MaintainerCommand:
				l.add(RuleMaintainer, SeverityWarning, line(c.Location()),
					"MAINTAINER is deprecated and ignored by modern tools",
					fmt.Sprintf("replace it with LABEL org.opencontainers.image.authors=%q", c.Maintainer))
			}
		}
	}
	chain := finalChain(stages)
	l.command(chain)
	l.shellForm(chain)
	l.user(chain)
}

// finalChain returns the final stage followed by the in-file stages it is built
// FROM, nearest first.
func finalChain(stages []instructions.Stage) []instructions.Stage {
	chain := []instructions.Stage{stages[len(stages)-1]}
	for i := len(stages) - 1; ; {
		base := strings.ToLower(stages[i].BaseName)
		next := -1
		for j := i - 1; j >= 0; j-- {
			if stages[j].Name != "" && stages[j].Name == base {
				next = j
				break
			}
		}
		if next < 0 {
			return chain
		}
		chain = append(chain, stages[next])
		i = next
	}
}

func (l *checker) baseImage(st instructions.Stage, earlier map[string]bool) {
	base := st.BaseName
	if base == "scratch" || earlier[strings.ToLower(base)] || strings.Contains(base, "$") || strings.Contains(base, "@") {
		// An ARG-built name is resolved at build time and a digest pins the
		// image exactly, so there is no tag to judge.
		return
	}
	repo, tag := splitTag(base)
	switch {
	case tag == "":
		l.add(RuleUntaggedBase, SeverityWarning, line(st.Location),
			fmt.Sprintf("base image %q has no tag, so Docker uses :latest, which changes whenever a new version is published", base),
			fmt.Sprintf("pin a version, e.g. FROM %s:<version> (look up the current tags of %s)", repo, repo))
	case tag == "latest":
		l.add(RuleLatestTag, SeverityWarning, line(st.Location),
			fmt.Sprintf("base image %q uses :latest, which changes whenever a new version is published, so the same Dockerfile can build a different image tomorrow", base),
			fmt.Sprintf("pin a version instead of latest, e.g. FROM %s:<version>", repo))
	}
}

// splitTag splits an image reference into repository and tag. A colon before the
// last slash belongs to a registry port (localhost:5000/app), not a tag.
func splitTag(ref string) (repo, tag string) {
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return ref, ""
	}
	return ref[:i], ref[i+1:]
}

var archiveExts = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst"}

// addInsteadOfCopy flags ADD of plain local files: ADD also downloads URLs and unpacks
// archives, so using it where COPY fits surprises the reader later.
func (l *checker) addInsteadOfCopy(c *instructions.AddCommand) {
	if c.Checksum != "" || c.KeepGitDir != nil || c.Unpack != nil {
		return
	}
	for _, src := range c.SourcePaths {
		lower := strings.ToLower(src)
		if strings.Contains(lower, "://") || strings.HasPrefix(lower, "git@") {
			return
		}
		for _, ext := range archiveExts {
			if strings.HasSuffix(lower, ext) {
				return
			}
		}
	}
	l.add(RuleAddInsteadOfCopy, SeverityWarning, line(c.Location()),
		"ADD is used to copy local files; ADD also downloads URLs and unpacks archives, so COPY says what you mean",
		"write COPY instead of ADD on this line")
}

func (l *checker) command(chain []instructions.Stage) {
	for _, st := range chain {
		for _, c := range st.Commands {
			switch c := c.(type) {
			case *instructions.CmdCommand:
				if len(c.CmdLine) > 0 {
					return
				}
			case *instructions.EntrypointCommand:
				if len(c.CmdLine) > 0 {
					return
				}
			}
		}
	}
	final := chain[0]
	l.add(RuleNoCommand, SeverityError, line(final.Location),
		fmt.Sprintf("the final stage (FROM %s) sets no CMD or ENTRYPOINT, so the container does not start your program: it runs whatever %s runs by default", final.BaseName, final.BaseName),
		`add a last line that starts your program in JSON form, e.g. CMD ["python", "app.py"]`)
}

// shellForm flags CMD and ENTRYPOINT written as plain text. Docker then runs
// them through /bin/sh -c: the shell is PID 1 and does not pass on SIGTERM, so
// `docker stop` waits its full timeout and then kills the program.
func (l *checker) shellForm(chain []instructions.Stage) {
	for i := len(chain) - 1; i >= 0; i-- {
		shellSet := false
		for _, c := range chain[i].Commands {
			var cmd *instructions.ShellDependantCmdLine
			switch c := c.(type) {
			case *instructions.ShellCommand:
				// A SHELL instruction is an explicit choice of shell.
				shellSet = true
			case *instructions.CmdCommand:
				cmd = &c.ShellDependantCmdLine
			case *instructions.EntrypointCommand:
				cmd = &c.ShellDependantCmdLine
			}
			if cmd == nil || !cmd.PrependShell || shellSet || len(cmd.CmdLine) == 0 || looksLikeJSON(cmd.CmdLine[0]) {
				// Brackets that are not JSON are an error of their own (unquotedJSON).
				continue
			}
			name := strings.ToUpper(c.Name())
			l.add(RuleShellForm, SeverityWarning, line(c.Location()),
				fmt.Sprintf("%s is in shell form, so /bin/sh runs as PID 1 and your program never receives SIGTERM: `docker stop` waits 10 seconds and then kills it", name),
				jsonFormFix(name, strings.Join(cmd.CmdLine, " ")))
		}
	}
}

// jsonFormFix spells out the JSON form of a simple shell command line, and
// falls back to `exec` when the line really needs a shell.
func jsonFormFix(name, cmdline string) string {
	if strings.ContainsAny(cmdline, "&|;<>$`\"'*?(){}\\") {
		return fmt.Sprintf("write %s [\"executable\", \"arg\", ...]; if you need the shell, start the line with exec: %s exec %s", name, name, cmdline)
	}
	words := strings.Fields(cmdline)
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = fmt.Sprintf("%q", w)
	}
	return fmt.Sprintf("write it in JSON form: %s [%s]", name, strings.Join(quoted, ", "))
}

func (l *checker) user(chain []instructions.Stage) {
	for _, st := range chain {
		for i := len(st.Commands) - 1; i >= 0; i-- {
			u, ok := st.Commands[i].(*instructions.UserCommand)
			if !ok {
				continue
			}
			if isRoot(u.User) {
				l.add(RuleRunsAsRoot, SeverityInfo, line(u.Location()),
					fmt.Sprintf("the last USER is %s, so the container runs as root; a bug in your program then has full control of the container", u.User),
					"create a user (RUN useradd --create-home app) and add USER app after the steps that need root")
			}
			return
		}
	}
	final := chain[0]
	l.add(RuleRunsAsRoot, SeverityInfo, line(final.Location),
		"the final stage sets no USER, so the container probably runs as root; a bug in your program then has full control of the container",
		"create a user (RUN useradd --create-home app) and add USER app after the steps that need root")
}

func isRoot(user string) bool {
	u, _, _ := strings.Cut(user, ":")
	return u == "root" || u == "0"
}
