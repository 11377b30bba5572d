package cmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// writeFileAtomic writes a report to a temporary file beside path and
// renames it into place, so that a failed write never leaves half a file
// behind and a reader never sees one. A new file gets the mode the umask
// gives (0644 under the usual 022, 0640 under 027); an existing one keeps
// its mode, as curl -o keeps it, so that a 0600 report stays private.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := createBeside(path)
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				_ = f.Close()
			}
			_ = os.Remove(f.Name())
		}
	}()
	if st, serr := os.Stat(path); serr == nil && st.Mode().IsRegular() {
		if err = f.Chmod(st.Mode().Perm()); err != nil {
			return err
		}
	}
	if err = write(f); err != nil {
		return err
	}
	closed = true
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// createBeside creates a new empty file under a random name in path's
// folder. It is opened with mode 0666 and O_EXCL, like os.Create with a
// name nobody else holds, so that the kernel applies the umask: os.CreateTemp
// would make it 0600 whatever the umask says.
func createBeside(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("cannot find a free temporary name beside %s", path)
}

// checkOutputPath says, before anything is sent, why a report could not
// be written to path: its folder is missing or not writable, or path is
// a folder. It leaves nothing behind.
func checkOutputPath(flag, path string) error {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return usageErrorf("%s %s: the folder %s does not exist", flag, path, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usageErrorf("%s %s: is a folder; give a file name, such as %s", flag, path, filepath.Join(path, "report"))
	}
	f, err := createBeside(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return usageErrorf("%s %s: cannot write in the folder %s: %w", flag, path, dir, err)
	}
	_ = f.Close()
	return os.Remove(f.Name())
}

// outputWriteError is what a failed write to stdout means. EPIPE is the
// reader going away (racetest ... | head): not a failure of the run, so
// there is no message and the verdict's exit code stands. Any other
// error (a full disk) is a runtime fault.
func outputWriteError(err error) error {
	if err == nil || errors.Is(err, syscall.EPIPE) {
		return nil
	}
	return fmt.Errorf("write the report: %w", err)
}
