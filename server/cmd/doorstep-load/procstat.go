package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// clockTicks is Linux's USER_HZ, the unit of /proc/<pid>/stat times; it is
// 100 on every architecture Linux supports today.
const clockTicks = 100

// procSample is a process's CPU time and memory at one moment, read from
// /proc (Linux; the server must run on this machine).
type procSample struct {
	cpu       time.Duration // user + system
	rssKB     int64
	peakRSSKB int64
}

// readProc samples process pid.
func readProc(pid int) (procSample, error) {
	var s procSample
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, fmt.Errorf("server process %d: %w", pid, err)
	}
	// The command name (field 2) may hold spaces; fields after its ")" are fixed.
	rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return s, fmt.Errorf("server process %d: short /proc stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64) // utime, field 14
	st, err2 := strconv.ParseInt(f[12], 10, 64) // stime, field 15
	if err1 != nil || err2 != nil {
		return s, fmt.Errorf("server process %d: bad /proc stat", pid)
	}
	s.cpu = time.Duration(ut+st) * time.Second / clockTicks
	fh, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("server process %d: %w", pid, err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			s.rssKB = kb
		case "VmHWM":
			s.peakRSSKB = kb
		}
	}
	return s, sc.Err()
}

// selfCPU is this process's user + system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Process is what a server process (or the generator itself) used in the
// measured window.
type Process struct {
	PID int `json:"pid"`
	// CPU is user + system CPU seconds in the window; CPU / window length
	// is the number of cores it kept busy.
	CPU       float64 `json:"cpu_s"`
	Cores     float64 `json:"cores"`
	RSSMB     float64 `json:"rss_mb"`
	PeakRSSMB float64 `json:"peak_rss_mb"`
}
