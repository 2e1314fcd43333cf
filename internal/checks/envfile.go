package checks

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ReadEnvFile reads a file exactly as `docker run --env-file` does, so that a
// check passes only what Docker would pass:
//   - leading whitespace is trimmed; blank lines and lines starting with # are skipped;
//   - NAME=value keeps the value as written: spaces and quotes are part of it;
//   - a name with a space or tab in it (`PORT = 9090`, `export PORT=1`) is an error;
//   - a bare NAME takes its value from lookup (the caller's environment), and is
//     left out when lookup has none.
//
// Errors name file:line and say what to write instead.
func ReadEnvFile(path, display string, lookup func(string) (string, bool)) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readEnvVars(f, display, lookup)
}

// readWorkspaceEnvFile is ReadEnvFile for the file rel of the workspace dir,
// refusing a link out of the workspace before anything of it is read.
func readWorkspaceEnvFile(dir, rel string, lookup func(string) (string, bool)) ([]string, error) {
	f, err := openInWorkspace(dir, rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readEnvVars(f, rel, lookup)
}

// maxEnvFile bounds what is read of an env file: far more than any real one.
const maxEnvFile = 1 << 20

func readEnvVars(r io.Reader, display string, lookup func(string) (string, bool)) ([]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxEnvFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", display, err)
	}
	if len(data) > maxEnvFile {
		return nil, fmt.Errorf("%s is larger than %d bytes; an env file holds a few NAME=value lines", display, maxEnvFile)
	}
	var vars []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		raw := sc.Bytes()
		if !utf8.Valid(raw) {
			return nil, fmt.Errorf("%s:%d: the line is not UTF-8 text; save the file as plain UTF-8 text", display, n)
		}
		if n == 1 {
			raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
		}
		line := strings.TrimLeftFunc(string(raw), unicode.IsSpace)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, hasValue := strings.Cut(line, "=")
		if err := checkEnvName(name, display, n); err != nil {
			return nil, err
		}
		if hasValue {
			vars = append(vars, name+"="+value)
		} else if v, ok := lookup(name); ok {
			vars = append(vars, name+"="+v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", display, err)
	}
	return vars, nil
}

// checkEnvName rejects the names Docker rejects: empty, or holding a space or
// tab. The messages name the usual slips of someone used to shell scripts.
func checkEnvName(name, display string, n int) error {
	trimmed := strings.TrimSpace(name)
	switch {
	case trimmed == "":
		return fmt.Errorf("%s:%d: the line has no variable name before =; write NAME=value", display, n)
	case strings.HasPrefix(trimmed, "export ") || strings.HasPrefix(trimmed, "export\t"):
		return fmt.Errorf("%s:%d: remove \"export\": an env file holds plain NAME=value lines", display, n)
	case strings.ContainsAny(trimmed, " \t"):
		return fmt.Errorf("%s:%d: %q is not a valid variable name: it has a space in it", display, n, trimmed)
	case trimmed != name:
		return fmt.Errorf("%s:%d: %q has a space before the =, which Docker rejects; write %s=value with nothing around the = (a space after it would become part of the value)", display, n, name, trimmed)
	}
	return nil
}
