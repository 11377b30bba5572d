package capture

import "strings"

// cmdArgs reads text as one Windows cmd.exe command line, as Chrome's and
// Firefox's "Copy as cURL (cmd)" write it, in the two passes Windows makes:
// cmd.exe removes its ^ escapes (and ^-newline continuations), then the C
// runtime of curl.exe splits the line into arguments by its own quoting
// rules. Browsers escape every special character with ^ and put ^"
// around each argument precisely so that the two passes do not interfere;
// both are written out here since no maintained Go library parses cmd
// (shell-words libraries speak POSIX).
func cmdArgs(text string) ([]Arg, error) {
	var b strings.Builder
	if err := cmdUnescape(text, func(c byte, _, _ int) { b.WriteByte(c) }); err != nil {
		return nil, err
	}
	words, starts := crtSplit(b.String())
	if len(words) > MaxArgs {
		return nil, errorf(0, 0, "the command has more than %d words; a copied request has tens: is it the right file?", MaxArgs)
	}
	// A second pass finds where in the file each argument starts: the
	// first pass's output has lost the ^ escapes and continuations, and
	// keeping a position for every byte of it would take far more memory
	// than the file.
	args := make([]Arg, len(words))
	n, k := 0, 0
	_ = cmdUnescape(text, func(_ byte, line, col int) {
		for k < len(starts) && starts[k] == n {
			args[k].Line, args[k].Col = line, col
			k++
		}
		n++
	})
	for i, w := range words {
		args[i].Value = w
	}
	return args, nil
}

// cmdUnescape is cmd.exe's pass: ^X is X outside cmd's own quotes, ^ at
// the end of a line joins the next line and takes its first character
// literally (which is how Chrome writes a newline inside an argument:
// ^, newline, newline), and &, |, <, > start another command or a
// redirection, which racetest refuses.
func cmdUnescape(text string, emit func(c byte, line, col int)) error {
	line, col := 1, 0
	quoted := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		col++
		// A byte is placed where the text that gives it starts: an
		// escaped one at its ^.
		atLine, atCol := line, col
		switch {
		case c == '\n' && !quoted:
			if strings.TrimSpace(text[i:]) != "" {
				return errorf(line+1, 1, "a second command; the file must hold one curl command (\"Copy as cURL\", not \"Copy all as cURL\")")
			}
			return nil
		case c == '\n':
			line, col = line+1, 0
			emit(c, atLine, atCol)
		case c == '"':
			quoted = !quoted
			emit(c, atLine, atCol)
		case c == '%' && cmdVariable(text[i+1:]):
			// cmd expands %NAME% inside its quotes too.
			return errorf(line, col, "%%%s%% is expanded by cmd, which racetest does not run; write its value instead", text[i+1:i+1+strings.IndexByte(text[i+1:], '%')])
		case quoted:
			emit(c, atLine, atCol)
		case c == '^' && strings.TrimRight(text[i+1:], "\r\n") == "":
			// cmd would ask for More?: the copy was cut after a
			// continuation.
			return errorf(line, col, "the command ends with ^, which continues it on a line that is not there; copy the whole command again")
		case c == '^':
			i++
			col++
			if text[i] == '\n' {
				line, col = line+1, 0
				if i+1 < len(text) {
					// The escaped newline is gone; the character after
					// it is taken as it is, even a newline.
					i++
					col++
					if text[i] == '\n' {
						line, col = line+1, 0
					}
					emit(text[i], atLine, atCol)
				}
				continue
			}
			emit(text[i], atLine, atCol)
		case c == '&' || c == '|' || c == '<' || c == '>':
			return errorf(line, col, "%q starts another command or a redirection in cmd; the file must hold one curl command as \"Copy as cURL\" writes it", string(c))
		default:
			emit(c, atLine, atCol)
		}
	}
	return nil
}

// cmdVariable tells whether rest (after a %) is NAME% as cmd expands it.
func cmdVariable(rest string) bool {
	end := strings.IndexByte(rest, '%')
	if end < 1 {
		return false
	}
	for _, r := range rest[:end] {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// crtSplit is the C runtime's pass (the rules of CommandLineToArgvW):
// spaces and tabs outside quotes separate arguments, " toggles quoting,
// 2n backslashes before a " are n backslashes and the " quotes, 2n+1 are
// n backslashes and a literal ", other backslashes are literal, and ""
// inside quotes is a literal ". starts holds where each argument starts
// in line.
func crtSplit(line string) (args []string, starts []int) {
	var b strings.Builder
	inArg, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case (c == ' ' || c == '\t' || c == '\n') && !quoted:
			if len(args) > MaxArgs {
				// Enough to refuse the command; the rest is not kept.
				return args, starts
			}
			if inArg {
				args = append(args, b.String())
				b.Reset()
				inArg = false
			}
			continue
		case !inArg:
			starts = append(starts, i)
		}
		switch {
		case c == '\\':
			n := 0
			for i < len(line) && line[i] == '\\' {
				n++
				i++
			}
			if i < len(line) && line[i] == '"' {
				b.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					b.WriteByte('"')
				} else {
					quoted = !quoted
				}
			} else {
				b.WriteString(strings.Repeat(`\`, n))
				i--
			}
		case c == '"' && quoted && i+1 < len(line) && line[i+1] == '"':
			b.WriteByte('"')
			i++
		case c == '"':
			quoted = !quoted
		default:
			b.WriteByte(c)
		}
		inArg = true
	}
	if inArg {
		args = append(args, b.String())
	}
	return args, starts
}
