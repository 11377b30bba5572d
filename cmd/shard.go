package cmd

import (
	"cmp"
	"hash/fnv"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/racetest/racetest/report"
)

// maxShards bounds N of --shard I/N: far more machines than any fleet
// that shares one target, and small enough to check every share in merge.
const maxShards = 10000

// parseShard reads --shard I/N: share I, counted from 1, of N.
func parseShard(s string) (*report.Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	i, ierr := strconv.Atoi(is)
	n, nerr := strconv.Atoi(ns)
	switch {
	case !ok || ierr != nil || nerr != nil:
		return nil, usageErrorf("--shard %q: want I/N, share I of N counted from 1, such as 1/4", s)
	case n < 1 || n > maxShards:
		return nil, usageErrorf("--shard %s: N must be 1 to %d", s, maxShards)
	case i == 0:
		return nil, usageErrorf("--shard %s: I counts from 1, so the shares are 1/%d to %d/%d (a 0-based index such as JOB_COMPLETION_INDEX needs 1 added)", s, n, n, n)
	case i < 1 || i > n:
		return nil, usageErrorf("--shard %s: I must be 1 to %d", s, n)
	}
	return &report.Shard{Index: i, Count: n}, nil
}

// shareOf is the positions in files of the files of share sh, ascending. The rule, which
// docs/distributed.md repeats so that a share can be worked out by hand:
// the files are sorted by the FNV-1a 64-bit hash of their cleaned path
// with forward slashes (ties by that path), and dealt round-robin, the
// first to share 1. Every share then has the same number of files, give or
// take one, whatever order the shell listed them in; machines must be
// given the same list (the same relative paths). The hash spreads files of
// one kind (slow-*.yaml) over the shares, as sorting by name would not.
func shareOf(files []string, sh *report.Shard) []int {
	type keyed struct {
		hash uint64
		name string
		pos  int
	}
	ks := make([]keyed, len(files))
	for i, f := range files {
		name := filepath.ToSlash(filepath.Clean(f))
		h := fnv.New64a()
		h.Write([]byte(name))
		ks[i] = keyed{h.Sum64(), name, i}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.name, b.name))
	})
	var mine []int
	for k := sh.Index - 1; k < len(ks); k += sh.Count {
		mine = append(mine, ks[k].pos)
	}
	slices.Sort(mine)
	return mine
}
