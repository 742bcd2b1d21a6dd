package supervisor

import (
	"doorstep/app/kit"
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/draw"
	"doorstep/app/desk/review"
)

// reviewRecordScreen shows one submitted record for review: its data, what
// changed since the household's last approved visit, what the rules
// computed, photos and signatures, its history; then approve, or return
// with comments on specific fields.
type reviewRecordScreen struct {
	x    *kit.Env
	kind review.Kind
	id   string
	rec  review.Record

	body     *fyne.Container
	root     fyne.CanvasObject
	general  *widget.Entry
	msg      *widget.Label
	approve  *widget.Button
	ret      *widget.Button
	comments map[string]*widget.Entry // field key → comment entry
	names    map[string]string        // staff names
	members  map[string]string        // member id → name, from the snapshots
}

func newReviewRecordScreen(x *kit.Env, k review.Kind, id string) *reviewRecordScreen {
	s := &reviewRecordScreen{x: x, kind: k, id: id}
	s.body = container.NewVBox()
	s.general = widget.NewMultiLineEntry()
	s.general.SetPlaceHolder(lang.L("desk.review.comment"))
	s.general.SetMinRowsVisible(2)
	s.msg = widget.NewLabel("")
	s.msg.Importance = widget.DangerImportance
	s.msg.Wrapping = fyne.TextWrapWord
	s.msg.Hide()
	s.approve = widget.NewButton(lang.L("desk.review.approve"), s.doApprove)
	s.approve.Importance = widget.SuccessImportance
	s.ret = widget.NewButton(lang.L("desk.review.return"), s.doReturn)
	s.ret.Importance = widget.WarningImportance
	actions := container.NewBorder(nil, s.msg, nil, container.NewHBox(s.ret, s.approve), s.general)
	s.root = container.NewBorder(nil, container.NewPadded(actions), nil, nil, container.NewVScroll(s.body))
	return s
}

func (s *reviewRecordScreen) Content() fyne.CanvasObject { return s.root }

func (s *reviewRecordScreen) Reload() {
	o := office(s.x)
	rec, err := review.Open(s.x.Ctx(), o, s.kind, s.id)
	if err == nil {
		s.names, err = o.Staff(s.x.Ctx())
	}
	if err != nil {
		s.body.Objects = []fyne.CanvasObject{widget.NewLabel(lang.L("desk.err.load") + ": " + err.Error())}
		s.body.Refresh()
		return
	}
	s.rec = rec
	s.comments = map[string]*widget.Entry{}
	s.members = map[string]string{}
	if v := rec.Visit; v != nil {
		for _, snap := range []review.Snapshot{v.Snapshot, baselineSnapshot(v)} {
			for _, m := range snap.Members {
				s.members[review.Value(m["id"])] = review.Value(m["name"])
			}
		}
	}
	objs := []fyne.CanvasObject{s.summary(), s.evidence()}
	if rec.Visit != nil {
		objs = append(objs, s.results(), s.changes(), s.attachments())
	}
	if s.kind == review.SpotCheck {
		objs = append(objs, s.spotComparison())
	}
	objs = append(objs, s.fields(), s.history())
	s.body.Objects = objs
	s.body.Refresh()
	decidable := rec.State == review.Pending || rec.State == review.Returned
	for _, b := range []*widget.Button{s.approve, s.ret} {
		if decidable {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	s.msg.Hide()
}

func baselineSnapshot(v *review.Visit) review.Snapshot {
	if v.Baseline == nil {
		return review.Snapshot{}
	}
	return v.Baseline.Snapshot
}

// summary is the record's who, where, when and state.
func (s *reviewRecordScreen) summary() fyne.CanvasObject {
	r := s.rec
	latest := ""
	if r.Latest != nil {
		latest = s.eventText(*r.Latest)
	}
	grid := kit.Facts(
		kit.Field{Key: "desk.col.kind", Value: lang.L("desk.kind." + string(r.Kind))},
		kit.Field{Key: "desk.col.subject", Value: r.Subject},
		kit.Field{Key: "desk.col.community", Value: strings.Trim(r.Street+" · "+r.Community, " ·")},
		kit.Field{Key: "desk.col.worker", Value: r.Worker},
		kit.Field{Key: "desk.col.submitted", Value: localTime(r.Submitted)},
		kit.Field{Key: "desk.col.latest", Value: latest},
	)
	state := badge(lang.L("desk.state."+string(r.State)), stateImportance(r.State))
	return widget.NewCard("", "", container.NewBorder(container.NewHBox(kit.Heading(r.Subject), state), nil, nil, nil, grid))
}

// results is what the rules computed when the visit was saved.
func (s *reviewRecordScreen) results() fyne.CanvasObject {
	v := s.rec.Visit
	elig := lang.L("desk.review.eligible")
	if !v.Eligible {
		elig = lang.L("desk.review.not_eligible")
	}
	reasons := make([]string, len(v.Reasons))
	for i, m := range v.Reasons {
		reasons[i] = "• " + m.Text(kit.CurrentLanguage())
	}
	return kit.Section("desk.review.results", kit.Facts(
		kit.Field{Key: "desk.field.per_capita_fen", Value: kit.Money(v.PerCapitaFen)},
		kit.Field{Key: "desk.field.benefit_fen", Value: kit.Money(v.BenefitFen)},
		kit.Field{Key: "desk.field.eligible", Value: elig},
		kit.Field{Key: "desk.review.reasons", Value: strings.Join(reasons, "\n")},
	))
}

// spotComparison shows how the spot check's findings differ from the
// household's last approved data.
func (s *reviewRecordScreen) spotComparison() fyne.CanvasObject {
	r, err := draw.Compare(s.x.Ctx(), office(s.x), s.id)
	if err != nil {
		return kit.Section("desk.review.spot_comparison", widget.NewLabel(lang.L("desk.err.load")+": "+err.Error()))
	}
	box := container.NewVBox()
	if len(r.Discrepancies) == 0 {
		box.Add(widget.NewLabel(lang.L("desk.draw.matches")))
	}
	for _, d := range r.Discrepancies {
		l := widget.NewLabel("• " + lang.L(d.Key, d.Args))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		box.Add(l)
	}
	if r.Suggested != "" && r.Suggested != r.Outcome {
		box.Add(widget.NewLabel(lang.L("desk.draw.suggested", map[string]any{"Outcome": kit.Code("spot_outcome", r.Suggested)})))
	}
	return kit.Section("desk.review.spot_comparison", box)
}

// changes lists what changed since the last approved visit, each with a
// comment entry.
func (s *reviewRecordScreen) changes() fyne.CanvasObject {
	v := s.rec.Visit
	head := lang.L("desk.review.first_visit")
	if v.Baseline != nil {
		head = lang.L("desk.review.since", map[string]any{"Date": localTime(v.Baseline.Submitted)})
	}
	rows := container.NewVBox(widget.NewLabel(head))
	if len(v.Diff) == 0 {
		rows.Add(widget.NewLabel(lang.L("desk.review.no_changes")))
	}
	for _, c := range v.Diff {
		what := s.changeLabel(c)
		var value string
		switch c.Op {
		case review.Added:
			value = lang.L("desk.diff.added")
		case review.Removed:
			value = lang.L("desk.diff.removed")
		default:
			value = orDash(deskValue(c.Section, c.Field, c.Old, s.names)) + "  →  " + orDash(deskValue(c.Section, c.Field, c.New, s.names))
		}
		rows.Add(s.commentRow(c.Key(), what, value, widget.WarningImportance))
	}
	return kit.Section("desk.review.changes", rows)
}

// changeLabel names a change: section, row and field.
func (s *reviewRecordScreen) changeLabel(c review.Change) string {
	parts := []string{lang.L("desk.section." + c.Section)}
	if c.Who != "" {
		parts = append(parts, c.Who)
	}
	if c.What != "" {
		parts = append(parts, deskValue(c.Section, "kind", c.What, nil))
	}
	if c.Field != "" {
		parts = append(parts, kit.ColumnLabel(c.Section, c.Field))
	}
	return strings.Join(parts, " · ")
}

// fields lists the record's own stored fields, each with a comment entry.
func (s *reviewRecordScreen) fields() fyne.CanvasObject {
	rows := container.NewVBox()
	table := s.kind.Table()
	for _, f := range s.rec.Fields {
		if isHidden(f.Column) {
			continue
		}
		rows.Add(s.commentRow(f.Column, kit.ColumnLabel(table, f.Column), orDash(deskValue(table, f.Column, f.Value, s.names)),
			widget.MediumImportance))
	}
	return kit.Section("desk.review.fields", rows)
}

func isHidden(col string) bool {
	for _, h := range deskHiddenColumns {
		if h == col {
			return true
		}
	}
	return false
}

// commentRow is label, value and a comment entry for field key.
func (s *reviewRecordScreen) commentRow(key, label, value string, imp widget.Importance) fyne.CanvasObject {
	l := caption(label)
	v := widget.NewLabel(value)
	v.Wrapping = fyne.TextWrapWord
	v.Importance = imp
	e := widget.NewEntry()
	e.SetPlaceHolder(lang.L("desk.review.field_comment"))
	s.comments[key] = e
	return container.New(commentRowLayout{}, l, v, e)
}

// commentRowLayout puts a field's label, value and comment entry side by
// side in 25 / 45 / 30 % of the width, as tall as the tallest.
type commentRowLayout struct{}

var commentRowShares = [3]float32{0.25, 0.45, 0.30}

func (commentRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	x := float32(0)
	for i, o := range objs {
		w := (size.Width - 2*pad) * commentRowShares[i]
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, fyne.Max(o.MinSize().Height, size.Height)))
		x += w + pad
	}
}

func (commentRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = fyne.Max(h, o.MinSize().Height)
	}
	return fyne.NewSize(300, h)
}

// attachments shows the photos and signatures stored on this device.
func (s *reviewRecordScreen) attachments() fyne.CanvasObject {
	v := s.rec.Visit
	row := container.NewHBox()
	add := func(text, hash string) {
		img := s.thumbnail(hash)
		cap := widget.NewLabel(text)
		cap.Alignment = fyne.TextAlignCenter
		row.Add(container.NewBorder(nil, cap, nil, nil, img))
	}
	for _, h := range v.Photos {
		add(lang.L("desk.review.photo"), h)
	}
	if v.ApplicantSignature != "" {
		add(lang.L("desk.review.applicant_signature"), v.ApplicantSignature)
	}
	staff := make([]string, 0, len(v.StaffSignatures))
	for id := range v.StaffSignatures {
		staff = append(staff, id)
	}
	slices.SortFunc(staff, func(a, b string) int {
		return strings.Compare(staffName(s.names, a)+a, staffName(s.names, b)+b)
	})
	for _, id := range staff {
		add(lang.L("desk.review.staff_signature")+" · "+staffName(s.names, id), v.StaffSignatures[id])
	}
	if len(row.Objects) == 0 {
		return kit.Section("desk.review.attachments", widget.NewLabel(lang.L("desk.review.no_attachments")))
	}
	return kit.Section("desk.review.attachments", container.NewHScroll(row))
}

// thumbnail shows a blob's image, downloading it from the server when it
// is not on this device yet.
func (s *reviewRecordScreen) thumbnail(hash string) fyne.CanvasObject {
	return s.x.BlobImage(hash, fyne.NewSize(160, 120))
}

// history lists the versions of a visit and every review decision.
func (s *reviewRecordScreen) history() fyne.CanvasObject {
	box := container.NewVBox()
	if v := s.rec.Visit; v != nil && len(v.History) > 1 {
		for i, h := range v.History {
			text := lang.L("desk.review.version", map[string]any{"N": i + 1, "Date": localTime(h.Submitted),
				"State": lang.L("desk.state." + string(h.State))})
			if h.ID == s.id {
				box.Add(badge(text, widget.MediumImportance))
				continue
			}
			box.Add(widget.NewButton(text, func() {
				s.x.Push(h.Subject+" · "+lang.L("desk.kind."+string(h.Kind)), newReviewRecordScreen(s.x, h.Kind, h.ID))
			}))
		}
	}
	if len(s.rec.Events) == 0 {
		box.Add(widget.NewLabel(lang.L("desk.review.no_events")))
	}
	for _, e := range s.rec.Events {
		l := widget.NewLabel(s.eventText(e))
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	return kit.Section("desk.review.history", box)
}

// eventText renders a decision with its comments.
func (s *reviewRecordScreen) eventText(e review.Event) string {
	lines := []string{lang.L("desk.review.event", map[string]any{"Date": localTime(e.At),
		"Reviewer": e.Reviewer, "Action": lang.L("code.review." + string(e.Action))})}
	if e.Comment != "" {
		lines[0] += ": " + e.Comment
	}
	for _, k := range review.SortedFields(e.Fields) {
		lines = append(lines, "• "+s.keyLabel(k)+": "+e.Fields[k])
	}
	return strings.Join(lines, "\n")
}

// keyLabel names a field-comment key for people.
func (s *reviewRecordScreen) keyLabel(key string) string {
	parts := strings.Split(key, ".")
	switch {
	case len(parts) == 2 && parts[0] == "household":
		return lang.L("desk.section.households") + " · " + kit.ColumnLabel("households", parts[1])
	case len(parts) >= 2 && (parts[0] == review.SectionMembers || parts[0] == review.SectionIncomes || parts[0] == review.SectionAssets):
		out := lang.L("desk.section." + parts[0])
		if n := s.members[parts[1]]; n != "" {
			out += " · " + n
		}
		if len(parts) == 3 {
			out += " · " + kit.ColumnLabel(parts[0], parts[2])
		}
		return out
	case len(parts) == 1:
		return kit.ColumnLabel(s.kind.Table(), key)
	}
	return key
}

// fieldComments returns the non-empty field comments typed.
func (s *reviewRecordScreen) fieldComments() map[string]string {
	out := map[string]string{}
	for k, e := range s.comments {
		if t := strings.TrimSpace(e.Text); t != "" {
			out[k] = t
		}
	}
	return out
}

func (s *reviewRecordScreen) doApprove() {
	if len(s.fieldComments()) > 0 {
		s.showMsg(lang.L("desk.review.comments_need_return"))
		return
	}
	_, err := review.Approve(s.x.Ctx(), office(s.x), s.kind, s.id, s.general.Text)
	s.decided(err)
}

func (s *reviewRecordScreen) doReturn() {
	_, err := review.Return(s.x.Ctx(), office(s.x), s.kind, s.id, s.general.Text, s.fieldComments())
	s.decided(err)
}

// decided goes back to the queue after a decision, or says why not.
func (s *reviewRecordScreen) decided(err error) {
	var ie *desk.InputError
	switch {
	case errors.As(err, &ie):
		s.showMsg(lang.L("desk.err." + ie.Code))
	case err != nil:
		s.x.ShowError("desk.err.save", err)
	default:
		s.x.DataChanged()
		s.x.Back()
	}
}

func (s *reviewRecordScreen) showMsg(text string) {
	s.msg.SetText(text)
	s.msg.Show()
}

// orDash shows "—" for an empty value.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
