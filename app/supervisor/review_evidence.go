package supervisor

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk/review"
	"doorstep/app/kit"
	"doorstep/sync/evidence"
)

// evidence is the review's evidence section: verified or not and why (the
// server's verdict, through its reasons' message keys), and the timeline
// of the submit — opened, time per section, submitted, checked by the
// server after it synced.
func (s *reviewRecordScreen) evidence() fyne.CanvasObject {
	ev, err := review.LoadEvidence(s.x.Ctx(), office(s.x), s.kind, s.id)
	if err != nil {
		return kit.Section("desk.evidence.title", widget.NewLabel(lang.L("desk.err.load")+": "+err.Error()))
	}
	status := widget.NewLabelWithStyle(evidenceStatusText(ev), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	switch ev.Status {
	case evidence.Verified:
		status.Importance = widget.SuccessImportance
	case evidence.Flagged:
		status.Importance = widget.DangerImportance
	default:
		status.Importance = widget.WarningImportance
	}
	box := container.NewVBox(status)
	for _, r := range ev.Reasons {
		l := widget.NewLabel("• " + lang.L(r.Code.MessageKey(), r.Args()))
		l.Wrapping = fyne.TextWrapWord
		if r.Code.Severity() == evidence.Flag {
			l.Importance = widget.DangerImportance
		}
		box.Add(l)
	}
	sections := make([]string, len(ev.Sections))
	for i, sec := range ev.Sections {
		sections[i] = lang.L("desk.evidence.section_time", map[string]any{"Section": sectionName(sec.Name),
			"Minutes": fmt.Sprintf("%.1f", float64(sec.Seconds)/60)})
	}
	open := ""
	if !ev.Opened.IsZero() && !ev.Submitted.IsZero() {
		open = lang.L("desk.evidence.minutes", map[string]any{"Minutes": fmt.Sprintf("%.0f", ev.Submitted.Sub(ev.Opened).Minutes())})
	}
	box.Add(kit.Facts(
		kit.Field{Key: "desk.evidence.opened", Value: localTime(ev.Opened)},
		kit.Field{Key: "desk.evidence.sections", Value: strings.Join(sections, lang.L("desk.evidence.sep"))},
		kit.Field{Key: "desk.evidence.submitted", Value: localTime(ev.Submitted)},
		kit.Field{Key: "desk.evidence.open_for", Value: open},
		kit.Field{Key: "desk.evidence.synced", Value: localTime(ev.Checked)},
		kit.Field{Key: "desk.evidence.key", Value: ev.Fingerprint},
	))
	if ev.Short != "" { // desk.ShortVisits
		l := widget.NewLabel("• " + lang.L("desk.short."+ev.Short))
		l.Importance = widget.WarningImportance
		box.Add(l)
	}
	return kit.Section("desk.evidence.title", box)
}

// evidenceStatusText is the verdict in words; a record the server has not
// verified yet says so.
func evidenceStatusText(ev review.Evidence) string {
	if ev.Status == "" {
		return lang.L("desk.evidence.none")
	}
	return lang.L(ev.Status.MessageKey())
}

// sectionName is a form section's label: its translation when it has one.
// The field forms name a section by its title key ("spot.checklist").
func sectionName(name string) string {
	if t := lang.L("desk.section." + name); t != "desk.section."+name {
		return t
	}
	if t := lang.L(name); t != name {
		return t
	}
	return name
}
