package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Flood is the first sync of every device at once (--flood): a morning
// when a city's tablets are set up together, each pulling everything its
// user may see from nothing.
type Flood struct {
	Devices int `json:"devices"`
	// Secs runs from the start of the first pull to the end of the last.
	Secs float64 `json:"s"`
	// Pages is the latency of every page request of the flood.
	Pages   Latency `json:"pages"`
	Changes int64   `json:"changes"`
	// ServerPeakRSSMB is each --server-pid process's largest resident set
	// seen during the flood (sampled every 100 ms), in the order given.
	ServerPeakRSSMB []float64 `json:"server_peak_rss_mb,omitempty"`
}

// floodSync runs every device's first sync at the same moment, each from
// nothing, and returns the user data of each user's first device (as
// firstSync does, so the measured window can follow) and what the flood
// cost. While it runs, the servers' resident memory is sampled.
func floodSync(ctx context.Context, cfg config, devs []*device) (map[string]*userData, Flood, error) {
	fl := Flood{Devices: len(devs), ServerPeakRSSMB: make([]float64, len(cfg.serverPIDs))}
	data := make([]*userData, len(devs))
	errs := make([]error, len(devs))
	stopSampling := sampleRSS(cfg.serverPIDs, fl.ServerPeakRSSMB)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i, d := range devs {
		data[i] = newUserData(d.user)
		wg.Go(func() {
			<-gate
			if errs[i] = d.pull(ctx, nil, data[i]); errs[i] == nil {
				data[i].finish(d.cursor)
			}
		})
	}
	start := time.Now()
	close(gate)
	wg.Wait()
	fl.Secs = time.Since(start).Seconds()
	stopSampling()
	if err := firstOf(errs); err != nil {
		return nil, fl, fmt.Errorf("first sync flood: %w", err)
	}
	var pages []time.Duration
	users := map[string]*userData{}
	for i, d := range devs {
		pages = append(pages, data[i].pages...)
		fl.Changes += data[i].changes
		if _, ok := users[d.user.ID]; !ok {
			users[d.user.ID] = data[i]
		}
	}
	fl.Pages = latency(pages)
	shareOut(cfg, devs, users)
	return users, fl, nil
}

// sampleRSS records into peak the largest resident set of each process
// until the returned function is called.
func sampleRSS(pids []int, peak []float64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			for i, pid := range pids {
				if s, err := readProc(pid); err == nil {
					peak[i] = max(peak[i], float64(s.rssKB)/1024)
				}
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
