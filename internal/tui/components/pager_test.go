package components

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/devopsctl/devopsctl/internal/lessons"
)

// doc is 60 numbered lines; lines 10, 30 and 50 hold the word "needle".
func doc(width int) (string, error) {
	var b strings.Builder
	for i := range 60 {
		if i%20 == 10 {
			fmt.Fprintf(&b, "line %02d has a Needle in it\n", i)
			continue
		}
		fmt.Fprintf(&b, "line %02d\n", i)
	}
	return b.String(), nil
}

func keys(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// send feeds msgs to m in order, like the bubbletea runtime would.
func send(t *testing.T, m Pager, msgs ...tea.Msg) Pager {
	t.Helper()
	for _, msg := range msgs {
		m, _ = m.Update(msg)
	}
	return m
}

func newPager(title string, render func(int) (string, error)) Pager {
	return NewPager(title, render, "quit", Styles{})
}

func searchFor(q string) []tea.Msg {
	msgs := []tea.Msg{keys("/")}
	for _, r := range q {
		msgs = append(msgs, keys(string(r)))
	}
	return append(msgs, tea.KeyMsg{Type: tea.KeyEnter})
}

func TestPagerSearchJumpsBetweenMatches(t *testing.T) {
	m := send(t, newPager("Doc", doc), tea.WindowSizeMsg{Width: 60, Height: 12})
	if m.vp.Height != 10 || m.vp.YOffset != 0 {
		t.Fatalf("viewport %dx%d at %d", m.vp.Width, m.vp.Height, m.vp.YOffset)
	}
	steps := []struct {
		name       string
		msgs       []tea.Msg
		wantOffset int
		wantStatus string
	}{
		// Matches sit on lines 10, 30, 50; a jump leaves one line above.
		{"search is case-insensitive", searchFor("needle"), 9, "match 1/3"},
		{"n goes to the next", []tea.Msg{keys("n")}, 29, "match 2/3"},
		{"n again", []tea.Msg{keys("n")}, 49, "match 3/3"},
		{"n wraps to the first", []tea.Msg{keys("n")}, 9, "match 1/3"},
		{"N wraps back to the last", []tea.Msg{keys("N")}, 49, "match 3/3"},
		{"N goes back", []tea.Msg{keys("N")}, 29, "match 2/3"},
		{"G goes to the bottom", []tea.Msg{keys("G")}, 50, "match 2/3"},
		{"a new search starts from the screen", append([]tea.Msg{keys("g"), tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyDown}}, searchFor("line 2")...), 19, "match 1/10"},
		{"no match says so", searchFor("haystack"), 19, `no match for "haystack"`},
	}
	for _, st := range steps {
		m = send(t, m, st.msgs...)
		if m.vp.YOffset != st.wantOffset {
			t.Errorf("%s: offset %d, want %d", st.name, m.vp.YOffset, st.wantOffset)
		}
		if status := m.statusLine(); !strings.Contains(status, st.wantStatus) {
			t.Errorf("%s: status %q, want %q", st.name, status, st.wantStatus)
		}
	}
}

func TestPagerHighlightsMatches(t *testing.T) {
	m := send(t, newPager("Doc", doc), tea.WindowSizeMsg{Width: 60, Height: 50})
	m = send(t, m, searchFor("needle")...)
	view := m.View()
	if !strings.Contains(view, hlCurrent+"Needle"+hlReset) {
		t.Errorf("current match not highlighted:\n%q", view)
	}
	if !strings.Contains(view, hlMatch+"Needle"+hlReset) {
		t.Errorf("other matches not highlighted:\n%q", view)
	}
	m = send(t, m, tea.KeyMsg{Type: tea.KeyEsc})
	if strings.Contains(m.View(), hlMatch) || strings.Contains(m.View(), hlCurrent) {
		t.Errorf("esc left highlights behind")
	}
	if m = send(t, m, keys("n")); !strings.Contains(m.statusLine(), "search first with /") {
		t.Errorf("n without a search: status %q", m.statusLine())
	}
}

func TestPagerSearchInput(t *testing.T) {
	m := send(t, newPager("Doc", doc), tea.WindowSizeMsg{Width: 60, Height: 12})
	m = send(t, m, keys("/"), keys("n"), keys("e"), keys("x"), tea.KeyMsg{Type: tea.KeyBackspace})
	if !m.searching || m.statusLine() != "/ne█" {
		t.Fatalf("typing: searching=%v status %q", m.searching, m.statusLine())
	}
	// While typing, q and n are text, not commands.
	m2, cmd := m.Update(keys("q"))
	if cmd != nil || string(m2.input) != "neq" {
		t.Errorf("q while searching: input %q, cmd %v", string(m2.input), cmd)
	}
	m = send(t, m, tea.KeyMsg{Type: tea.KeyEsc})
	if m.searching || m.query != nil {
		t.Errorf("esc should cancel the search being typed")
	}
}

func TestPagerQuitAndHelp(t *testing.T) {
	m := send(t, newPager("Doc", doc), tea.WindowSizeMsg{Width: 80, Height: 12})
	view := ansi.Strip(m.View())
	lines := strings.Split(view, "\n")
	if len(lines) != 12 {
		t.Errorf("view has %d lines, want the window's 12", len(lines))
	}
	for _, want := range []string{"line 00", "Doc", "0%", "/ search", "q quit"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if full := send(t, m, keys("?")); !strings.Contains(ansi.Strip(full.View()), "g/G") {
		t.Errorf("? does not show the full help")
	}
	// q closes; esc closes once there is no search left to clear.
	searched := send(t, m, searchFor("needle")...)
	for _, tt := range []struct {
		name string
		m    Pager
		key  tea.KeyMsg
		want bool
	}{
		{"q", m, keys("q"), true},
		{"esc", m, tea.KeyMsg{Type: tea.KeyEsc}, true},
		{"q after a search", searched, keys("q"), true},
		{"esc after a search", searched, tea.KeyMsg{Type: tea.KeyEsc}, false},
	} {
		_, cmd := tt.m.Update(tt.key)
		got := false
		if cmd != nil {
			_, got = cmd().(ClosedMsg)
		}
		if got != tt.want {
			t.Errorf("%s: closes = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPagerRendersRealLessonAndReflows(t *testing.T) {
	l, err := lessons.Get("monitoring")
	if err != nil {
		t.Fatal(err)
	}
	render := func(w int) (string, error) { return lessons.Render(l, w, false) }
	m := send(t, newPager(l.Title, render), tea.WindowSizeMsg{Width: 100, Height: 30})
	wide := len(m.lines)
	m = send(t, m, searchFor("time-series")...)
	if len(m.matches) == 0 || m.vp.YOffset == 0 {
		t.Fatalf("search in a real lesson: %d matches, offset %d", len(m.matches), m.vp.YOffset)
	}
	m = send(t, m, tea.WindowSizeMsg{Width: 50, Height: 30})
	if len(m.lines) <= wide {
		t.Errorf("narrower window gave %d lines, wider %d; text should reflow", len(m.lines), wide)
	}
	if len(m.matches) == 0 {
		t.Errorf("matches lost on resize")
	}
}

func TestPagerRenderError(t *testing.T) {
	boom := errors.New("boom")
	m, _ := newPager("Doc", func(int) (string, error) { return "", boom }).Update(tea.WindowSizeMsg{Width: 80, Height: 20})
	if !errors.Is(m.Err(), boom) {
		t.Fatalf("render error not kept: %v", m.Err())
	}
	if !strings.Contains(m.View(), "boom") {
		t.Errorf("view does not show the error")
	}
}
