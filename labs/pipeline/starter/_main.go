// Command calc adds up the numbers it is given and prints the total with the
// tax on it. It is the app whose pipeline the CI labs build.
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
)

// TaxRate is the tax added to every total, as a fraction.
const TaxRate = 0.2

// Sum adds up the numbers.
func Sum(xs []float64) float64 {
	total := 0.0
	for _, x := range xs {
		total += x
	}
	return total
}

// WithTax is a total with the tax added, rounded to cents.
func WithTax(total float64) float64 {
	cents := total * (1 + TaxRate) * 100
	return float64(int64(cents+0.5)) / 100
}

// Parse reads the numbers given on the command line.
func Parse(args []string) ([]float64, error) {
	if len(args) == 0 {
		return nil, errors.New("give at least one number, e.g. calc 12.50 7.50")
	}
	xs := make([]float64, 0, len(args))
	for _, a := range args {
		x, err := strconv.ParseFloat(a, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", a)
		}
		xs = append(xs, x)
	}
	return xs, nil
}

func main() {
	xs, err := Parse(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "calc:", err)
		os.Exit(2)
	}
	total := Sum(xs)
	fmt.Printf("total %.2f, with tax %.2f\n", total, WithTax(total))
}
