package dockerfile

import (
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// builderRules catch lines that BuildKit's parser reads one way and the engine's
// classic builder, which devopsctl builds with (the default of Docker 20.10 and
// the only builder its Engine API build call offers there), reads another: the
// file would pass lint and then fail to build or to run.
func (l *checker) builderRules(ast *parser.Node) {
	for _, n := range ast.Children {
		name := strings.ToUpper(n.Value)
		if len(n.Heredocs) > 0 {
			l.add(RuleHeredoc, SeverityError, n.StartLine,
				fmt.Sprintf("%s uses a heredoc (<<%s), which only BuildKit understands; the classic builder this lab builds with reads the lines below it as instructions and fails", name, n.Heredocs[0].Name),
				heredocFix(name))
		}
		l.unquotedJSON(n, name)
	}
}

func heredocFix(name string) string {
	if name == "RUN" {
		return "put the commands on the RUN line itself, joined with && and continued over lines with a trailing \\"
	}
	return "write the content into a file in your folder and COPY that file instead"
}

// unquotedJSON flags `CMD [greeter]`: without double quotes it is not JSON, so
// Docker takes the line as shell form and /bin/sh looks for a program literally
// called "[greeter]", exiting with code 127 when the container starts.
func (l *checker) unquotedJSON(n *parser.Node, name string) {
	switch name {
	case "CMD", "ENTRYPOINT", "RUN":
	default:
		return
	}
	if n.Attributes["json"] || n.Next == nil || !looksLikeJSON(n.Next.Value) {
		return
	}
	words := bracketWords(n.Next.Value)
	l.add(RuleUnquotedJSON, SeverityError, n.StartLine,
		fmt.Sprintf("%s %s is not JSON, so Docker runs it through /bin/sh as a command called %q, which does not exist (exit code 127): in the JSON form every word is in double quotes, with commas between them", name, n.Next.Value, strings.Fields(n.Next.Value)[0]),
		fmt.Sprintf("write %s %s", name, quoted(words)))
}

// looksLikeJSON reports a shell-form command line that was meant as JSON.
func looksLikeJSON(cmdline string) bool {
	return strings.HasPrefix(strings.TrimSpace(cmdline), "[")
}

// bracketWords splits `[greeter, 'a', "b"]` into its words, dropping whatever
// quotes and commas the writer used.
func bracketWords(cmdline string) []string {
	s := strings.TrimSpace(cmdline)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	var words []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if w = strings.Trim(w, `"'`); w != "" {
			words = append(words, w)
		}
	}
	return words
}

func quoted(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = fmt.Sprintf("%q", w)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// JSONFormFix returns the JSON form a shell-form command line in brackets was
// meant to be (`[greeter]` gives `["greeter"]`), and false for any other line.
func JSONFormFix(cmdline string) (string, bool) {
	if !looksLikeJSON(cmdline) {
		return "", false
	}
	return quoted(bracketWords(cmdline)), true
}
