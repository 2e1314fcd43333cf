package greetings

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestChooseExploresAtEpsilon(t *testing.T) {
	for _, eps := range []float64{0, 0.1, 0.2, 0.5, 1} {
		c := NewChooser(eps, rand.New(rand.NewPCG(1, 2)))
		const n = 20000
		explored, howdyExplored := 0, 0
		for range n {
			ch := c.Choose(Likes{Hello: 5, Howdy: 2})
			switch {
			case ch.Tied:
				t.Fatal("counts 5 and 2 reported as tied")
			case ch.Strategy == Explore:
				explored++
				if ch.Greeting == Howdy {
					howdyExplored++
				}
			case ch.Greeting != Hello:
				t.Fatalf("exploit chose %s, not the leader Hello", ch.Greeting)
			}
		}
		// 4 sigma of the binomial counts.
		sd := math.Sqrt(n * eps * (1 - eps))
		if d := math.Abs(float64(explored) - n*eps); d > 4*sd {
			t.Errorf("epsilon %v: explored %d of %d, want %v ± %.0f", eps, explored, n, n*eps, 4*sd)
		}
		if explored > 0 {
			half := float64(explored) / 2
			if d := math.Abs(float64(howdyExplored) - half); d > 4*math.Sqrt(half/2) {
				t.Errorf("epsilon %v: exploring picked Howdy %d of %d times, want about half", eps, howdyExplored, explored)
			}
		}
	}
}

func TestChooseExploresOnATie(t *testing.T) {
	c := NewChooser(0, rand.New(rand.NewPCG(3, 4)))
	seen := map[string]int{}
	for range 200 {
		ch := c.Choose(Likes{Hello: 7, Howdy: 7})
		if ch.Strategy != Explore || !ch.Tied {
			t.Fatalf("a tie gave %+v; it must explore", ch)
		}
		seen[ch.Greeting]++
	}
	if seen[Hello] == 0 || seen[Howdy] == 0 {
		t.Fatalf("a tie always picked the same greeting: %v", seen)
	}
	if ch := c.Choose(Likes{Hello: 1, Howdy: 2}); ch.Greeting != Howdy || ch.Strategy != Exploit {
		t.Fatalf("epsilon 0 with Howdy ahead gave %+v", ch)
	}
}

func TestSameSeedSameChoices(t *testing.T) {
	a, b := NewChooser(0.3, rand.New(rand.NewPCG(9, 9))), NewChooser(0.3, rand.New(rand.NewPCG(9, 9)))
	for i := range 500 {
		l := Likes{Hello: int64(i % 3), Howdy: 1}
		if x, y := a.Choose(l), b.Choose(l); x != y {
			t.Fatalf("request %d: %+v and %+v from the same seed", i, x, y)
		}
	}
}

func TestParseEpsilon(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		err  string
	}{
		{"0.2", 0.2, ""}, {" .25 ", 0.25, ""}, {"0", 0, ""}, {"1", 1, ""}, {"1e-1", 0.1, ""},
		{"", 0, "is empty"}, {"20%", 0, "is a percentage"}, {"20", 0, "outside 0..1"},
		{"-0.1", 0, "outside 0..1"}, {"abc", 0, "not a number"}, {"NaN", 0, "not a number"},
	}
	for _, tt := range tests {
		got, err := ParseEpsilon(tt.in)
		if tt.err == "" && (err != nil || got != tt.want) {
			t.Errorf("ParseEpsilon(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("ParseEpsilon(%q) error %v, want %q", tt.in, err, tt.err)
		}
	}
}

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{"hello": Hello, " HOWDY ": Howdy, "Hello Bob": "", "hi": "", "": ""} {
		if got, ok := Canonical(in); got != want || ok != (want != "") {
			t.Errorf("Canonical(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
