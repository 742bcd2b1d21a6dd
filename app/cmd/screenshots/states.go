package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	fynelang "fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app"
	"doorstep/app/desk"
	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/schema"
)

// The states the demo district does not reach by itself (issue 12): a
// spot check assigned to the worker and a risk a volunteer flagged at one
// of the worker's elders this week, both as a sync would bring them; a
// sync that fails; a meeting with a case waiting; the supervisor's More
// menu in portrait; the medical-assistance form correcting a grant.

// stageWorker gives the worker's device what a sync from the desk and a
// volunteer's tablet would bring: a spot check of a household of the
// worker's community (not of their own caseload) with the worker as one
// of its two inspectors, and a risk flag on the latest visit to one of the
// community's elders.
func stageWorker(x *app.App) error {
	ctx := context.Background()
	db := x.Store().DB()
	me := x.Identity()
	var hh, comm, caseworker, other string
	err := db.QueryRow(`SELECT h.id, h.community_id, h.caseworker_id FROM households h
		WHERE h.status = 'active' AND h.deleted = 0 AND h.caseworker_id <> ?
		ORDER BY h.ref_code LIMIT 1`, me.UserID).Scan(&hh, &comm, &caseworker)
	if err != nil {
		return fmt.Errorf("stage spot check: %w", err)
	}
	if err := db.QueryRow(`SELECT id FROM staff WHERE role = 'worker' AND id NOT IN (?, ?) ORDER BY id LIMIT 1`,
		me.UserID, caseworker).Scan(&other); err != nil {
		return fmt.Errorf("stage spot check: a second inspector: %w", err)
	}
	inspectors, _ := json.Marshal([]string{me.UserID, other})
	err = desk.Insert(ctx, db, "spot_checks", "shots-spot-check", map[string]any{
		"batch_id": "shots-batch", "household_id": hh, "community_id": comm, "caseworker_id": caseworker,
		"inspector_ids": string(inspectors), "unannounced": 1, "risk_reasons": `["recheck_overdue"]`,
		"planned_on": now.AddDate(0, 0, 2).Format(records.DateLayout)})
	if err != nil {
		return fmt.Errorf("stage spot check: %w", err)
	}
	_, err = db.Exec(`UPDATE volunteer_visits SET risk_flags = '["fall"]', wellbeing = 'poor'
		WHERE id = (SELECT id FROM volunteer_visits WHERE deleted = 0 AND started_at <> ''
			ORDER BY started_at DESC, id LIMIT 1)`)
	if err != nil {
		return fmt.Errorf("stage risk flag: %w", err)
	}
	return nil
}

// todayRisk shows Today scrolled to its first risk alert.
func todayRisk(x *app.App) error {
	if err := show(x, "today"); err != nil {
		return err
	}
	items, err := x.Store().Today(context.Background(), x.Identity())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(items, func(it records.TodayItem) bool { return it.Kind == records.TodayRiskAlert })
	if i < 0 {
		return errors.New("no risk alert on the worker's Today")
	}
	walk(x.Window().Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*kit.ActivityList); ok {
			l.ScrollTo(i)
		}
	})
	return nil
}

// lateShots are taken after the dark theme's, as they change what the
// other screens show: the sync that failed leaves its badge, the meeting's
// cases leave the review queue.
func lateShots(role schema.Role) []shot {
	switch role {
	case schema.RoleWorker:
		return []shot{{"sync-failed", syncFailed}}
	case schema.RoleSupervisor:
		return []shot{
			{"medical-correct", func(x *app.App) error {
				if err := show(x, "medical"); err != nil {
					return err
				}
				if err := tap(x, "desk.medical.correct"); err != nil {
					return err
				}
				// The form's end, its reason and buttons, in landscape
				// (captured first): the right-hand scroller.
				x.Window().Resize(orientations[0].size)
				var form *container.Scroll
				var at float32 = -1
				walk(x.Window().Content(), func(o fyne.CanvasObject) {
					if sc, ok := o.(*container.Scroll); ok && sc.Direction == container.ScrollVerticalOnly {
						if p := fyne.CurrentApp().Driver().AbsolutePositionForObject(sc); p.X > at {
							form, at = sc, p.X
						}
					}
				})
				if form != nil {
					form.ScrollToBottom()
				}
				return nil
			}},
			{"meeting-cases", meetingCases},
		}
	}
	return nil
}

// syncFailed points the device at a server that answers every request
// with an internal error and syncs once: the top bar's badge turns to the
// error colour and the Sync screen says why. The demo identity is put
// back afterwards (the app keeps showing the failure).
func syncFailed(x *app.App) error {
	ctx := context.Background()
	demo, _, err := x.Store().Identity(ctx)
	if err != nil {
		return err
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"code":"internal","message":"database unavailable"}`)
	}))
	defer srv.Close()
	// The district's server by its name, reached through srv as a proxy:
	// the Sync screen shows an address like a real one, the same in
	// every run.
	tr := http.DefaultTransport.(*http.Transport)
	proxy, err := url.Parse(srv.URL)
	if err != nil {
		return err
	}
	was := tr.Proxy
	tr.Proxy = http.ProxyURL(proxy)
	defer func() { tr.Proxy = was }()
	me := demo
	me.Mode, me.ServerURL, me.Token = records.ModeServer, "http://sync.jiefang.example", "shots"
	if err := x.Store().SaveIdentity(ctx, me); err != nil {
		return err
	}
	x.SyncOnce()
	if err := x.Store().SaveIdentity(ctx, demo); err != nil {
		return err
	}
	return show(x, "sync")
}

// meetingCases stages a re-check that changes a household's benefit and
// shows the meeting with it as a case: the household's newest re-check,
// approved by review, is made not yet in effect — the household still
// receives the benefit from before the district raised its standard, 30
// yuan less. The demo district has no visit a meeting decides: its
// re-checks all keep the benefit and are in effect once approved.
func meetingCases(x *app.App) error {
	db := x.Store().DB()
	var visit, household string
	err := db.QueryRow(`SELECT v.id, v.household_id FROM means_visits v JOIN households h ON h.id = v.household_id
		WHERE v.state = 'submitted' AND v.deleted = 0 AND h.status = 'active' AND coalesce(v.eligible,0) = 1
		AND coalesce(v.benefit_fen,0) > 3000 AND h.last_visit_id = v.id
		AND (SELECT e.action FROM review_events e WHERE e.record_id = v.id AND e.deleted = 0
			ORDER BY e.at DESC, e.id DESC LIMIT 1) = 'approve'
		ORDER BY v.submitted_at DESC, v.id LIMIT 1`).Scan(&visit, &household)
	if err != nil {
		return fmt.Errorf("meeting cases: an approved re-check: %w", err)
	}
	_, err = db.Exec(`UPDATE households SET benefit_fen = (SELECT benefit_fen - 3000 FROM means_visits WHERE id = ?),
		last_visit_id = coalesce((SELECT p.id FROM means_visits p WHERE p.household_id = ? AND p.id <> ?
			AND p.state = 'submitted' AND p.deleted = 0 ORDER BY p.submitted_at DESC LIMIT 1), '')
		WHERE id = ?`, visit, household, visit, household)
	if err != nil {
		return fmt.Errorf("meeting cases: %w", err)
	}
	if err := show(x, "meeting"); err != nil {
		return err
	}
	none := fynelang.L("desk.meeting.no_cases")
	for _, t := range kitTexts(x) {
		if t == none {
			return errors.New("the meeting has no case after staging a re-check changing the benefit")
		}
	}
	// Under the meeting's form, in landscape (captured first; in portrait
	// the cases are in sight).
	x.Window().Resize(orientations[0].size)
	scrollToEnd(x)
	return nil
}

// kitTexts are the texts of the labels on screen.
func kitTexts(x *app.App) []string {
	var out []string
	walk(x.Window().Content(), func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	})
	return out
}

// captureMore writes the supervisor's navigation with its More menu open,
// in portrait only (in landscape every destination has room in the
// sidebar).
func captureMore(x *app.App, out, name, lang string) (int, error) {
	x.Window().Resize(orientations[1].size)
	if !x.OpenMore() {
		return 0, errors.New("no More button in portrait")
	}
	if x.Look().Dark {
		name += "-dark"
	}
	err := writePNG(x, filepath.Join(out, fmt.Sprintf("%s-%s-%s.png", name, lang, orientations[1].name)))
	closeOverlays(x)
	if err != nil {
		return 0, err
	}
	return 1, nil
}
