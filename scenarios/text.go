package scenarios

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/racetest/racetest/internal/readfile"
	"unicode/utf8"
)

// utf8BOM is the byte order mark some editors put at the start of a UTF-8
// file. YAML allows it; it is dropped so that columns on line 1 are right.
const utf8BOM = "\xEF\xBB\xBF"

// readFile reads at most MaxFileSize+1 bytes of the file at path, so that
// a huge file, or a device such as /dev/zero, is refused without being
// read to its end.
func readFile(ctx context.Context, path string) ([]byte, error) {
	b, err := readfile.File(ctx, path, MaxFileSize)
	var tl *readfile.TooLargeError
	if errors.As(err, &tl) {
		return nil, tooLarge(path, MaxFileSize+1)
	}
	return b, err
}

// tooLarge is the error for a file over MaxFileSize; it has no position,
// being about the file as a whole. size is what was read, which stops one
// byte past the limit when the file is read by Load.
func tooLarge(file string, size int) *LoadError {
	limit := FormatBytes(MaxFileSize)
	msg := fmt.Sprintf("the file is %s, more than the %s a scenario file may have: is it the right file?", FormatBytes(int64(size)), limit)
	if size == MaxFileSize+1 {
		msg = fmt.Sprintf("the file is larger than %s, the most a scenario file may have: is it the right file?", limit)
	}
	return &LoadError{File: file, Msg: msg}
}

// checkText refuses data that is not YAML text before the parser sees it:
// a binary file, UTF-16, a control character or invalid UTF-8. The parser
// would otherwise report something confusing about the first odd byte, or
// nothing at all, and the excerpt would print the bytes to the terminal.
func (p *problems) checkText(data []byte) bool {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		p.add("", 1, 1, "the file is UTF-16; save it as UTF-8")
		return false
	}
	line, col := 1, 1
	run, runLine, runCol := 0, 0, 0 // '<' in a row, from where
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if run++; r != '<' {
			run = 0
		} else if run == 1 {
			runLine, runCol = line, col
		}
		switch {
		case run > maxLessThanRun:
			p.add("", runLine, runCol, fmt.Sprintf("more than %d '<' in a row; the YAML library takes time quadratic in such a run (it looks for a << merge key at each one): shorten it", maxLessThanRun))
			return false
		case r == utf8.RuneError && size <= 1:
			p.add("", line, col, fmt.Sprintf("invalid UTF-8 (byte 0x%02X); save the file as UTF-8", data[i]))
			return false
		case r == 0:
			p.add("", line, col, "a NUL byte: this is a binary file, not a YAML scenario; check the file name")
			return false
		case r == '\n', r == '\r' && !bytes.HasPrefix(data[i+1:], []byte("\n")):
			// A lone CR breaks the line too; the CR of a CRLF is passed over.
			line, col = line+1, 0
		case r < 0x20 && r != '\t' && r != '\r', r == 0x7F:
			p.add("", line, col, fmt.Sprintf("control character U+%04X is not allowed in YAML; remove it", r))
			return false
		}
		i += size
		col++
	}
	return true
}
