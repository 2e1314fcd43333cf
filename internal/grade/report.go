package grade

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/devopsctl/devopsctl/internal/checks"
	"github.com/devopsctl/devopsctl/internal/tableprinter"
)

// Report is a class graded on one lab.
type Report struct {
	Lab      string      `json:"lab"`
	Title    string      `json:"title"`
	LabHash  string      `json:"lab_hash"`
	MaxScore int         `json:"max_score"`
	Checks   []CheckInfo `json:"checks"`
	Parallel int         `json:"parallel"`
	// DurationMS is the wall time of the whole grading.
	DurationMS  int64    `json:"duration_ms"`
	Submissions []Result `json:"submissions"`
}

// CheckInfo is one check of the lab and its points.
type CheckInfo struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Points int    `json:"points"`
}

// Result is one learner's grade.
type Result struct {
	Learner  string  `json:"learner"`
	Source   string  `json:"source"`
	Verdict  string  `json:"verdict"`
	Score    int     `json:"score"`
	MaxScore int     `json:"max_score"`
	Percent  float64 `json:"percent"`
	// Problem says what stopped the grading of this submission (timeout,
	// rejected, interrupted); empty when every check ran.
	Problem string `json:"problem,omitempty"`
	// Notes are what was left out of the copy, or a mismatch of the lab.
	Notes      []string     `json:"notes,omitempty"`
	Checks     []CheckGrade `json:"checks"`
	DurationMS int64        `json:"duration_ms"`
	// Copy is the private folder it was graded in, removed since; what the
	// run made on the engine carried it as its workspace label.
	Copy string `json:"-"`
}

// CheckGrade is one check of one learner.
type CheckGrade struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message"`
	Points  int    `json:"points"`
	Earned  int    `json:"earned"`
	// DurationMS is how long the check ran.
	DurationMS int64 `json:"duration_ms"`
}

// Failing lists the checks that did not pass, with the reason where there is one.
func (r *Result) Failing() []string {
	var out []string
	for _, c := range r.Checks {
		switch {
		case c.Status == string(checks.Pass):
		case c.Reason != "":
			out = append(out, c.ID+" ("+c.Reason+")")
		case c.Status == string(checks.Skip):
			// A check skipped because an earlier one failed says nothing new.
		default:
			out = append(out, c.ID+" ("+c.Status+")")
		}
	}
	return out
}

// Below lists the submissions whose score is under pct percent.
func (r *Report) Below(pct float64) []Result {
	var out []Result
	for _, s := range r.Submissions {
		if s.Percent < pct {
			out = append(out, s)
		}
	}
	return out
}

// Formats are the report formats Write knows.
var Formats = []string{"text", "json", "junit", "csv", "markdown"}

// Write writes the report in format (one of Formats). width is the terminal's
// width for text (0 never cuts).
func Write(w io.Writer, r *Report, format string, width int) error {
	switch format {
	case "text":
		return Text(w, r, width)
	case "json":
		return JSON(w, r)
	case "junit":
		return JUnit(w, r)
	case "csv":
		return CSV(w, r)
	case "markdown":
		return Markdown(w, r)
	}
	return fmt.Errorf("unknown report format %q (known: %s)", format, strings.Join(Formats, ", "))
}

func seconds(ms int64) string {
	return strconv.FormatFloat(float64(ms)/1000, 'f', 1, 64) + "s"
}

func scoreText(s Result) string {
	return fmt.Sprintf("%d/%d", s.Score, s.MaxScore)
}

// whatFailed is the failing checks, or the problem when the checks did not
// all run.
func whatFailed(s Result) string {
	parts := []string{}
	if s.Problem != "" {
		parts = append(parts, s.Problem)
	}
	if f := s.Failing(); len(f) > 0 && s.Verdict != Rejected && s.Verdict != Interrupted {
		parts = append(parts, strings.Join(f, ", "))
	}
	parts = append(parts, s.Notes...)
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}

// Text is the summary table: learner, verdict, score, what failed, time.
func Text(w io.Writer, r *Report, width int) error {
	t := tableprinter.New(w, width)
	t.CutOnly(4)
	t.AlignRight(2)
	t.AlignRight(3)
	t.AddRow("LEARNER", "VERDICT", "SCORE", "TIME", "FAILING CHECKS")
	for _, s := range r.Submissions {
		t.AddRow(s.Learner, s.Verdict, scoreText(s), seconds(s.DurationMS), whatFailed(s))
	}
	if err := t.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%s\n", r.Summary())
	return err
}

// Summary is one line about the class.
func (r *Report) Summary() string {
	counts := map[string]int{}
	total := 0.0
	for _, s := range r.Submissions {
		counts[s.Verdict]++
		total += s.Percent
	}
	n := len(r.Submissions)
	avg := 0.0
	if n > 0 {
		avg = total / float64(n)
	}
	parts := []string{fmt.Sprintf("%d graded in %s", n, seconds(r.DurationMS))}
	for _, v := range []string{Passed, Failed, TimedOut, Rejected, Interrupted} {
		if counts[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[v], v))
		}
	}
	return fmt.Sprintf("Lab %s: %s; average score %.0f%%.", r.Lab, strings.Join(parts, ", "), avg)
}

// JSON is the whole report, indented.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// CSV is one row per learner, with a column of points earned for every check
// (check:<id>), for a spreadsheet.
func CSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	head := []string{"learner", "verdict", "score", "max_score", "percent"}
	for _, c := range r.Checks {
		// Prefixed, so that a check called "notes" is not taken for the column.
		head = append(head, "check:"+c.ID)
	}
	head = append(head, "failing", "problem", "notes", "seconds")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, s := range r.Submissions {
		row := []string{s.Learner, s.Verdict, strconv.Itoa(s.Score), strconv.Itoa(s.MaxScore), strconv.FormatFloat(s.Percent, 'f', 1, 64)}
		earned := map[string]int{}
		for _, c := range s.Checks {
			earned[c.ID] = c.Earned
		}
		for _, c := range r.Checks {
			row = append(row, strconv.Itoa(earned[c.ID]))
		}
		row = append(row, strings.Join(s.Failing(), "; "), s.Problem, strings.Join(s.Notes, "; "),
			strconv.FormatFloat(float64(s.DurationMS)/1000, 'f', 1, 64))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Markdown is the summary as a table, for an issue, a wiki or a pull request.
func Markdown(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s (%s)\n\n", mdCell(r.Title), mdCell(r.Lab))
	b.WriteString("| Learner | Verdict | Score | Time | Failing checks |\n")
	b.WriteString("| --- | --- | ---: | ---: | --- |\n")
	for _, s := range r.Submissions {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdCell(s.Learner), s.Verdict, scoreText(s), seconds(s.DurationMS), mdCell(whatFailed(s)))
	}
	fmt.Fprintf(&b, "\n%s\n", mdCell(r.Summary()))
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCell keeps a learner's text from breaking the table or adding markup.
func mdCell(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

// The JUnit XML schema that CI dashboards read: one suite per learner, one
// case per check.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Properties []junitProperty `xml:"properties>property"`
		Cases      []junitCase     `xml:"testcase"`
		SystemErr  string          `xml:"system-err,omitempty"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Failure   *junitProblem `xml:"failure"`
		Error     *junitProblem `xml:"error"`
		Skipped   *junitSkipped `xml:"skipped"`
	}
	junitProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	junitSkipped struct {
		Message string `xml:"message,attr"`
	}
)

// JUnit is the report as JUnit XML: a suite per learner with its score in the
// properties, a test case per check. A failed check is a failure; a check
// that errored, or a submission that timed out or was rejected, an error.
func JUnit(w io.Writer, r *Report) error {
	doc := junitSuites{Name: "devopsctl " + r.Lab, Time: junitTime(r.DurationMS)}
	for _, s := range r.Submissions {
		suite := junitSuite{
			Name: s.Learner, Time: junitTime(s.DurationMS),
			Properties: []junitProperty{
				{Name: "lab", Value: r.Lab}, {Name: "verdict", Value: s.Verdict},
				{Name: "score", Value: strconv.Itoa(s.Score)}, {Name: "max_score", Value: strconv.Itoa(s.MaxScore)},
			},
		}
		if len(s.Notes) > 0 {
			suite.SystemErr = strings.Join(s.Notes, "\n")
		}
		for _, c := range s.Checks {
			tc := junitCase{Name: c.Title, Classname: r.Lab + "." + s.Learner + "." + c.ID, Time: junitTime(c.DurationMS)}
			msg := c.Message
			switch {
			case c.Status == string(checks.Pass):
			case s.Problem != "" && c.Status != string(checks.Fail):
				tc.Error = &junitProblem{Message: s.Problem, Type: s.Verdict, Text: msg}
				suite.Errors++
			case c.Status == string(checks.Fail):
				tc.Failure = &junitProblem{Message: msg, Type: c.Reason, Text: fmt.Sprintf("%s: %s (0 of %d points)", c.ID, msg, c.Points)}
				suite.Failures++
			case c.Status == string(checks.Error):
				tc.Error = &junitProblem{Message: msg, Type: "error", Text: msg}
				suite.Errors++
			default:
				tc.Skipped = &junitSkipped{Message: msg}
				suite.Skipped++
			}
			suite.Cases = append(suite.Cases, tc)
		}
		suite.Tests = len(suite.Cases)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Errors += suite.Errors
		doc.Skipped += suite.Skipped
		doc.Suites = append(doc.Suites, suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitTime(ms int64) string {
	return strconv.FormatFloat((time.Duration(ms) * time.Millisecond).Seconds(), 'f', 3, 64)
}
