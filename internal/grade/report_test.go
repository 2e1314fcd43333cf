package grade

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// sampleReport is a class with every verdict, points other than 1 and a
// learner name that tries to break each format.
func sampleReport() *Report {
	checks := []CheckInfo{{ID: "exists", Title: "There is a Dockerfile", Points: 1}, {ID: "builds", Title: "The image builds", Points: 3}, {ID: "serves", Title: "It serves the page", Points: 2}}
	grade := func(learner, verdict, problem string, ms int64, statuses ...string) Result {
		r := Result{Learner: learner, Source: "/class/" + learner, Verdict: verdict, Problem: problem, MaxScore: 6, DurationMS: ms}
		for i, st := range statuses {
			parts := strings.SplitN(st, ":", 2)
			cg := CheckGrade{ID: checks[i].ID, Title: checks[i].Title, Status: parts[0], Points: checks[i].Points, Message: "message of " + checks[i].ID, DurationMS: int64(i) * 1250}
			if len(parts) == 2 {
				cg.Reason = parts[1]
			}
			if cg.Status == "pass" {
				cg.Earned = cg.Points
				r.Score += cg.Points
			}
			r.Checks = append(r.Checks, cg)
		}
		r.Percent = percent(r.Score, r.MaxScore)
		return r
	}
	weird := grade(`eve "<b>" | ,x&y`, Failed, "", 1500, "pass", "fail:run-failed", "skip")
	weird.Notes = []string{"left out secret: a symlink that leads out of the submission (to /etc/passwd)"}
	return &Report{
		Lab: "dockerfile", Title: "Your first Dockerfile", LabHash: "sha256:abc", MaxScore: 6, Checks: checks, Parallel: 2, DurationMS: 61000,
		Submissions: []Result{
			grade("ada", Passed, "", 20500, "pass", "pass", "pass"),
			grade("bob", Failed, "", 12000, "pass", "pass", "fail:no-answer"),
			grade("cy", TimedOut, "did not finish within 1m0s, the deadline of one submission; the checks not reached score nothing", 60000, "pass", "error", "skip"),
			grade("dan", Rejected, "too large to grade: it holds more than 256.0 MiB (the limit); the largest file is big.iso (1.0 GiB)", 30, "skip", "skip", "skip"),
			weird,
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestReportGolden(t *testing.T) {
	for _, tt := range []struct {
		format, file string
		width        int
	}{
		{"text", "report.txt", 0}, {"text", "report-narrow.txt", 70}, {"json", "report.json", 0},
		{"junit", "report.xml", 0}, {"csv", "report.csv", 0}, {"markdown", "report.md", 0},
	} {
		t.Run(tt.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, sampleReport(), tt.format, tt.width); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, buf.Bytes())
		})
	}
}

// The JUnit schema as CI dashboards read it, decoded strictly: an element or
// attribute the struct does not know, a count that does not add up, or a
// malformed document fails.
type (
	xSuites struct {
		XMLName  xml.Name `xml:"testsuites"`
		Name     string   `xml:"name,attr"`
		Tests    string   `xml:"tests,attr"`
		Failures string   `xml:"failures,attr"`
		Errors   string   `xml:"errors,attr"`
		Skipped  string   `xml:"skipped,attr"`
		Time     string   `xml:"time,attr"`
		Suites   []xSuite `xml:"testsuite"`
	}
	xSuite struct {
		Name       string  `xml:"name,attr"`
		Tests      string  `xml:"tests,attr"`
		Failures   string  `xml:"failures,attr"`
		Errors     string  `xml:"errors,attr"`
		Skipped    string  `xml:"skipped,attr"`
		Time       string  `xml:"time,attr"`
		Properties []xProp `xml:"properties>property"`
		Cases      []xCase `xml:"testcase"`
		SystemErr  string  `xml:"system-err"`
	}
	xProp struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	xCase struct {
		Name      string    `xml:"name,attr"`
		Classname string    `xml:"classname,attr"`
		Time      string    `xml:"time,attr"`
		Failure   *xProblem `xml:"failure"`
		Error     *xProblem `xml:"error"`
		Skipped   *struct {
			Message string `xml:"message,attr"`
		} `xml:"skipped"`
	}
	xProblem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
)

// JUnitSummary parses a JUnit document strictly and returns, per suite
// (learner), its score property and the outcome of each case; it fails on
// anything a dashboard would reject.
func JUnitSummary(data []byte) (map[string]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var doc xSuites
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not JUnit XML: %w", err)
	}
	if err := knownElements(data); err != nil {
		return nil, err
	}
	out := map[string]string{}
	total := 0
	for _, s := range doc.Suites {
		if s.Name == "" {
			return nil, fmt.Errorf("a testsuite has no name")
		}
		counts := map[string]int{}
		var outcomes []string
		for _, c := range s.Cases {
			if c.Name == "" || c.Classname == "" {
				return nil, fmt.Errorf("suite %s: a testcase lacks name or classname", s.Name)
			}
			if _, err := strconv.ParseFloat(c.Time, 64); err != nil {
				return nil, fmt.Errorf("suite %s: time %q", s.Name, c.Time)
			}
			o := "pass"
			n := 0
			if c.Failure != nil {
				o, n = "failure:"+c.Failure.Type, n+1
				counts["failures"]++
			}
			if c.Error != nil {
				o, n = "error:"+c.Error.Type, n+1
				counts["errors"]++
			}
			if c.Skipped != nil {
				o, n = "skipped", n+1
				counts["skipped"]++
			}
			if n > 1 {
				return nil, fmt.Errorf("suite %s case %s has more than one outcome", s.Name, c.Name)
			}
			outcomes = append(outcomes, o)
		}
		for attr, v := range map[string]string{"tests": s.Tests, "failures": s.Failures, "errors": s.Errors, "skipped": s.Skipped} {
			want := counts[attr]
			if attr == "tests" {
				want = len(s.Cases)
			}
			if v != strconv.Itoa(want) {
				return nil, fmt.Errorf("suite %s: %s=%q, but it has %d", s.Name, attr, v, want)
			}
		}
		total += len(s.Cases)
		score := ""
		for _, p := range s.Properties {
			if p.Name == "score" {
				score = p.Value
			}
		}
		out[s.Name] = score + " " + strings.Join(outcomes, ",")
	}
	if doc.Tests != strconv.Itoa(total) {
		return nil, fmt.Errorf("testsuites tests=%q, but there are %d cases", doc.Tests, total)
	}
	return out, nil
}

// knownElements fails on an element outside the JUnit schema.
func knownElements(data []byte) error {
	known := map[string]bool{"testsuites": true, "testsuite": true, "properties": true, "property": true, "testcase": true, "failure": true, "error": true, "skipped": true, "system-err": true, "system-out": true}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok && !known[se.Name.Local] {
			return fmt.Errorf("element <%s> is not JUnit", se.Name.Local)
		}
	}
}

func TestJUnitParses(t *testing.T) {
	var buf bytes.Buffer
	if err := JUnit(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	got, err := JUnitSummary(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"ada":              "6 pass,pass,pass",
		"bob":              "4 pass,pass,failure:no-answer",
		"cy":               "1 pass,error:timeout,error:timeout",
		"dan":              "0 error:rejected,error:rejected,error:rejected",
		`eve "<b>" | ,x&y`: "1 pass,failure:run-failed,skipped",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("suite %q = %q, want %q", k, got[k], v)
		}
	}
	// The strict reader itself rejects what is not JUnit.
	for name, bad := range map[string]string{
		"unknown element": `<testsuites tests="0"><testrun/></testsuites>`,
		"bad counts":      `<testsuites tests="0"><testsuite name="a" tests="2"><testcase name="x" classname="c" time="0"/></testsuite></testsuites>`,
		"not xml":         `<testsuites`,
	} {
		if _, err := JUnitSummary([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCSVReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows, want a header and 5 learners", len(rows))
	}
	head := strings.Join(rows[0], ",")
	if head != "learner,verdict,score,max_score,percent,check:exists,check:builds,check:serves,failing,problem,notes,seconds" {
		t.Errorf("header = %s", head)
	}
	eve := rows[5]
	if eve[0] != `eve "<b>" | ,x&y` || eve[2] != "1" || eve[5] != "1" || eve[6] != "0" || eve[8] != "builds (run-failed)" {
		t.Errorf("eve's row = %q", eve)
	}
}

func TestJSONReadsBack(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var back Report
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	if len(back.Submissions) != 5 || back.Submissions[1].Score != 4 || back.Submissions[1].Checks[2].Reason != "no-answer" {
		t.Errorf("read back %+v", back.Submissions)
	}
}

func TestBelow(t *testing.T) {
	r := sampleReport()
	for _, tt := range []struct {
		pct  float64
		want string
	}{{0, ""}, {50, "cy,dan,eve \"<b>\" | ,x&y"}, {100, "bob,cy,dan,eve \"<b>\" | ,x&y"}} {
		var names []string
		for _, s := range r.Below(tt.pct) {
			names = append(names, s.Learner)
		}
		if got := strings.Join(names, ","); got != tt.want {
			t.Errorf("Below(%g) = %s, want %s", tt.pct, got, tt.want)
		}
	}
}
