// Command doorstep-load drives a running Doorstep sync server the way a
// fleet of tablets does: N enrolled devices, each pushing form-sized
// batches (a home visit: about 10 rows and 60 column changes in its user's
// community) and pulling on a timer, over HTTP through sync/client and the
// wire format only. It prints push and pull latency percentiles, change and
// request rates, and errors by the API's stable codes; rate_limited answers
// are retried after the server's Retry-After and counted apart.
//
// Enrollment codes come from the server's own admin commands
// (--server-bin and --db: one code per device, the devices spread over the
// database's community workers) or from a file (--codes). docs/LOAD.md
// shows both and what the numbers mean; `make load` runs it against a demo
// district.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"doorstep/sync/client"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "doorstep-load:", err)
		os.Exit(1)
	}
}

// config is the command line.
type config struct {
	metricsToken string
	url          string
	urls         []string
	serverPIDs   []int
	jsonOut      string
	devices      int
	duration     time.Duration
	pushEvery    time.Duration
	pullEvery    time.Duration
	batchRows    int
	seed         int64
	json         bool
	codes        string
	serverBin    string
	db           string
	households   int
	users        int
	warmup       int
	grace        time.Duration
	spread       bool
	flood        bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("doorstep-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8443", "the sync server's address; several, comma-separated, for server processes sharing one database (device i uses the i-th mod n)")
	fs.IntVar(&c.devices, "devices", 100, "simulated devices")
	fs.DurationVar(&c.duration, "duration", time.Minute, "how long to measure, after enrollment and first sync")
	fs.DurationVar(&c.pushEvery, "push-every", 30*time.Second, "each device saves and pushes a visit this often (a field worker: every 20-30 minutes)")
	fs.DurationVar(&c.pullEvery, "pull-every", 2*time.Minute, "each device pulls this often (the app syncs every 2 minutes)")
	fs.IntVar(&c.batchRows, "batch-rows", 10, "rows in one pushed visit (about 6.5 column changes a row)")
	fs.Int64Var(&c.seed, "seed", 1, "random seed: which households devices visit, timer phases, values")
	fs.BoolVar(&c.json, "json", false, "print the summary as JSON")
	fs.StringVar(&c.jsonOut, "json-out", "", "also write the JSON summary to this file")
	pids := fs.String("server-pid", "", "comma-separated process ids of the servers, when on this machine: their CPU and memory in the window are reported")
	fs.StringVar(&c.codes, "codes", "", "file of enrollment codes or doorstep://enroll URIs, one a line (- for stdin); instead of --server-bin/--db")
	fs.StringVar(&c.serverBin, "server-bin", "", "doorstep-server binary to create enrollment codes with (with --db)")
	fs.StringVar(&c.db, "db", "", "the server's database, for --server-bin")
	fs.IntVar(&c.households, "households", 16, "households each device visits at most, from its share of its user's (devices of one user share them out)")
	fs.IntVar(&c.users, "users", 0, "with --server-bin: spread the devices over this many community workers, one a community first (0: every worker); each user's first sync runs before the window")
	fs.IntVar(&c.warmup, "warmup-parallel", 2, "first syncs run at once before the measured window")
	fs.DurationVar(&c.grace, "grace", 2*time.Minute, "how long requests in flight when the window ends may take to finish")
	fs.BoolVar(&c.flood, "flood", false, "every device does its first sync at once, from nothing (instead of one device per user, --warmup-parallel at a time); reports the flood's page latencies and the servers' peak memory during it")
	fs.StringVar(&c.metricsToken, "metrics-token", "", "the servers' /metrics token: after the window, report how far evidence verification was behind and how long it took to catch up")
	fs.BoolVar(&c.spread, "spread-loopback", true, "against a loopback server, connect from 127.1.x.y (8 devices an address) as devices on a network come from many addresses")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	case c.devices < 1:
		return c, errors.New("--devices must be at least 1")
	case c.duration <= 0 || c.pushEvery <= 0 || c.pullEvery <= 0:
		return c, errors.New("--duration, --push-every and --pull-every must be positive")
	case c.batchRows < 1:
		return c, errors.New("--batch-rows must be at least 1")
	case c.codes == "" && (c.serverBin == "" || c.db == ""):
		return c, errors.New("give --codes FILE, or --server-bin and --db to create codes with the server's admin commands")
	case c.codes != "" && c.serverBin != "":
		return c, errors.New("--codes and --server-bin exclude each other")
	}
	for _, u := range strings.Split(c.url, ",") {
		if u = strings.TrimSpace(u); u == "" {
			continue
		}
		if p, err := url.Parse(u); err != nil || p.Host == "" {
			return c, fmt.Errorf("--url: %q is not a server address", u)
		}
		c.urls = append(c.urls, u)
	}
	if len(c.urls) == 0 {
		return c, errors.New("--url: no server address")
	}
	for _, p := range strings.Split(*pids, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("--server-pid: %q is not a process id", p)
		}
		c.serverPIDs = append(c.serverPIDs, n)
	}
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, "doorstep-load: "+format+"\n", a...) }

	for _, u := range cfg.urls {
		if err := waitHealthy(ctx, u, 30*time.Second); err != nil {
			return err
		}
	}
	var codes []string
	provStart := time.Now()
	if cfg.codes != "" {
		codes, err = codesFromFile(cfg.codes)
	} else {
		codes, err = admin{bin: cfg.serverBin, db: cfg.db}.provision(ctx, cfg.devices, cfg.users, 2, stderr)
	}
	if err != nil {
		return err
	}
	if cfg.codes == "" {
		logf("created %d enrollment codes in %.1fs", len(codes), time.Since(provStart).Seconds())
	}
	if len(codes) < cfg.devices {
		return fmt.Errorf("%d devices need %d enrollment codes, have %d", cfg.devices, cfg.devices, len(codes))
	}

	sum := Summary{URL: strings.Join(cfg.urls, ","), Devices: cfg.devices, PushEvery: cfg.pushEvery.Seconds(),
		PullEvery: cfg.pullEvery.Seconds(), BatchRows: cfg.batchRows, Seed: cfg.seed}
	devs, took, err := enrollAll(ctx, cfg, codes[:cfg.devices])
	if err != nil {
		return err
	}
	sum.EnrollSecs = took.Seconds()
	logf("enrolled %d devices in %.1fs", len(devs), took.Seconds())

	var users map[string]*userData
	var flood *Flood
	if cfg.flood {
		var fl Flood
		users, fl, err = floodSync(ctx, cfg, devs)
		took, flood = time.Duration(fl.Secs*float64(time.Second)), &fl
		if err == nil {
			logf("first sync flood: %d devices at once in %.1fs, %d changes, page p50 %.0f ms p99 %.0f ms, server peak RSS %v MB",
				fl.Devices, fl.Secs, fl.Changes, fl.Pages.P50, fl.Pages.P99, fl.ServerPeakRSSMB)
		}
	} else {
		users, took, err = firstSync(ctx, cfg, devs)
	}
	if err != nil {
		return err
	}
	sum.Users, sum.WarmupSecs = len(users), took.Seconds()
	var pages []time.Duration
	for _, u := range users {
		pages = append(pages, u.pages...)
	}
	sum.FirstSync = latency(pages)
	logf("first sync of %d users in %.1fs; measuring %d devices for %s", len(users), took.Seconds(), len(devs), cfg.duration)

	rec, due := newRecorder(), &dueCounter{}
	before := make([]procSample, len(cfg.serverPIDs))
	for i, pid := range cfg.serverPIDs {
		if before[i], err = readProc(pid); err != nil {
			return err
		}
	}
	cpu0, start := selfCPU(), time.Now()
	measure(ctx, cfg, devs, rec, due)
	elapsed := time.Since(start)
	s := rec.summary(cfg.duration)
	s.WindowStart, s.WindowEnd = start.UTC(), start.Add(elapsed).UTC()
	s.Generator = Process{PID: os.Getpid(), CPU: (selfCPU() - cpu0).Seconds()}
	s.Generator.Cores = s.Generator.CPU / elapsed.Seconds()
	if self, err := readProc(os.Getpid()); err == nil {
		s.Generator.RSSMB, s.Generator.PeakRSSMB = float64(self.rssKB)/1024, float64(self.peakRSSKB)/1024
	}
	for i, pid := range cfg.serverPIDs {
		after, err := readProc(pid)
		if err != nil {
			return err
		}
		cpu := (after.cpu - before[i].cpu).Seconds()
		s.Servers = append(s.Servers, Process{PID: pid, CPU: cpu, Cores: cpu / elapsed.Seconds(),
			RSSMB: float64(after.rssKB) / 1024, PeakRSSMB: float64(after.peakRSSKB) / 1024})
	}
	s.URL, s.Devices, s.Users, s.PushEvery, s.PullEvery, s.BatchRows, s.Seed = sum.URL, sum.Devices, sum.Users, sum.PushEvery, sum.PullEvery, sum.BatchRows, sum.Seed
	s.EnrollSecs, s.WarmupSecs, s.FirstSync, s.Flood = sum.EnrollSecs, sum.WarmupSecs, sum.FirstSync, flood
	s.PushesDue, s.PullsDue = due.push.Load(), due.pull.Load()
	if cfg.metricsToken != "" && ctx.Err() == nil {
		lag, err := evidenceCatchUp(ctx, cfg.urls[0], cfg.metricsToken)
		if err != nil {
			return err
		}
		s.Evidence = &lag
	}
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted: %w", ctx.Err())
	}
	if cfg.jsonOut != "" {
		f, err := os.Create(cfg.jsonOut)
		if err != nil {
			return fmt.Errorf("--json-out: %w", err)
		}
		if err := errors.Join(s.writeJSON(f), f.Close()); err != nil {
			return fmt.Errorf("--json-out: %w", err)
		}
	}
	if cfg.json {
		return s.writeJSON(stdout)
	}
	return s.writeText(stdout)
}

// waitHealthy polls the server's health endpoint until it answers.
func waitHealthy(ctx context.Context, url string, limit time.Duration) error {
	cl := client.New(url, "")
	deadline := time.Now().Add(limit)
	for {
		hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := cl.Health(hctx)
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("server at %s not healthy after %s: %w", url, limit, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// isLoopback reports whether the URL's host is this machine's loopback.
func isLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// enrollAll makes and enrolls one device per code, 16 at a time.
func enrollAll(ctx context.Context, cfg config, codes []string) ([]*device, time.Duration, error) {
	start := time.Now()
	spread := cfg.spread && isLoopback(cfg.urls[0])
	devs := make([]*device, len(codes))
	errs := make([]error, len(codes))
	next := make(chan int)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for i := range next {
				var local net.Addr
				if spread {
					local = spreadAddr(i)
				}
				devs[i] = newDevice(i, cfg.urls[i%len(cfg.urls)], local, cfg.seed)
				errs[i] = devs[i].enroll(ctx, codes[i])
			}
		})
	}
	for i := range codes {
		next <- i
	}
	close(next)
	wg.Wait()
	return devs, time.Since(start), firstOf(errs)
}

// firstOf returns the first error of errs, saying how many more there are
// (a thousand devices failing alike need not print a thousand lines).
func firstOf(errs []error) error {
	var first error
	n := 0
	for _, err := range errs {
		if err != nil {
			if first == nil {
				first = err
			}
			n++
		}
	}
	if n > 1 {
		return fmt.Errorf("%w (and %d more devices failed)", first, n-1)
	}
	return first
}

// firstSync runs the initial sync once per user, on the user's first
// device, cfg.warmup users at a time; the user's other devices then start
// from the cursor it reached and draw their households from what it
// received — as a tablet set up from a colleague's backup would. (Every
// device syncing from nothing would make the measured window a test of
// initial sync, which the first-sync page latencies report instead.)
func firstSync(ctx context.Context, cfg config, devs []*device) (map[string]*userData, time.Duration, error) {
	start := time.Now()
	first := map[string]*device{}
	var order []string
	for _, d := range devs {
		if _, ok := first[d.user.ID]; !ok {
			first[d.user.ID] = d
			order = append(order, d.user.ID)
		}
	}
	users := make(map[string]*userData, len(order))
	for _, id := range order {
		users[id] = newUserData(first[id].user)
	}
	errs := make([]error, len(order))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, cfg.warmup) {
		wg.Go(func() {
			for i := range next {
				d, u := first[order[i]], users[order[i]]
				if errs[i] = d.pull(ctx, nil, u); errs[i] == nil {
					u.finish(d.cursor)
				}
			}
		})
	}
	for i := range order {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := firstOf(errs); err != nil {
		return nil, 0, fmt.Errorf("first sync: %w", err)
	}
	shareOut(cfg, devs, users)
	return users, time.Since(start), nil
}

// shareOut gives each device its share of its user's households, and the
// cursor the user's first sync reached.
func shareOut(cfg config, devs []*device, users map[string]*userData) {
	siblings, rank := map[string]int{}, make([]int, len(devs))
	for i, d := range devs {
		rank[i] = siblings[d.user.ID]
		siblings[d.user.ID]++
	}
	for i, d := range devs {
		d.adopt(users[d.user.ID], cfg.households, rank[i], siblings[d.user.ID])
	}
}
