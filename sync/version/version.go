// Package version says which build of Doorstep is running. The app shows it
// in Settings › About, the sync client sends it as its User-Agent, and the
// server reports it in /v1/health and `doorstep-server version`.
//
// `make` stamps the version from `git describe` with
// -ldflags "-X doorstep/sync/version.stamped=…"; a plain `go build` falls
// back to the module build information Go records.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// stamped is set at link time by the Makefile (see package comment).
var stamped string

// Product is the name in User-Agent strings: "Doorstep/<version> (<os>/<arch>)".
const Product = "Doorstep"

// String returns the running build's version: the stamped one, else the
// module version or VCS revision Go recorded, else "dev".
func String() string {
	if stamped != "" {
		return stamped
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return "dev"
	}
	return "dev-" + rev + dirty
}

// UserAgent is the User-Agent header the sync client sends.
func UserAgent() string {
	return fmt.Sprintf("%s/%s (%s/%s)", Product, String(), runtime.GOOS, runtime.GOARCH)
}

// FromUserAgent returns the version in a Doorstep User-Agent, or false
// when ua is not one (another client, a browser, curl).
func FromUserAgent(ua string) (string, bool) {
	rest, ok := strings.CutPrefix(ua, Product+"/")
	if !ok {
		return "", false
	}
	v, _, _ := strings.Cut(rest, " ")
	return v, v != ""
}

// Release returns the numeric release of a version string — v1.2.3,
// 1.2.3, v1.2.3-14-gabcdef (git describe), v1.2.3-rc1 — as three numbers,
// or false when it has none ("dev", "dev-<revision>").
func Release(v string) ([3]int, bool) {
	var out [3]int
	v = strings.TrimPrefix(v, "v")
	end := strings.IndexAny(v, "-+ ")
	if end >= 0 {
		v = v[:end]
	}
	parts := strings.Split(v, ".")
	if len(parts) == 0 || len(parts) > 3 {
		return out, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return out, false
		}
		out[i] = n
	}
	return out, true
}

// Older reports whether version v is a release older than min. Versions
// without a release number (development builds) are never older: the
// operator cannot tell, and refusing to log is better than a false alarm.
func Older(v, min string) bool {
	a, ok := Release(v)
	b, okMin := Release(min)
	if !ok || !okMin {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
