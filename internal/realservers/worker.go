package realservers

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
)

// workerUser is the unprivileged account that nginx and Apache switch their
// workers to when the test runs as root (CI containers do); Apache refuses
// to serve as root at all.
type workerUser struct {
	Name, Group string
	uid, gid    int
}

// workerAccount returns the account workers run as, or nil when the test
// is not root and the workers simply stay the test's own user. As root it
// opens dir (and its parent, which testing also made 0700) to the worker
// account, so that it can read static files and write temp files there.
func workerAccount(dir string) (*workerUser, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var u *user.User
	var err error
	for _, name := range []string{"www-data", "nobody"} {
		if u, err = user.Lookup(name); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("no account for the server's workers (www-data, nobody): %w", err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return nil, fmt.Errorf("group of %s: %w", u.Username, err)
	}
	w := &workerUser{Name: u.Username, Group: g.Name}
	if w.uid, err = strconv.Atoi(u.Uid); err != nil {
		return nil, fmt.Errorf("uid of %s: %w", u.Username, err)
	}
	if w.gid, err = strconv.Atoi(u.Gid); err != nil {
		return nil, fmt.Errorf("gid of %s: %w", u.Username, err)
	}
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// mkdirFor makes a directory that the workers can write to.
func mkdirFor(w *workerUser, path string) error {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return err
	}
	if w == nil {
		return nil
	}
	return os.Chown(path, w.uid, w.gid)
}
