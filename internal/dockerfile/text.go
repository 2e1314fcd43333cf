package dockerfile

import (
	"bytes"
	"unicode/utf8"
)

// notText reports (and records) data that is not a UTF-8 text file. The parser
// would otherwise read binary garbage as one long unknown instruction and print
// it back, which helps nobody.
func (l *checker) notText(data []byte) bool {
	if isUTF16(data) {
		l.add(RuleNotText, SeverityError, 1,
			"this is not a text Dockerfile Docker can read: it is saved as UTF-16 (some Windows editors do this)",
			"save the file again with UTF-8 encoding (in VS Code: click \"UTF-16\" in the status bar, then \"Save with Encoding\" > UTF-8)")
		return true
	}
	off := firstBinaryByte(data)
	if off < 0 {
		return false
	}
	l.add(RuleNotText, SeverityError, 1+bytes.Count(data[:off], []byte("\n")),
		"this is not a text Dockerfile: it contains binary data (NUL bytes or invalid UTF-8)",
		"replace it with a plain text file; did you save an image, an archive or a compiled program under this name?")
	return true
}

func isUTF16(data []byte) bool {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return true
	}
	// Without a byte-order mark, ASCII text in UTF-16 still shows as a NUL in
	// every other byte.
	if len(data) < 4 || len(data)%2 != 0 {
		return false
	}
	var zeros [2]int
	for i, b := range data {
		if b == 0 {
			zeros[i%2]++
		}
	}
	half := len(data) / 2
	return zeros[0]*2 >= half || zeros[1]*2 >= half
}

// firstBinaryByte returns the offset of the first NUL or invalid UTF-8 byte, or -1.
func firstBinaryByte(data []byte) int {
	for i := 0; i < len(data); {
		if data[i] == 0 {
			return i
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}
