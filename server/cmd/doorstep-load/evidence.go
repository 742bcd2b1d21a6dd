package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// evidenceCatchUpLimit bounds how long a run waits for the servers'
// evidence verification to catch up after its window.
const evidenceCatchUpLimit = 2 * time.Minute

// evidenceCatchUp reads doorstep_evidence_lag_rows from the server's
// /metrics now, then until it is zero (at most evidenceCatchUpLimit): a
// push is answered before its evidence is verified, and a run that only
// measured the answers would not show a verification falling behind.
func evidenceCatchUp(ctx context.Context, url, token string) (EvidenceLag, error) {
	start := time.Now()
	first, err := evidenceLag(ctx, url, token)
	if err != nil {
		return EvidenceLag{}, err
	}
	out := EvidenceLag{RowsAtEnd: first, CatchUpSecs: -1}
	for lag := first; ; {
		if lag == 0 {
			out.CatchUpSecs = time.Since(start).Seconds()
			return out, nil
		}
		if time.Since(start) > evidenceCatchUpLimit {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return out, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if lag, err = evidenceLag(ctx, url, token); err != nil {
			return out, err
		}
	}
}

// evidenceLag reads doorstep_evidence_lag_rows from url's /metrics.
func evidenceLag(ctx context.Context, url, token string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(url, "/")+"/metrics", nil)
	if err != nil {
		return 0, fmt.Errorf("evidence lag: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("evidence lag: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("evidence lag: /metrics answered %s (is --metrics-token the servers'?)", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "doorstep_evidence_lag_rows "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("evidence lag: %q: %w", v, err)
			}
			return int64(f), nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("evidence lag: %w", err)
	}
	return 0, fmt.Errorf("evidence lag: no doorstep_evidence_lag_rows in %s/metrics (a server from before the evidence follower?)", url)
}
