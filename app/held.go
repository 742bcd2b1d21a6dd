package app

import (
	"context"
	"database/sql"
	"doorstep/app/kit"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/schema"
	"doorstep/sync/client/api"
	"doorstep/sync/replica"
)

// heldList is the Sync screen's section of records the server refused
// (out of the user's scope, or not theirs to write): each with a name, the
// reason in the user's words and when, and a button that puts them back
// into the outbox once the office has restored the user's access.
type heldList struct {
	x     *App
	rows  *fyne.Container
	retry *widget.Button
	card  fyne.CanvasObject
	shown []replica.HeldRow // what rows shows, to rebuild only on change
}

func newHeldList(x *App) *heldList {
	h := &heldList{x: x, rows: container.NewVBox()}
	note := widget.NewLabel(lang.L("sync.held.note"))
	note.Wrapping = fyne.TextWrapWord
	h.retry = widget.NewButtonWithIcon(lang.L("sync.held.retry"), theme.MailSendIcon(), h.release)
	h.card = kit.Section("sync.held.title", container.NewVBox(note, h.rows, container.NewHBox(h.retry)))
	h.card.Hide()
	return h
}

// show lists held rows (hiding the section when there are none). It
// reports whether the section changed, so the screen lays it out again.
func (h *heldList) show(held []replica.HeldRow) bool {
	if len(held) == 0 {
		changed := h.card.Visible()
		h.card.Hide()
		h.shown = nil
		return changed
	}
	if h.card.Visible() && slices.Equal(held, h.shown) {
		return false
	}
	h.card.Show()
	h.shown = held
	ctx, db := h.x.ctx(), h.x.dev.DB()
	objs := make([]fyne.CanvasObject, 0, len(held))
	for _, r := range held {
		name := kit.Heading(heldLabel(ctx, db, r.Table, r.ID))
		name.Wrapping = fyne.TextWrapWord
		why := widget.NewLabel(syncErrorText(&api.Error{Code: api.Code(r.Code)}, h.x.opts.Now()))
		why.Wrapping = fyne.TextWrapWord
		why.Importance = widget.WarningImportance
		at := widget.NewLabel(lang.L("sync.held.at", map[string]any{"Time": r.At.Local().Format("2006-01-02 15:04")}))
		at.Importance = widget.LowImportance
		objs = append(objs, container.NewVBox(name, why, at), widget.NewSeparator())
	}
	h.rows.Objects = objs[:len(objs)-1] // no rule after the last
	h.rows.Refresh()
	return true
}

// release puts every held row back into the outbox and asks for a sync,
// which pushes them again (and holds them again if the server still
// refuses).
func (h *heldList) release() {
	x := h.x
	x.touch()
	if _, err := x.dev.rep.Release(x.ctx()); err != nil {
		x.showError("sync.held.retry_failed", err)
		return
	}
	x.sync.request()
	if x.shell != nil {
		x.shell.reloadVisible()
	}
}

// heldLabel names a held row for the user: its table's name and, where the
// device has it, the household head's, member's or elder's name.
func heldLabel(ctx context.Context, db *sql.DB, table, id string) string {
	label := lang.L("desk.table." + table)
	if who := heldWho(ctx, db, table, id); who != "" {
		label += " · " + who
	}
	return label
}

// heldWho is the person a row is about, or "" when the device does not
// know. table is a registry table's name, never user input.
func heldWho(ctx context.Context, db *sql.DB, table, id string) string {
	t, ok := schema.Reg.Table(table)
	if !ok {
		return ""
	}
	var q string
	_, byHousehold := t.Column("household_id")
	_, byElder := t.Column("elder_id")
	switch {
	case table == "households":
		q = `SELECT head_name FROM households WHERE id = ?`
	case table == "members" || table == "elders":
		q = `SELECT name FROM ` + table + ` WHERE id = ?`
	case byHousehold:
		q = `SELECT h.head_name FROM ` + table + ` r JOIN households h ON h.id = r.household_id WHERE r.id = ?`
	case byElder:
		q = `SELECT e.name FROM ` + table + ` r JOIN elders e ON e.id = r.elder_id WHERE r.id = ?`
	default:
		return ""
	}
	var who sql.NullString
	if err := db.QueryRowContext(ctx, q, id).Scan(&who); err != nil {
		return "" // the row or its household is not on the device
	}
	return who.String
}
