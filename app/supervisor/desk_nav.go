package supervisor

// The supervisor desk's screens: review.go, meeting.go, draw.go,
// conflicts.go and reports.go. Their logic lives in app/desk, which has no
// Fyne; this file connects the two and puts the screens in the navigation.

import (
	"doorstep/app/kit"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/schema/rules"
)

// office is the desk's view of the app: database, supervisor, clock, rules.
func office(x *kit.Env) *desk.Office {
	cfg := x.DistrictConfig()
	return &desk.Office{DB: x.Store.DB(), Me: x.Me.UserID, Street: x.Me.Street, Now: x.Now, Config: &cfg,
		Sign: x.Store.SignSubmit(x.Me.UserID)}
}

// deskText translates a key for exports and lists: schema/rules codes
// (Barthel grades, eligibility reasons) in the rules' own wording, every
// other key through lang.
func deskText(key string, data ...any) string {
	if strings.HasPrefix(key, "barthel.") || strings.HasPrefix(key, "dibao.") {
		if t := rules.Code(key).Text(kit.CurrentLanguage()); t != key {
			return t
		}
	}
	return lang.L(key, data...)
}

// deskError shows why a desk action was refused: input the supervisor can
// correct in their language, anything else as an error dialog.
func deskError(x *kit.Env, what string, err error, inline *widget.Label) {
	var ie *desk.InputError
	if errors.As(err, &ie) {
		msg := lang.L("desk.err." + ie.Code)
		if inline != nil {
			inline.SetText(msg)
			inline.Show()
			return
		}
		kit.ShowErrorDialog(x.Win, lang.L(what), errors.New(msg))
		return
	}
	x.ShowError(what, err)
}

// dateField is an entry for a date typed as 2025-07-10, with a calendar
// button that opens on the typed date, else on the office's today.
func dateField(x *kit.Env, value time.Time) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(lang.L("desk.date_hint"))
	kit.WithCalendar(e, office(x).Today)
	if !value.IsZero() {
		e.SetText(value.Format(desk.DateLayout))
	}
	return e
}

// parseDateField reads a date entry; empty gives the zero time and ok.
func parseDateField(e *widget.Entry) (time.Time, bool) {
	s := strings.TrimSpace(e.Text)
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(desk.DateLayout, s)
	return t, err == nil
}

// placeSelects are the street and community filters of a desk screen.
type placeSelects struct {
	x         *kit.Env
	street    *widget.Select
	community *widget.Select
	streets   []desk.Place
	comms     []desk.Place
	onChange  func()
}

// newPlaceSelects builds the filters; onChange runs when either changes.
func newPlaceSelects(x *kit.Env, onChange func()) *placeSelects {
	p := &placeSelects{x: x, onChange: onChange}
	p.street = widget.NewSelect(nil, func(string) { p.fillCommunities(); p.changed() })
	p.community = widget.NewSelect(nil, func(string) { p.changed() })
	p.street.PlaceHolder = lang.L("desk.all_streets")
	p.community.PlaceHolder = lang.L("desk.all_communities")
	return p
}

func (p *placeSelects) changed() {
	if p.onChange != nil {
		p.onChange()
	}
}

// load reads the streets of the supervisor's area.
func (p *placeSelects) load() {
	streets, err := office(p.x).Streets(p.x.Ctx())
	if err != nil {
		p.x.ShowError("desk.err.load", err)
		return
	}
	p.streets = streets
	opts := []string{lang.L("desk.all_streets")}
	for _, s := range streets {
		opts = append(opts, s.Name)
	}
	cb := p.street.OnChanged
	p.street.OnChanged = nil
	p.street.Options = opts
	if len(streets) == 1 {
		p.street.SetSelectedIndex(1)
	}
	p.street.OnChanged = cb
	p.fillCommunities()
}

func (p *placeSelects) fillCommunities() {
	comms, err := office(p.x).Communities(p.x.Ctx(), p.streetID())
	if err != nil {
		p.x.ShowError("desk.err.load", err)
		return
	}
	p.comms = comms
	opts := []string{lang.L("desk.all_communities")}
	for _, c := range comms {
		opts = append(opts, c.Name)
	}
	cb := p.community.OnChanged
	p.community.OnChanged = nil
	p.community.Options = opts
	p.community.ClearSelected()
	p.community.OnChanged = cb
}

func (p *placeSelects) streetID() string {
	if i := p.street.SelectedIndex(); i > 0 && i <= len(p.streets) {
		return p.streets[i-1].ID
	}
	return ""
}

// area returns the chosen area.
func (p *placeSelects) area() desk.Area {
	a := desk.Area{StreetID: p.streetID()}
	if i := p.community.SelectedIndex(); i > 0 && i <= len(p.comms) {
		a.CommunityID = p.comms[i-1].ID
	}
	return a
}

// object lays the two selects out side by side.
func (p *placeSelects) object() fyne.CanvasObject {
	return container.NewGridWithColumns(2, p.street, p.community)
}

// caption is a small secondary label (who, when, where).
func caption(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameCaptionText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// badge is a short coloured label, e.g. a review state.
func badge(text string, imp widget.Importance) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Importance = imp
	return l
}

// staffName returns a staff member's name, or the id when unknown.
func staffName(names map[string]string, id string) string {
	if n, ok := names[id]; ok && n != "" {
		return n
	}
	return id
}

// localTime formats an instant as local date and time; zero is "".
func localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}
