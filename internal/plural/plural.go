// Package plural writes counts the way people read them: "1 layer", "2 layers",
// "no failures". Every message that counts something goes through it, so that
// no learner reads "1 checks".
package plural

import "fmt"

// N is n followed by noun, with an s added unless n is 1: N(1, "layer") is
// "1 layer", N(3, "layer") "3 layers".
func N(n int, noun string) string {
	return Of(n, noun, noun+"s")
}

// Of is n followed by one or many, for nouns whose plural is not noun+s:
// Of(2, "info", "info"), Of(3, "child", "children").
func Of(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Word is the bare noun that agrees with n: Word(1, "layer") is "layer".
func Word(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// None is like N, but says "no <noun>s" for zero, where a number would read
// as a limit ("0 failures allowed" reads better as "no failures allowed").
func None(n int, noun string) string {
	if n == 0 {
		return "no " + noun + "s"
	}
	return N(n, noun)
}

// All names every one of n things: "the 1 check", "all 5 checks".
func All(n int, noun string) string {
	if n == 1 {
		return "the 1 " + noun
	}
	return fmt.Sprintf("all %d %ss", n, noun)
}

// Be is the form of "to be" that agrees with n: "is" for 1, "are" otherwise.
func Be(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
