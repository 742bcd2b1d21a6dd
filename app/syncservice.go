package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"doorstep/app/records"
	"doorstep/schema"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
)

// Sync states shown on the Sync screen and in the top bar.
const (
	syncIdle    = "idle"    // nothing has happened yet this session
	syncDemo    = "demo"    // a local demo device: there is no server
	syncRunning = "syncing" // a sync round is running
	syncOK      = "synced"  // the last round succeeded
	syncOffline = "offline" // the server could not be reached
	syncFailed  = "failed"  // the server refused; Message says why
)

// autoSyncEvery is how often the app tries to sync on its own.
const autoSyncEvery = 2 * time.Minute

// syncStatus is a snapshot of the sync service for the UI.
type syncStatus struct {
	State    string
	Progress float64 // 0–1 while running
	LastSync time.Time
	Pending  int    // local changes waiting to be pushed
	Message  string // translated reason of the last failure
}

// syncService runs sync rounds with the server in the background: when
// asked (kick), and every autoSyncEvery while the server is reachable. It
// reports to the UI only through fyne.Do.
type syncService struct {
	x    *App
	kick chan struct{}

	mu     sync.Mutex
	status syncStatus
	// listeners are called on the main goroutine after every change, by
	// who registered them (a rebuilt screen replaces its old listener).
	listeners map[string]func(syncStatus)
}

func newSyncService(x *App) *syncService {
	s := &syncService{x: x, kick: make(chan struct{}, 1), listeners: map[string]func(syncStatus){}}
	s.signedIn(x.me)
	if v, ok, _ := x.store.Setting(x.ctx(), records.SettingLastSync); ok {
		s.status.LastSync, _ = time.Parse(time.RFC3339, v)
	}
	return s
}

// signedIn sets the state for a new identity: a demo device never syncs.
func (s *syncService) signedIn(me records.Identity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.State = syncIdle
	if me.Mode == records.ModeDemo {
		s.status.State = syncDemo
	}
}

// onChange registers fn under key to be called (on the main goroutine) with
// every new status, replacing an earlier fn of that key, and calls it now
// with the current status.
func (s *syncService) onChange(key string, fn func(syncStatus)) {
	s.mu.Lock()
	s.listeners[key] = fn
	st := s.status
	s.mu.Unlock()
	fn(st)
}

// current returns the latest status.
func (s *syncService) current() syncStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// update changes the status under the lock and tells the listeners
// through fyne.Do. Safe from any goroutine.
func (s *syncService) update(change func(*syncStatus)) {
	s.mu.Lock()
	change(&s.status)
	st := s.status
	ls := make([]func(syncStatus), 0, len(s.listeners))
	for _, l := range s.listeners {
		ls = append(ls, l)
	}
	s.mu.Unlock()
	fyne.Do(func() {
		for _, l := range ls {
			l(st)
		}
	})
}

// request asks for a sync round as soon as possible (non-blocking).
func (s *syncService) request() {
	select {
	case s.kick <- struct{}{}:
	default: // one is pending already
	}
}

// startAuto starts the background loop: a round on request and every
// autoSyncEvery. A demo device never syncs.
func (s *syncService) startAuto() {
	x := s.x
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		t := time.NewTicker(autoSyncEvery)
		defer t.Stop()
		for {
			select {
			case <-x.stop:
				return
			case <-t.C:
			case <-s.kick:
			}
			s.runOnce(x.stopContext())
		}
	}()
	s.request()
}

// runOnce runs one round if the device syncs with a server and no round
// is running. It blocks until the round ends.
func (s *syncService) runOnce(ctx context.Context) {
	me := s.identity()
	if me.Mode != records.ModeServer {
		return
	}
	s.mu.Lock()
	if s.status.State == syncRunning {
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.update(func(st *syncStatus) { st.State, st.Progress, st.Message = syncRunning, 0, "" })
	err := s.round(ctx, me)
	if s.x.wipeIfRevoked(err) {
		return
	}
	if err != nil {
		fyne.LogError("sync round", err) // the details; the user sees syncErrorText
	}
	now := s.x.opts.Now()
	s.update(func(st *syncStatus) {
		st.Progress = 1
		switch {
		case err == nil:
			st.State, st.LastSync = syncOK, now
		case errors.Is(err, client.ErrUnreachable):
			st.State, st.Message = syncOffline, syncErrorText(err, now)
		default:
			st.State, st.Message = syncFailed, syncErrorText(err, now)
		}
	})
	if err == nil {
		if err := s.x.store.SetSetting(ctx, records.SettingLastSync, now.UTC().Format(time.RFC3339)); err != nil {
			fyne.LogError("save last sync time", err)
		}
	}
	// Even a failed round may have changed data: a refused push does not
	// stop the pull, which can bring rows and take away those the user may
	// no longer see. Screens must not keep showing those.
	me = s.identity() // the round may have refreshed communities and pairings
	fyne.Do(func() {
		s.x.setMe(me)
		s.x.dataChanged()
		if s.x.shell != nil && !s.x.locked {
			s.x.shell.reloadVisible()
		}
	})
}

// identity reads the device identity (the UI may have changed it).
func (s *syncService) identity() records.Identity {
	me, _, err := s.x.store.Identity(context.Background())
	if err != nil {
		fyne.LogError("read identity", err)
	}
	return me
}

// round is one sync with the server: check it is up, refresh what the user
// may see (communities and pairings change on the server), upload new
// attachments, then exchange changes.
func (s *syncService) round(ctx context.Context, me records.Identity) error {
	c := client.New(me.ServerURL, me.Token)
	c.HTTP = s.x.opts.HTTPClient
	if _, err := c.Health(ctx); err != nil {
		return err
	}
	s.update(func(st *syncStatus) { st.Progress = 0.1 })
	m, err := c.Me(ctx)
	if err != nil {
		return err
	}
	me.UserName, me.Role, me.Street = m.User.Name, m.User.Role, m.User.Street
	me.Communities, me.Pairings = m.User.Communities, m.User.Pairings
	if err := s.x.store.SaveIdentity(ctx, me); err != nil {
		return err
	}
	s.update(func(st *syncStatus) { st.Progress = 0.2 })
	// Attachments first, so the server has every blob a pushed row names.
	if err := uploadBlobs(ctx, c, s.x.store, s.x.env.Blobs().Dir); err != nil {
		return err
	}
	s.update(func(st *syncStatus) { st.Progress = 0.3 })
	err = s.x.dev.exchange(ctx, c, func(p float64) {
		s.update(func(st *syncStatus) { st.Progress = 0.3 + 0.7*p })
	})
	if err == nil {
		s.retain(ctx, me)
	}
	return err
}

// retain purges from a field tablet the closed cases past the district's
// retention (client.Retain: rows and attachment files; never a case with
// changes not yet synced or a draft). The office's desk keeps them for its
// reports and history. A purge that fails is logged: the round itself
// succeeded, and the next one tries again.
func (s *syncService) retain(ctx context.Context, me records.Identity) {
	if me.Role != schema.RoleWorker && me.Role != schema.RoleVolunteer {
		return
	}
	// The screens re-read their data after every round (run).
	if _, err := client.Retain(ctx, s.x.dev.rep, client.Retention{
		Days: s.x.env.DistrictConfig().Process.ClosedCaseRetention(), Now: s.x.opts.Now, BlobDir: s.x.env.Blobs().Dir}); err != nil {
		fyne.LogError("purge closed cases", err)
	}
}

// syncErrorText is the user's message for a sync or enrollment error: one
// per server error code, the server's time for clock_ahead, and a plain
// "cannot reach the server" for network trouble.
func syncErrorText(err error, now time.Time) string {
	if errors.Is(err, client.ErrUnreachable) {
		return lang.L("sync.error.unreachable")
	}
	var e *api.Error
	if !errors.As(err, &e) {
		return lang.L("sync.error.internal")
	}
	switch e.Code {
	case api.CodeClockAhead:
		server := "?"
		if e.ServerTime != nil {
			server = e.ServerTime.Local().Format("2006-01-02 15:04")
		}
		return lang.L("sync.error.clock_ahead", map[string]any{"ServerTime": server,
			"DeviceTime": now.Local().Format("2006-01-02 15:04")})
	case api.CodeRateLimited, api.CodeBusy:
		return lang.L("sync.error."+string(e.Code), map[string]any{"Seconds": int(e.RetryAfter.Seconds())})
	}
	if knownCode(e.Code) {
		return lang.L("sync.error." + string(e.Code))
	}
	return lang.L("sync.error.internal")
}

// knownCode reports whether c is one of the API's codes (each has a message).
func knownCode(c api.Code) bool {
	for _, k := range api.Codes() {
		if k == c {
			return true
		}
	}
	return false
}
